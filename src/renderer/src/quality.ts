/** Quality levels in the renderer: the shared bands plus the colour tokens of styles.css (--q-bad … --q-excellent). */
import { qualityLevel, type QualityLevel } from '../../shared/quality'

export { LEVEL_BANDS, LEVEL_WORDS, qualityLevel, type QualityLevel } from '../../shared/quality'

export function qualityColorVar(score: number): string {
  return `var(--q-${qualityLevel(score)})`
}

export function levelColorVar(level: QualityLevel): string {
  return `var(--q-${level})`
}

/** "2.31 poor": how a score is read out everywhere (tables, timelines, screen readers). */
export function formatScore(score: number): string {
  return `${score.toFixed(2)} ${qualityLevel(score)}`
}
