/**
 * From segment scores to a clip score. A plain mean lets a long good clip hide a few seconds of black frames or
 * blocking that every viewer notices; people judge a clip by its worst stretches (the "peak-end"/recency effects
 * of the subjective-testing literature). So the clip score blends the duration-weighted mean with the mean of the
 * worst quarter of the clip's duration:
 *
 *   clip = (1 − w)·mean + w·worstMean(25 %),   w = 0.5
 *
 * It is never above the mean, equals it for a uniform clip, and falls toward the worst stretch as that stretch grows
 * more different from the rest. Per-segment scores are always kept beside it.
 */

export interface Scored {
  start: number
  end: number
  score: number
}

export const WORST_FRACTION = 0.25
export const WORST_WEIGHT = 0.5

/** Duration-weighted mean of the lowest-scoring `fraction` of the clip's duration (partial segments counted in part). */
export function worstMean(segments: readonly Scored[], fraction = WORST_FRACTION): number {
  const valid = segments.filter((s) => Number.isFinite(s.score) && s.end > s.start)
  if (valid.length === 0) return NaN
  const total = valid.reduce((a, s) => a + (s.end - s.start), 0)
  let budget = total * fraction
  let sum = 0
  let weight = 0
  for (const s of [...valid].sort((a, b) => a.score - b.score)) {
    if (budget <= 1e-9) break
    const take = Math.min(budget, s.end - s.start)
    sum += s.score * take
    weight += take
    budget -= take
  }
  return sum / weight
}

export function durationMean(segments: readonly Scored[]): number {
  const valid = segments.filter((s) => Number.isFinite(s.score) && s.end > s.start)
  const total = valid.reduce((a, s) => a + (s.end - s.start), 0)
  if (total === 0) return NaN
  return valid.reduce((a, s) => a + s.score * (s.end - s.start), 0) / total
}

export function poolClip(segments: readonly Scored[], weight = WORST_WEIGHT, fraction = WORST_FRACTION): number {
  const mean = durationMean(segments)
  if (!Number.isFinite(mean)) return NaN
  return (1 - weight) * mean + weight * worstMean(segments, fraction)
}

/**
 * The same pooling as linear weights over the segments (they sum to 1): clip = Σ wᵢ·scoreᵢ. Which segments form the
 * worst quarter depends on the scores, but for given scores the pooled value is linear in them — so a trainer can
 * compute the weights from the current scores and let gradients flow through the scores (#6).
 */
export function poolingWeights(segments: readonly Scored[], weight = WORST_WEIGHT, fraction = WORST_FRACTION): number[] {
  const dur = segments.map((s) => (Number.isFinite(s.score) && s.end > s.start ? s.end - s.start : 0))
  const total = dur.reduce((a, b) => a + b, 0)
  if (total === 0) return segments.map(() => 0)
  const w = dur.map((d) => ((1 - weight) * d) / total)
  let budget = total * fraction
  const order = segments.map((s, i) => ({ s: s.score, i })).filter((x) => dur[x.i]! > 0).sort((a, b) => a.s - b.s)
  const worstTotal = budget
  for (const { i } of order) {
    if (budget <= 1e-9) break
    const take = Math.min(budget, dur[i]!)
    w[i] = w[i]! + (weight * take) / worstTotal
    budget -= take
  }
  return w
}
