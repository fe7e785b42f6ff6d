import { useCallback, useEffect, useMemo, useRef, useState } from 'react'
import type { ClipDetail, ClipScore, QueueItem } from '../../../shared/contract'
import { useApi } from '../api'
import { errorMessage } from '../app/errors'
import { useNotify } from '../app/Notices'
import { ClipInspector, type InspectorHandle } from '../clip/ClipInspector'
import { LabelPanel } from '../labels/LabelPanel'
import { useLabelEditor, type UndoEntry } from '../labels/useLabelEditor'
import { ScoreChip } from '../library/ScoreChip'
import { reviewAction, SHORTCUTS, type ReviewAction } from './keys'
import './review.css'

interface ReviewViewProps {
  clipId: number | null
  version: number
}

type Include = 'unreviewed' | 'all'

/**
 * The review queue: flagged clips, unreviewed first and worst first, worked through from the keyboard. The queue is
 * a snapshot taken when the page opens (or on Refresh): reviewing a clip does not pull it out from under the cursor.
 */
export function ReviewView({ clipId, version }: ReviewViewProps) {
  const api = useApi()
  const notify = useNotify()
  const [include, setInclude] = useState<Include>('all')
  const [queue, setQueue] = useState<QueueItem[] | null>(null)
  const [current, setCurrent] = useState<number | null>(clipId)
  const [clip, setClip] = useState<ClipDetail | null>(null)
  const [scores, setScores] = useState<ClipScore[]>([])
  const [help, setHelp] = useState(false)
  const [range, setRange] = useState<{ start: number; end: number } | null>(null)
  const [tagging, setTagging] = useState(0)
  const [commenting, setCommenting] = useState(0)
  const inspector = useRef<InspectorHandle>(null)
  const undoStack = useRef<UndoEntry[]>([])
  const editor = useLabelEditor(current, undoStack, version)

  const loadQueue = useCallback(
    (inc: Include): void => {
      api.invoke('review.queue', { include: inc }).then(
        (q) => {
          setQueue(q)
          setCurrent((c) => (c !== null && q.some((i) => i.id === c) ? c : (q[0]?.id ?? c)))
        },
        (err: unknown) => notify(`Could not load the review queue: ${errorMessage(err)}`, 'error')
      )
    },
    [api, notify]
  )
  useEffect(() => loadQueue(include), [include, loadQueue])

  // Scored clips turn up while a job runs: the queue grows at its end without moving the cursor.
  useEffect(() => {
    if (version === 0) return
    api.invoke('review.queue', { include }).then(
      (q) => setQueue((old) => (old ? [...old, ...q.filter((i) => !old.some((o) => o.id === i.id))] : q)),
      () => undefined
    )
  }, [api, include, version])

  // The clip on screen, and the URL that reopens it.
  useEffect(() => {
    if (current === null) return
    history.replaceState(null, '', `#/review/${current}`)
    let stale = false
    setClip(null)
    setRange(null)
    Promise.all([api.invoke('clips.get', { id: current }), api.invoke('clips.scores', { id: current })]).then(
      ([c, s]) => {
        if (stale) return
        setClip(c)
        setScores(s)
      },
      (err: unknown) => {
        if (!stale) notify(`Could not open the clip: ${errorMessage(err)}`, 'error')
      }
    )
    return () => {
      stale = true
    }
  }, [api, current, notify])

  // Keep the queue's badges in step with the labels of the clip on screen (edits, undo, other windows). The labels
  // loaded belong to `editor.clipId`, which may lag `current` for a moment after moving on.
  useEffect(() => {
    const id = editor.clipId
    if (!editor.labels || id === null) return
    const verdict = editor.labels.find((l) => l.kind === 'verdict')?.verdict ?? null
    const score = editor.labels.find((l) => l.kind === 'score' && l.start === null)?.score ?? null
    markQueue(id, verdict, score)
  }, [editor.labels, editor.clipId])

  const markQueue = (id: number, verdict: 'accept' | 'reject' | null, score: number | null): void => {
    const review = verdict === 'accept' ? 'accepted' : verdict === 'reject' ? 'rejected' : null
    setQueue((q) => q?.map((i) => (i.id === id && (i.review !== review || i.labelScore !== score) ? { ...i, review, labelScore: score } : i)) ?? q)
  }

  const index = queue && current !== null ? queue.findIndex((i) => i.id === current) : -1
  const model = scores[0]?.model ?? null
  const step = useCallback(
    (delta: number): void => {
      if (!queue?.length) return
      const next = Math.max(0, Math.min(queue.length - 1, (index < 0 ? -1 : index) + delta))
      const item = queue[next]
      if (item && item.id !== current) setCurrent(item.id)
      else if (delta > 0 && next === queue.length - 1) notify('That was the last clip in the queue.')
    },
    [queue, index, current, notify]
  )

  // A verdict moves on once it is saved. Keys pressed meanwhile (R then 3 at typing speed) are held and replayed on
  // the clip moved to — the one the reviewer is looking at by then — instead of landing on the clip being left.
  const verdictInFlight = useRef(false)
  const heldKeys = useRef<ReviewAction[]>([])
  const [settled, setSettled] = useState(0)
  const setVerdict = useCallback(
    async (verdict: 'accept' | 'reject'): Promise<void> => {
      verdictInFlight.current = true
      try {
        const saved = await editor.add({ kind: 'verdict', verdict, model }, verdict === 'accept' ? 'accept' : 'reject')
        if (saved) {
          // Moving on at once: mark the clip left behind now, not when its labels are next read.
          const score = editor.labels?.find((l) => l.kind === 'score' && l.start === null)?.score ?? null
          markQueue(saved.clipId, verdict, score)
          step(1)
        }
      } finally {
        verdictInFlight.current = false
        // Rendered together with the move, so the held keys replay against the new clip (see the effect below).
        setSettled((n) => n + 1)
      }
    },
    [editor, model, step]
  )

  // An undo may reach back to a clip left behind: its queue badge is re-read from the catalog.
  const undo = useCallback(async (): Promise<void> => {
    const id = await editor.undo()
    if (id === null || id === editor.clipId) return
    try {
      const c = await api.invoke('clips.get', { id })
      markQueue(id, c.review === 'accepted' ? 'accept' : c.review === 'rejected' ? 'reject' : null, c.labelScore)
    } catch {
      // The clip is gone; its row will go with the next refresh.
    }
  }, [api, editor])

  const segmentAtPlayhead = (): { start: number; end: number } | null => {
    const t = inspector.current?.currentTime() ?? 0
    const seg = scores[0]?.segments.find((s) => t >= s.start && t < s.end) ?? scores[0]?.segments[0]
    return seg ? { start: seg.start, end: seg.end } : null
  }

  useEffect(() => {
    const onKey = (e: KeyboardEvent): void => {
      // The shortcut overlay and dialogs own the keyboard while they are open (the overlay closes itself on ? / Esc).
      if (e.defaultPrevented || help || document.querySelector('dialog[open]')) return
      const target = e.target as HTMLElement | null
      // Typing in a field (a comment, a select) is not a shortcut.
      if (target && (target.closest('input, textarea, select, [contenteditable="true"]') || (e.key === ' ' && target.closest('button, video')))) return
      const action = reviewAction(e)
      if (!action) return
      e.preventDefault()
      if (verdictInFlight.current && action.type !== 'help') heldKeys.current.push(action)
      else perform(action)
    }
    window.addEventListener('keydown', onKey)
    return () => window.removeEventListener('keydown', onKey)
  })

  // After the render that follows a verdict (the clip moved to is `current` and the editor is bound to it).
  useEffect(() => {
    while (heldKeys.current.length && !verdictInFlight.current) perform(heldKeys.current.shift()!)
  }, [settled])

  function perform(action: ReviewAction): void {
    switch (action.type) {
      case 'next':
        return step(1)
      case 'previous':
        return step(-1)
      case 'playWorst': {
        const worst = inspector.current?.worstSegment()
        if (worst) inspector.current?.playRange(worst.start, worst.end)
        return
      }
      case 'togglePlay':
        return inspector.current?.togglePlay()
      case 'verdict':
        return void setVerdict(action.verdict)
      case 'score':
        return void editor.add({ kind: 'score', score: action.score, model }, `score ${action.score}`)
      case 'comment':
        return setCommenting((n) => n + 1)
      case 'tag':
        if (!range) setRange(segmentAtPlayhead())
        return setTagging((n) => n + 1)
      case 'undo':
        return void undo()
      case 'help':
        return setHelp((h) => !h)
    }
  }

  const item = queue?.[index] ?? null
  const reviewed = useMemo(() => queue?.filter((i) => i.review !== null).length ?? 0, [queue])

  return (
    <div className="review">
      <aside className="review-queue" aria-label="Review queue">
        <div className="review-queue-head">
          <h1>Review</h1>
          <select className="select" aria-label="Which clips" value={include} onChange={(e) => setInclude(e.target.value === 'unreviewed' ? 'unreviewed' : 'all')}>
            <option value="all">All flagged clips</option>
            <option value="unreviewed">Unreviewed only</option>
          </select>
          {queue && (
            <p className="muted review-progress" role="status">
              {reviewed} of {queue.length} reviewed
            </p>
          )}
        </div>
        {queue === null ? (
          <p className="muted review-empty">Loading…</p>
        ) : queue.length === 0 ? (
          <div className="review-empty">
            <h2>Nothing to review</h2>
            <p className="muted">
              {include === 'unreviewed'
                ? 'Every flagged clip has a verdict. Show all flagged clips to revisit them.'
                : 'No clip is flagged. Score a folder from the Library; clips that break the flag rules (Settings) come here.'}
            </p>
            <a className="button" href="#/">
              Go to the library
            </a>
          </div>
        ) : (
          <ol className="review-list">
            {queue.map((q, i) => (
              <li key={q.id}>
                <button
                  type="button"
                  className={`review-item${q.id === current ? ' current' : ''}`}
                  aria-current={q.id === current ? 'true' : undefined}
                  onClick={() => setCurrent(q.id)}
                >
                  <span className="review-item-index">{i + 1}</span>
                  <span className="review-item-name" title={q.relDir ? `${q.relDir}/${q.name}` : q.name}>
                    {q.name}
                  </span>
                  <ScoreChip score={q.score} />
                  <span className={`review-item-state ${q.review ?? 'open'}`} aria-label={q.review ?? 'not reviewed'}>
                    {q.review === 'accepted' ? '✓' : q.review === 'rejected' ? '✗' : '•'}
                  </span>
                </button>
              </li>
            ))}
          </ol>
        )}
      </aside>
      <main className="review-main">
        {item && clip ? (
          <>
            <header className="review-header">
              <div className="review-title">
                <h2 title={clip.path}>{clip.name}</h2>
                <span className="muted">
                  Clip {index + 1} of {queue?.length ?? 0}
                  {model ? ` · scored by ${model}` : ''}
                </span>
              </div>
              <div className="review-nav">
                <button type="button" className="button" onClick={() => step(-1)} disabled={index <= 0} aria-keyshortcuts="k ArrowUp">
                  ‹ Previous
                </button>
                <button type="button" className="button" onClick={() => step(1)} disabled={!queue || index >= queue.length - 1} aria-keyshortcuts="j ArrowDown">
                  Next ›
                </button>
                <button type="button" className="button subtle" onClick={() => setHelp(true)} aria-keyshortcuts="?">
                  Shortcuts
                </button>
              </div>
            </header>
            <ul className="review-flags" aria-label="Why it is flagged">
              {item.flags.map((f, i) => (
                <li key={i}>
                  <button type="button" className="flag-reason" onClick={() => inspector.current?.playRange(f.start, f.end)} title={`Play ${formatRangeTitle(f.start, f.end)}`}>
                    <span className="badge badge-flag" aria-hidden="true">
                      ⚑
                    </span>
                    {f.message}
                  </button>
                </li>
              ))}
            </ul>
            <div className="review-body">
              <ClipInspector ref={inspector} clip={clip} version={version} labels={editor.labels ?? []} onSelectRange={(start, end) => setRange({ start, end })} selectedRange={range} autoFocusWorst />
              <LabelPanel
                editor={editor}
                model={model}
                range={range}
                onClearRange={() => setRange(null)}
                onVerdict={(v) => void setVerdict(v)}
                focusTag={tagging}
                focusComment={commenting}
                onSeek={(t) => inspector.current?.seek(t)}
                onUndo={() => void undo()}
              />
            </div>
          </>
        ) : queue && queue.length > 0 ? (
          <p className="muted review-empty">Loading clip…</p>
        ) : null}
      </main>
      {help && <ShortcutHelp onClose={() => setHelp(false)} />}
    </div>
  )
}

const formatRangeTitle = (start: number, end: number): string => `${start.toFixed(1)}–${end.toFixed(1)} s`

function ShortcutHelp({ onClose }: { onClose(): void }) {
  useEffect(() => {
    const onKey = (e: KeyboardEvent): void => {
      if (e.key === 'Escape' || e.key === '?') {
        e.preventDefault()
        onClose()
      }
    }
    window.addEventListener('keydown', onKey)
    return () => window.removeEventListener('keydown', onKey)
  }, [onClose])
  return (
    <div className="help-overlay" role="dialog" aria-label="Keyboard shortcuts" aria-modal="true">
      <div className="help-card">
        <header className="help-head">
          <h2>Keyboard shortcuts</h2>
          <button type="button" className="icon-button" aria-label="Close shortcuts" onClick={onClose} autoFocus>
            ×
          </button>
        </header>
        <table className="help-table">
          <tbody>
            {SHORTCUTS.map((s) => (
              <tr key={s.keys}>
                <th scope="row">
                  <kbd>{s.keys}</kbd>
                </th>
                <td>{s.does}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <p className="muted">Every label is saved at once, with the time and the model version on screen.</p>
      </div>
    </div>
  )
}
