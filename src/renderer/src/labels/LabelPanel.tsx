import { useEffect, useRef, useState } from 'react'
import { formatDateTime, formatSpan } from '../format'
import { describeLabel } from './describe'
import { useDistortionNames } from './useDistortions'
import './labels.css'
import type { LabelEditor } from './useLabelEditor'

interface LabelPanelProps {
  editor: LabelEditor
  /** The model version on screen, stored with each label. */
  model: string | null
  /** A range selected on the timeline (drag), for distortion tags and range comments. */
  range: { start: number; end: number } | null
  onClearRange(): void
  onVerdict(verdict: 'accept' | 'reject'): void
  /** Grows when the T shortcut asks for the distortion picker. */
  focusTag: number
  /** Grows when the C shortcut asks for the comment box. */
  focusComment: number
  onSeek(t: number): void
  /** Undo, when the host needs to know which clip it touched (the review queue's badges); default: the editor's. */
  onUndo?(): void
}

export function LabelPanel({ editor, model, range, onClearRange, onVerdict, focusTag, focusComment, onSeek, onUndo }: LabelPanelProps) {
  const { distortions, name: label } = useDistortionNames()
  const [distortion, setDistortion] = useState('')
  const [comment, setComment] = useState('')
  const tagRef = useRef<HTMLSelectElement>(null)
  const commentRef = useRef<HTMLTextAreaElement>(null)
  const labels = editor.labels ?? []
  const verdict = labels.find((l) => l.kind === 'verdict')?.verdict ?? null
  const clipScore = labels.find((l) => l.kind === 'score' && l.start === null)?.score ?? null

  useEffect(() => {
    if (focusTag) tagRef.current?.focus()
  }, [focusTag])
  useEffect(() => {
    if (focusComment) commentRef.current?.focus()
  }, [focusComment])

  const tag = async (): Promise<void> => {
    if (!range || !distortion) return
    const saved = await editor.add({ kind: 'distortion', distortion, start: range.start, end: range.end, model }, `tag ${label(distortion)}`)
    if (saved) {
      setDistortion('')
      onClearRange()
    }
  }

  const addComment = async (): Promise<void> => {
    const text = comment.trim()
    if (!text) return
    const saved = await editor.add({ kind: 'comment', comment: text, start: range?.start ?? null, end: range?.end ?? null, model }, 'comment')
    if (saved) setComment('')
  }

  return (
    <section className="label-panel" aria-label="Labels">
      <div className="label-row">
        <h3>Verdict</h3>
        <div className="segmented" role="group" aria-label="Verdict">
          <button type="button" className={`button${verdict === 'accept' ? ' pressed ok' : ''}`} aria-pressed={verdict === 'accept'} onClick={() => onVerdict('accept')} aria-keyshortcuts="a">
            ✓ Accept
          </button>
          <button type="button" className={`button${verdict === 'reject' ? ' pressed err' : ''}`} aria-pressed={verdict === 'reject'} onClick={() => onVerdict('reject')} aria-keyshortcuts="r">
            ✗ Reject
          </button>
        </div>
      </div>
      <div className="label-row">
        <h3>Your score</h3>
        <div className="segmented" role="group" aria-label="Your score">
          {[1, 2, 3, 4, 5].map((n) => (
            <button
              key={n}
              type="button"
              className={`button score-key${clipScore !== null && Math.floor(clipScore) === n ? ' pressed' : ''}`}
              aria-pressed={clipScore !== null && Math.floor(clipScore) === n}
              aria-label={`Score ${n}`}
              aria-keyshortcuts={String(n)}
              onClick={() => void editor.add({ kind: 'score', score: n, model }, `score ${n}`)}
            >
              {n}
            </button>
          ))}
        </div>
        <output className="label-score" aria-label="Your score for this clip">
          {clipScore === null ? 'not set' : clipScore.toFixed(2)}
        </output>
      </div>
      <div className="label-block">
        <h3>Tag a distortion</h3>
        <p className="muted small">
          {range ? (
            <>
              On {formatSpan(range.start, range.end)}{' '}
              <button type="button" className="link-button" onClick={onClearRange}>
                clear
              </button>
            </>
          ) : (
            'Drag on the timeline to choose a time range (T uses the current segment).'
          )}
        </p>
        <div className="label-inline">
          <select ref={tagRef} className="select" aria-label="Distortion to tag" value={distortion} onChange={(e) => setDistortion(e.target.value)} onKeyDown={(e) => {
            if (e.key === 'Enter') {
              // Enter opens the list in some browsers; here it means "tag it".
              e.preventDefault()
              void tag()
            } else if (e.key === 'Escape') {
              // Back to the page, where the shortcuts work again.
              e.currentTarget.blur()
            }
          }}>
            <option value="">Choose a distortion…</option>
            {distortions.map((d) => (
              <option key={d.id} value={d.id} title={d.description}>
                {d.label}
              </option>
            ))}
          </select>
          <button type="button" className="button" disabled={!range || !distortion} onClick={() => void tag()}>
            Tag range
          </button>
        </div>
      </div>
      <div className="label-block">
        <h3>Comment</h3>
        <textarea
          ref={commentRef}
          className="text-input comment-input"
          aria-label="Comment"
          rows={2}
          maxLength={4000}
          placeholder={range ? `About ${formatSpan(range.start, range.end)}…` : 'About the whole clip…'}
          value={comment}
          onChange={(e) => setComment(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
              e.preventDefault()
              void addComment()
            } else if (e.key === 'Escape') {
              e.currentTarget.blur()
            }
          }}
        />
        <div className="label-inline">
          <button type="button" className="button" disabled={!comment.trim()} onClick={() => void addComment()}>
            Add comment
          </button>
          <span className="muted small">Ctrl/⌘ + Enter</span>
        </div>
      </div>
      <div className="label-block">
        <div className="label-list-head">
          <h3>Labels on this clip</h3>
          <button type="button" className="button subtle" disabled={!editor.canUndo} onClick={() => (onUndo ? onUndo() : void editor.undo())} aria-keyshortcuts="u Control+z">
            ↶ Undo
          </button>
        </div>
        {editor.labels === null ? (
          <p className="muted small">Loading…</p>
        ) : labels.length === 0 ? (
          <p className="muted small">No labels yet. Everything you set here is saved at once.</p>
        ) : (
          <ul className="label-list" aria-label="Labels on this clip">
            {labels.map((l) => (
              <li key={l.id} className={`label-item kind-${l.kind}`}>
                <button type="button" className="link-button label-text" onClick={() => l.start !== null && onSeek(l.start)} disabled={l.start === null}>
                  {describeLabel(l, label)}
                </button>
                <span className="muted small" title={l.model ? `Model on screen: ${l.model}` : undefined}>
                  {formatDateTime(l.updatedAt)}
                </span>
                <button type="button" className="icon-button" aria-label={`Delete label ${describeLabel(l, label)}`} onClick={() => void editor.remove(l)}>
                  ×
                </button>
              </li>
            ))}
          </ul>
        )}
      </div>
    </section>
  )
}
