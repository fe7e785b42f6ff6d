// BRISQUE in plain TypeScript, step for step as OpenCV's quality module computes it (qualitybrisque.cpp). It is the
// yardstick for the ONNX graph: when the graph's score drifts, comparing features and intermediate images here says
// which stage is responsible. Float32Array storage mirrors OpenCV's CV_32F intermediates; sums are in float64 as
// cv::sum does.
import type { FeatureRange, SvrRbfModel } from './opencv-model'

/** A single-channel float image, row-major. */
export interface Plane {
  readonly width: number
  readonly height: number
  readonly data: Float32Array
}

/**
 * cv::cvtColor(COLOR_BGR2GRAY) on 8-bit pixels: fixed-point weights 0.299/0.587/0.114 scaled by 2^14, rounded half
 * up. The rounding to 8 bits happens before BRISQUE sees the image, so a float conversion would shift the features.
 */
export function rgb24ToGrayOpenCV(rgb: Uint8Array, width: number, height: number): Uint8Array {
  if (rgb.length !== width * height * 3) throw new Error(`rgb24: ${rgb.length} bytes for ${width}x${height}`)
  const out = new Uint8Array(width * height)
  for (let i = 0, j = 0; i < out.length; i++, j += 3) {
    out[i] = ((rgb[j] ?? 0) * 4899 + (rgb[j + 1] ?? 0) * 9617 + (rgb[j + 2] ?? 0) * 1868 + 8192) >> 14
  }
  return out
}

/** cv::getGaussianKernel(n, sigma, CV_32F): exp(−x²/2σ²), stored as float, normalised to sum 1 in double. */
export function gaussianKernel(n: number, sigma: number): Float32Array {
  const scale2X = -0.5 / (sigma * sigma)
  const k = new Float32Array(n)
  let sum = 0
  for (let i = 0; i < n; i++) {
    const x = i - (n - 1) * 0.5
    k[i] = Math.exp(scale2X * x * x)
    sum += k[i] ?? 0
  }
  for (let i = 0; i < n; i++) k[i] = (k[i] ?? 0) * (1 / sum)
  return k
}

const clampIndex = (i: number, n: number): number => (i < 0 ? 0 : i >= n ? n - 1 : i)

/** Separable blur with BORDER_REPLICATE, rows first then columns, as cv::sepFilter2D does. */
export function blurReplicate(src: Plane, kernel: Float32Array): Plane {
  const { width: w, height: h } = src
  const r = (kernel.length - 1) / 2
  const tmp = new Float32Array(w * h)
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      let s = 0
      for (let k = 0; k < kernel.length; k++) s += (kernel[k] ?? 0) * (src.data[y * w + clampIndex(x + k - r, w)] ?? 0)
      tmp[y * w + x] = s
    }
  const out = new Float32Array(w * h)
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      let s = 0
      for (let k = 0; k < kernel.length; k++) s += (kernel[k] ?? 0) * (tmp[clampIndex(y + k - r, h) * w + x] ?? 0)
      out[y * w + x] = s
    }
  return { width: w, height: h, data: out }
}

/** OpenCV's cubic weights (A = −0.75) for fractional offset `x`, in float as interpolateCubic computes them. */
function cubicWeights(x: number): [number, number, number, number] {
  const f = Math.fround
  const A = -0.75
  const c0 = f(f(f(f(A * (x + 1)) - 5 * A) * (x + 1) + 8 * A) * (x + 1) - 4 * A)
  const c1 = f(f(f((A + 2) * x - (A + 3)) * x * x) + 1)
  const c2 = f(f(f((A + 2) * (1 - x) - (A + 3)) * (1 - x) * (1 - x)) + 1)
  return [c0, c1, c2, f(1 - c0 - c1 - c2)]
}

/** cv::resize(…, INTER_CUBIC) to an explicit size: half-pixel centres, clamped source indices, separable. */
export function resizeCubic(src: Plane, dw: number, dh: number): Plane {
  if (dw === src.width && dh === src.height) return src // cv::resize copies when the size is unchanged
  const taps = (dst: number, srcLen: number): { idx: Int32Array; wts: Float32Array } => {
    const scale = srcLen / dst
    const idx = new Int32Array(dst * 4)
    const wts = new Float32Array(dst * 4)
    for (let d = 0; d < dst; d++) {
      const fx = Math.fround((d + 0.5) * scale - 0.5)
      const sx = Math.floor(fx)
      const c = cubicWeights(Math.fround(fx - sx))
      for (let k = 0; k < 4; k++) {
        idx[d * 4 + k] = clampIndex(sx - 1 + k, srcLen)
        wts[d * 4 + k] = c[k] ?? 0
      }
    }
    return { idx, wts }
  }
  const hx = taps(dw, src.width)
  const vy = taps(dh, src.height)
  const rows = new Float32Array(src.height * dw)
  for (let y = 0; y < src.height; y++)
    for (let x = 0; x < dw; x++) {
      let s = 0
      for (let k = 0; k < 4; k++) s += (hx.wts[x * 4 + k] ?? 0) * (src.data[y * src.width + (hx.idx[x * 4 + k] ?? 0)] ?? 0)
      rows[y * dw + x] = s
    }
  const out = new Float32Array(dw * dh)
  for (let y = 0; y < dh; y++)
    for (let x = 0; x < dw; x++) {
      let s = 0
      for (let k = 0; k < 4; k++) s += (vy.wts[y * 4 + k] ?? 0) * (rows[(vy.idx[y * 4 + k] ?? 0) * dw + x] ?? 0)
      out[y * dw + x] = s
    }
  return { width: dw, height: dh, data: out }
}

/** Mean-subtracted contrast-normalised coefficients: (I − μ) / (σ + 1/255), μ and σ from a 7×7 Gaussian (σ = 7/6). */
export function mscn(img: Plane): Plane {
  const k = gaussianKernel(7, 7 / 6)
  const mu = blurReplicate(img, k)
  const sq = new Float32Array(img.data.length)
  for (let i = 0; i < sq.length; i++) sq[i] = (img.data[i] ?? 0) * (img.data[i] ?? 0)
  const ex2 = blurReplicate({ ...img, data: sq }, k)
  const out = new Float32Array(sq.length)
  for (let i = 0; i < out.length; i++) {
    const m = mu.data[i] ?? 0
    const sigma = Math.fround(Math.fround(Math.sqrt(Math.fround((ex2.data[i] ?? 0) - Math.fround(m * m)))) + Math.fround(1 / 255))
    out[i] = Math.fround(Math.fround((img.data[i] ?? 0) - m) / sigma)
  }
  return { width: img.width, height: img.height, data: out }
}

/** Γ(x) for x > 0 (Lanczos, g = 7, n = 9; relative error ~1e-15, enough to reproduce tgamma's search). */
export function gammaFn(x: number): number {
  if (x < 0.5) return Math.PI / (Math.sin(Math.PI * x) * gammaFn(1 - x))
  const c = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
    12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7
  ]
  const z = x - 1
  let a = c[0] ?? 0
  const t = z + 7.5
  for (let i = 1; i < 9; i++) a += (c[i] ?? 0) / (z + i)
  return Math.sqrt(2 * Math.PI) * Math.pow(t, z + 0.5) * Math.exp(-t) * a
}

/** r(γ) = Γ(2/γ)² / (Γ(1/γ)Γ(3/γ)): the moment ratio the AGGD fit matches. */
export const aggdRatio = (g: number): number => (gammaFn(2 / g) * gammaFn(2 / g)) / (gammaFn(1 / g) * gammaFn(3 / g))

/**
 * OpenCV's shape search grid: γ from 0.2 while < 10, step 0.001, accumulated in double exactly as its loop does (so
 * the γ values carry the same rounding as OpenCV's).
 */
export function gammaGrid(): Float64Array {
  const out: number[] = []
  for (let g = 0.2; g < 10; g += 0.001) out.push(g)
  return Float64Array.from(out)
}

export interface AggdFit {
  readonly gamma: number
  readonly leftSigma: number
  readonly rightSigma: number
}

/** Moment-matching AGGD fit (AGGDfit in qualitybrisque.cpp). `count` is the full map size, zeros included. */
export function aggdFit(values: Float32Array, count: number, grid: Float64Array = gammaGrid()): AggdFit {
  let poscount = 0
  let negcount = 0
  let possq = 0
  let negsq = 0
  let abssum = 0
  for (let i = 0; i < values.length; i++) {
    const v = values[i] ?? 0
    const sq = Math.fround(v * v)
    if (v > 0) {
      poscount++
      possq += sq
      abssum += v
    } else if (v < 0) {
      negcount++
      negsq += sq
      abssum -= v
    }
  }
  const leftSigma = Math.sqrt(negsq / negcount)
  const rightSigma = Math.sqrt(possq / poscount)
  const gh = leftSigma / rightSigma
  const rhat = Math.pow(abssum / count, 2) / ((negsq + possq) / count)
  const rhatnorm = (rhat * (Math.pow(gh, 3) + 1) * (gh + 1)) / Math.pow(Math.pow(gh, 2) + 1, 2)
  let prevGamma = 0
  let prevDiff = 1e10
  for (const g of grid) {
    const diff = Math.abs(aggdRatio(g) - rhatnorm)
    if (diff > prevDiff) break
    prevDiff = diff
    prevGamma = g
  }
  return { gamma: prevGamma, leftSigma, rightSigma }
}

/** Pairwise products in OpenCV's order: H (0,1), V (1,0), D1 (1,1), D2 (−1,1); out-of-image partners give 0. */
export const PAIR_SHIFTS: readonly (readonly [number, number])[] = [[0, 1], [1, 0], [1, 1], [-1, 1]]

export function pairProduct(m: Plane, dy: number, dx: number): Float32Array {
  const { width: w, height: h } = m
  const out = new Float32Array(w * h)
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      const yy = y + dy
      const xx = x + dx
      if (yy >= 0 && yy < h && xx >= 0 && xx < w) out[y * w + x] = Math.fround((m.data[y * w + x] ?? 0) * (m.data[yy * w + xx] ?? 0))
    }
  return out
}

/** The 18 features of one scale. */
export function scaleFeatures(img: Plane, grid: Float64Array = gammaGrid()): number[] {
  const m = mscn(img)
  const n = m.width * m.height
  const f: number[] = []
  const base = aggdFit(m.data, n, grid)
  f.push(base.gamma, (base.leftSigma ** 2 + base.rightSigma ** 2) / 2)
  for (const [dy, dx] of PAIR_SHIFTS) {
    const p = aggdFit(pairProduct(m, dy, dx), n, grid)
    const g = p.gamma
    const eta = (p.rightSigma - p.leftSigma) * (gammaFn(2 / g) / gammaFn(1 / g)) * (Math.sqrt(gammaFn(1 / g)) / Math.sqrt(gammaFn(3 / g)))
    f.push(g, eta, p.leftSigma ** 2, p.rightSigma ** 2)
  }
  return f.map((v) => Math.fround(v))
}

/** All 36 features of an 8-bit-valued gray image (values 0–255, as after cv::cvtColor). */
export function brisqueFeatures(gray: Plane): Float32Array {
  const scale = Math.fround(1 / 255) // convertTo(CV_32F, 1/255) multiplies by the float factor
  const img: Plane = { ...gray, data: gray.data.map((v) => v * scale) }
  const grid = gammaGrid()
  const half = resizeCubic(img, Math.floor(img.width / 2), Math.floor(img.height / 2))
  return Float32Array.from([...scaleFeatures(img, grid), ...scaleFeatures(half, grid)])
}

/** quality_utils::scale to [−1, 1], in float, in OpenCV's operation order. */
export function scaleFeaturesToUnit(features: Float32Array, range: FeatureRange): Float32Array {
  const f = Math.fround
  return features.map((v, i) => f(f(2 * f(v - (range.min[i] ?? 0))) / f((range.max[i] ?? 0) - (range.min[i] ?? 0))) - 1)
}

/** cv::ml::SVM::predict for EPS_SVR/RBF: kernel values in float (OpenCV's Qfloat), the weighted sum in double. */
export function svrPredict(model: SvrRbfModel, x: Float32Array): number {
  let sum = -model.rho
  for (let j = 0; j < model.svCount; j++) {
    let d = 0
    for (let k = 0; k < model.varCount; k++) {
      const t = Math.fround((x[k] ?? 0) - (model.supportVectors[j * model.varCount + k] ?? 0))
      d += t * t
    }
    sum += (model.alphas[j] ?? 0) * Math.fround(Math.exp(Math.fround(-model.gamma * d)))
  }
  return Math.fround(sum)
}

export function brisqueScore(gray: Plane, model: SvrRbfModel, range: FeatureRange): { score: number; features: Float32Array } {
  const features = brisqueFeatures(gray)
  const raw = svrPredict(model, scaleFeaturesToUnit(features, range))
  return { score: Math.min(Math.max(raw, 0), 100), features }
}
