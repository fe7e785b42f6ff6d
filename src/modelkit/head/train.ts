/**
 * Trains the default pack's head on measured features with rule-based targets (see dataset/TARGETS.md).
 * Loss per segment: cross-entropy against a soft label over the five levels (Gaussian around the target score),
 * plus the squared error of the expected score, plus binary cross-entropy on each distortion's severity.
 * Seeded: the same samples and seed give the same head.
 */
import * as tf from '@tensorflow/tfjs'
import { Head, levelTarget, mergeHeads, type HeadSpec } from '../../core/model/head'
import { agreement, auc, spearman } from '../../core/eval/metrics'
import { seededRandom } from '../../core/training/rewards'
import { fitLocalisedShift, localisedF1, withSeverityShifts, type CalibrationSegment, type ShiftOptions } from './calibrate'
import { useBackend, type TrainingBackend } from './backend'

export interface Sample {
  /** Measurements then BRISQUE, in HeadSpec.inputs order. */
  x: number[]
  quality: number
  severities: number[]
  /** Source photo: validation holds out whole photos, so it measures generalisation to unseen content. */
  group: string
  /**
   * Severity series membership: the same segment of the same content at several levels of one distortion (level 0
   * = clean). Within a group the head is taught the order — more of a distortion on the same picture never scores
   * higher — which absolute targets over different pictures cannot teach.
   */
  rank?: { groups: string[]; level: number }
  /** Measured as fast triage does (a short window of the segment): validated apart from full-mode samples. */
  fast?: boolean
  /** Weight in the absolute-target losses (default 1), on top of the quality balancing. */
  weight?: number
  /** A part of a segment (a quarter of its frames, measured on its own, for localisation): trained on, but the
   *  validation figures are over whole segments, as the score is (the calibration reads parts: see `segment`). */
  part?: boolean
  /** The segment a sample measures (shared by a segment and its parts): the calibration reads a segment with its
   *  parts, as the app does (calibrationSegments). */
  segment?: string
}

export interface TrainOptions {
  hidden?: number[]
  epochs?: number
  batchSize?: number
  learningRate?: number
  seed?: number
  validationFraction?: number
  /** L2 penalty on the weights (not the biases). */
  l2?: number
  /** Training-time Gaussian noise on the standardised inputs (in standard deviations). */
  inputNoise?: number
  /** Weight of the within-series ranking loss (samples with `rank`); 0 turns it off. Default 1. */
  rankWeight?: number
  /** Series groups drawn per step for the ranking loss. */
  rankGroupsPerStep?: number
  /** Heads trained from different initialisations and merged into one (their mean; mergeHeads). Default 1. */
  members?: number
  /** Part samples (Sample.part) train the score as well as the severities. Default false: severities only. */
  partScore?: boolean
  /** TensorFlow.js backend (backend.ts); default 'cpu'. */
  backend?: TrainingBackend
  /** How the head makes its score (HeadSpec.score): absent, its own level layer; 'penalties', from its severities. */
  score?: HeadSpec['score']
  /**
   * Fit one severity bias shift per distortion on the held-back photos (full-mode segments), for flagging at
   * `threshold` (see calibrate.ts). Off when absent. The validation figures below do not move with it (AUC and the
   * score are unchanged by a bias on the severities).
   */
  calibrate?: ShiftOptions
  onEpoch?: (epoch: number, loss: number) => void
}

/** Agreement with the targets on held-back photos. */
export interface Validation {
  segments: number
  srcc: number
  plcc: number
  rmse: number
  severityAuc: number
  /** Share of segments with one distortion at target ≥ 0.5 (level 2 or worse) whose strongest severity names it —
   *  the benchmark's top-1 attribution, read on whole segments (the benchmark also reads parts), on held-back
   *  photos. NaN when there are none. */
  top1: number
  /** Mean Spearman correlation of score and level within each severity series of three distinct levels or more (the
   *  benchmark takes series of three clips or more) — its series SRCC (target ≤ −0.9), on held-back photos. NaN
   *  when there are none. */
  seriesSrcc: number
}

export interface TrainResult {
  head: Head
  /** Over full-mode samples; `fast` over fast-mode ones, when there are any. */
  validation: Validation & { fast?: Validation }
  train: { segments: number }
  /**
   * The severity shifts, and the mean per-distortion F1 of flagging on the held-back photos before and after them
   * (after is optimistic: the shifts were fitted there).
   */
  calibration?: { shifts: Record<string, number>; f1Before: number; f1After: number }
}

/** The same seeded generator as fine-tuning's, so a seed means one thing across the project. */
const rng = seededRandom

/** Features whose spread is multiplicative (ratios, σ, motion) are learned on a log scale. */
export function logOffsetsFor(inputs: readonly string[]): number[] {
  const logScale: Record<string, number> = {
    detail: 0.5, noise: 0.3, blocking: 0.05, combing: 0.05, motion: 0.002, flicker: 0.0005, flicker_ratio: 0.01,
    shake: 0.05, pan: 0.05, judder: 0.01, cut: 0.1, contours: 0.001, clipped_high: 0.001, clipped_low: 0.001, black_frames: 0.001
  }
  return inputs.map((n) => logScale[n] ?? 0)
}

export function fitSpec(samples: readonly Sample[], inputs: string[], distortions: string[], hidden: number[], score?: HeadSpec['score']): HeadSpec {
  const logOffsets = logOffsetsFor(inputs)
  const t = samples.map((s) => s.x.map((v, i) => (logOffsets[i]! > 0 ? Math.log(Math.abs(v) + logOffsets[i]!) : v)))
  // Undefined measurements (NaN) are left out of the statistics; the head replaces them by the mean.
  const column = (i: number): number[] => t.map((r) => r[i]!).filter(Number.isFinite)
  const mean = inputs.map((_, i) => {
    const c = column(i)
    return c.length ? c.reduce((a, b) => a + b, 0) / c.length : 0
  })
  const std = inputs.map((_, i) => {
    const c = column(i)
    return Math.sqrt(c.reduce((a, b) => a + (b - mean[i]!) ** 2, 0) / Math.max(1, c.length)) || 1
  })
  return { inputs, logOffsets, mean, std, hidden, distortions, ...(score ? { score } : {}) }
}

/**
 * Per-sample weights that even out the quality range: the synthetic set has many mild clips and few ruined ones, and
 * an unweighted head learns to hedge toward "fair" on exactly the clips a reviewer most needs flagged. Square root of
 * the inverse bin frequency, normalised to mean 1.
 */
export function balanceWeights(qualities: readonly number[]): number[] {
  const bin = (q: number): number => Math.min(4, Math.max(0, Math.round(q) - 1))
  const counts = [0, 0, 0, 0, 0]
  for (const q of qualities) counts[bin(q)]!++
  const raw = qualities.map((q) => Math.sqrt(qualities.length / (5 * Math.max(1, counts[bin(q)]!))))
  const mean = raw.reduce((a, b) => a + b, 0) / Math.max(1, raw.length)
  return raw.map((w) => w / mean)
}

export function splitByGroup(samples: readonly Sample[], fraction: number, seed: number): { train: Sample[]; val: Sample[] } {
  const groups = [...new Set(samples.map((s) => s.group))].sort()
  const r = rng(seed)
  const shuffled = groups.map((g) => [r(), g] as const).sort((a, b) => a[0] - b[0]).map((x) => x[1])
  const valGroups = new Set(shuffled.slice(0, Math.max(1, Math.round(groups.length * fraction))))
  return { train: samples.filter((s) => !valGroups.has(s.group)), val: samples.filter((s) => valGroups.has(s.group)) }
}

/** Pure: see Validation.top1. */
export function topOneAttribution(pred: ReadonlyArray<readonly number[]>, target: ReadonlyArray<readonly number[]>): number {
  let hit = 0
  let n = 0
  target.forEach((t, i) => {
    const present = t.filter((v) => v > 0).length
    const top = Math.max(...t)
    if (present !== 1 || top < 0.5) return
    n++
    const row = pred[i]!
    if (row.indexOf(Math.max(...row)) === t.indexOf(top)) hit++
  })
  return n ? hit / n : NaN
}

/** Pure: see Validation.seriesSrcc. `scores[i]` is the score of `samples[i]`; the series are seriesGroups'. */
export function seriesSpearman(scores: readonly number[], samples: readonly Pick<Sample, 'rank'>[]): number {
  const rs = seriesGroups(samples)
    .filter((g) => new Set(g.map(([, l]) => l)).size >= 3)
    .map((g) => spearman(g.map(([i]) => scores[i]!), g.map(([, l]) => l)))
    .filter(Number.isFinite)
  return rs.length ? rs.reduce((a, b) => a + b, 0) / rs.length : NaN
}

/** Pure: the series groups of the training samples, as lists of [sample index, level], two levels at least. */
export function seriesGroups(samples: readonly Pick<Sample, 'rank'>[]): Array<Array<[number, number]>> {
  const groups = new Map<string, Array<[number, number]>>()
  samples.forEach((s, i) => {
    for (const g of s.rank?.groups ?? []) groups.set(g, [...(groups.get(g) ?? []), [i, s.rank!.level]])
  })
  return [...groups.values()].filter((g) => new Set(g.map(([, l]) => l)).size >= 2)
}

function pickGroups<T>(groups: readonly T[], n: number, r: () => number): T[] {
  if (groups.length <= n) return [...groups]
  return Array.from({ length: n }, () => groups[Math.floor(r() * groups.length)]!)
}

/** Margin (in score points) by which a less distorted version should outscore a more distorted one. */
const RANK_MARGIN = 0.1

/**
 * Within-series ranking loss: for every pair (a, b) of a group with level a < level b, softplus(4·(s_b − s_a + m)):
 * near zero once the cleaner one scores at least m higher, linear in the violation otherwise.
 */
function rankLoss(head: Head, samples: readonly Sample[], groups: ReadonlyArray<ReadonlyArray<[number, number]>>, levels: tf.Tensor1D, noise: number): tf.Scalar {
  const rows: number[][] = []
  const hi: number[] = []
  const lo: number[] = []
  for (const g of groups) {
    const base = rows.length
    g.forEach(([i]) => rows.push(samples[i]!.x))
    for (let a = 0; a < g.length; a++)
      for (let b = 0; b < g.length; b++)
        if (g[a]![1] < g[b]![1]) {
          hi.push(base + a)
          lo.push(base + b)
        }
  }
  if (hi.length === 0) return tf.scalar(0)
  const { logits } = head.forward(tf.tensor2d(rows), noise)
  const score = tf.sum(tf.mul(tf.softmax(logits), levels), 1)
  // score[lo] − score[hi] for every pair, as one product with a ±1 matrix: a gather's gradient needs a kernel
  // (UnsortedSegmentSum) that the WebAssembly backend does not have.
  const pairs = new Float32Array(hi.length * rows.length)
  hi.forEach((h, k) => {
    pairs[k * rows.length + lo[k]!] = 1
    pairs[k * rows.length + h] = -1
  })
  const diff = tf.squeeze(tf.matMul(tf.tensor2d(pairs, [hi.length, rows.length]), tf.expandDims(score, 1)), [1])
  return tf.mean(tf.softplus(tf.mul(tf.add(diff, RANK_MARGIN), 4))) as tf.Scalar
}

/** One head trained on the samples (absolute targets, severities, and the series ranking where there is one). */
function fitMember(spec: HeadSpec, train: readonly Sample[], seed: number, opts: TrainOptions, onEpoch: (epoch: number, loss: number) => void): Head {
  const head = Head.create(spec, seed)
  const optimizer = tf.train.adam(opts.learningRate ?? 3e-3)
  const epochs = opts.epochs ?? 250
  const batch = opts.batchSize ?? 64
  const r = rng(seed + 1)
  const X = train.map((s) => s.x)
  const L = train.map((s) => levelTarget(s.quality))
  const Q = train.map((s) => s.quality)
  const S = train.map((s) => s.severities)
  const W = balanceWeights(Q).map((w, i) => w * (train[i]!.weight ?? 1))
  // Parts teach where a distortion is (severities); unless asked, the score is learned from whole segments only.
  const WQ = W.map((w, i) => (train[i]!.part && !opts.partScore ? 0 : w))
  const levels = tf.tensor1d([1, 2, 3, 4, 5])
  const rankGroups = seriesGroups(train)
  const rankWeight = rankGroups.length ? (opts.rankWeight ?? 1) : 0
  for (let epoch = 0; epoch < epochs; epoch++) {
    const order = X.map((_, i) => [r(), i] as const).sort((a, b) => a[0] - b[0]).map((x) => x[1])
    let total = 0
    for (let b = 0; b < order.length; b += batch) {
      const idx = order.slice(b, b + batch)
      const loss = optimizer.minimize(
        () =>
          tf.tidy(() => {
            const x = tf.tensor2d(idx.map((i) => X[i]!))
            const { logits, severities } = head.forward(x, opts.inputNoise ?? 0)
            const w = tf.tensor1d(idx.map((i) => W[i]!))
            const wq = tf.tensor1d(idx.map((i) => WQ[i]!))
            const logp = tf.logSoftmax(logits)
            const ce = tf.neg(tf.mean(tf.mul(wq, tf.sum(tf.mul(tf.tensor2d(idx.map((i) => L[i]!)), logp), 1))))
            const expected = tf.sum(tf.mul(tf.exp(logp), levels), 1)
            const mse = tf.mean(tf.mul(wq, tf.square(tf.sub(expected, tf.tensor1d(idx.map((i) => Q[i]!))))))
            const sv = tf.clipByValue(severities, 1e-6, 1 - 1e-6)
            const st = tf.tensor2d(idx.map((i) => S[i]!))
            const bce = tf.neg(tf.mean(tf.mul(tf.expandDims(w, 1), tf.add(tf.mul(st, tf.log(sv)), tf.mul(tf.sub(1, st), tf.log(tf.sub(1, sv)))))))
            // A penalties head's levels are its score between two levels: the soft-label cross-entropy has nothing to
            // fit there (and log 0 elsewhere), so its score learns from the squared error alone.
            let loss = spec.score ? tf.add(mse, bce) : tf.add(tf.add(ce, tf.mul(mse, 0.5)), bce)
            if (rankWeight > 0) loss = tf.add(loss, tf.mul(rankWeight, rankLoss(head, train, pickGroups(rankGroups, opts.rankGroupsPerStep ?? 16, r), levels, opts.inputNoise ?? 0)))
            if (opts.l2) for (const v of head.vars) if (v.shape.length === 2) loss = tf.add(loss, tf.mul(opts.l2, tf.sum(tf.square(v))))
            return loss as tf.Scalar
          }),
        true,
        head.vars
      )
      total += (loss?.dataSync()[0] ?? 0) * idx.length
      loss?.dispose()
    }
    onEpoch(epoch, total / order.length)
  }
  levels.dispose()
  optimizer.dispose()

  return head
}

/**
 * Pure: the calibration split as segments with their parts (samples with the same `segment`, in order), one list per
 * distortion (calibrate.ts CalibrationSegment). `pred` holds the predicted severities of every sample of `set`.
 * Fast-mode samples are left out; parts without their segment too.
 */
export function calibrationSegments(set: readonly Sample[], pred: ReadonlyArray<readonly number[]>, distortions: number): CalibrationSegment[][] {
  const parts = new Map<string, number[]>()
  set.forEach((s, i) => {
    if (s.part && !s.fast && s.segment !== undefined) parts.set(s.segment, [...(parts.get(s.segment) ?? []), i])
  })
  const segments = set.flatMap((s, i) => (s.part || s.fast ? [] : [i]))
  return Array.from({ length: distortions }, (_, d) =>
    segments.map((i) => {
      const own = set[i]!.segment
      const ps = own === undefined ? [] : (parts.get(own) ?? [])
      return { whole: pred[i]![d]!, target: set[i]!.severities[d]!, parts: ps.map((k) => pred[k]![d]!), partTargets: ps.map((k) => set[k]!.severities[d]!) }
    })
  )
}

/**
 * The head with severity shifts fitted on `set` (disposes the head it is given), and what they did there: each
 * distortion's shift is the one that finds and places it best on those photos as the app does (localisedF1: segments
 * flagged on their peak over the whole and its parts, parts placed as the timeline places them). Exported so a head
 * that is already trained can be calibrated again without retraining (an experiment's replay).
 */
export function calibrateHead(head: Head, set: readonly Sample[], c: ShiftOptions): { head: Head; calibration: NonNullable<TrainResult['calibration']> } {
  const distortions = head.spec.distortions
  const segs = calibrationSegments(set, head.predict(set.map((s) => s.x)).severities, distortions.length)
  const shifts = segs.map((g) => fitLocalisedShift(g, c))
  const shifted = Head.fromWeights(withSeverityShifts(head.weights(), shifts))
  head.dispose()
  // After: read from the shifted head itself, so a shift that did not land where it was meant to shows here.
  const after = calibrationSegments(set, shifted.predict(set.map((s) => s.x)).severities, distortions.length)
  const meanF1 = (by: CalibrationSegment[][]): number => {
    const f1s = by.map((g) => localisedF1(g, 0, c)).filter(Number.isFinite)
    return f1s.reduce((a, b) => a + b, 0) / Math.max(1, f1s.length)
  }
  return { head: shifted, calibration: { shifts: Object.fromEntries(distortions.map((d, k) => [d, shifts[k]!])), f1Before: meanF1(segs), f1After: meanF1(after) } }
}

export async function trainHead(samples: readonly Sample[], inputs: string[], distortions: string[], opts: TrainOptions = {}): Promise<TrainResult> {
  await useBackend(opts.backend ?? 'cpu')
  const seed = opts.seed ?? 7
  const { train, val } = splitByGroup(samples, opts.validationFraction ?? 0.15, seed)
  const spec = fitSpec(train, inputs, distortions, opts.hidden ?? [64, 64], opts.score)
  const count = Math.max(1, opts.members ?? 1)
  const members: Head[] = []
  // Members differ only in their initialisation and the order they see the samples in; one split, one spec.
  for (let k = 0; k < count; k++) members.push(fitMember(spec, train, seed + 1000 * k, opts, (e, loss) => opts.onEpoch?.(k * (opts.epochs ?? 250) + e, loss)))
  let head = count === 1 ? members[0]! : Head.fromWeights(mergeHeads(members.map((m) => m.weights())))
  if (count > 1) for (const m of members) m.dispose()

  let calibration: TrainResult['calibration']
  const valFull = val.filter((s) => !s.fast && !s.part)
  if (opts.calibrate && valFull.length) ({ head, calibration } = calibrateHead(head, val.filter((s) => !s.fast), opts.calibrate))

  const validate = (set: readonly Sample[]): Validation => {
    const pred = head.predict(set.map((s) => s.x))
    const a = agreement(pred.scores, set.map((s) => s.quality))
    const aucs = distortions
      .map((_, k) => auc(pred.severities.map((row) => row[k]!), set.map((s) => s.severities[k]! >= 0.25)))
      .filter((v) => Number.isFinite(v))
    return {
      segments: set.length,
      srcc: a.srcc,
      plcc: a.plcc,
      rmse: a.rmse,
      severityAuc: aucs.reduce((x, y) => x + y, 0) / Math.max(1, aucs.length),
      top1: topOneAttribution(pred.severities, set.map((s) => s.severities)),
      seriesSrcc: seriesSpearman(pred.scores, set)
    }
  }
  const valFast = val.filter((s) => s.fast && !s.part)
  return {
    head,
    train: { segments: train.length },
    validation: { ...validate(valFull), ...(valFast.length ? { fast: validate(valFast) } : {}) },
    ...(calibration ? { calibration } : {})
  }
}
