/**
 * The measurement stage of the default pack, as an ONNX graph: what a QC engineer looks at, measured per frame on
 * native-resolution fragments (compression, noise and blur survive) and on a small global view (exposure, colour,
 * motion), then pooled over the segment — and over each quarter of it, so that a finding can say *when* inside the
 * segment it happens. Every output is a named, human-readable quantity — the explanations quote them — and the
 * learned head reads them all.
 *
 * Inputs (T = frames of one segment, consecutive, T ≥ 4):
 *   frag  uint8 [T, 1, 256, 256]  luma mosaic of 4×4 native-resolution 64×64 patches, patch origins on the 8-pixel grid
 *   glob  uint8 [T, 3, 90, 160]   the whole frame, RGB, scaled to 160×90
 * Outputs:
 *   features float32 [1, F]       the segment, in the order of MEASUREMENTS
 *   parts    float32 [PARTS, F]   the same measurements over each of PARTS equal stretches of the segment's frames
 *                                 (NaN where a stretch has no frame to measure: very short segments)
 */
import { attr, GraphBuilder, tensor, type Value } from '../../core/onnx/graph'
import { add, cast, concat, div, mul, reduce, reduceMean, reshape, slice, sub, unary, END } from '../../core/onnx/ops'

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
/** The segment is also measured in this many equal stretches of its frames (its parts), for localisation. */
export const PARTS = 4

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
  { name: 'flicker', description: 'Mean jump in frame brightness not explained by a steady fade, over frames that are not black (0–1)' },
  { name: 'flicker_ratio', description: 'Flicker relative to motion' },
  { name: 'shake', description: 'Jitter of global motion (px per frame at 160×90): zig-zag of the camera path' },
  { name: 'pan', description: 'Mean global motion (px per frame at 160×90)' },
  { name: 'judder', description: 'Irregularity of motion from frame to frame (dropped frames), relative to the motion' },
  { name: 'cut', description: 'Largest frame change ÷ mean change (scene cuts read > 4)' }
]

const F = MEASUREMENTS.length

/**
 * Pooling of per-frame series, once over the whole segment and once per part. Each series says where its items sit
 * in the segment (item i at frame offset + stride·i), so a series of frame pairs or of every 4th frame lands in the
 * right part.
 */
interface Pooler {
  /** Mean over the segment, as [1]. */
  mean(x: Value): Value
  /** Mean per part, as [PARTS]. */
  partMean(x: Value, stride: number, offset: number): Value
  /** Max per part, as [PARTS] (x ≥ 0). */
  partMax(x: Value, stride: number, offset: number): Value
}

function pooler(g: GraphBuilder, frames: Value): Pooler {
  const totalFrames = cast(g, g.node('Gather', [g.node('Shape', [frames]), g.constant(tensor.int64([0], []))], { axis: attr.int(0) }), 'float32')
  const parts = g.constant(tensor.float32(Array.from({ length: PARTS }, (_, k) => k), [1, PARTS]))
  const cache = new Map<string, { onehot: Value; weights: Value }>()
  // Which part each item belongs to, as a one-hot [n, PARTS] matrix, and the same divided by the part's item count.
  const assign = (x: Value, stride: number, offset: number) => {
    const key = `${x.name}|${stride}|${offset}`
    const hit = cache.get(key)
    if (hit) return hit
    const n = g.node('Gather', [g.node('Shape', [x]), g.constant(tensor.int64([0], []))], { axis: attr.int(0) })
    const index = cast(g, g.node('Range', [g.constant(tensor.int64([0], [])), n, g.constant(tensor.int64([1], []))]), 'float32')
    const position = add(g, mul(g, index, g.scalar(stride)), g.scalar(offset))
    const part = g.node('Min', [g.node('Floor', [div(g, mul(g, position, g.scalar(PARTS)), totalFrames)]), g.scalar(PARTS - 1)])
    const onehot = cast(g, g.node('Equal', [reshape(g, part, [-1, 1]), parts]), 'float32') // [n, PARTS]
    // An empty part divides 0 by 0: NaN, which says "not measured" rather than a made-up 0.
    const weights = div(g, onehot, reduce(g, 'ReduceSum', onehot, [0], true))
    const out = { onehot, weights }
    cache.set(key, out)
    return out
  }
  return {
    mean: (x) => reshape(g, reduceMean(g, x, [0], true), [1]),
    partMean: (x, stride, offset) => reshape(g, g.node('MatMul', [reshape(g, x, [1, -1]), assign(x, stride, offset).weights]), [PARTS]),
    partMax: (x, stride, offset) => reduce(g, 'ReduceMax', mul(g, reshape(g, x, [-1, 1]), assign(x, stride, offset).onehot), [0], false)
  }
}

/** Builds the measurement graph; returns ONNX bytes. */
export function buildMeasureModel(): Uint8Array {
  const g = new GraphBuilder({ name: 'vqa-measure', docString: 'VQA Inspector measurement stage; see src/modelkit/measure/graph.ts' })
  const c = (v: number): Value => g.scalar(v)
  const meanAll = (x: Value): Value => reduceMean(g, x, [1, 2, 3], false) // [N,C,H,W] → [N]
  const perFrame = (x: Value): Value => reduceMean(g, reshape(g, x, [-1, GRID * GRID]), [1], false) // [T·16] → [T]
  const sumAll = (x: Value): Value => reduce(g, 'ReduceSum', x, [1, 2, 3], false)
  const gt = (x: Value, t: number): Value => cast(g, g.node('Greater', [x, c(t)]), 'float32')
  const lt = (x: Value, t: number): Value => cast(g, g.node('Less', [x, c(t)]), 'float32')
  const and = (a: Value, b: Value): Value => g.node('And', [a, b])
  const abs = (x: Value): Value => unary(g, 'Abs', x)
  const sqrt = (x: Value): Value => unary(g, 'Sqrt', x)
  const sigmoid = (x: Value): Value => g.node('Sigmoid', [x])
  const safeDiv = (a: Value, b: Value, eps: number): Value => div(g, a, add(g, b, c(eps)))
  const hypot = (a: Value, b: Value, eps: number): Value => sqrt(add(g, add(g, mul(g, a, a), mul(g, b, b)), c(eps)))

  const frag = g.input('frag', 'uint8', ['frames', 1, FRAG_SIZE, FRAG_SIZE], 'luma mosaic of native-resolution patches')
  const glob = g.input('glob', 'uint8', ['frames', 3, GLOBAL_H, GLOBAL_W], 'whole frame, RGB, 160×90')
  const pool = pooler(g, frag)

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

  // Every filter below is written as differences of shifted slices, which ONNX Runtime runs as plain element-wise
  // passes; as convolutions each was an im2col expansion of the patches, several times the memory traffic.
  const dh = sub(g, slice(g, patches, [1], [END], [3]), slice(g, patches, [0], [-1], [3])) // [.,1,64,63]
  const dv = sub(g, slice(g, patches, [1], [END], [2]), slice(g, patches, [0], [-1], [2])) // [.,1,63,64]
  const adh = abs(dh)
  const adv = abs(dv)
  const sumH = sumAll(adh)
  const sumV = sumAll(adv)

  // Blur (Crété-Roffet): how much of each edge survives a further 9-tap blur. Sharp pictures lose a lot, blurred
  // ones almost nothing. The step between neighbours of the 9-tap box mean is (p[x+5] − p[x−4]) / 9 on the
  // edge-padded patch, so the blurred picture is never formed.
  const boxStep = (axis: 2 | 3): Value => {
    const padded = g.node('Pad', [patches, g.int64s(axis === 3 ? [0, 0, 0, 4, 0, 0, 0, 4] : [0, 0, 4, 0, 0, 0, 4, 0])], { mode: attr.string('edge') })
    return mul(g, abs(sub(g, slice(g, padded, [9], [PATCH + 8], [axis]), slice(g, padded, [0], [PATCH - 1], [axis]))), c(1 / 9))
  }
  // Over the whole frame (sums over its patches, as Crété-Roffet define it on a whole picture), not a mean of
  // per-patch ratios: a smooth patch — bokeh, sky, a soft gradient — has almost no edge to lose and then counts for
  // almost nothing, instead of reading as a fully blurred sixteenth of the frame. A photo with a sharp subject on a
  // soft background is not blurred; a picture blurred all over loses edge everywhere.
  const lossH = perFrame(sumAll(g.node('Relu', [sub(g, adh, boxStep(3))])))
  const lossV = perFrame(sumAll(g.node('Relu', [sub(g, adv, boxStep(2))])))
  const blurH = sub(g, c(1), safeDiv(lossH, perFrame(sumH), 1e-6))
  const blurV = sub(g, c(1), safeDiv(lossV, perFrame(sumV), 1e-6))
  const blur = g.node('Max', [blurH, blurV])
  const pairs = (PATCH - 1) * PATCH
  const detail = perFrame(mul(g, add(g, sumH, sumV), c(255 / 2 / pairs)))

  // Second differences: vertical (v2) from dv, then horizontal of that — the 3×3 Laplacian-like kernel
  // [1 −2 1]ᵀ⊗[1 −2 1] that Immerkær's noise estimate uses.
  const v2 = sub(g, slice(g, dv, [1], [END], [2]), slice(g, dv, [0], [-1], [2])) // [.,1,62,64]: p[y+1] − 2p[y] + p[y−1]
  const h1 = sub(g, slice(g, v2, [1], [END], [3]), slice(g, v2, [0], [-1], [3]))
  const lap = sub(g, slice(g, h1, [1], [END], [3]), slice(g, h1, [0], [-1], [3])) // [.,1,62,62]
  // Sobel magnitudes for the flatness weights: central differences smoothed [1 2 1] across.
  const sobel = (d: Value, along: 2 | 3): Value => {
    const across = along === 3 ? 2 : 3
    const central = add(g, slice(g, d, [1], [END], [along]), slice(g, d, [0], [-1], [along])) // p[+1] − p[−1]
    const s1 = add(g, slice(g, central, [1], [END], [across]), slice(g, central, [0], [-1], [across]))
    return abs(add(g, slice(g, s1, [1], [END], [across]), slice(g, s1, [0], [-1], [across])))
  }
  // Noise (Immerkær): the response to a kernel that cancels planes and ramps, averaged where the picture is flat
  // (soft weights from the local gradient, so heavy noise is still measured rather than masked away entirely).
  const grad = add(g, sobel(dh, 3), sobel(dv, 2)) // [.,1,62,62]
  const w = unary(g, 'Exp', mul(g, mul(g, grad, grad), c(-1 / (0.35 * 0.35))))
  const noiseRaw = safeDiv(sumAll(mul(g, abs(lap), w)), sumAll(w), 1e-6)
  const noise = perFrame(mul(g, noiseRaw, c((Math.sqrt(Math.PI / 2) / 6) * 255)))

  // Blocking: steps across the 8-pixel block grid against steps inside blocks. Patch origins are on the source's
  // 8-pixel grid, so codec block edges fall between columns 7|8, 15|16, … — every 8th step from the 8th.
  const edges = Math.floor(PATCH / 8) - 1
  const inner = PATCH - 1 - edges
  const edgeH = sumAll(slice(g, adh, [7], [PATCH - 1], [3], [8]))
  const edgeV = sumAll(slice(g, adv, [7], [PATCH - 1], [2], [8]))
  const edgeStep = mul(g, add(g, edgeH, edgeV), c(1 / edges))
  const innerStep = mul(g, sub(g, add(g, sumH, sumV), add(g, edgeH, edgeV)), c(1 / inner))
  // The ratio of sums over all patches of a frame (not a mean of per-patch ratios): flat patches then count for little.
  const blocking = div(g, add(g, perFrame(edgeStep), c(1e-3)), add(g, perFrame(innerStep), c(1e-3)))

  // Banding: posterised gradients are long exactly-flat runs broken by small isolated steps.
  const ZERO = 0.5 / 255
  const zh = g.node('Less', [adh, c(ZERO)])
  const zv = g.node('Less', [adv, c(ZERO)])
  const share = (b: Value): Value => meanAll(cast(g, b, 'float32'))
  const flat = perFrame(mul(g, add(g, share(zh), share(zv)), c(0.5)))
  const isolated = (a: Value, z: Value, axis: number): Value => {
    const centre = slice(g, a, [1], [-1], [axis])
    const small = and(g.node('Greater', [centre, c(ZERO)]), g.node('Less', [centre, c(6.5 / 255)]))
    return share(and(small, and(slice(g, z, [0], [-2], [axis]), slice(g, z, [2], [END], [axis]))))
  }
  const contours = perFrame(add(g, isolated(adh, zh, 3), isolated(adv, zv, 2)))

  // Interlacing: with motion, the two fields of an interlaced frame disagree, so each line differs from its
  // neighbours more than from the lines two away. |p[y] − (p[y−1] + p[y+1])/2| is |v2|/2; the two-line version
  // is the same on d2[y] = p[y+2] − p[y].
  const d2 = add(g, slice(g, dv, [1], [END], [2]), slice(g, dv, [0], [-1], [2])) // [.,1,62,64]
  const rowDev1 = mul(g, meanAll(abs(v2)), c(0.5))
  const rowDev2 = mul(g, meanAll(abs(sub(g, slice(g, d2, [2], [END], [2]), slice(g, d2, [0], [-2], [2])))), c(0.5))
  const combing = div(g, add(g, perFrame(rowDev1), c(2e-3)), add(g, perFrame(rowDev2), c(2e-3)))

  // ---- global view: exposure, contrast, colour ----
  // BT.709 luma as one 1×1 convolution, straight from the 0–255 codes: every frame needs it (black frames, flicker,
  // motion), and the whole RGB view is never converted.
  const lumaWeights = tensor.float32([0.2126 / 255, 0.7152 / 255, 0.0722 / 255], [1, 3, 1, 1])
  const Y = g.node('Conv', [cast(g, glob, 'float32'), g.constant(lumaWeights)], { kernel_shape: attr.ints([1, 1]) }) // [T,1,90,160]
  const luma = meanAll(Y) // [T]
  const lumaSq = meanAll(mul(g, Y, Y))
  const contrast = sqrt(g.node('Relu', [sub(g, lumaSq, mul(g, luma, luma))]))
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
  const saturation = meanAll(hypot(Cb, Cr, 1e-8))
  // A cast added to a picture (a white-balance error, a chroma offset) moves its blacks and whites off neutral; a
  // picture that is simply colourful — a blue sky, a sunset — still has neutral shadows and highlights. So the
  // colour of the black level and of the white level, as the RGB parade shows them: each channel's darkest (brightest)
  // 1 %, read as one colour, its chroma magnitude.
  // On 2×2 means (80×45): a lone hot or dead pixel does not set a level, and the selection is a quarter of the work.
  const pixels = (GLOBAL_W / 2) * (GLOBAL_H / 2)
  const k = Math.max(1, Math.round(pixels * POINT_SHARE))
  const extreme = (largest: boolean): Value => {
    const flatX = reshape(g, g.node('AveragePool', [rgbS], { kernel_shape: attr.ints([2, 2]), strides: attr.ints([2, 2]) }), [0, 3, pixels])
    const top = g.nodeN('TopK', [flatX, g.int64s([k])], 2, { axis: attr.int(2), largest: attr.int(largest ? 1 : 0), sorted: attr.int(0) })[0]!
    return reduceMean(g, top, [2], false) // [T', 3]
  }
  // [T', 3] × [3, 2] → (Cb, Cr) of each level, BT.709.
  const toChroma = g.constant(tensor.float32([-0.2126 / 1.8556, 0.7874 / 1.5748, -0.7152 / 1.8556, -0.7152 / 1.5748, 0.9278 / 1.8556, -0.0722 / 1.5748], [3, 2]))
  const tint = (largest: boolean): Value => {
    const ch = g.node('MatMul', [extreme(largest), toChroma])
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
  // [T−1], at native resolution, on every 4th row: a frozen frame still reads exactly 0, a changing one the same mean
  // within noise, for a quarter of the work over all T frames. (Rows, not a 2×2 grid: four rows of the mosaic side
  // by side are one contiguous run, so the pick is a plain copy.)
  const fyQuarter = toUnit(slice(g, reshape(g, frag, [0, 1, FRAG_SIZE / 4, FRAG_SIZE * 4]), [0], [FRAG_SIZE], [3]))
  const fragStep = meanAll(abs(sub(g, firstOut(fyQuarter), lastOut(fyQuarter))))
  const repeated = lt(fragStep, 0.25 / 255)
  const dLuma = sub(g, firstOut(luma), lastOut(luma)) // [T−1]
  const flickerT = abs(sub(g, firstOut(dLuma), lastOut(dLuma))) // [T−2]: steady fades cancel out
  // A black frame is a jump to black and back, which is black frames (measured above), not pumping brightness: each
  // triple of frames counts toward flicker as much as none of its three is black.
  const lit = sub(g, c(1), gt(black, 0.5)) // [T], 0 or 1: the soft black reading leaks a little, and jumps to black are large
  const litTriple = mul(g, mul(g, slice(g, lit, [0], [-2], [0]), slice(g, lit, [1], [-1], [0])), slice(g, lit, [2], [END], [0])) // [T−2]

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
  // Every other row of the matched area: the mean difference per shift is as clear, for half the work.
  const curCore = slice(g, cur, [r, r], [H2 - r, W2 - r], [2, 3], [2, 1])
  const sads: Value[] = []
  const shifts: Array<[number, number]> = []
  for (let dy = -r; dy <= r; dy++) {
    for (let dx = -r; dx <= r; dx++) {
      const moved = slice(g, prev, [r + dy, r + dx], [H2 - r + dy, W2 - r + dx], [2, 3], [2, 1])
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
  const jitter = hypot(secondDiff(vx), secondDiff(vy), 1e-8) // [T−3]
  const speed = hypot(vx, vy, 1e-8) // [T−1]
  const motionJerk = abs(secondDiff(motion)) // [T−3]

  // ---- pooling: the segment, then each part. Series positions: frames (stride 1), every 4th frame, frame pairs
  // (item i is the step into frame i + 1), second differences of frames (centred on frame i + 1) and of pairs
  // (centred on frame i + 2).
  type Where = [stride: number, offset: number]
  const FRAME: Where = [1, 0]
  const SPARSE: Where = [SPATIAL_STRIDE, 0]
  const PAIR: Where = [1, 1]
  const TRIPLE: Where = [1, 1]
  const PAIR2: Where = [1, 2]
  const columns: Array<{ segment: Value; parts: Value }> = []
  const m = (x: Value, [stride, offset]: Where) => ({ segment: pool.mean(x), parts: pool.partMean(x, stride, offset) })
  const both = (f: (mean: (x: Value, at: Where) => Value) => Value) => ({
    segment: f((x) => pool.mean(x)),
    parts: f((x, [stride, offset]) => pool.partMean(x, stride, offset))
  })
  const castOf = both((mean) => hypot(mean(castCb, SPARSE), mean(castCr, SPARSE), 1e-10))
  const swing = both((mean) => sqrt(g.node('Relu', [sub(g, mean(mul(g, luma, luma), FRAME), mul(g, mean(luma, FRAME), mean(luma, FRAME)))])))
  const motionMean = m(motion, PAIR)
  // Mean over the lit triples only; a stretch that is all black has no flicker to speak of (0).
  const flicker = both((mean) => safeDiv(mean(mul(g, flickerT, litTriple), TRIPLE), mean(litTriple, TRIPLE), 1e-6))
  const ratioOf = (a: { segment: Value; parts: Value }, b: { segment: Value; parts: Value }, eps: number) => ({
    segment: safeDiv(a.segment, b.segment, eps),
    parts: safeDiv(a.parts, b.parts, eps)
  })
  const maxMotion = { segment: reshape(g, reduce(g, 'ReduceMax', motion, [0], true), [1]), parts: pool.partMax(motion, ...PAIR) }
  columns.push(
    m(blur, SPARSE), m(detail, SPARSE), m(noise, SPARSE), m(blocking, SPARSE), m(flat, SPARSE), m(contours, SPARSE), m(combing, SPARSE),
    m(luma, FRAME), m(contrast, FRAME), m(clippedHigh, SPARSE), m(clippedLow, SPARSE), m(castCb, SPARSE), m(castCr, SPARSE),
    castOf, m(saturation, SPARSE), m(blackTint, SPARSE), m(whiteTint, SPARSE), m(gamutClip, SPARSE), m(black, FRAME), swing, motionMean,
    m(repeated, PAIR), flicker, ratioOf(flicker, motionMean, 2e-3), m(jitter, PAIR2), m(speed, PAIR), ratioOf(m(motionJerk, PAIR2), motionMean, 2e-3),
    ratioOf(maxMotion, motionMean, 2e-3)
  )
  if (columns.length !== F) throw new Error(`measure graph has ${columns.length} columns, MEASUREMENTS lists ${F}`)
  g.output(reshape(g, concat(g, columns.map((col) => col.segment), 0), [1, F]), 'features', 'float32', [1, F])
  g.output(g.node('Transpose', [concat(g, columns.map((col) => reshape(g, col.parts, [1, PARTS])), 0)], { perm: attr.ints([1, 0]) }), 'parts', 'float32', [PARTS, F])
  return g.toBytes()
}
