// BRISQUE (Mittal, Moorthy & Bovik) as one ONNX graph, reproducing OpenCV's quality::QualityBRISQUE with its LIVE
// model. See reference.ts for the same maths in plain TypeScript; the comments here say why each stage is built the
// way it is.
//
// Input  `gray`     float32 [1, 1, H, W]: the 8-bit gray image as OpenCV makes it (cv::cvtColor BGR2GRAY, values
//                   0–255, already rounded to integers; see rgb24ToGrayOpenCV). H and W are dynamic, at least 8.
// Output `features` float32 [1, 36]: the raw BRISQUE features (before range scaling), OpenCV's order.
// Output `score`    float32 [1]: OpenCV's BRISQUE score, clamped to [0, 100]; lower is better.
import { attr, GraphBuilder, tensor, type Value } from '../../core/onnx/graph'
import { add, cast, concat, conv2d, div, END, gather, mul, pad, reduce, reduceSum, reshape, slice, sub, unary } from '../../core/onnx/ops'
import type { FeatureRange, SvrRbfModel } from './opencv-model'
import { aggdRatio, gammaFn, gammaGrid, gaussianKernel, PAIR_SHIFTS } from './reference'

export interface BrisqueGraphOptions {
  readonly opset?: number
  /** Precision of the sums over each map (default float64, as cv::sum; float32 is slower in onnxruntime 1.30). */
  readonly sums?: 'float32' | 'float64'
}

/** Build the BRISQUE model. The result is a serialised ONNX model (~0.5 MB, dominated by the support vectors). */
export function buildBrisqueModel(model: SvrRbfModel, range: FeatureRange, options: BrisqueGraphOptions = {}): Uint8Array {
  if (model.varCount !== 36 || range.min.length !== 36) throw new Error('BRISQUE has 36 features')
  const g = new GraphBuilder({
    name: 'brisque_opencv_live',
    opset: options.opset ?? 17,
    docString: 'BRISQUE no-reference quality (OpenCV quality::QualityBRISQUE, LIVE model). Input: 8-bit gray 0-255 as float.'
  })
  const gray = g.input('gray', 'float32', [1, 1, 'H', 'W'], 'gray image, 0-255 (OpenCV BGR2GRAY, rounded to 8 bits)')

  // convertTo(CV_32F, 1/255) multiplies by the float factor; a Div would differ in the last bit for some values.
  const img = mul(g, gray, g.scalar(Math.fround(1 / 255)))

  const half = halveCubic(g, img)

  const double = (options.sums ?? 'float64') === 'float64'
  const tables = gammaTables(g)
  const features = concat(g, [scaleFeatures(g, img, tables, double), scaleFeatures(g, half, tables, double)], 0)
  g.output(reshape(g, features, [1, 36]), 'features', 'float32', [1, 36])
  g.output(svrScore(g, scaleToUnit(g, features, range), model), 'score', 'float32', [1])
  return g.toBytes()
}

/**
 * cv::resize to (floor(W/2), floor(H/2)) with INTER_CUBIC, for [1, 1, H, W]. Halving puts every output pixel at the
 * same place between four source pixels (half-pixel centres: 2i + 0.5), so the cubic kernel (a = −0.75) has the same
 * four weights everywhere, and OpenCV clamps source indices at the border: an edge pad of one pixel and a 4-tap
 * stride-2 convolution per axis. (An ONNX Resize computes the same, at about a quarter of BRISQUE's time.) Exact for
 * even sizes — the default pack's still is 512×288 —; for an odd size OpenCV steps W / ⌊W/2⌋ source pixels per output
 * pixel, not 2: a sub-pixel shift.
 */
export function halveCubic(g: GraphBuilder, img: Value): Value {
  const cubic = (d: number): number => {
    const a = -0.75
    const x = Math.abs(d)
    return x <= 1 ? (a + 2) * x ** 3 - (a + 3) * x ** 2 + 1 : a * x ** 3 - 5 * a * x ** 2 + 8 * a * x - 4 * a
  }
  const taps = [1.5, 0.5, 0.5, 1.5].map(cubic)
  const padded = pad(g, img, [0, 0, 1, 1, 0, 0, 1, 1], 'edge')
  const across = conv2d(g, padded, tensor.float32(taps, [1, 1, 1, 4]), { strides: [1, 2] })
  return conv2d(g, across, tensor.float32(taps, [1, 1, 4, 1]), { strides: [2, 1] })
}

interface GammaTables {
  /** r(γ) on OpenCV's grid, [1, n] float64. */
  readonly ratio: Value
  /** γ on the grid, [n] float64. */
  readonly gamma: Value
  /** Γ(2/γ)/Γ(1/γ)·√(Γ(1/γ)/Γ(3/γ)), the AGGD mean factor, [n] float64. */
  readonly meanFactor: Value
  readonly lastIndex: Value
}

// OpenCV searches γ from 0.2 in steps of 0.001 and stops where |r(γ) − r̂| starts rising. r is increasing on the grid
// (checked in the tests), so that is the argmin over a precomputed table; Γ itself never has to run in the graph.
function gammaTables(g: GraphBuilder): GammaTables {
  const grid = gammaGrid()
  const ratio = grid.map(aggdRatio)
  const meanFactor = grid.map((x) => (gammaFn(2 / x) / gammaFn(1 / x)) * (Math.sqrt(gammaFn(1 / x)) / Math.sqrt(gammaFn(3 / x))))
  return {
    ratio: g.constant(tensor.float64(ratio, [1, grid.length]), 'aggd_ratio_table'),
    gamma: g.constant(tensor.float64(grid, [grid.length]), 'aggd_gamma_grid'),
    meanFactor: g.constant(tensor.float64(meanFactor, [grid.length]), 'aggd_mean_factor_table'),
    lastIndex: g.constant(tensor.int64([grid.length - 1], [1]))
  }
}

/** OpenCV's 7×7 Gaussian (σ = 7/6) applied separably, rows then columns, as cv::sepFilter2D does. */
function gaussianBlur(g: GraphBuilder, x: Value): Value {
  const k = gaussianKernel(7, 7 / 6)
  // The code sets BORDER_REPLICATE explicitly (not OpenCV's default reflect-101): ONNX calls that mode 'edge'.
  const padded = pad(g, x, [0, 0, 3, 3, 0, 0, 3, 3], 'edge')
  const rows = conv2d(g, padded, tensor.float32(k, [1, 1, 1, 7]))
  return conv2d(g, rows, tensor.float32(k, [1, 1, 7, 1]))
}

/** The five AGGD fits of one scale as float64 vectors of 5: MSCN map, then the H, V, D1, D2 pairwise products. */
function scaleFeatures(g: GraphBuilder, img: Value, t: GammaTables, double: boolean): Value {
  // μ and E[x²] share one padded blur by stacking the two images on the batch axis.
  const blurred = gaussianBlur(g, concat(g, [img, mul(g, img, img)], 0))
  const mu = slice(g, blurred, [0], [1], [0])
  const ex2 = slice(g, blurred, [1], [2], [0])
  // σ = √(E[x²] − μ²) + 1/255 (the constant keeps flat areas finite; OpenCV adds it on the 0–1 scale).
  const sigma = add(g, unary(g, 'Sqrt', sub(g, ex2, mul(g, mu, mu))), g.scalar(Math.fround(1 / 255)))
  // Where float rounding makes E[x²] − μ² negative (flat areas), OpenCV's sqrt gives NaN and its AGGD sums skip the
  // pixel (cv::max/min pass 0 for NaN, patchNaNs zeroes |x|), as does every product it enters: a 0 here is the same.
  const ratio = div(g, sub(g, img, mu), sigma)
  const mscn = g.node('Where', [g.node('IsNaN', [ratio]), g.scalar(0), ratio])

  // Pairwise products over the valid overlap only: OpenCV writes 0 where the partner falls outside, and zeros count
  // neither as positive nor as negative, so leaving them out changes nothing except the total count, which is
  // supplied separately as H·W.
  const maps: Value[] = [mscn]
  for (const [dy, dx] of PAIR_SHIFTS) {
    const a = window(g, mscn, dy, dx, false)
    const b = window(g, mscn, dy, dx, true)
    maps.push(mul(g, a, b))
  }
  const shape = g.node('Shape', [mscn])
  const total = cast(g, g.node('ReduceProd', [slice(g, shape, [2], [4], [0])], { keepdims: attr.int(1) }), 'float64')

  // Sums over the maps: cv::sum accumulates in double, and so does the default here. (The float32 option, with
  // ReduceSumSquare, measured 1.6–2x slower in onnxruntime-node 1.30 on CPU; it is kept for comparison only.)
  const stat = (f: (m: Value) => Value): Value =>
    concat(g, maps.map((m) => cast(g, reshape(g, f(m), [1]), 'float64')), 0)
  const sumOf = (op: 'ReduceSum' | 'ReduceSumSquare', m: Value): Value =>
    double ? reduceSum(g, op === 'ReduceSum' ? cast(g, m, 'float64') : cast(g, mul(g, m, m), 'float64'), [0, 1, 2, 3], false) : reduce(g, op, m, [0, 1, 2, 3], false)
  const posSq = stat((m) => sumOf('ReduceSumSquare', unary(g, 'Relu', m)))
  const negSq = stat((m) => sumOf('ReduceSumSquare', g.node('Min', [m, g.scalar(0)])))
  const absSum = stat((m) => sumOf('ReduceSum', unary(g, 'Abs', m)))
  const posCount = stat((m) => sumOf('ReduceSum', cast(g, g.node('Greater', [m, g.scalar(0)]), 'float32')))
  const negCount = stat((m) => sumOf('ReduceSum', cast(g, g.node('Less', [m, g.scalar(0)]), 'float32')))

  const left = unary(g, 'Sqrt', div(g, negSq, negCount))
  const right = unary(g, 'Sqrt', div(g, posSq, posCount))
  const gh = div(g, left, right)
  const one = g.scalar(1, 'float64')
  const meanAbs = div(g, absSum, total)
  const rhat = div(g, mul(g, meanAbs, meanAbs), div(g, add(g, negSq, posSq), total))
  const gh2 = mul(g, gh, gh)
  const num = mul(g, mul(g, rhat, add(g, mul(g, gh2, gh), one)), add(g, gh, one))
  const den = mul(g, add(g, gh2, one), add(g, gh2, one))
  const rhatNorm = div(g, num, den) // [5]

  const diff = unary(g, 'Abs', sub(g, t.ratio, reshape(g, rhatNorm, [5, 1]))) // [5, n]
  // OpenCV keeps walking while the difference does not rise, so of equal neighbours it keeps the later one.
  let idx = g.node('ArgMin', [diff], { axis: attr.int(1), keepdims: attr.int(0), select_last_index: attr.int(1) })
  // With r̂ = NaN (a flat image: no negative or no positive values) every comparison in OpenCV's loop is false and it
  // runs to the end of the grid; ArgMin's treatment of NaN is unspecified, so choose the last index explicitly.
  idx = g.node('Where', [g.node('IsNaN', [rhatNorm]), g.node('Expand', [t.lastIndex, g.int64s([5])]), idx])
  const gamma = gather(g, t.gamma, idx)
  const meanParam = mul(g, sub(g, right, left), gather(g, t.meanFactor, idx))
  const leftSq = mul(g, left, left)
  const rightSq = mul(g, right, right)

  const col = (v: Value): Value => reshape(g, v, [5, 1])
  const perMap = concat(g, [col(gamma), col(meanParam), col(leftSq), col(rightSq)], 1) // [5, 4]
  // The MSCN map contributes [γ, (σl² + σr²)/2]; each product [γ, mean, σl², σr²].
  const first = concat(g, [slice(g, gamma, [0], [1], [0]), div(g, slice(g, add(g, leftSq, rightSq), [0], [1], [0]), g.scalar(2, 'float64'))], 0)
  const rest = reshape(g, slice(g, perMap, [1], [5], [0]), [16])
  // OpenCV stores the feature vector as float.
  return cast(g, concat(g, [first, rest], 0), 'float32')
}

/**
 * The two windows whose product is OpenCV's pair image for shift (dy, dx): element (i, j) meets (i + dy, j + dx).
 * `partner` selects the shifted one.
 */
function window(g: GraphBuilder, m: Value, dy: number, dx: number, partner: boolean): Value {
  const bounds = (d: number): [number, number] => {
    // Rows i with 0 ≤ i + d < n: [max(0, −d), n − max(0, d)); the partner is the same range moved by d.
    const start = Math.max(0, -d) + (partner ? d : 0)
    const endFromEnd = Math.max(0, d) - (partner ? d : 0)
    return [start, endFromEnd === 0 ? END : -endFromEnd]
  }
  const [ys, ye] = bounds(dy)
  const [xs, xe] = bounds(dx)
  return slice(g, m, [ys, xs], [ye, xe], [2, 3])
}

/** quality_utils::scale to [−1, 1] with the training range, in float, in OpenCV's operation order. */
function scaleToUnit(g: GraphBuilder, features: Value, range: FeatureRange): Value {
  const span = range.max.map((hi, i) => Math.fround(hi - (range.min[i] ?? 0)))
  const twice = mul(g, g.scalar(2), sub(g, features, g.constant(tensor.float32(range.min, [36]), 'range_min')))
  return sub(g, div(g, twice, g.constant(tensor.float32(span, [36]), 'range_span')), g.scalar(1))
}

/** cv::ml::SVM::predict for EPS_SVR/RBF: Σ αᵢ·exp(−γ‖x − svᵢ‖²) − ρ, clamped to [0, 100] as QualityBRISQUE does. */
function svrScore(g: GraphBuilder, x: Value, model: SvrRbfModel): Value {
  const sv = g.constant(tensor.float32(model.supportVectors, [model.svCount, model.varCount]), 'support_vectors')
  const d = cast(g, sub(g, reshape(g, x, [1, 36]), sv), 'float64') // differences in float, squares summed in double
  const dist = reduceSum(g, mul(g, d, d), [1], false)
  // OpenCV rounds γ‖·‖² to float (its Qfloat) before exp, and accumulates the weighted sum in double.
  const k = cast(g, unary(g, 'Exp', cast(g, mul(g, dist, g.scalar(-model.gamma, 'float64')), 'float32')), 'float64')
  const alphas = g.constant(tensor.float64(model.alphas, [model.svCount]), 'alphas')
  const sum = reduceSum(g, mul(g, k, alphas), [0], true)
  const raw = cast(g, sub(g, sum, g.scalar(model.rho, 'float64')), 'float32')
  return g.node('Clip', [raw, g.scalar(0), g.scalar(100)])
}
