/**
 * How well the rule-based quality target agrees with a full-reference measure (SSIM) over a generated set.
 * Used to calibrate the penalty table (TARGETS.md) — SSIM is a sanity check, not ground truth: it is blind to colour
 * casts and saturation (mostly luma), and punishes any temporal misalignment (freeze, stutter, shake) as if it were
 * spatial damage, so the comparison is made on the spatial distortions only.
 */
import { SPATIAL, type DistortionId } from './distortions'
import type { DatasetFile, SegmentRecord } from './generate'

/** Average ranks (ties share their mean rank), 1-based. */
export function ranks(xs: readonly number[]): number[] {
  const idx = xs.map((x, i) => ({ x, i })).sort((a, b) => a.x - b.x)
  const out = new Array<number>(xs.length).fill(0)
  for (let k = 0; k < idx.length; ) {
    let j = k
    while (j + 1 < idx.length && idx[j + 1]?.x === idx[k]?.x) j++
    const avg = (k + j) / 2 + 1
    for (let m = k; m <= j; m++) out[(idx[m] as { i: number }).i] = avg
    k = j + 1
  }
  return out
}

export function pearson(a: readonly number[], b: readonly number[]): number {
  const n = a.length
  if (n < 2) return Number.NaN
  const ma = a.reduce((s, x) => s + x, 0) / n
  const mb = b.reduce((s, x) => s + x, 0) / n
  let num = 0
  let da = 0
  let db = 0
  for (let i = 0; i < n; i++) {
    const x = (a[i] ?? 0) - ma
    const y = (b[i] ?? 0) - mb
    num += x * y
    da += x * x
    db += y * y
  }
  return da === 0 || db === 0 ? Number.NaN : num / Math.sqrt(da * db)
}

export function spearman(a: readonly number[], b: readonly number[]): number {
  return pearson(ranks(a), ranks(b))
}

/** The one distortion id active in a segment, 'clean' for none, null for a mix. */
function onlyDistortion(seg: SegmentRecord): DistortionId | 'clean' | null {
  const active = (Object.entries(seg.severities) as Array<[DistortionId, number]>).filter(([, v]) => v > 0)
  if (active.length === 0) return 'clean'
  return active.length === 1 ? (active[0] as [DistortionId, number])[0] : null
}

export interface Agreement {
  /** Segments with no distortion or one spatial distortion (the pairs are left out: SSIM of mixes is not comparable). */
  n: number
  spearmanSpatial: number
  perDistortion: Array<{ id: DistortionId | 'clean'; n: number; spearman: number; meanSsimAtLevel4: number | null }>
}

export function ssimAgreement(ds: Pick<DatasetFile, 'clips'>, ids: readonly DistortionId[] = SPATIAL): Agreement {
  const q: number[] = []
  const s: number[] = []
  const by = new Map<DistortionId | 'clean', { q: number[]; s: number[]; l4: number[] }>()
  for (const clip of ds.clips) {
    for (const seg of clip.segments) {
      const only = onlyDistortion(seg)
      if (only === null || (only !== 'clean' && !ids.includes(only))) continue
      if (!Number.isFinite(seg.ssim)) continue
      q.push(seg.quality)
      s.push(seg.ssim)
      const e = by.get(only) ?? { q: [], s: [], l4: [] }
      e.q.push(seg.quality)
      e.s.push(seg.ssim)
      if (only !== 'clean' && seg.severities[only] >= 0.999) e.l4.push(seg.ssim)
      by.set(only, e)
    }
  }
  return {
    n: q.length,
    spearmanSpatial: spearman(q, s),
    perDistortion: [...by.entries()].map(([id, e]) => ({
      id,
      n: e.q.length,
      spearman: spearman(e.q, e.s),
      meanSsimAtLevel4: e.l4.length ? e.l4.reduce((a, x) => a + x, 0) / e.l4.length : null
    }))
  }
}
