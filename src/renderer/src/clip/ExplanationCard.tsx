import { memo } from 'react'
import type { ClipScore } from '../../../shared/contract'
import { EVIDENCE_KEYS } from '../../../shared/evidence'
import { distortionIds, distortionRanges, peakSeverity, withinSegment } from '../../../shared/localise'
import { formatScore, qualityColorVar } from '../quality'
import { parseSummary } from './summary'
import { formatRange } from './timeline/timelineMath'

type Segment = ClipScore['segments'][number]

interface ExplanationCardProps {
  score: ClipScore
  segment: Segment | null
  distortionLabel(id: string): string
  onJumpWorst(): void
}

const fmtEvidence = (v: number): string =>
  Math.abs(v) >= 100 ? v.toFixed(0) : Math.abs(v) >= 10 ? v.toFixed(1) : Math.abs(v) >= 0.1 || v === 0 ? v.toFixed(2) : v.toFixed(3)

function evidenceOf(id: string, evidence: Readonly<Record<string, number>>): string {
  return (EVIDENCE_KEYS[id] ?? [])
    .filter((k) => k in evidence)
    .map((k) => `${k.replace(/_/g, ' ')} ${fmtEvidence(evidence[k]!)}`)
    .join(' · ')
}

/** The segment under the playhead, explained; then the clip's reasoning and answer. */
export const ExplanationCard = memo(function ExplanationCard({ score, segment, distortionLabel, onJumpWorst }: ExplanationCardProps) {
  const summary = parseSummary(score.summary)
  // Over the segment and its parts (shared/localise.ts): a short event found in a part is listed with where it is.
  const found = segment
    ? distortionIds([segment])
        .map((id) => [id, peakSeverity(segment, id)] as const)
        .filter(([, v]) => v >= 0.3)
        .sort((a, b) => b[1] - a[1])
    : []
  const where = (id: string): string | null => {
    if (!segment) return null
    const ranges = withinSegment(segment, distortionRanges(segment, id, 0.3))
    return ranges ? ranges.map(([a, b]) => formatRange({ start: a, end: b })).join(', ') : null
  }
  const evidence = segment ? Object.entries(segment.evidence) : []
  return (
    <div className="explain">
      <section className="explain-section" aria-label="Current segment">
        <div className="explain-heading">
          <h2 className="meta-heading">This segment</h2>
          <button type="button" className="button small" onClick={onJumpWorst}>
            Jump to worst segment
          </button>
        </div>
        {segment ? (
          <>
            <div className="explain-score">
              <span className="explain-swatch" style={{ background: qualityColorVar(segment.score) }} />
              <strong>{formatScore(segment.score)}</strong>
              <span className="muted">{formatRange(segment)}</span>
            </div>
            <p className="explain-sentence">{segment.explanation || 'No distortion stood out in this segment.'}</p>
            {found.length > 0 && (
              <ul className="explain-distortions" aria-label="Distortion severities in this segment">
                {found.map(([id, v]) => {
                  const at = where(id)
                  // The segment's measurements dilute a distortion that sits in a part; the sentence quotes the part's.
                  const quoted = at ? `at ${at}` : evidenceOf(id, segment!.evidence)
                  return (
                    <li key={id}>
                      <span>{distortionLabel(id)}</span>
                      <span className="explain-bar" aria-hidden="true">
                        <span style={{ width: `${Math.round(v * 100)}%` }} />
                      </span>
                      <span className="explain-num">{Math.round(v * 100)} %</span>
                      {quoted && <span className="explain-quoted">{quoted}</span>}
                    </li>
                  )
                })}
              </ul>
            )}
            {evidence.length > 0 && (
              <details className="explain-evidence">
                <summary>Measured evidence ({evidence.length})</summary>
                <dl>
                  {evidence.map(([name, v]) => (
                    <div key={name}>
                      <dt>{name.replace(/_/g, ' ')}</dt>
                      <dd>{fmtEvidence(v)}</dd>
                    </div>
                  ))}
                </dl>
              </details>
            )}
          </>
        ) : (
          <p className="muted">Play or click the timeline to see a segment’s explanation.</p>
        )}
      </section>
      <section className="explain-section" aria-label="Clip summary">
        <h2 className="meta-heading">Whole clip</h2>
        <div className="explain-score">
          <span className="explain-swatch" style={{ background: qualityColorVar(score.score) }} />
          <strong>{formatScore(summary.answerScore ?? score.score)}</strong>
          <span className="muted">
            {score.model} · {score.mode}
          </span>
        </div>
        {summary.answer !== null && summary.answerScore === null && <p className="explain-answer">{summary.answer}</p>}
        {summary.reasoning && (
          <blockquote className="explain-reasoning">
            <span className="explain-reasoning-label">Reasoning</span>
            {summary.reasoning}
          </blockquote>
        )}
        {score.flags.length > 0 && (
          <ul className="explain-flags" aria-label="Flags">
            {score.flags.map((f, i) => (
              <li key={i}>{f.message}</li>
            ))}
          </ul>
        )}
      </section>
    </div>
  )
})
