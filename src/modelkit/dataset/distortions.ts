/**
 * The distortion catalogue: fixed ids (the model's outputs use them), the graded parameter table for levels 1–4, and
 * pure builders that turn one applied distortion into ffmpeg filtergraph text or argv. Nothing here spawns a process,
 * so every builder is tested by comparing strings.
 *
 * How each distortion is confined to a time window [start, end):
 * - filters with timeline support (gblur, noise, lutyuv, eq, blend, overlay) get `enable='gte(t,a)*lt(t,b)'`;
 * - frame-run distortions (freeze, stutter, black) are planned as explicit frame runs inside the window;
 * - shake lives in the camera path (render.ts), gated on the frame index inside the zoompan expressions,
 *   because crop and zoompan have no timeline support and a translated frame needs the pixels outside it;
 * - blocking is a second encode (mpeg2video at a fixed qscale), overlaid on the clean stream only inside the window.
 */
import type { Rng } from './prng'

export const DISTORTION_IDS = [
  'blur',
  'noise',
  'blocking',
  'banding',
  'underexposure',
  'overexposure',
  'low_contrast',
  'color_cast',
  'saturation',
  'interlacing',
  'freeze',
  'stutter',
  'flicker',
  'shake',
  'black'
] as const
export type DistortionId = (typeof DISTORTION_IDS)[number]
export type Level = 1 | 2 | 3 | 4
export const LEVELS: readonly Level[] = [1, 2, 3, 4]

export type ParamValue = number | string | number[]
export type Params = Record<string, ParamValue>

/** One distortion as applied to one clip: what, how strong, where in time, and the exact parameters used. */
export interface AppliedDistortion {
  id: DistortionId
  level: Level
  /** Seconds, [start, end). A whole-clip distortion has start 0 and end = clip length. */
  start: number
  end: number
  params: Params
}

export interface ClipGeometry {
  width: number
  height: number
  fps: number
  seconds: number
}

/** Spatial (per-frame picture) vs temporal (motion/time) distortions: the SSIM agreement check uses the spatial ones. */
export const SPATIAL: readonly DistortionId[] = [
  'blur',
  'noise',
  'blocking',
  'banding',
  'underexposure',
  'overexposure',
  'low_contrast',
  'color_cast',
  'saturation'
]

export type ColorCastDirection = 'warm' | 'cool' | 'green' | 'magenta'
/** (du, dv) unit directions in YUV chroma: warm = more red/yellow (v up, u down), and so on. */
const CAST_DIRECTIONS: Record<ColorCastDirection, [number, number]> = {
  warm: [-0.6, 0.8],
  cool: [0.7, -0.7],
  green: [-0.7, -0.7],
  magenta: [0.6, 0.8]
}
export type SaturationDirection = 'desaturate' | 'oversaturate'

/**
 * THE parameter table. Index 0 is level 1 (barely visible), index 3 is level 4 (severe). Sizes in pixels are given
 * for a 360-line picture and scaled with the clip height, so a level looks alike at every output size.
 * Calibrated by eye on the Debian wallpapers and by SSIM (see TARGETS.md).
 */
export const TABLE = {
  /** gblur sigma in pixels at 360 lines. */
  blur: { sigma360: [0.6, 1.2, 2.4, 4.8] },
  /** ffmpeg noise filter strength (0–100), temporal + uniform, on all planes. */
  noise: { strength: [4, 9, 18, 32] },
  /** mpeg2video fixed qscale (2 = best, 31 = worst): 8×8 DCT blocks and ringing, no deblocking in MPEG-2. */
  blocking: { qscale: [7, 12, 20, 31] },
  /** Posterisation step in code values: luma and chroma quantised to floor(v/step)*step + step/2, no dither. */
  banding: { lumaStep: [5, 9, 16, 28], chromaStep: [4, 7, 12, 20] },
  /** y' = 16 + (y-16)*gain - crush: darker, shadows crushed to black; chroma pulled to grey by chromaGain. */
  underexposure: { gain: [0.78, 0.6, 0.45, 0.3], crush: [2, 5, 9, 14], chromaGain: [0.92, 0.82, 0.72, 0.6] },
  /** y' = 16 + (y-16)*gain + lift: brighter, highlights clipped at 235; clipped areas lose colour (chromaGain). */
  overexposure: { gain: [1.2, 1.45, 1.8, 2.3], lift: [4, 10, 18, 30], chromaGain: [0.95, 0.88, 0.8, 0.7] },
  /** y' = pivot + (y-pivot)*k with pivot at 55 % grey (a lifted, hazy look); chroma * (0.5 + 0.5k). */
  low_contrast: { k: [0.78, 0.6, 0.42, 0.27] },
  /** Chroma offset in code values along one of four cast directions. */
  color_cast: { shift: [4, 8, 14, 22] },
  /** Chroma gain around 128; direction chosen per clip and recorded. */
  saturation: { desaturate: [0.72, 0.5, 0.28, 0.05], oversaturate: [1.3, 1.65, 2.1, 2.7] },
  /** Temporal distance between the two fields woven into one frame, seconds (≥ 1 frame): wider = stronger combing. */
  interlacing: { fieldOffsetSec: [0.04, 0.08, 0.14, 0.24] },
  /** Fraction of the window that is frozen: one freeze per 2 s chunk of the window. */
  freeze: { frozenFraction: [0.15, 0.3, 0.5, 0.8] },
  /** Dropped-frame events per second (each repeats the previous frame), and the longest gap in seconds. */
  stutter: { eventsPerSec: [2, 3, 5, 7], maxGapSec: [0.04, 0.08, 0.12, 0.16] },
  /** eq brightness amplitude (eq brightness 1.0 ≈ +255 code values), a sum of two incommensurate sines. */
  flicker: { amplitude: [0.015, 0.035, 0.07, 0.12] },
  /** Peak camera-shake translation in pixels at 360 lines (sum of three sines, 3–10 Hz). */
  shake: { amplitude360: [1.5, 4, 8, 15] },
  /** Fraction of the window that is black: one black run per 1 s chunk; level 4 = the whole window. */
  black: { blackFraction: [0.04, 0.12, 0.35, 1.0] }
} as const

function at<T>(values: readonly T[], level: Level): T {
  const v = values[level - 1]
  if (v === undefined) throw new Error(`no table entry for level ${level}`)
  return v
}

/** Round for stable, short filter strings (and stable JSON). */
export function r(x: number, digits = 4): number {
  const f = 10 ** digits
  return Math.round(x * f) / f
}

/** `enable` expression selecting frames whose timestamp lies in [start, end); half-frame guard against rounding. */
export function enableExpr(start: number, end: number, fps: number): string {
  const half = 0.5 / fps
  return `gte(t,${r(start - half, 6)})*lt(t,${r(end - half, 6)})`
}

export function coversWholeClip(d: Pick<AppliedDistortion, 'start' | 'end'>, geo: ClipGeometry): boolean {
  return d.start <= 0 && d.end >= geo.seconds
}

function timeline(d: AppliedDistortion, geo: ClipGeometry): string {
  return coversWholeClip(d, geo) ? '' : `:enable='${enableExpr(d.start, d.end, geo.fps)}'`
}

// ---------- planning: parameters that need randomness are drawn once, at plan time, and recorded ----------

/** First frame index at or after time t (frame n shows time n/fps). */
export function frameAt(t: number, fps: number): number {
  return Math.ceil(t * fps - 1e-9)
}

/**
 * Frame runs [a0, b0, a1, b1, …] (inclusive) that are frozen, dropped or black. One run per chunk of the window,
 * placed at a random offset inside the chunk. The first and last frame of the clip are never dropped, because the
 * `fps` filter that refills dropped frames needs both ends to keep the frame count.
 */
function chunkRuns(startF: number, endF: number, chunkFrames: number, fraction: number, rng: Rng, totalFrames: number, protectEnds: boolean): number[] {
  const runs: number[] = []
  for (let c = startF; c < endF; c += chunkFrames) {
    const chunkEnd = Math.min(endF, c + chunkFrames)
    const len = chunkEnd - c
    const runLen = Math.min(len, Math.max(1, Math.round(fraction * len)))
    const offset = rng.int(0, len - runLen)
    let a = c + offset
    let b = a + runLen - 1
    if (protectEnds) {
      a = Math.max(a, 1)
      b = Math.min(b, totalFrames - 2)
    }
    if (b >= a) runs.push(a, b)
  }
  return runs
}

function stutterRuns(startF: number, endF: number, fps: number, level: Level, rng: Rng, totalFrames: number): number[] {
  const perSec = at(TABLE.stutter.eventsPerSec, level)
  const maxGap = Math.max(1, Math.round(at(TABLE.stutter.maxGapSec, level) * fps))
  const count = Math.max(1, Math.round(((endF - startF) / fps) * perSec))
  const runs: number[] = []
  // Irregular spacing: events at random frames, sorted; overlapping events merge, which only makes a gap longer.
  const starts = Array.from({ length: count }, () => rng.int(startF, Math.max(startF, endF - 1))).sort((x, y) => x - y)
  let lastEnd = -10
  for (const s of starts) {
    const gap = rng.int(1, maxGap)
    const a = Math.max(s, 1, lastEnd + 2) // leave at least one shown frame between gaps, or it is a freeze
    const b = Math.min(a + gap - 1, endF - 1, totalFrames - 2)
    if (b < a) continue
    runs.push(a, b)
    lastEnd = b
  }
  return runs
}

/**
 * Draws the random parts of a distortion's parameters (directions, seeds, frame runs) and records every number the
 * builders need, so the builders are pure and the dataset records exactly what was done.
 */
export function planParams(id: DistortionId, level: Level, start: number, end: number, geo: ClipGeometry, rng: Rng): Params {
  const frames = Math.round(geo.seconds * geo.fps)
  const startF = frameAt(start, geo.fps)
  const endF = Math.min(frames, frameAt(end, geo.fps))
  const scale = geo.height / 360
  switch (id) {
    case 'blur':
      return { sigma: r(at(TABLE.blur.sigma360, level) * scale, 3) }
    case 'noise':
      return { strength: at(TABLE.noise.strength, level), seed: rng.int(1, 2 ** 30) }
    case 'blocking':
      return { codec: 'mpeg2video', qscale: at(TABLE.blocking.qscale, level) }
    case 'banding':
      return { lumaStep: at(TABLE.banding.lumaStep, level), chromaStep: at(TABLE.banding.chromaStep, level) }
    case 'underexposure':
      return { gain: at(TABLE.underexposure.gain, level), crush: at(TABLE.underexposure.crush, level), chromaGain: at(TABLE.underexposure.chromaGain, level) }
    case 'overexposure':
      return { gain: at(TABLE.overexposure.gain, level), lift: at(TABLE.overexposure.lift, level), chromaGain: at(TABLE.overexposure.chromaGain, level) }
    case 'low_contrast':
      return { k: at(TABLE.low_contrast.k, level), pivot: r(16 + 219 * 0.55, 2) }
    case 'color_cast': {
      const direction = rng.pick(Object.keys(CAST_DIRECTIONS) as ColorCastDirection[])
      const [u, v] = CAST_DIRECTIONS[direction]
      const shift = at(TABLE.color_cast.shift, level)
      return { direction, du: r(u * shift, 2), dv: r(v * shift, 2) }
    }
    case 'saturation': {
      const direction: SaturationDirection = rng.next() < 0.5 ? 'desaturate' : 'oversaturate'
      return { direction, gain: at(TABLE.saturation[direction], level) }
    }
    case 'interlacing':
      return { fieldOffsetFrames: Math.max(1, Math.round(at(TABLE.interlacing.fieldOffsetSec, level) * geo.fps)) }
    case 'freeze':
      return { runs: chunkRuns(startF, endF, Math.round(2 * geo.fps), at(TABLE.freeze.frozenFraction, level), rng, frames, true) }
    case 'stutter':
      return { runs: stutterRuns(startF, endF, geo.fps, level, rng, frames) }
    case 'flicker':
      return {
        amplitude: at(TABLE.flicker.amplitude, level),
        f1: r(rng.float(2.5, 5), 3),
        f2: r(rng.float(7, 11), 3),
        p1: r(rng.float(0, 2 * Math.PI), 3),
        p2: r(rng.float(0, 2 * Math.PI), 3)
      }
    case 'shake': {
      const amplitude = r(at(TABLE.shake.amplitude360, level) * scale, 2)
      // Three sines per axis; weights sum to 1 so |offset| <= amplitude. Frequencies in a hand-held range.
      return {
        amplitude,
        fx: [rng.float(3, 5), rng.float(5, 7.5), rng.float(7.5, 10)].map((x) => r(x, 3)),
        fy: [rng.float(3, 5), rng.float(5, 7.5), rng.float(7.5, 10)].map((x) => r(x, 3)),
        px: [0, 1, 2].map(() => r(rng.float(0, 2 * Math.PI), 3)),
        py: [0, 1, 2].map(() => r(rng.float(0, 2 * Math.PI), 3))
      }
    }
    case 'black':
      return { runs: chunkRuns(startF, endF, Math.round(geo.fps), at(TABLE.black.blackFraction, level), rng, frames, false) }
  }
}

// ---------- builders (pure) ----------

function num(p: Params, key: string): number {
  const v = p[key]
  if (typeof v !== 'number') throw new Error(`parameter ${key} must be a number`)
  return v
}
function nums(p: Params, key: string): number[] {
  const v = p[key]
  if (!Array.isArray(v)) throw new Error(`parameter ${key} must be a number list`)
  return v
}

/** `between(n,a,b)+…` for inclusive frame runs; '0' when there are none. */
export function runsExpr(runs: readonly number[]): string {
  const parts: string[] = []
  for (let i = 0; i + 1 < runs.length; i += 2) parts.push(`between(n,${runs[i]},${runs[i + 1]})`)
  return parts.length ? parts.join('+') : '0'
}

/** lutyuv expression for a chroma gain around 128. */
function chromaGain(g: number): string {
  return `clip(128+(val-128)*${r(g)},16,240)`
}

/**
 * One filtergraph step from [inLabel] to [outLabel]. Returns null for distortions that are not filters here
 * (shake is part of the render, blocking is an encode).
 */
export function filterStep(d: AppliedDistortion, geo: ClipGeometry, inLabel: string, outLabel: string, tag = 'd'): string | null {
  const p = d.params
  const en = timeline(d, geo)
  const chain = (body: string): string => `[${inLabel}]${body}[${outLabel}]`
  switch (d.id) {
    case 'blur':
      return chain(`gblur=sigma=${num(p, 'sigma')}:steps=2${en}`)
    case 'noise':
      return chain(`noise=alls=${num(p, 'strength')}:allf=t+u:all_seed=${num(p, 'seed')}${en}`)
    case 'banding': {
      const ls = num(p, 'lumaStep')
      const cs = num(p, 'chromaStep')
      const q = (s: number, lo: number, hi: number): string => `clip(trunc(val/${s})*${s}+${Math.floor(s / 2)},${lo},${hi})`
      return chain(`lutyuv=y='${q(ls, 16, 235)}':u='${q(cs, 16, 240)}':v='${q(cs, 16, 240)}'${en}`)
    }
    case 'underexposure':
      return chain(
        `lutyuv=y='clip(16+(val-16)*${num(p, 'gain')}-${num(p, 'crush')},16,235)':u='${chromaGain(num(p, 'chromaGain'))}':v='${chromaGain(num(p, 'chromaGain'))}'${en}`
      )
    case 'overexposure':
      return chain(
        `lutyuv=y='clip(16+(val-16)*${num(p, 'gain')}+${num(p, 'lift')},16,235)':u='${chromaGain(num(p, 'chromaGain'))}':v='${chromaGain(num(p, 'chromaGain'))}'${en}`
      )
    case 'low_contrast': {
      const k = num(p, 'k')
      const pivot = num(p, 'pivot')
      return chain(`lutyuv=y='clip(${pivot}+(val-${pivot})*${k},16,235)':u='${chromaGain(0.5 + 0.5 * k)}':v='${chromaGain(0.5 + 0.5 * k)}'${en}`)
    }
    case 'color_cast':
      return chain(`lutyuv=u='clip(val+${num(p, 'du')},16,240)':v='clip(val+${num(p, 'dv')},16,240)'${en}`)
    case 'saturation':
      return chain(`lutyuv=u='${chromaGain(num(p, 'gain'))}':v='${chromaGain(num(p, 'gain'))}'${en}`)
    case 'flicker': {
      const a = num(p, 'amplitude')
      const expr = `${a}*(0.6*sin(2*PI*${num(p, 'f1')}*t+${num(p, 'p1')})+0.4*sin(2*PI*${num(p, 'f2')}*t+${num(p, 'p2')}))`
      return chain(`eq=brightness='${expr}':eval=frame${en}`)
    }
    case 'interlacing': {
      // Weave: even lines from frame n, odd lines from frame n+k. blend has timeline support; the shifted copy ends k
      // frames early and blend repeats its last frame (repeatlast), which only matters in the last k frames.
      const k = num(p, 'fieldOffsetFrames')
      const a = `${tag}ila`
      const b = `${tag}ilb`
      const c = `${tag}ilc`
      return (
        `[${inLabel}]split[${a}][${b}];[${b}]trim=start_frame=${k},setpts=PTS-STARTPTS[${c}];` +
        `[${a}][${c}]blend=all_expr='if(mod(Y,2),B,A)':shortest=0:repeatlast=1${en}[${outLabel}]`
      )
    }
    case 'freeze':
    case 'stutter': {
      // select drops the run frames but keeps timestamps; fps then refills each gap by repeating the previous frame,
      // so the frame count (and frame-aligned SSIM against the pristine clip) is preserved. select and fps have no
      // timeline support: the window is in the runs.
      const runs = nums(p, 'runs')
      if (runs.length === 0) return chain('null')
      return chain(`select='not(${runsExpr(runs)})',fps=${geo.fps}`)
    }
    case 'black':
      return chain(`lutyuv=y=16:u=128:v=128:enable='${runsExpr(nums(p, 'runs'))}'`)
    case 'shake':
    case 'blocking':
      return null
  }
}

/** Order in which distortions are applied when combined: time first, then tone and colour, detail, then transport. */
export const APPLY_ORDER: readonly DistortionId[] = [
  'shake',
  'freeze',
  'stutter',
  'underexposure',
  'overexposure',
  'low_contrast',
  'color_cast',
  'saturation',
  'blur',
  'banding',
  'noise',
  'flicker',
  'interlacing',
  'black',
  'blocking'
]

export function sortForApplication(ds: readonly AppliedDistortion[]): AppliedDistortion[] {
  return [...ds].sort((a, b) => APPLY_ORDER.indexOf(a.id) - APPLY_ORDER.indexOf(b.id))
}

/**
 * The filter_complex text applying every filter-type distortion to input [inLabel], ending at [outLabel].
 * Returns a plain pass-through ('null') when none apply.
 */
export function distortionGraph(ds: readonly AppliedDistortion[], geo: ClipGeometry, inLabel: string, outLabel: string): string {
  const steps: string[] = []
  let current = inLabel
  const filters = sortForApplication(ds).filter((d) => d.id !== 'shake' && d.id !== 'blocking')
  filters.forEach((d, i) => {
    const out = i === filters.length - 1 ? outLabel : `s${i}`
    const step = filterStep(d, geo, current, out, `d${i}`)
    if (step) steps.push(step)
    current = out
  })
  if (steps.length === 0) return `[${inLabel}]null[${outLabel}]`
  return steps.join(';')
}

/** Encoder argv for the blocking pass (an intermediate MPEG-2 elementary program stream). */
export function blockingEncodeArgs(d: AppliedDistortion): string[] {
  const q = String(num(d.params, 'qscale'))
  // Fixed qscale for every frame type; GOP 12 with 2 B-frames like a DVD; no trellis/RD tricks that would hide blocks.
  return ['-c:v', 'mpeg2video', '-q:v', q, '-qmin', q, '-qmax', q, '-g', '12', '-bf', '2', '-f', 'mpeg']
}

/**
 * ffmpeg expression for the shake offset along one axis, in the same pixel units as `pixelScale` (canvas pixels per
 * output pixel), as a function of the input frame index `in`. Zero outside the window.
 */
export function shakeOffsetExpr(d: AppliedDistortion, axis: 'x' | 'y', geo: ClipGeometry, pixelScale: number, frameVar = 'on'): string {
  const p = d.params
  const amp = num(p, 'amplitude') * pixelScale
  const f = nums(p, axis === 'x' ? 'fx' : 'fy')
  const ph = nums(p, axis === 'x' ? 'px' : 'py')
  const w = [0.5, 0.3, 0.2]
  const t = `(${frameVar}/${geo.fps})`
  const terms = w.map((wi, i) => `${r(wi * amp, 3)}*sin(2*PI*${f[i] ?? 0}*${t}+${ph[i] ?? 0})`).join('+')
  if (coversWholeClip(d, geo)) return `(${terms})`
  const a = frameAt(d.start, geo.fps)
  const b = frameAt(d.end, geo.fps) - 1
  return `(between(${frameVar},${a},${b})*(${terms}))`
}
