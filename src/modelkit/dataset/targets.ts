/**
 * Rule-based training targets (see TARGETS.md): per-segment severities in [0, 1] for every distortion id, and a
 * quality score on the 1–5 scale derived from them. Synthetic and rule-based — not human opinion scores.
 */
import { DISTORTION_IDS, type AppliedDistortion, type DistortionId } from './distortions'

/**
 * Quality lost (on the 1–5 scale) when a distortion is at level 4 over a whole segment. Reasons in TARGETS.md.
 * Recalibrated once against SSIM (TARGETS.md, "Agreement with SSIM").
 */
export const MAX_PENALTY: Record<DistortionId, number> = {
  blur: 3.2,
  noise: 3.0,
  blocking: 3.4,
  banding: 2.4,
  underexposure: 2.8,
  overexposure: 3.0,
  low_contrast: 2.4,
  color_cast: 2.2,
  saturation: 2.0,
  interlacing: 2.8,
  freeze: 2.6,
  stutter: 2.4,
  flicker: 2.6,
  shake: 2.6,
  black: 3.8
}

/**
 * Penalty grows a little faster than linearly in severity (level 1 is meant to be barely visible, so it should cost
 * little): p = P_max · s^GAMMA. With GAMMA = 1.3: level 1 → 16.5 % of P_max, 2 → 40.6 %, 3 → 68.8 %, 4 → 100 %.
 */
export const GAMMA = 1.3

export type Severities = Record<DistortionId, number>

export function zeroSeverities(): Severities {
  const out = {} as Severities
  for (const id of DISTORTION_IDS) out[id] = 0
  return out
}

/** Fraction of [segStart, segEnd) covered by [start, end). */
export function overlapFraction(start: number, end: number, segStart: number, segEnd: number): number {
  const len = segEnd - segStart
  if (len <= 0) return 0
  return Math.max(0, Math.min(end, segEnd) - Math.max(start, segStart)) / len
}

/**
 * Severity of each distortion in one segment: level/4 weighted by the fraction of the segment its window covers.
 * The same id applied twice (not generated, but allowed) takes the larger value, because overlapping copies of a
 * distortion do not add up perceptually the way different distortions do.
 */
export function segmentSeverities(ds: readonly AppliedDistortion[], segStart: number, segEnd: number): Severities {
  const sev = zeroSeverities()
  for (const d of ds) {
    const s = (d.level / 4) * overlapFraction(d.start, d.end, segStart, segEnd)
    sev[d.id] = Math.max(sev[d.id], Math.min(1, s))
  }
  return sev
}

/** Frames [from, to) that lie in the inclusive runs [a0, b0, a1, b1, …]. */
function framesInRuns(runs: readonly number[], from: number, to: number): number {
  let n = 0
  for (let i = 0; i + 1 < runs.length; i += 2) n += Math.max(0, Math.min(to, runs[i + 1]! + 1) - Math.max(from, runs[i]!))
  return n
}

/**
 * Severity of each distortion in a part of a segment (a stretch of it that the pack also measures on its own, for
 * localisation): the segment's rule, level/4 × coverage, for the distortions that act on every frame of their
 * window. The frame-run distortions (freeze, stutter, black) act only on the runs they recorded, and a part is short
 * enough to hold none of them: there the level counts in proportion to the part's share of run frames against the
 * window's, capped at 1 — a part frozen throughout is as frozen as the window's level says, a part without a frozen
 * frame is clean. (Over a whole segment the two readings agree on average; per part the coverage rule would label
 * clean-looking stretches as distorted.)
 */
export function partSeverities(ds: readonly AppliedDistortion[], start: number, end: number, fps: number): Severities {
  const sev = zeroSeverities()
  for (const d of ds) {
    const runs = d.params['runs']
    let s: number
    if (Array.isArray(runs) && runs.every((v) => typeof v === 'number')) {
      const rs = runs as number[]
      const wFrom = Math.ceil(d.start * fps - 1e-9)
      const wTo = Math.ceil(d.end * fps - 1e-9)
      const pFrom = Math.ceil(start * fps - 1e-9)
      const pTo = Math.ceil(end * fps - 1e-9)
      const windowShare = framesInRuns(rs, wFrom, wTo) / Math.max(1, wTo - wFrom)
      const partShare = framesInRuns(rs, pFrom, pTo) / Math.max(1, pTo - pFrom)
      s = windowShare > 0 ? (d.level / 4) * Math.min(1, partShare / windowShare) : 0
    } else s = (d.level / 4) * overlapFraction(d.start, d.end, start, end)
    sev[d.id] = Math.max(sev[d.id], Math.min(1, s))
  }
  return sev
}

export function penalty(id: DistortionId, severity: number): number {
  const s = Math.min(1, Math.max(0, severity))
  return MAX_PENALTY[id] * s ** GAMMA
}

/**
 * q = 1 + 4 · Π (1 − p_i / 4), clamped to [1, 5]. Each distortion removes a fraction of the remaining headroom above
 * 1: one distortion alone costs exactly its penalty (q = 5 − p), two cost more than either alone but less than the
 * plain sum, and q never drops below 1 whatever is combined.
 */
export function qualityFromPenalties(penalties: readonly number[]): number {
  let keep = 1
  for (const p of penalties) keep *= 1 - Math.min(4, Math.max(0, p)) / 4
  return Math.min(5, Math.max(1, 1 + 4 * keep))
}

export function qualityFromSeverities(sev: Severities): number {
  return qualityFromPenalties(DISTORTION_IDS.map((id) => penalty(id, sev[id])))
}

export interface SegmentTimes {
  start: number
  end: number
}

/** Segments of `segmentSeconds` covering [0, seconds); the last one is shorter when the length does not divide. */
export function segmentTimes(seconds: number, segmentSeconds = 2): SegmentTimes[] {
  const out: SegmentTimes[] = []
  for (let s = 0; s < seconds - 1e-9; s += segmentSeconds) out.push({ start: s, end: Math.min(seconds, s + segmentSeconds) })
  return out
}
