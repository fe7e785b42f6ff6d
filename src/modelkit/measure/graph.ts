/**
 * The measurement stage of the default pack, as an ONNX graph: what a QC engineer looks at, measured per frame on
 * native-resolution fragments (compression, noise and blur survive) and on a small global view (exposure, colour,
 * motion), then pooled over the segment. Every output is a named, human-readable quantity — the explanations quote
 * them — and the learned head reads them all.
 *
 * Inputs (T = frames of one segment, consecutive, T ≥ 4):
 *   frag  uint8 [T, 1, 256, 256]  luma mosaic of 4×4 native-resolution 64×64 patches, patch origins on the 8-pixel grid
 *   glob  uint8 [T, 3, 90, 160]   the whole frame, RGB, scaled to 160×90
 * Output:
 *   features float32 [1, F]       in the order of MEASUREMENTS
 */
import { attr, GraphBuilder, tensor, type Value } from '../../core/onnx/graph'
import { add, cast, concat, conv2d, div, mul, reduce, reduceMean, reshape, slice, sub, unary, END } from '../../core/onnx/ops'

export const FRAG_SIZE = 256
export const PATCH = 64
export const GRID = 4
export const GLOBAL_W = 160
export const GLOBAL_H = 90
/** Global-motion search range, in pixels of the 80×45 motion image (±8 px of the 160×90 view). */
export const MOTION_RANGE = 4
/** Share of a channel's darkest (brightest) pixels whose mean is its black (white) level. */
export const POINT_SHARE = 0.01
/** Spatial measures use every 4th frame of the segment (T/4 frames). */
export const SPATIAL_STRIDE = 4

export interface Measurement {
  name: string
  /** What it is, with its unit and what a clean picture reads. Shown to users next to the value. */
  description: string
}

export const MEASUREMENTS: readonly Measurement[] = [
  { name: 'blur', description: 'Edge loss on re-blurring (Crété-Roffet), 0 = sharp … 1 = no detail left' },
  { name: 'detail', description: 'Mean gradient on native-resolution fragments (0–255 scale)' },
  { name: 'noise', description: 'Noise σ in flat areas (Immerkær), 0–255 scale; clean ≈ 0.5–1.5' },
  { name: 'blocking', description: '8×8 block-edge ratio: mean step across block edges ÷ inside blocks; clean ≈ 1.0' },
  { name: 'flat', description: 'Share of exactly flat neighbour pairs (0–1)' },
  { name: 'contours', description: 'Share of isolated 1–6 level steps between flat runs (false contours, banding)' },
  { name: 'combing', description: 'Line-to-line vs two-line difference ratio; progressive ≈ 0.5–0.8, interlaced motion > 1' },
  { name: 'luma', description: 'Mean luma (0–1)' },
  { name: 'contrast', description: 'Luma standard deviation (0–1)' },
  { name: 'clipped_high', description: 'Share of pixels at or near white (> 0.96)' },
  { name: 'clipped_low', description: 'Share of pixels at or near black (< 0.03)' },
  { name: 'cast_cb', description: 'Mean blue-difference chroma (Cb, −0.5…0.5); neutral ≈ 0' },
  { name: 'cast_cr', description: 'Mean red-difference chroma (Cr, −0.5…0.5); neutral ≈ 0' },
  { name: 'cast', description: 'Size of the mean chroma offset (colour cast)' },
  { name: 'saturation', description: 'Mean chroma magnitude' },
  { name: 'black_tint', description: "Chroma of the blacks: each channel's darkest 1 % as a colour (neutral shadows ≈ 0)" },
  { name: 'white_tint', description: "Chroma of the whites: each channel's brightest 1 % as a colour (neutral highlights ≈ 0)" },
  { name: 'gamut_clip', description: 'Share of mid-tone pixels with a colour channel at 0 or 255 (oversaturated colour)' },
  { name: 'black_frames', description: 'Share of frames that are black or blank' },
  { name: 'luma_swing', description: 'Standard deviation of frame mean luma over the segment' },
  { name: 'motion', description: 'Mean absolute frame-to-frame luma change (0–1)' },
  { name: 'repeated_frames', description: 'Share of frames identical to the previous one (frozen or duplicated)' },
  { name: 'flicker', description: 'Mean jump in frame brightness not explained by a steady fade (0–1)' },
  { name: 'flicker_ratio', description: 'Flicker relative to motion' },
  { name: 'shake', description: 'Jitter of global motion (px per frame at 160×90): zig-zag of the camera path' },
  { name: 'pan', description: 'Mean global motion (px per frame at 160×90)' },
  { name: 'judder', description: 'Irregularity of motion from frame to frame (dropped frames), relative to the motion' },
  { name: 'cut', description: 'Largest frame change ÷ mean change (scene cuts read > 4)' }
]

const F = MEASUREMENTS.length

/** Builds the measurement graph; returns ONNX bytes. */
export function buildMeasureModel(): Uint8Array {
  const g = new GraphBuilder({ name: 'vqa-measure', docString: 'VQA Inspector measurement stage; see src/modelkit/measure/graph.ts' })
  const c = (v: number): Value => g.scalar(v)
  const meanAll = (x: Value): Value => reduceMean(g, x, [1, 2, 3], false) // [N,C,H,W] → [N]
  const perFrame = (x: Value): Value => reduceMean(g, reshape(g, x, [-1, GRID * GRID]), [1], false) // [T·16] → [T]
  const sumAll = (x: Value): Value => reduce(g, 'ReduceSum', x, [1, 2, 3], false)
  const gt = (x: Value, t: number): Value => cast(g, g.node('Greater', [x, c(t)]), 'float32')
  const lt = (x: Value, t: number): Value => cast(g, g.node('Less', [x, c(t)]), 'float32')
  const abs = (x: Value): Value => unary(g, 'Abs', x)
  const sqrt = (x: Value): Value => unary(g, 'Sqrt', x)
  const sigmoid = (x: Value): Value => g.node('Sigmoid', [x])
  const safeDiv = (a: Value, b: Value, eps: number): Value => div(g, a, add(g, b, c(eps)))
  /** Mean over T of a [T] vector, as [1]. */
  const segMean = (x: Value): Value => reshape(g, reduceMean(g, x, [0], true), [1])
  const segMax = (x: Value): Value => reshape(g, reduce(g, 'ReduceMax', x, [0], true), [1])

  const frag = g.input('frag', 'uint8', ['frames', 1, FRAG_SIZE, FRAG_SIZE], 'luma mosaic of native-resolution patches')
  const glob = g.input('glob', 'uint8', ['frames', 3, GLOBAL_H, GLOBAL_W], 'whole frame, RGB, 160×90')

  // ---- fragments → one 64×64 patch per batch item, so no filter ever straddles the mosaic's seams ----
  const toUnit = (x: Value): Value => mul(g, cast(g, x, 'float32'), c(1 / 255))
  // Picture-quality measures change slowly within a segment: every SPATIAL_STRIDE-th frame is enough for them and
  // keeps the stage several times faster than decoding. Motion measures below still use every frame.
  // Frames are picked while still uint8: converting the whole mosaic to float first was a quarter of the stage's time.
  const spatial = toUnit(slice(g, frag, [0], [END], [0], [SPATIAL_STRIDE]))
  const patches = reshape(
    g,
    g.node('Transpose', [reshape(g, spatial, [-1, 1, GRID, PATCH, GRID, PATCH])], { perm: attr.ints([0, 2, 4, 1, 3, 5]) }),
    [-1, 1, PATCH, PATCH]
  ) // [T·16, 1, 64, 64]

  const dh = sub(g, slice(g, patches, [1], [END], [3]), slice(g, patches, [0], [-1], [3])) // [.,1,64,63]
  const dv = sub(g, slice(g, patches, [1], [END], [2]), slice(g, patches, [0], [-1], [2])) // [.,1,63,64]
  const adh = abs(dh)
  const adv = abs(dv)

  // Blur (Crété-Roffet): how much of each edge survives a further 9-tap blur. Sharp pictures lose a lot, blurred
  // ones almost nothing.
  const box = (axis: 'h' | 'v'): Value => {
    const k = tensor.float32(new Array(9).fill(1 / 9), axis === 'h' ? [1, 1, 1, 9] : [1, 1, 9, 1])
    const padded = g.node('Pad', [patches, g.int64s(axis === 'h' ? [0, 0, 0, 4, 0, 0, 0, 4] : [0, 0, 4, 0, 0, 0, 4, 0])], { mode: attr.string('edge') })
    return conv2d(g, padded, k)
  }
  const bh = box('h')
  const bv = box('v')
  const abh = abs(sub(g, slice(g, bh, [1], [END], [3]), slice(g, bh, [0], [-1], [3])))
  const abv = abs(sub(g, slice(g, bv, [1], [END], [2]), slice(g, bv, [0], [-1], [2])))
  const lossH = sumAll(g.node('Relu', [sub(g, adh, abh)]))
  const lossV = sumAll(g.node('Relu', [sub(g, adv, abv)]))
  const blurH = sub(g, c(1), safeDiv(lossH, sumAll(adh), 1e-6))
  const blurV = sub(g, c(1), safeDiv(lossV, sumAll(adv), 1e-6))
  const blur = perFrame(g.node('Max', [blurH, blurV]))
  const detail = perFrame(mul(g, add(g, meanAll(adh), meanAll(adv)), c(255 / 2)))

  // Noise (Immerkær): the response to a kernel that cancels planes and ramps, averaged where the picture is flat
  // (soft weights from the local gradient, so heavy noise is still measured rather than masked away entirely).
  const lapKernel = tensor.float32([1, -2, 1, -2, 4, -2, 1, -2, 1], [1, 1, 3, 3])
  const sobelX = tensor.float32([-1, 0, 1, -2, 0, 2, -1, 0, 1], [1, 1, 3, 3])
  const sobelY = tensor.float32([-1, -2, -1, 0, 0, 0, 1, 2, 1], [1, 1, 3, 3])
  const response = abs(conv2d(g, patches, lapKernel))
  const grad = add(g, abs(conv2d(g, patches, sobelX)), abs(conv2d(g, patches, sobelY)))
  const w = unary(g, 'Exp', unary(g, 'Neg', mul(g, mul(g, grad, grad), c(1 / (0.35 * 0.35)))))
  const noiseRaw = safeDiv(sumAll(mul(g, response, w)), sumAll(w), 1e-6)
  const noise = perFrame(mul(g, noiseRaw, c((Math.sqrt(Math.PI / 2) / 6) * 255)))

  // Blocking: steps across the 8-pixel block grid against steps inside blocks. Patch origins are on the source's
  // 8-pixel grid, so codec block edges fall between columns 7|8, 15|16, …
  const edgeMask = (n: number): number[] => Array.from({ length: n }, (_, i) => ((i + 1) % 8 === 0 ? 1 : 0))
  const mh = edgeMask(PATCH - 1)
  const bmaskH = g.constant(tensor.float32(mh, [1, 1, 1, PATCH - 1]))
  const nmaskH = g.constant(tensor.float32(mh.map((v) => 1 - v), [1, 1, 1, PATCH - 1]))
  const bmaskV = g.constant(tensor.float32(mh, [1, 1, PATCH - 1, 1]))
  const nmaskV = g.constant(tensor.float32(mh.map((v) => 1 - v), [1, 1, PATCH - 1, 1]))
  const nb = mh.filter((v) => v === 1).length
  const nn = PATCH - 1 - nb
  const edgeStep = add(g, mul(g, sumAll(mul(g, adh, bmaskH)), c(1 / nb)), mul(g, sumAll(mul(g, adv, bmaskV)), c(1 / nb)))
  const innerStep = add(g, mul(g, sumAll(mul(g, adh, nmaskH)), c(1 / nn)), mul(g, sumAll(mul(g, adv, nmaskV)), c(1 / nn)))
  // The ratio of sums over all patches of a frame (not a mean of per-patch ratios): flat patches then count for little.
  const blocking = div(g, add(g, perFrame(edgeStep), c(1e-3)), add(g, perFrame(innerStep), c(1e-3)))

  // Banding: posterised gradients are long exactly-flat runs broken by small isolated steps.
  const ZERO = 0.5 / 255
  const zh = lt(adh, ZERO)
  const zv = lt(adv, ZERO)
  const flat = perFrame(mul(g, add(g, meanAll(zh), meanAll(zv)), c(0.5)))
  const isolated = (a: Value, z: Value, axis: number): Value => {
    const centre = slice(g, a, [1], [-1], [axis])
    const small = mul(g, gt(centre, ZERO), lt(centre, 6.5 / 255))
    return meanAll(mul(g, small, mul(g, slice(g, z, [0], [-2], [axis]), slice(g, z, [2], [END], [axis]))))
  }
  const contours = perFrame(add(g, isolated(adh, zh, 3), isolated(adv, zv, 2)))

  // Interlacing: with motion, the two fields of an interlaced frame disagree, so each line differs from its
  // neighbours more than from the lines two away.
  const rowDev = (off: number): Value => {
    const mid = slice(g, patches, [off], [-off], [2])
    const up = slice(g, patches, [0], [-2 * off], [2])
    const down = slice(g, patches, [2 * off], [END], [2])
    return meanAll(abs(sub(g, mid, mul(g, add(g, up, down), c(0.5)))))
  }
  const combing = div(g, add(g, perFrame(rowDev(1)), c(2e-3)), add(g, perFrame(rowDev(2)), c(2e-3)))

  // ---- global view: exposure, contrast, colour ----
  const rgb = toUnit(glob)
  // BT.709 luma as one 1×1 convolution: every frame needs it (black frames, flicker, motion).
  const Y = conv2d(g, rgb, tensor.float32([0.2126, 0.7152, 0.0722], [1, 3, 1, 1])) // [T,1,90,160]
  const luma = meanAll(Y) // [T]
  const contrast = sqrt(g.node('Relu', [sub(g, meanAll(mul(g, Y, Y)), mul(g, luma, luma))]))
  const black = mul(g, sigmoid(mul(g, sub(g, c(0.08), luma), c(100))), sigmoid(mul(g, sub(g, c(0.03), contrast), c(100))))
  // Exposure and colour change slowly, like the fragment measures: every SPATIAL_STRIDE-th frame.
  const rgbS = toUnit(slice(g, glob, [0], [END], [0], [SPATIAL_STRIDE]))
  const YS = slice(g, Y, [0], [END], [0], [SPATIAL_STRIDE])
  const R = slice(g, rgbS, [0], [1], [1])
  const B = slice(g, rgbS, [2], [3], [1])
  const clippedHigh = meanAll(gt(YS, 0.96))
  const clippedLow = meanAll(lt(YS, 0.03))
  const Cb = mul(g, sub(g, B, YS), c(1 / 1.8556))
  const Cr = mul(g, sub(g, R, YS), c(1 / 1.5748))
  const castCb = meanAll(Cb)
  const castCr = meanAll(Cr)
  const saturation = meanAll(sqrt(add(g, add(g, mul(g, Cb, Cb), mul(g, Cr, Cr)), c(1e-8))))
  // A cast added to a picture (a white-balance error, a chroma offset) moves its blacks and whites off neutral; a
  // picture that is simply colourful — a blue sky, a sunset — still has neutral shadows and highlights. So the
  // colour of the black level and of the white level, as the RGB parade shows them: each channel's darkest (brightest)
  // 1 %, read as one colour, its chroma magnitude.
  // On 2×2 means (80×45): a lone hot or dead pixel does not set a level, and the selection is a quarter of the work.
  const pixels = (GLOBAL_W / 2) * (GLOBAL_H / 2)
  const k = Math.max(1, Math.round(pixels * POINT_SHARE))
  const pooled = g.node('AveragePool', [rgbS], { kernel_shape: attr.ints([2, 2]), strides: attr.ints([2, 2]) })
  const flatRgb = reshape(g, pooled, [0, 3, pixels])
  const level = (largest: boolean): Value => {
    const top = g.nodeN('TopK', [flatRgb, g.int64s([k])], 2, { axis: attr.int(2), largest: attr.int(largest ? 1 : 0), sorted: attr.int(0) })[0]!
    return reduceMean(g, top, [2], false) // [T', 3]
  }
  // [T', 3] × [3, 2] → (Cb, Cr) of each level, BT.709.
  const toChroma = g.constant(tensor.float32([-0.2126 / 1.8556, 0.7874 / 1.5748, -0.7152 / 1.8556, -0.7152 / 1.5748, 0.9278 / 1.8556, -0.0722 / 1.5748], [3, 2]))
  const tint = (largest: boolean): Value => {
    const ch = g.node('MatMul', [level(largest), toChroma])
    return sqrt(add(g, reduce(g, 'ReduceSum', mul(g, ch, ch), [1], false), c(1e-10))) // [T']
  }
  const blackTint = tint(false)
  const whiteTint = tint(true)
  // Oversaturation pushes colours out of gamut: one channel pinned at 0 or 255 in a mid-tone. (Clipped whites and
  // blacks are exposure, so only mid-tones count.)
  const hiC = reduce(g, 'ReduceMax', rgbS, [1], true)
  const loC = reduce(g, 'ReduceMin', rgbS, [1], true)
  const pinned = g.node('Max', [gt(hiC, 0.995), lt(loC, 0.005)])
  const mid = mul(g, gt(YS, 0.15), lt(YS, 0.85))
  const gamutClip = meanAll(mul(g, pinned, mid))

  // ---- over time ----
  const firstOut = (x: Value): Value => slice(g, x, [1], [END], [0])
  const lastOut = (x: Value): Value => slice(g, x, [0], [-1], [0])
  const motion = meanAll(abs(sub(g, firstOut(Y), lastOut(Y)))) // [T−1]
  // [T−1], at native resolution, on every other row and column: a frozen frame still reads exactly 0, a changing one
  // the same mean within noise, for a quarter of the work over all T frames.
  const fyQuarter = toUnit(slice(g, frag, [0, 0], [END, END], [2, 3], [2, 2]))
  const fragStep = meanAll(abs(sub(g, firstOut(fyQuarter), lastOut(fyQuarter))))
  const repeated = lt(fragStep, 0.25 / 255)
  const dLuma = sub(g, firstOut(luma), lastOut(luma)) // [T−1]
  const flickerT = abs(sub(g, firstOut(dLuma), lastOut(dLuma))) // [T−2]: steady fades cancel out
  const motionMean = segMean(motion)
  const flicker = segMean(flickerT)
  const flickerRatio = safeDiv(flicker, motionMean, 2e-3)
  const lumaSwing = sqrt(g.node('Relu', [sub(g, segMean(mul(g, luma, luma)), mul(g, segMean(luma), segMean(luma)))]))

  // Global motion between consecutive frames by block matching on an 80×45 image: the mean absolute difference for
  // every shift in ±MOTION_RANGE, then a soft arg-min for sub-pixel estimates. (Matching row and column profiles
  // instead was tried: a few per cent of the cost, but people walking through a handheld phone clip read as camera
  // shake — 0.5–0.7 px where block matching reads 0.15–0.3 — and such a clip scored 2.2 against a MOS of 3.2.)
  const small = g.node('AveragePool', [Y], { kernel_shape: attr.ints([2, 2]), strides: attr.ints([2, 2]) }) // [T,1,45,80]
  const prev = lastOut(small)
  const cur = firstOut(small)
  const r = MOTION_RANGE
  const H2 = GLOBAL_H / 2
  const W2 = GLOBAL_W / 2
  const curCore = slice(g, cur, [r, r], [H2 - r, W2 - r], [2, 3])
  const sads: Value[] = []
  const shifts: Array<[number, number]> = []
  for (let dy = -r; dy <= r; dy++) {
    for (let dx = -r; dx <= r; dx++) {
      const moved = slice(g, prev, [r + dy, r + dx], [H2 - r + dy, W2 - r + dx], [2, 3])
      sads.push(reshape(g, meanAll(abs(sub(g, curCore, moved))), [-1, 1]))
      // The content moved by (−dx, −dy) from prev to cur when prev shifted by (dx, dy) matches cur.
      shifts.push([-dx * 2, -dy * 2]) // in 160×90 pixels
    }
  }
  const sad = concat(g, sads, 1) // [T−1, 81]
  const minSad = reduce(g, 'ReduceMin', sad, [1], true)
  const meanSad = reduceMean(g, sad, [1], true)
  const tau = add(g, mul(g, sub(g, meanSad, minSad), c(0.05)), c(1e-5))
  const wts = g.node('Softmax', [unary(g, 'Neg', div(g, sub(g, sad, minSad), tau))], { axis: attr.int(1) })
  const vx = reshape(g, g.node('MatMul', [wts, g.constant(tensor.float32(shifts.map((s) => s[0]), [shifts.length, 1]))]), [-1]) // [T−1]
  const vy = reshape(g, g.node('MatMul', [wts, g.constant(tensor.float32(shifts.map((s) => s[1]), [shifts.length, 1]))]), [-1])
  const secondDiff = (v: Value): Value => {
    const mid = slice(g, v, [1], [-1], [0])
    const around = mul(g, add(g, slice(g, v, [0], [-2], [0]), slice(g, v, [2], [END], [0])), c(0.5))
    return sub(g, mid, around)
  }
  const jx = secondDiff(vx)
  const jy = secondDiff(vy)
  const shake = segMean(sqrt(add(g, add(g, mul(g, jx, jx), mul(g, jy, jy)), c(1e-8))))
  const pan = segMean(sqrt(add(g, add(g, mul(g, vx, vx), mul(g, vy, vy)), c(1e-8))))
  const judder = safeDiv(segMean(abs(secondDiff(motion))), motionMean, 2e-3)
  const cut = safeDiv(segMax(motion), motionMean, 2e-3)

  const columns: Value[] = [
    segMean(blur), segMean(detail), segMean(noise), segMean(blocking), segMean(flat), segMean(contours), segMean(combing),
    segMean(luma), segMean(contrast), segMean(clippedHigh), segMean(clippedLow), segMean(castCb), segMean(castCr),
    sqrt(add(g, add(g, mul(g, segMean(castCb), segMean(castCb)), mul(g, segMean(castCr), segMean(castCr))), c(1e-10))),
    segMean(saturation), segMean(blackTint), segMean(whiteTint), segMean(gamutClip), segMean(black), lumaSwing, motionMean, segMean(repeated), flicker, flickerRatio, shake, pan, judder, cut
  ]
  if (columns.length !== F) throw new Error(`measure graph has ${columns.length} columns, MEASUREMENTS lists ${F}`)
  const features = reshape(g, concat(g, columns, 0), [1, F])
  g.output(features, 'features', 'float32', [1, F])
  return g.toBytes()
}
