/**
 * Severity calibration for flagging. The head's severities are trained with binary cross-entropy on the training
 * photos, where they are well calibrated; on photos it has not seen they shrink toward the middle, and a distortion
 * that is plainly there (level 2 or more: target 0.5+) often reads 0.2–0.3 — under the 0.3 at which the app flags
 * and explains it. One bias shift per distortion (added to its pre-sigmoid output, so the head stays one ordinary
 * graph) is fitted on held-back photos to maximise the F1 of flagging at that threshold. The shift is capped and
 * penalised by its size because the held-back split is a few hundred segments: uncapped, it chased that split
 * (shifts up to +2.9 in the 2026-12-02 experiment, and precision on new pictures collapsed).
 * Pure functions: no TensorFlow, no files.
 */
import type { HeadWeights } from '../../core/model/head'
import { REPORT_THRESHOLD } from '../../core/engine/explain'

export interface ShiftOptions {
  /** Severity at which a segment is flagged (the app's REPORT_THRESHOLD). */
  threshold: number
  /** Target severity from which a segment counts as truly affected; targets in (0, positiveAt) are left out. */
  positiveAt: number
  /** Largest shift allowed, in logits, either way. */
  cap: number
  /** Grid step of the search, in logits. */
  step: number
  /** F1 given up per logit of shift: among near-equal shifts the smaller one wins. */
  penalty: number
}

export const DEFAULT_SHIFT: ShiftOptions = { threshold: REPORT_THRESHOLD, positiveAt: 0.375, cap: 1, step: 0.05, penalty: 0.02 }

const logit = (p: number): number => {
  const q = Math.min(1 - 1e-6, Math.max(1e-6, p))
  return Math.log(q / (1 - q))
}

/** Pure: per segment, truly affected (true), clean (false) or weakly affected and left out (null). */
export function flagTruth(target: readonly number[], positiveAt: number): Array<boolean | null> {
  return target.map((t) => (t >= positiveAt ? true : t > 0 ? null : false))
}

/** Pure: F1 of flagging `pred ≥ threshold` against `truth`, over the rows that are not left out (truth null). */
export function flagF1(pred: readonly number[], truth: ReadonlyArray<boolean | null>, threshold: number): number {
  let tp = 0
  let fp = 0
  let fn = 0
  pred.forEach((p, i) => {
    const t = truth[i]
    if (t === null || t === undefined) return
    const flagged = p >= threshold
    if (flagged && t) tp++
    else if (flagged) fp++
    else if (t) fn++
  })
  return tp + fp + fn ? (2 * tp) / (2 * tp + fp + fn) : NaN
}

/**
 * Pure: the shift (logits) for one distortion — the grid point in [−cap, cap] with the best F1 − penalty·|shift|, the
 * smaller one on ties; 0 when the split has no truly affected segment (nothing to learn from).
 */
export function fitShift(pred: readonly number[], target: readonly number[], opts: ShiftOptions = DEFAULT_SHIFT): number {
  const truth = flagTruth(target, opts.positiveAt)
  if (!truth.some((t) => t === true)) return 0
  const z = pred.map(logit)
  const steps = Math.round(opts.cap / opts.step)
  let best = 0
  let bestGain = -Infinity
  for (let k = 0; k <= steps; k++) {
    for (const sign of k === 0 ? [1] : [1, -1]) {
      const shift = sign * k * opts.step
      const shifted = z.map((v) => 1 / (1 + Math.exp(-(v + shift))))
      const gain = flagF1(shifted, truth, opts.threshold) - opts.penalty * Math.abs(shift)
      // Strictly better only: the search walks outward from 0, so ties keep the smaller shift.
      if (gain > bestGain + 1e-12) {
        bestGain = gain
        best = shift
      }
    }
  }
  return Number(best.toFixed(4))
}

/** Pure: one shift per distortion (columns of `pred` and `target`, rows are segments). */
export function fitShifts(pred: ReadonlyArray<readonly number[]>, target: ReadonlyArray<readonly number[]>, opts: ShiftOptions = DEFAULT_SHIFT): number[] {
  const d = pred[0]?.length ?? 0
  return Array.from({ length: d }, (_, k) =>
    fitShift(
      pred.map((r) => r[k]!),
      target.map((r) => r[k]!),
      opts
    )
  )
}

/** Pure: the head with each distortion's severity bias moved by its shift (everything else shared, not copied). */
export function withSeverityShifts(w: HeadWeights, shifts: readonly number[]): HeadWeights {
  const last = w.layers[w.layers.length - 1]
  if (!last || last.name !== 'severities' || last.outSize !== shifts.length) throw new Error(`withSeverityShifts: expected ${last?.outSize ?? 0} shifts for the severities layer, got ${shifts.length}`)
  return { ...w, layers: [...w.layers.slice(0, -1), { ...last, bias: last.bias.map((b, i) => b + shifts[i]!) }] }
}
