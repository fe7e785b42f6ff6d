/**
 * Severity calibration for flagging. The head's severities are trained with binary cross-entropy on the training
 * photos, where they are well calibrated; on photos it has not seen they shrink toward the middle, and a distortion
 * that is plainly there (level 2 or more: target 0.5+) often reads 0.2–0.3 — under the 0.3 at which the app flags
 * and explains it. One bias shift per distortion (added to its pre-sigmoid output, so the head stays one ordinary
 * graph) is fitted on held-back photos to maximise the F1 of flagging at that threshold — of segments, and (for the
 * built-in pack, whose segments are also measured in parts) of finding and placing them as the app does
 * (localisedF1): parts read noisier than whole segments, so a shift fitted on whole segments alone flags too much
 * once the app also reads the parts (1.4.0's blur shift, +0.95). The shift is capped and
 * penalised by its size because the held-back split is a few hundred segments: uncapped, it chased that split
 * (shifts up to +2.9 in the 2026-12-02 experiment, and precision on new pictures collapsed).
 * Pure functions: no TensorFlow, no files.
 */
import type { HeadWeights } from '../../core/model/head'
import { REPORT_THRESHOLD } from '../../core/engine/explain'
import { peakSeverity, severityStretches } from '../../shared/localise'

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
 * Pure: the grid point in [−cap, cap] (logits) with the best gain(shift) − penalty·|shift|. The search walks outward
 * from 0 and takes strictly better points only, so ties keep the smaller shift.
 */
export function searchShift(gain: (shift: number) => number, opts: ShiftOptions = DEFAULT_SHIFT): number {
  const steps = Math.round(opts.cap / opts.step)
  let best = 0
  let bestGain = -Infinity
  for (let k = 0; k <= steps; k++) {
    for (const sign of k === 0 ? [1] : [1, -1]) {
      const shift = sign * k * opts.step
      const g = gain(shift) - opts.penalty * Math.abs(shift)
      if (g > bestGain + 1e-12) {
        bestGain = g
        best = shift
      }
    }
  }
  return Number(best.toFixed(4))
}

const sigmoid = (z: number): number => 1 / (1 + Math.exp(-z))

/** One segment of the calibration split for one distortion: the predicted severity of the whole segment and of each
 *  of its parts (none for a segment measured without parts), and the targets of each. */
export interface CalibrationSegment {
  whole: number
  target: number
  parts: readonly number[]
  partTargets: readonly number[]
}

/**
 * Pure: how well one distortion is flagged in `segs` with its severities moved by `shift` logits, read as the app
 * reads them — the mean of two F1s:
 * - finding: a segment is flagged when its peak over the whole and its parts reaches the threshold (peakSeverity,
 *   as clip tags, findings and flag rules read it);
 * - placing: each part is flagged as the timeline and the findings place it (severityStretches), against the part's
 *   own target.
 * Either alone when the other has nothing to count (NaN when neither has). Counted per segment and per part: the
 * benchmark counts findings per clip and measures placing as IoU of incidents (stretches up to a second apart
 * joined), which this split of a few hundred segments has too few windows for.
 */
export function localisedF1(segs: readonly CalibrationSegment[], shift: number, opts: ShiftOptions = DEFAULT_SHIFT): number {
  const move = (p: number): number => sigmoid(logit(p) + shift)
  const peaks: number[] = []
  const targets: number[] = []
  const partFlags: number[] = []
  const partTargets: number[] = []
  for (const g of segs) {
    const parts = g.parts.map(move)
    // The segment as the app holds it (unmeasured values read as absent there, as here).
    const seg = { start: 0, end: parts.length || 1, severities: { d: move(g.whole) }, parts: parts.length ? parts.map((p, k) => ({ start: k, end: k + 1, severities: { d: p } })) : null }
    peaks.push(peakSeverity(seg, 'd'))
    targets.push(g.target)
    if (!parts.length) continue
    const stretches = severityStretches(seg, 'd', opts.threshold)
    // A segment whose parts cannot say where is flagged whole: every part counts as flagged.
    const flagged = stretches.length === 1 && stretches[0]!.part === null ? parts.map(() => stretches[0]!.flagged) : stretches.map((st) => st.flagged)
    flagged.forEach((f, k) => {
      partFlags.push(f ? 1 : 0)
      partTargets.push(g.partTargets[k] ?? 0)
    })
  }
  const finding = flagF1(peaks, flagTruth(targets, opts.positiveAt), opts.threshold)
  const placing = flagF1(partFlags, flagTruth(partTargets, opts.positiveAt), 0.5)
  const both = [finding, placing].filter(Number.isFinite)
  return both.length ? both.reduce((a, b) => a + b, 0) / both.length : NaN
}

/** Pure: the shift for one distortion with the best localisedF1 (for segments without parts, the F1 of flagging the
 *  segments); 0 when no segment or part is truly affected (nothing to learn from). */
export function fitLocalisedShift(segs: readonly CalibrationSegment[], opts: ShiftOptions = DEFAULT_SHIFT): number {
  const positive = segs.some((g) => g.target >= opts.positiveAt || g.partTargets.some((t) => t >= opts.positiveAt))
  if (!positive) return 0
  return searchShift((shift) => localisedF1(segs, shift, opts), opts)
}

/** Pure: the head with each distortion's severity bias moved by its shift (everything else shared, not copied). */
export function withSeverityShifts(w: HeadWeights, shifts: readonly number[]): HeadWeights {
  const last = w.layers[w.layers.length - 1]
  if (!last || last.name !== 'severities' || last.outSize !== shifts.length) throw new Error(`withSeverityShifts: expected ${last?.outSize ?? 0} shifts for the severities layer, got ${shifts.length}`)
  return { ...w, layers: [...w.layers.slice(0, -1), { ...last, bias: last.bias.map((b, i) => b + shifts[i]!) }] }
}
