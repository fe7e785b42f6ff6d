/**
 * The learned head of the default pack: a small MLP from the measurements to (a) a distribution over the five
 * quality levels — score = its expectation, as Q-Align does — and (b) a severity in [0, 1] per distortion.
 *
 * Written directly on TensorFlow.js variables (not the Layers API) because the same forward pass serves plain
 * training here and GRPO fine-tuning (#6), and the ONNX export below must mirror it op for op.
 */
import * as tf from '@tensorflow/tfjs'
import { attr, GraphBuilder, tensor } from '../onnx/graph'
import { add, concat, gemm, mul, sub, unary } from '../onnx/ops'

export const LEVELS = 5

export interface HeadSpec {
  /** Input names, in order: the measurements, then BRISQUE. */
  inputs: string[]
  /** Per input: > 0 means "use log(|x| + offset)", 0 means "use x as is". */
  logOffsets: number[]
  /** Standardisation after the transform, fitted on the training set. */
  mean: number[]
  std: number[]
  hidden: number[]
  distortions: string[]
  /**
   * How the score is made. Absent: a dense layer gives logits over the five levels (score = their expectation). With
   * `penalties`, the score is computed from the head's own severities by the documented target formula
   * (dataset/TARGETS.md): p_i = max_i · s_i^gamma, q = 1 + 4 · Π (1 − p_i / 4) — so nothing but a distortion the head
   * names can lower it — and the level distribution is q between its two nearest levels (expectation exactly q).
   */
  score?: { kind: 'penalties'; max: number[]; gamma: number }
}

/** The score from severities, as `HeadSpec.score` 'penalties' defines it; [N, D] → [N]. */
function penaltyScore(sev: tf.Tensor2D, max: readonly number[], gamma: number): tf.Tensor1D {
  return tf.tidy(() => {
    const p = tf.mul(tf.pow(tf.clipByValue(sev, 1e-7, 1), gamma), tf.tensor1d(max as number[]))
    const keep = tf.sub(1, tf.div(p, 4))
    return tf.add(1, tf.mul(4, tf.prod(keep, 1))) as tf.Tensor1D
  })
}

/** A score on 1–5 as probabilities over the five levels whose expectation is the score: its two nearest levels. */
function twoHot(q: tf.Tensor1D): tf.Tensor2D {
  return tf.tidy(() => tf.relu(tf.sub(1, tf.abs(tf.sub(tf.tensor2d([[1, 2, 3, 4, 5]]), tf.expandDims(q, 1))))) as tf.Tensor2D)
}

export interface HeadWeights {
  spec: HeadSpec
  /** Dense layers: kernel [in, out] row-major, bias [out]; hidden layers, then the levels and severities layers. */
  layers: Array<{ name: string; kernel: number[]; bias: number[]; inSize: number; outSize: number }>
}

export class Head {
  readonly vars: tf.Variable[]
  private constructor(
    readonly spec: HeadSpec,
    private readonly dense: Array<{ name: string; w: tf.Variable; b: tf.Variable }>
  ) {
    this.vars = dense.flatMap((d) => [d.w, d.b])
  }

  static create(spec: HeadSpec, seed = 1): Head {
    const sizes = [spec.inputs.length, ...spec.hidden]
    const dense: Array<{ name: string; w: tf.Variable; b: tf.Variable }> = []
    const layer = (name: string, inSize: number, outSize: number, s: number) => ({
      name,
      // He initialisation for ReLU layers, seeded so training is reproducible.
      w: tf.variable(tf.randomNormal([inSize, outSize], 0, Math.sqrt(2 / inSize), 'float32', s)),
      b: tf.variable(tf.zeros([outSize]))
    })
    for (let i = 1; i < sizes.length; i++) dense.push(layer(`hidden${i}`, sizes[i - 1]!, sizes[i]!, seed + i))
    const last = sizes[sizes.length - 1]!
    if (!spec.score) dense.push(layer('levels', last, LEVELS, seed + 101))
    dense.push(layer('severities', last, spec.distortions.length, seed + 102))
    return new Head(spec, dense)
  }

  static fromWeights(w: HeadWeights): Head {
    const dense = w.layers.map((l) => ({
      name: l.name,
      w: tf.variable(tf.tensor2d(l.kernel, [l.inSize, l.outSize])),
      b: tf.variable(tf.tensor1d(l.bias))
    }))
    return new Head(w.spec, dense)
  }

  /** Per input, the raw value whose transformed value is the training mean: what a missing value is replaced by. */
  rawMean(): tf.Tensor1D {
    return tf.tensor1d(this.spec.mean.map((m, i) => (this.spec.logOffsets[i]! > 0 ? Math.max(0, Math.exp(m) - this.spec.logOffsets[i]!) : m)))
  }

  /** The transform + standardisation, as in the ONNX graph. x: [N, inputs]. */
  preprocess(x: tf.Tensor2D): tf.Tensor2D {
    return tf.tidy(() => {
      const offsets = tf.tensor1d(this.spec.logOffsets.map((o) => (o > 0 ? o : 1)))
      const mask = tf.tensor1d(this.spec.logOffsets.map((o) => (o > 0 ? 1 : 0)))
      // A measurement that is undefined for this segment (BRISQUE of an all-black frame) counts as typical.
      x = tf.where(tf.isNaN(x), tf.broadcastTo(this.rawMean(), x.shape), x) as tf.Tensor2D
      const logged = tf.log(tf.add(tf.abs(x), offsets))
      const mixed = tf.add(tf.mul(logged, mask), tf.mul(x, tf.sub(1, mask)))
      const z = tf.div(tf.sub(mixed, tf.tensor1d(this.spec.mean)), tf.tensor1d(this.spec.std))
      return tf.clipByValue(z, -6, 6) as tf.Tensor2D
    })
  }

  /**
   * Logits over levels [N, 5] and severities [N, D] (after the sigmoid). `inputNoise` (training only): Gaussian noise
   * of that many standard deviations on the standardised inputs, so nearby measurements get nearby answers.
   */
  forward(x: tf.Tensor2D, inputNoise = 0): { logits: tf.Tensor2D; severities: tf.Tensor2D } {
    return tf.tidy(() => {
      let h: tf.Tensor2D = this.preprocess(x)
      if (inputNoise > 0) h = tf.add(h, tf.randomNormal(h.shape, 0, inputNoise)) as tf.Tensor2D
      const hidden = this.dense.slice(0, this.spec.hidden.length)
      for (const d of hidden) h = tf.relu(tf.add(tf.matMul(h, d.w), d.b)) as tf.Tensor2D
      const sv = this.dense[this.dense.length - 1]!
      const severities = tf.sigmoid(tf.add(tf.matMul(h, sv.w), sv.b)) as tf.Tensor2D
      const score = this.spec.score
      if (score) return { logits: tf.log(tf.add(twoHot(penaltyScore(severities, score.max, score.gamma)), 1e-6)) as tf.Tensor2D, severities }
      const lv = this.dense[this.dense.length - 2]!
      return { logits: tf.add(tf.matMul(h, lv.w), lv.b) as tf.Tensor2D, severities }
    })
  }

  /** Level probabilities, scores (expectation on 1–5) and severities, as plain arrays. */
  predict(rows: number[][]): { probs: number[][]; scores: number[]; severities: number[][] } {
    return tf.tidy(() => {
      const { logits, severities } = this.forward(tf.tensor2d(rows, [rows.length, this.spec.inputs.length]))
      const probs = tf.softmax(logits)
      const scores = tf.sum(tf.mul(probs, tf.tensor1d([1, 2, 3, 4, 5])), 1)
      return { probs: probs.arraySync() as number[][], scores: scores.arraySync() as number[], severities: severities.arraySync() as number[][] }
    })
  }

  weights(): HeadWeights {
    return {
      spec: this.spec,
      layers: this.dense.map((d) => ({
        name: d.name,
        kernel: Array.from(d.w.dataSync()),
        bias: Array.from(d.b.dataSync()),
        inSize: d.w.shape[0]!,
        outSize: d.w.shape[1]!
      }))
    }
  }

  /** A frozen copy (the GRPO reference policy). */
  clone(): Head {
    return Head.fromWeights(this.weights())
  }

  dispose(): void {
    for (const v of this.vars) v.dispose()
  }
}

/**
 * The head as ONNX, op for op the same maths as `Head.forward` + softmax. Inputs: `measurements` [N, M] and
 * `brisque` [N] or [1] (concatenated in `spec.inputs` order); outputs `levels` [N, 5] and `severities` [N, D].
 */
export function headToOnnx(w: HeadWeights): Uint8Array {
  const { spec } = w
  const g = new GraphBuilder({ name: 'vqa-head', docString: 'VQA Inspector quality head; see src/core/model/head.ts' })
  const M = spec.inputs.length - 1
  const meas = g.input('measurements', 'float32', ['N', M])
  // ['N'] or [1]: one BRISQUE value is shared by every row (the parts of a segment are measured from its one still).
  const brisque = g.input('brisque', 'float32', ['B'])
  const rows = g.node('Slice', [g.node('Shape', [meas]), g.int64s([0]), g.int64s([1])])
  const brisqueColumn = g.node('Expand', [g.node('Reshape', [brisque, g.int64s([-1, 1])]), g.node('Concat', [rows, g.int64s([1])], { axis: attr.int(0) })])
  const joined = concat(g, [meas, brisqueColumn], 1)
  const f = (v: number[]) => g.constant(tensor.float32(v, [1, v.length]))
  const rawMean = spec.mean.map((m, i) => (spec.logOffsets[i]! > 0 ? Math.max(0, Math.exp(m) - spec.logOffsets[i]!) : m))
  const x = g.node('Where', [g.node('IsNaN', [joined]), f(rawMean), joined])
  const offsets = f(spec.logOffsets.map((o) => (o > 0 ? o : 1)))
  const mask = f(spec.logOffsets.map((o) => (o > 0 ? 1 : 0)))
  const logged = unary(g, 'Log', add(g, unary(g, 'Abs', x), offsets))
  const mixed = add(g, mul(g, logged, mask), mul(g, x, sub(g, g.scalar(1), mask)))
  const z = g.node('Clip', [g.node('Div', [sub(g, mixed, f(spec.mean)), f(spec.std)]), g.scalar(-6), g.scalar(6)])
  let h = z
  const layers = w.layers
  const dense = (l: HeadWeights['layers'][number]) => gemm(g, h, tensor.float32(l.kernel, [l.inSize, l.outSize]), tensor.float32(l.bias, [l.outSize]))
  for (const l of layers.slice(0, spec.hidden.length)) h = g.node('Relu', [dense(l)])
  const sev = g.node('Sigmoid', [dense(layers[layers.length - 1]!)])
  let levels
  if (spec.score) {
    // The documented formula on the severities, then the two nearest levels (see HeadSpec.score).
    const p = mul(g, g.node('Pow', [g.node('Clip', [sev, g.scalar(1e-7), g.scalar(1)]), g.scalar(spec.score.gamma)]), f(spec.score.max))
    const keep = sub(g, g.scalar(1), mul(g, p, g.scalar(0.25)))
    const q = add(g, g.scalar(1), mul(g, g.scalar(4), g.node('ReduceProd', [keep], { axes: attr.ints([1]), keepdims: attr.int(1) })))
    levels = g.node('Relu', [sub(g, g.scalar(1), unary(g, 'Abs', sub(g, f([1, 2, 3, 4, 5]), q)))])
  } else levels = g.node('Softmax', [dense(layers[layers.length - 2]!)], { axis: attr.int(1) })
  g.output(levels, 'levels', 'float32', ['N', LEVELS])
  g.output(sev, 'severities', 'float32', ['N', spec.distortions.length])
  return g.toBytes()
}

/**
 * Pure: K heads with the same preprocessing as one MLP whose outputs are the mean of theirs (level logits and
 * severity pre-activations). The first hidden layers sit side by side, deeper hidden layers block-diagonally, and
 * the output layers are stacked and scaled by 1/K — so the ensemble is an ordinary head: one ONNX graph, one
 * forward pass, and fine-tuning starts from it like from any other.
 */
export function mergeHeads(members: readonly HeadWeights[]): HeadWeights {
  const first = members[0]
  if (!first) throw new Error('mergeHeads: no heads')
  const K = members.length
  const same = (a: number[], b: number[]): boolean => a.length === b.length && a.every((v, i) => v === b[i])
  for (const m of members) {
    const a = m.spec
    const b = first.spec
    if (!same(a.mean, b.mean) || !same(a.std, b.std) || !same(a.logOffsets, b.logOffsets) || a.inputs.join() !== b.inputs.join() || !same(a.hidden, b.hidden) || a.distortions.join() !== b.distortions.join() || JSON.stringify(a.score ?? null) !== JSON.stringify(b.score ?? null))
      throw new Error('mergeHeads: the heads differ in inputs, preprocessing or shape')
  }
  const nLayers = first.layers.length
  const layers: HeadWeights['layers'] = []
  for (let li = 0; li < nLayers; li++) {
    const parts = members.map((m) => m.layers[li]!)
    const { inSize, outSize, name } = parts[0]!
    const output = li >= first.spec.hidden.length
    // Layers that read the inputs (the first hidden layer, or the outputs of a head without hidden layers) share them.
    const readsInputs = output ? first.spec.hidden.length === 0 : li === 0
    const inK = readsInputs ? inSize : inSize * K
    const outK = output ? outSize : outSize * K
    const kernel = new Array<number>(inK * outK).fill(0)
    parts.forEach((p, k) => {
      for (let i = 0; i < inSize; i++)
        for (let o = 0; o < outSize; o++) {
          const row = readsInputs ? i : k * inSize + i
          const col = output ? o : k * outSize + o
          // += : output layers that read the shared inputs add up the members; elsewhere each cell is written once.
          kernel[row * outK + col]! += output ? p.kernel[i * outSize + o]! / K : p.kernel[i * outSize + o]!
        }
    })
    const bias = output ? Array.from({ length: outSize }, (_, o) => parts.reduce((a, p) => a + p.bias[o]!, 0) / K) : parts.flatMap((p) => p.bias)
    layers.push({ name, kernel, bias, inSize: inK, outSize: outK })
  }
  return { spec: { ...first.spec, hidden: first.spec.hidden.map((h) => h * K) }, layers }
}

/** Soft target over the five levels for a 1–5 score: a Gaussian (σ = 0.5) around it, as Q-Align's soft labels. */
export function levelTarget(score: number, sigma = 0.5): number[] {
  const raw = [1, 2, 3, 4, 5].map((k) => Math.exp(-((k - score) ** 2) / (2 * sigma * sigma)))
  const sum = raw.reduce((a, b) => a + b, 0)
  return raw.map((v) => v / sum)
}
