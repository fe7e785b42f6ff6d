/**
 * The five quality levels of the 1–5 scale (Q-Align's words) and the score bands they cover. Shared so the core's
 * explanations and exports and the renderer's colours and filters never disagree about what "fair" means: a score
 * reads as the nearest level (2.49 is poor, 2.5 is fair).
 */
export const LEVEL_WORDS = ['bad', 'poor', 'fair', 'good', 'excellent'] as const
export type QualityLevel = (typeof LEVEL_WORDS)[number]

/** Scores in [min, max) belong to the level; the top band includes 5. */
export const LEVEL_BANDS: Readonly<Record<QualityLevel, { min: number; max: number }>> = {
  bad: { min: 1, max: 1.5 },
  poor: { min: 1.5, max: 2.5 },
  fair: { min: 2.5, max: 3.5 },
  good: { min: 3.5, max: 4.5 },
  excellent: { min: 4.5, max: 5.000001 }
}

export function qualityLevel(score: number): QualityLevel {
  if (!Number.isFinite(score)) return 'bad'
  return LEVEL_WORDS[Math.min(4, Math.max(0, Math.round(score) - 1))]!
}
