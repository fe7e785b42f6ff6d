/**
 * The dataset plan: every clip's source, size, frame rate, length, camera path and distortions, drawn from the seed
 * before any ffmpeg runs. Same seed and same sources → same plan, byte for byte; the generator only executes it.
 */
import { DISTORTION_IDS, LEVELS, planParams, type AppliedDistortion, type ClipGeometry, type DistortionId, type Level } from './distortions'
import { createRng, hash32, type Rng } from './prng'
import { canvasFor, cropWidth, even, needsUpscale, planCamera, upscaleFactor, ZOOM_MIN, type Canvas, type CameraPath, type SourceInput } from './render'

export type ClipKind = 'clean' | 'single' | 'window' | 'pair' | 'series-level' | 'series-window'

export interface PlannedSource {
  /** File name inside its package, and the package (what the dataset records). */
  file: string
  package: string
  width: number
  height: number
  input: SourceInput
}

export interface ClipPlan {
  id: string
  kind: ClipKind
  source: PlannedSource
  geo: ClipGeometry
  canvas: Canvas
  /** > 1: the pristine clip is an upscale of its source (softer than the others). */
  upscale: number
  camera: CameraPath
  distortions: AppliedDistortion[]
  /** Clips rendered from the same source with the same geometry and camera share one pristine reference. */
  pristineKey: string
  /** Held-out series: which source group, which distortion, which level (0 = the clean reference). */
  series?: { group: string; distortion: DistortionId | null; level: Level | 0; window: boolean }
}

export const SIZES: ReadonlyArray<{ width: number; height: number; weight: number }> = [
  { width: 640, height: 360, weight: 0.35 },
  { width: 960, height: 540, weight: 0.3 },
  { width: 1280, height: 720, weight: 0.25 },
  { width: 1920, height: 1080, weight: 0.1 }
]
export const FRAME_RATES: ReadonlyArray<{ fps: number; weight: number }> = [
  { fps: 24, weight: 0.25 },
  { fps: 25, weight: 0.3 },
  { fps: 30, weight: 0.3 },
  { fps: 50, weight: 0.15 }
]

function weighted<T extends { weight: number }>(rng: Rng, items: readonly T[]): T {
  const total = items.reduce((a, i) => a + i.weight, 0)
  let x = rng.next() * total
  for (const it of items) {
    x -= it.weight
    if (x < 0) return it
  }
  return items[items.length - 1] as T
}

/** Pairs that are not combined: opposites, and black (which hides whatever it is paired with). */
export function pairAllowed(a: DistortionId, b: DistortionId): boolean {
  if (a === b) return false
  if (a === 'black' || b === 'black') return false
  const set = new Set([a, b])
  if (set.has('underexposure') && set.has('overexposure')) return false
  if (set.has('freeze') && set.has('stutter')) return false
  return true
}

export function pristineKey(source: PlannedSource, geo: ClipGeometry, camera: CameraPath): string {
  // The upscaled rendering (see canvasFor) is part of what the pristine clip is; pictures big enough render as before.
  const shrink = source.input.kind === 'image' ? source.input.shrink : undefined
  const upscaled = needsUpscale(geo, source) ? { upscaled: 'supersampled', ...(shrink ? { shrink } : {}) } : {}
  const h = hash32(JSON.stringify({ f: source.file, p: source.package, geo, camera, ...upscaled })).toString(16).padStart(8, '0')
  return `${geo.width}x${geo.height}-${geo.fps}-${geo.seconds}s-${h}`
}

export function makeClip(
  id: string,
  kind: ClipKind,
  source: PlannedSource,
  geo: ClipGeometry,
  camera: CameraPath,
  distortions: AppliedDistortion[],
  series?: ClipPlan['series']
): ClipPlan {
  const canvas = canvasFor(geo, source)
  const clip: ClipPlan = { id, kind, source, geo, canvas, upscale: upscaleFactor(geo, canvas, source), camera, distortions, pristineKey: pristineKey(source, geo, camera) }
  if (series) clip.series = series
  return clip
}

export function applied(id: DistortionId, level: Level, start: number, end: number, geo: ClipGeometry, rng: Rng): AppliedDistortion {
  return { id, level, start, end, params: planParams(id, level, start, end, geo, rng) }
}

/** Largest sizes first are dropped when the picture is too small to fill them without upscaling. */
function sizesFor(source: PlannedSource): typeof SIZES {
  const ok = SIZES.filter((s) => !needsUpscale(s, source))
  return ok.length ? ok : SIZES.slice(0, 1)
}

/** Clip i's own stream, its source (round-robin over the seeded order), size and frame rate — drawn in this order. */
function drawClip(root: Rng, name: string, sources: readonly PlannedSource[], order: readonly number[], i: number) {
  const rng = root.fork(name)
  const source = sources[order[i % order.length] ?? 0] as PlannedSource
  const size = weighted(rng, sizesFor(source))
  const { fps } = weighted(rng, FRAME_RATES)
  return { rng, source, size, fps }
}

export interface TrainMix {
  clean: number
  single: number
  window: number
  pair: number
}
export const TRAIN_MIX: TrainMix = { clean: 0.1, single: 0.6, window: 0.15, pair: 0.15 }

/**
 * A later set of training pictures is planned in a stream of its own — its own fork of the seed, its clips named
 * train-more-…, its series' groups more-s… — so that adding it changes no clip of the first set (and their renders
 * and measurements stay valid). One name only: a free-form one could reuse the soft clips' fork and ids.
 */
export const MORE_STREAM = 'more'

/**
 * Training plan. Sources are visited round-robin in a seeded order so each picture is used about equally; each clip
 * draws its own settings from a stream forked by clip index, so clip i does not change when `count` changes.
 * `stream`: the second set of pictures' plan (MORE_STREAM), instead of the first set's.
 */
export function planTrain(sources: readonly PlannedSource[], seed: number, count: number, seconds = 4, windowSeconds = 8, stream?: typeof MORE_STREAM): ClipPlan[] {
  if (count === 0) return []
  if (sources.length === 0) throw new Error('no training sources')
  const root = stream ? createRng(seed).fork(`train-${stream}`) : createRng(seed)
  const order = root.fork('source-order').shuffle(sources.map((_, i) => i))
  const clips: ClipPlan[] = []
  for (let i = 0; i < count; i++) {
    const { rng, source, size, fps } = drawClip(root, `clip-${i}`, sources, order, i)
    clips.push(trainClip(`train-${stream ? `${stream}-` : ''}${String(i).padStart(5, '0')}`, rng, source, size, fps, TRAIN_MIX, seconds, windowSeconds))
  }
  return clips
}

/** One training clip of a kind drawn from `mix`: clean, one distortion, one inside a time window, or a pair. */
function trainClip(id: string, rng: Rng, source: PlannedSource, size: { width: number; height: number }, fps: number, mix: TrainMix, seconds: number, windowSeconds: number): ClipPlan {
  const u = rng.next()
  const kind: ClipKind = u < mix.clean ? 'clean' : u < mix.clean + mix.single ? 'single' : u < 1 - mix.pair ? 'window' : 'pair'
  const geo: ClipGeometry = { width: size.width, height: size.height, fps, seconds: kind === 'window' ? windowSeconds : seconds }
  const camera = planCamera(rng)
  const ds: AppliedDistortion[] = []
  if (kind === 'single') {
    ds.push(applied(rng.pick(DISTORTION_IDS), rng.pick(LEVELS), 0, geo.seconds, geo, rng))
  } else if (kind === 'window') {
    // Windows between 1 and 4 s, at least 0.5 s from either end, on a 0.1 s grid (readable in dataset.json).
    const len = Math.round(rng.float(1, 4) * 10) / 10
    const start = Math.round(rng.float(0.5, geo.seconds - 0.5 - len) * 10) / 10
    ds.push(applied(rng.pick(DISTORTION_IDS), rng.pick(LEVELS), start, Math.round((start + len) * 10) / 10, geo, rng))
  } else if (kind === 'pair') {
    const a = rng.pick(DISTORTION_IDS.filter((x) => x !== 'black'))
    const b = rng.pick(DISTORTION_IDS.filter((x) => pairAllowed(a, x)))
    ds.push(applied(a, rng.pick(LEVELS), 0, geo.seconds, geo, rng), applied(b, rng.pick(LEVELS), 0, geo.seconds, geo, rng))
  }
  return makeClip(id, kind, source, geo, camera, ds)
}

/** Soft clips are the sizes low-resolution material is usually shown at. */
export const SOFT_SIZES: ReadonlyArray<{ width: number; height: number; weight: number }> = [
  { width: 640, height: 360, weight: 0.6 },
  { width: 960, height: 540, weight: 0.4 }
]
/** More of them clean than the main mix: what they are for is the clean-but-soft picture. */
export const SOFT_MIX: TrainMix = { clean: 0.25, single: 0.5, window: 0.1, pair: 0.15 }
/** Output pixels per picture pixel at the widest view, drawn per soft clip. */
export const SOFT_UPSCALE: readonly [number, number] = [1.2, 2]

/** A soft clip's picture: `source` shrunk by an upscale drawn from SOFT_UPSCALE. */
function softSource(rng: Rng, source: PlannedSource, outputWidth: number): PlannedSource {
  return shrunkSource(source, outputWidth, rng.float(SOFT_UPSCALE[0], SOFT_UPSCALE[1]))
}

/** Pure: the picture reduced so that its 16:9 crop shows `upscale` output pixels per picture pixel at the widest view. */
export function shrunkSource(source: PlannedSource, outputWidth: number, upscale: number): PlannedSource {
  if (source.input.kind !== 'image') return source
  const f = Math.min(1, (outputWidth * ZOOM_MIN) / upscale / cropWidth(source))
  const width = even(source.width * f)
  const height = even(source.height * f)
  return { ...source, width, height, input: { ...source.input, shrink: { width, height } } }
}

/**
 * Soft training clips: the same kinds of clip, rendered from a picture first reduced so that the clip is a 1.2–2×
 * upscale of it (SOFT_UPSCALE) — what low-resolution originals shown at a larger size look like. Every other training
 * picture is far larger than the clip, so without these the head only ever saw softness that was added as blur and
 * took any soft picture for a blurred one (the held-out set's 500 px photos scored ~2.5 with nothing added). Their
 * targets are the usual ones: the upscale itself is not a distortion the generator applied. Own stream per clip.
 */
/** Soft training clips are `train-soft-…`, soft series' levels `train-ss…-<level>` (their groups are `ss…`). */
const SOFT_CLIP_PREFIX = 'train-soft-'
const SOFT_SERIES_PREFIX = 'train-ss'

/** Pure: whether a training clip id comes from the second set of pictures (planTrain / planTrainSeries stream 'more'). */
export function isMoreTrainingClip(id: string): boolean {
  return id.startsWith(`train-${MORE_STREAM}-`)
}

/** Pure: whether a training clip id is one of the soft clips or soft series (pictures shrunk first). */
export function isSoftTrainingClip(id: string): boolean {
  return id.startsWith(SOFT_CLIP_PREFIX) || id.startsWith(SOFT_SERIES_PREFIX)
}

export function planTrainSoft(sources: readonly PlannedSource[], seed: number, count: number, seconds = 4, windowSeconds = 8): ClipPlan[] {
  if (count === 0) return []
  if (sources.length === 0) throw new Error('no training sources')
  const root = createRng(seed).fork('train-soft')
  const order = root.fork('source-order').shuffle(sources.map((_, i) => i))
  const clips: ClipPlan[] = []
  for (let i = 0; i < count; i++) {
    const rng = root.fork(`soft-${i}`)
    const size = weighted(rng, SOFT_SIZES)
    const { fps } = weighted(rng, FRAME_RATES)
    const source = softSource(rng, sources[order[i % order.length] ?? 0]!, size.width)
    clips.push(trainClip(`${SOFT_CLIP_PREFIX}${String(i).padStart(5, '0')}`, rng, source, size, fps, SOFT_MIX, seconds, windowSeconds))
  }
  return clips
}

/**
 * Training series: the same source, size, rate and camera path clean and at levels 1–4 of one distortion over the
 * whole clip (they share one pristine render). Their targets are the usual ones; what they add is the order — the
 * head's ranking loss learns that more of a distortion on the same picture is worse, including level 1 against clean,
 * which absolute targets over different pictures never show it. Distortions are taken in turn so each gets its share;
 * each series draws from its own forked stream, so series k does not change when `count` changes.
 */
export function planTrainSeries(sources: readonly PlannedSource[], seed: number, count: number, seconds = 4, soft = false, stream?: typeof MORE_STREAM): ClipPlan[] {
  if (count === 0) return []
  if (sources.length === 0) throw new Error('no training sources')
  // Soft series of the second set would share the plain ones' fork and escape isSoftTrainingClip: not a thing yet.
  if (soft && stream) throw new Error('soft series are planned for the first set of pictures only')
  // Soft series (pictures shrunk as in planTrainSoft) and a later set of pictures (`stream`) draw from streams of
  // their own, so the plain ones do not change.
  const root = createRng(seed).fork(stream ? `train-${stream}-series` : soft ? 'train-soft-series' : 'train-series')
  const order = root.fork('source-order').shuffle(sources.map((_, i) => i))
  const clips: ClipPlan[] = []
  for (let k = 0; k < count; k++) {
    const drawn = drawClip(root, `series-${k}`, sources, order, k)
    const { rng, fps } = drawn
    const size = soft ? weighted(rng, SOFT_SIZES) : drawn.size
    const source = soft ? softSource(rng, drawn.source, size.width) : drawn.source
    const geo: ClipGeometry = { width: size.width, height: size.height, fps, seconds }
    const camera = planCamera(rng)
    const distortion = DISTORTION_IDS[k % DISTORTION_IDS.length]!
    const group = `${stream ? `${stream}-` : ''}${soft ? 'ss' : 's'}${String(k).padStart(4, '0')}`
    const id = (level: number): string => `train-${group}-${level}`
    clips.push(makeClip(id(0), 'series-level', source, geo, camera, [], { group, distortion, level: 0, window: false }))
    for (const level of LEVELS)
      clips.push(makeClip(id(level), 'series-level', source, geo, camera, [applied(distortion, level, 0, seconds, geo, rng.fork(`level-${level}`))], { group, distortion, level, window: false }))
  }
  return clips
}

export function groupName(source: PlannedSource): string {
  const base = source.file.split('/').pop() ?? source.file
  return base.replace(/\.[a-z]+$/i, '').replace(/[^A-Za-z0-9]+/g, '_').slice(0, 40)
}

/**
 * Held-out benchmark, as series: per source, one clean 4 s clip (level 0, shared by every distortion's series),
 * levels 1–4 of each distortion over the whole clip, and one 8 s clip per distortion at level 3 inside a window
 * for time-localisation (IoU) checks.
 */
export function planHeldout(sources: readonly PlannedSource[], seed: number, maxSources = 7, seconds = 4, windowSeconds = 8): ClipPlan[] {
  const root = createRng(seed)
  const clips: ClipPlan[] = []
  for (const source of sources.slice(0, maxSources)) {
    const group = groupName(source)
    const rng = root.fork(`heldout-${source.package}-${source.file}`)
    // 640×360 throughout: most libjxl pictures are 500 px, and 960×540 for the one large picture (flower.png) took
    // 170 s of a 7-minute run on 2 cores; the benchmark should take under 6 minutes.
    const size = { width: 640, height: 360 }
    const fps = rng.pick([24, 25, 30])
    const geo: ClipGeometry = { ...size, fps, seconds }
    const geoW: ClipGeometry = { ...size, fps, seconds: windowSeconds }
    const camera = planCamera(rng)
    clips.push(makeClip(`ho-${group}-clean`, 'series-level', source, geo, camera, [], { group, distortion: null, level: 0, window: false }))
    for (const id of DISTORTION_IDS) {
      for (const level of LEVELS) {
        const d = applied(id, level, 0, seconds, geo, rng.fork(`${id}-${level}`))
        clips.push(makeClip(`ho-${group}-${id}-${level}`, 'series-level', source, geo, camera, [d], { group, distortion: id, level, window: false }))
      }
      const wr = rng.fork(`${id}-window`)
      const start = wr.pick([1.5, 2, 2.5, 3])
      const end = Math.min(windowSeconds - 1, start + wr.pick([2, 3, 4]))
      const d = applied(id, 3, start, end, geoW, wr)
      clips.push(makeClip(`ho-${group}-${id}-window`, 'series-window', source, geoW, camera, [d], { group, distortion: id, level: 3, window: true }))
    }
  }
  return clips
}
