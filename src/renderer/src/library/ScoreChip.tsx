import { formatScore, qualityColorVar, qualityLevel } from '../quality'

/** A score as a colour band with its level word; the word is there so colour is never the only cue. */
export function ScoreChip({ score, error, size = 'normal' }: { score: number | null; error?: string | null; size?: 'normal' | 'large' }) {
  if (error) {
    return (
      <span className="score-chip score-failed" title={`Scoring failed: ${error}`}>
        Failed
      </span>
    )
  }
  if (score === null) return <span className="score-chip score-none">Not scored</span>
  return (
    <span className={`score-chip score-${qualityLevel(score)}${size === 'large' ? ' large' : ''}`} aria-label={`Score ${formatScore(score)}`}>
      <span className="score-swatch" style={{ background: qualityColorVar(score) }} aria-hidden="true" />
      <span className="score-value">{score.toFixed(2)}</span>
      <span className="score-word">{qualityLevel(score)}</span>
    </span>
  )
}
