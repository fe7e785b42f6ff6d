/**
 * From a video file to a pack's input views, segment by segment. One ffmpeg process decodes the file once, steps
 * frames down to the rate the views need, and writes one raw stream per view (fragments mosaic, resized frames) to
 * its own pipe. Segments are handed over as soon as they are complete, so memory stays bounded by one segment
 * whatever the length of the file.
 *
 * The filtergraph and the tensor layout are pure functions (tested without spawning); `sampleSegments` spawns.
 */
import { spawn } from 'node:child_process'
import type { Readable } from 'node:stream'
import type { View } from '../../shared/model-pack'
import type { MediaInfo } from '../media/probe'
import type { BufferPool } from './buffers'
import type { TensorIn } from './ort'
import { FrameClock, nextSegmentLength, sceneScore } from './segmenting'

/** A frame whose scene score (segmenting.ts) is above this starts a new shot — the same threshold as media/scenes.ts. */
export const SCENE_CUT_SCORE = 0.3

/** Commas inside a filter's argument, escaped for the filtergraph parser. */
const esc = (s: string): string => s.replace(/,/g, '\\,')

export interface SourceGeometry {
  /** Display size, after rotation (ffmpeg auto-rotates when decoding). */
  width: number
  height: number
  fps: number
  /** HDR transfer: such frames are tone-mapped to SDR BT.709 before measuring (see HDR_TO_SDR). */
  hdr?: 'PQ' | 'HLG' | null
  /** Luma range of an 8-bit planar YUV source (lumaRangeFor); absent or null for anything else. With it, gray
   *  fragments are the source's own luma plane, range-expanded by a table where it is limited, instead of a swscale
   *  conversion — the same bytes (sampler.test.ts checks both ranges against ffmpeg), and at 1080p about 0.9 M fewer
   *  instructions a frame of the fragment view's 2.2 M beyond decoding (callgrind). */
  lumaRange?: 'tv' | 'pc' | null
}

/** 8-bit planar YUV formats whose luma plane is the gray picture as it is (after range expansion if limited). */
const PLANAR_YUV8 = /^yuvj?4(20|22|44)p$/

/** Pure: the luma range to sample an 8-bit planar YUV source with (SourceGeometry.lumaRange), from what ffprobe said
 *  (media/probe.ts rangeOf, which already reads the yuvj formats as full); null for other formats and when the range
 *  was never probed (catalog rows from before it was: a full-range file must not be read as limited). An unstated
 *  range is limited, as swscale reads it. */
export function lumaRangeFor(pixelFormat: string | null | undefined, colorRange: MediaInfo['colorRange'] | undefined): 'tv' | 'pc' | null {
  if (!pixelFormat || !PLANAR_YUV8.test(pixelFormat) || !colorRange) return null
  return colorRange === 'pc' ? 'pc' : 'tv'
}

/** Pure: how to sample a video, from what ffprobe said of it (media/probe.ts MediaInfo, or a catalog row with the
 *  same fields): the displayed size, the rate (25 when unknown), HDR, and the luma range. Every caller that scores a
 *  file — the scorer, `vqa inspect`, the evaluation harness, the benchmark — builds it here, so all measure alike. */
export function sourceGeometry(m: Pick<MediaInfo, 'displayWidth' | 'displayHeight' | 'fps' | 'hdr' | 'pixelFormat' | 'colorRange'>): SourceGeometry {
  return { width: m.displayWidth, height: m.displayHeight, fps: m.fps ?? 25, hdr: m.hdr, lumaRange: lumaRangeFor(m.pixelFormat, m.colorRange) }
}

/**
 * swscale's limited-to-full luma expansion, exactly: round((v − 16) · 255/219), clipped to 0–255, as a table on the
 * plane. Written as one multiply-add because ffmpeg's lut evaluates the expression for 65,536 entries when the filter
 * starts (this form: ~24 M instructions once per ffmpeg process, against ~0.9 M saved on every 1080p frame); lut truncates
 * and clips the result, and (v − 16) · 255/219 never lands on a half, so + 0.5 rounds exactly.
 */
const LIMITED_TO_FULL = `lut=c0=val*${255 / 219}-${(16 * 255) / 219 - 0.5}`

/**
 * PQ and HLG video measured as if it were SDR reads as washed out and flat (the codes are not BT.709 gamma). The
 * model was built on SDR, so HDR frames are tone-mapped first: linearise (zimg, at 100 nits nominal peak), convert
 * primaries to BT.709, Hable's curve, back to BT.709 gamma in limited range — ffmpeg's documented recipe.
 */
export const HDR_TO_SDR = 'zscale=t=linear:npl=100,format=gbrpf32le,zscale=p=bt709,tonemap=tonemap=hable:desat=0,zscale=t=bt709:m=bt709:r=tv,format=yuv420p,'

export interface Rect {
  x: number
  y: number
  w: number
  h: number
}

/** Pure: where each fragment patch is cut from a frame of `width`×`height`. Origins on the `align` grid. */
export function fragmentRects(width: number, height: number, view: Extract<View, { kind: 'fragments' }>): Rect[] {
  const [rows, cols] = view.grid
  const [ph, pw] = view.patch
  const a = view.align
  const rects: Rect[] = []
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      const snap = (centre: number, size: number, limit: number): number => {
        const max = Math.max(0, Math.floor((limit - size) / a) * a)
        return Math.min(max, Math.max(0, Math.floor((centre - size / 2) / a) * a))
      }
      rects.push({ x: snap(((c + 0.5) * width) / cols, pw, width), y: snap(((r + 0.5) * height) / rows, ph, height), w: pw, h: ph })
    }
  }
  return rects
}

/** Pure: one frame in `step` keeps the views at or under their frame-rate cap, without ever duplicating a frame. */
export function frameStep(sourceFps: number, views: readonly View[]): number {
  const cap = Math.min(...views.map((v) => v.maxFps ?? 30))
  return Math.max(1, Math.ceil(sourceFps / cap - 1e-6))
}

/** Pure: the -filter_complex graph and the labels of its outputs, in view order. */
/** A view that needs one frame per segment is selected inside ffmpeg, so the others' frames are not converted for it. */
export function isSparse(view: View): boolean {
  return view.sampling === 'uniform' && view.frames === 1
}

/**
 * Pure: a sparse view takes every `stride`-th stepped frame — four per nominal segment — and each segment uses the
 * one nearest a quarter of its way in. Segments move to scene cuts and follow real timestamps, so they do not sit on
 * a fixed frame grid that one frame per segment could be chosen from inside ffmpeg.
 */
export function sparseStride(perSegment: number): number {
  return Math.max(1, Math.floor(perSegment / 4))
}

/**
 * Pure: the sparse view's selection inside ffmpeg. In a whole-file decode, every `sparseStride`-th stepped frame
 * (`sparsePick` chooses among them). Fast mode's windows are `perSegment` frames each, one after another, and which
 * frame a window gets must not depend on where it falls in its batch (the batch layout follows the frame size and the
 * cores): each window sends its first frame and the one a quarter in, and uses the later (`windowStills`). The first
 * is there for a window cut short by the end of the file, which would otherwise have none.
 */
export function sparseSelect(perSegment: number, windowed: boolean): string {
  const quarter = Math.floor(perSegment / 4)
  if (windowed) return quarter > 0 ? `not(mod(n,${perSegment}))+eq(mod(n,${perSegment}),${quarter})` : `not(mod(n,${perSegment}))`
  return `not(mod(n,${sparseStride(perSegment)}))`
}

/** Pure: how many stills (sparseSelect) a fast-mode window of `take` frames sends; it uses the last of them. */
export function windowStills(take: number, perSegment: number): number {
  const quarter = Math.floor(perSegment / 4)
  return quarter > 0 && take > quarter ? 2 : 1
}

/** Pure: in a whole-file decode, which of the sparse frames (stepped indices `k · stride`, k = 0, 1, …) segment
 *  [first, first + take) uses. */
export function sparsePick(first: number, take: number, stride: number): number {
  const quarter = Math.floor((first + Math.floor(take / 4)) / stride)
  // Never one from before the segment (it may be the previous shot) when one falls inside it.
  const inside = Math.ceil(first / stride)
  return inside * stride < first + take ? Math.max(quarter, inside) : quarter
}

/** The timestamps output: tiny frames whose only purpose is their presentation times (framecrc lines). */
const TIMESTAMP_LABEL = 'ts'

export function samplerFilter(
  src: SourceGeometry,
  views: readonly View[],
  step: number,
  perSegment = 60,
  source = '[0:v]',
  timestamps = false,
  windowed = false
): { graph: string; outputs: string[] } {
  const parts: string[] = []
  const outs = views.map((_, i) => `out${i}`)
  const select = step > 1 ? `select=${esc(`not(mod(n,${step}))`)},` : ''
  // Frames smaller than the fragment grid (16×16 clips) are scaled up until the patches fit, rather than failing.
  const fragNeed = views
    .filter((v): v is Extract<View, { kind: 'fragments' }> => v.kind === 'fragments')
    .map((v) => Math.max((v.patch[1] * v.grid[1]) / src.width, (v.patch[0] * v.grid[0]) / src.height))
  const up = Math.max(1, ...fragNeed)
  const W = up > 1 ? Math.ceil((src.width * up) / 2) * 2 : src.width
  const H = up > 1 ? Math.ceil((src.height * up) / 2) * 2 : src.height
  const base = up > 1 ? `scale=${W}:${H}:flags=bicubic,` : ''
  const tonemap = src.hdr ? HDR_TO_SDR : ''
  const branches = views.length + (timestamps ? 1 : 0)
  parts.push(`${source}${select}${tonemap}${base}setsar=1,split=${branches}${views.map((_, i) => `[v${i}]`).join('')}${timestamps ? '[vts]' : ''}`)
  // 8×8 nearest-neighbour: the cheapest frame that still carries its timestamp out of ffmpeg.
  if (timestamps) parts.push(`[vts]scale=8:8:flags=neighbor,format=gray[${TIMESTAMP_LABEL}]`)
  views.forEach((view, i) => {
    // RGB comes planar (gbrp: the G, B and R planes in turn), so a tensor is three plane copies, not a pixel shuffle.
    const fmt = view.pixelFormat === 'gray' ? 'gray' : 'gbrp'
    // Frame 0 is always among them, so that a clip (or a window) shorter than the offset still has one.
    const pickOne = isSparse(view) ? `select=${esc(sparseSelect(perSegment, windowed))},` : ''
    if (view.kind === 'resize') {
      const [h, w] = view.size
      const fit =
        view.fit === 'stretch'
          ? stretchChain(H, h, w, view.pixelFormat, view.scaling === 'fast')
          : view.fit === 'pad'
            ? `scale=${w}:${h}:force_original_aspect_ratio=decrease:flags=area,pad=${w}:${h}:(ow-iw)/2:(oh-ih)/2`
            : `scale=${w}:${h}:force_original_aspect_ratio=increase:flags=area,crop=${w}:${h}`
      parts.push(`[v${i}]${pickOne}${fit},format=${fmt}[${outs[i]}]`)
      return
    }
    // The same-size scale before each format= in this branch is there for ffmpeg's format negotiation: crop, xstack and split
    // pass formats through, so a bare format=gray here travels up to the split and the decoder, and every other view —
    // the RGB global view too — receives gray (R = G = B). scale is where conversion happens, so the chain stops at it.
    const rects = fragmentRects(W, H, view)
    const [rows, cols] = view.grid
    const [ph, pw] = view.patch
    // Gray from an 8-bit planar YUV source (lumaRange known, frames not upscaled or tone-mapped first): its luma plane,
    // expanded by a table where limited — the bytes swscale's conversion gives, at a fraction of its cost.
    const plane = view.pixelFormat === 'gray' && src.lumaRange && !src.hdr && up === 1
    const toFormat = (w: number, h: number): string => (plane ? `extractplanes=y${src.lumaRange === 'tv' ? `,${LIMITED_TO_FULL}` : ''}` : `scale=${w}:${h},format=${fmt}`)
    if (rects.length === 1) {
      const r = rects[0]!
      parts.push(`[v${i}]${pickOne}crop=${r.w}:${r.h}:${r.x}:${r.y},${toFormat(r.w, r.h)}[${outs[i]}]`)
      return
    }
    const labels = rects.map((_, k) => `[f${i}_${k}]`)
    // Cut first, convert after: the pixel-format conversion then touches 64 K pixels a frame, not the whole picture.
    parts.push(`[v${i}]${pickOne}split=${rects.length}${labels.join('')}`)
    rects.forEach((r, k) => parts.push(`[f${i}_${k}]crop=${r.w}:${r.h}:${r.x}:${r.y}[c${i}_${k}]`))
    const layout = rects.map((_, k) => `${(k % cols) * pw}_${Math.floor(k / cols) * ph}`).join('|')
    parts.push(`${rects.map((_, k) => `[c${i}_${k}]`).join('')}xstack=inputs=${rects.length}:layout=${layout},${toFormat(cols * pw, rows * ph)}[${outs[i]}]`)
  })
  return { graph: parts.join(';'), outputs: timestamps ? [...outs, TIMESTAMP_LABEL] : outs }
}

/**
 * Pure: a frame of height `srcH` reduced to w×h (stretched). Plainly, an area average of the whole frame. With
 * `fast` (views that ask for it, ResizeView.scaling) as cheaply as a small measuring view allows — this runs on every
 * frame, and an area downscale of a whole 1080p frame was most of the graph's cost beyond decoding:
 * - from at least four times the height, one field (every other row) is enough — the area filter still averages
 *   over every remaining row of a ≥ 2× reduction — at half the rows to read; from at least eight times, every 4th
 *   row (a field of a field), the same way. At 1080p to 90 rows that cut the sampler's ffmpeg CPU by about 0.05 of
 *   decode-only time (of the 0.3 that #4's target leaves for everything beyond decoding);
 * - RGB views are scaled in the source's YUV and converted at the small size, not converted at full size.
 * The field and the YUV scaling together were about half the instructions of `scale=w:h:flags=area,format=rgb24` at
 * 1080p (callgrind, 30 frames; measured with one field, before the every-4th-row step).
 */
export function stretchChain(srcH: number, h: number, w: number, pixelFormat: View['pixelFormat'], fast = false): string {
  const area = `scale=${w}:${h}:flags=area`
  if (!fast) return area
  const field = srcH >= 8 * h ? 'field=top,field=top,' : srcH >= 4 * h ? 'field=top,' : ''
  return pixelFormat === 'rgb' ? `${field}${area},format=yuv420p,scale=${w}:${h}` : `${field}${area}`
}

/** Bytes of one frame of a view as ffmpeg writes it. */
export function frameBytes(view: View): number {
  const [h, w] = view.kind === 'resize' ? view.size : [view.patch[0] * view.grid[0], view.patch[1] * view.grid[1]]
  return h * w * (view.pixelFormat === 'gray' ? 1 : 3)
}

export function viewSize(view: View): [number, number] {
  return view.kind === 'resize' ? view.size : [view.patch[0] * view.grid[0], view.patch[1] * view.grid[1]]
}

/** Pure: the ffmpeg argv. Pipes 1, 3, 4, … carry the views in order. */
/** Fast mode: short stretches of the file, each opened as its own seeking input of one ffmpeg process. */
export interface SampleWindow {
  start: number
  /** Seek straight to `start` without decoding up to it (start is a keyframe). */
  keyframeSeek: boolean
}

export function samplerArgs(
  file: string,
  src: SourceGeometry,
  views: readonly View[],
  opts: { start?: number; duration?: number; threads?: number; segmentSeconds?: number; keyframeSeek?: boolean; windows?: readonly SampleWindow[]; hwaccel?: string } = {}
): string[] {
  const step = frameStep(src.fps, views)
  const perSegment = framesPerSegment(src.fps, step, opts.segmentSeconds ?? 2)
  const args = ['-hide_banner', '-loglevel', 'error', '-nostdin']
  const input = (start: number | undefined, duration: number | undefined, keyframeSeek: boolean | undefined): void => {
    // An input option: each input (each fast-mode window) has its own decoder, and each must be told.
    if (opts.threads) args.push('-threads', String(opts.threads))
    // Keyframe seeking starts decoding at the keyframe itself instead of decoding up to `start` from the one before.
    if (start && keyframeSeek) args.push('-noaccurate_seek')
    if (start) args.push('-ss', start.toFixed(3))
    // An input option: after -i it would bound only the first output, and the other pipes would decode to the end.
    if (duration) args.push('-t', duration.toFixed(3))
    // Decoded frames come back to system memory (no -hwaccel_output_format), so the filtergraph is the same either way.
    if (opts.hwaccel) args.push('-hwaccel', opts.hwaccel)
    args.push('-i', `file:${file}`)
  }
  let source = '[0:v]'
  let prefix = ''
  if (opts.windows?.length) {
    // Exactly one segment's worth of frames from each window, so segment k is window k.
    const frames = perSegment * step
    opts.windows.forEach((w) => input(w.start, (frames + 2) / src.fps, w.keyframeSeek))
    prefix =
      opts.windows.map((_, i) => `[${i}:v]trim=end_frame=${frames},setpts=PTS-STARTPTS[w${i}]`).join(';') +
      `;${opts.windows.map((_, i) => `[w${i}]`).join('')}concat=n=${opts.windows.length}:v=1:a=0[cat];`
    source = '[cat]'
  } else input(opts.start, opts.duration, opts.keyframeSeek)
  // Fast mode's windows are concatenated with rebased times, so only a whole-file decode reports timestamps.
  const timestamps = !opts.windows?.length
  // Hardware decoders hand back frames in a format of their own (nv12, p010): the luma-plane shortcut is for the
  // source's own planar YUV only.
  const { graph, outputs } = samplerFilter(opts.hwaccel ? { ...src, lumaRange: null } : src, views, step, perSegment, source, timestamps, !timestamps)
  // One filter thread: the graph's filters are small (crops, one 160×90 scale), and slice-threading them on every core
  // only made them wait on each other and on the decoder's threads (1080p: 2.49 s → 2.31 s wall, same bytes out).
  args.push('-filter_complex_threads', '1', '-filter_complex', prefix + graph)
  outputs.forEach((o, i) => {
    const pipe = i === 0 ? 'pipe:1' : `pipe:${i + 2}`
    // passthrough: never duplicate or drop frames to fit a rate — a made-up repeat would read as a freeze.
    if (o === TIMESTAMP_LABEL) args.push('-map', `[${o}]`, '-fps_mode', 'passthrough', '-enc_time_base', '1:1000', '-f', 'framecrc', pipe)
    else args.push('-map', `[${o}]`, '-fps_mode', 'passthrough', '-f', 'rawvideo', pipe)
  })
  return args
}

export function framesPerSegment(fps: number, step: number, segmentSeconds: number): number {
  return Math.max(1, Math.round((segmentSeconds * fps) / step))
}

/** Pure: which of `n` frames a view takes (indices into the segment's frames). */
export function pickFrames(n: number, view: View): number[] {
  if (n === 0) return []
  const want = view.frames
  if (view.sampling === 'uniform') {
    const count = view.fixedCount ? want : Math.min(want, n)
    return Array.from({ length: count }, (_, i) => Math.min(n - 1, Math.floor(((i + 0.5) * n) / count)))
  }
  // Consecutive: the middle `want` frames, looped when the model needs a fixed count the segment cannot fill.
  if (n >= want) {
    const start = Math.floor((n - want) / 2)
    return Array.from({ length: want }, (_, i) => start + i)
  }
  const count = view.fixedCount ? want : n
  return Array.from({ length: count }, (_, i) => i % n)
}

/** Pure: raw frames → the tensor the view declares (layout, dtype, normalisation). */
export function toTensor(view: View, frames: readonly Uint8Array[], pick: readonly number[], pool?: BufferPool): TensorIn {
  const [h, w] = viewSize(view)
  const C = view.pixelFormat === 'gray' ? 1 : 3
  const GBRP = C === 1 ? GRAY_ORDER : GBRP_ORDER
  const T = pick.length
  const plane = h * w
  const n = T * C * plane
  // Where plane (t, c) starts in the output; the input is gray, or planar G, B, R (ffmpeg's gbrp).
  const base = (t: number, c: number): number => (view.layout === 'NCTHW' ? (c * T + t) * plane : (t * C + c) * plane)
  const dims = view.layout === 'TCHW' ? [T, C, h, w] : view.layout === 'NCTHW' ? [1, C, T, h, w] : [1, T, C, h, w]
  // Separate loops per element type: on a Uint8Array | Float32Array every element access was a slow polymorphic
  // one, and the RGB view's conversion was the scorer's largest JavaScript cost.
  if (view.dtype === 'uint8') {
    // Every element is written below, so a reused buffer's old contents never show through.
    const out = pool ? new Uint8Array(pool.take(n)) : new Uint8Array(n)
    pick.forEach((f, t) => {
      const src = frames[f]!
      for (let c = 0; c < C; c++) out.set(src.subarray(GBRP[c]! * plane, (GBRP[c]! + 1) * plane), base(t, c))
    })
    return { data: out, dims }
  }
  const out = pool ? new Float32Array(pool.take(n * 4)) : new Float32Array(n)
  const norm = view.normalise
  pick.forEach((f, t) => {
    const src = frames[f]!
    for (let c = 0; c < C; c++) {
      const scale = norm ? norm.scale / (norm.std[c] ?? norm.std[0]!) : 1
      const offset = norm ? (norm.mean[c] ?? norm.mean[0]!) / (norm.std[c] ?? norm.std[0]!) : 0
      const at = base(t, c)
      const from = GBRP[c]! * plane
      for (let p = 0; p < plane; p++) out[at + p] = src[from + p]! * scale - offset
    }
  })
  return { data: out, dims }
}

/** Where channel R, G, B (or gray's one) sits among a frame's planes as ffmpeg writes them: gbrp is G, B, R. */
const GBRP_ORDER = [2, 0, 1]
const GRAY_ORDER = [0]

export interface SegmentFrames {
  index: number
  start: number
  end: number
  /** Raw frames per view name, in decode order. */
  frames: Record<string, Uint8Array[]>
  /** Source frames per sampled frame (the step), to turn counts back into time. */
  step: number
}

/** Segments handed to the scorer and not yet done, before decoding pauses. */
export const MAX_AHEAD = 2

export class DecodeError extends Error {
  constructor(
    message: string,
    readonly stderrTail: string
  ) {
    super(message)
    this.name = 'DecodeError'
  }
}

/** Which dense view the scene-cut detector reads: a downscaled whole frame when the pack has one. */
export function cutDetectorView(views: readonly View[]): number {
  const dense = views.map((v, i) => [v, i] as const).filter(([v]) => !isSparse(v))
  return (dense.find(([v]) => v.kind === 'resize') ?? dense[0])?.[1] ?? -1
}

export interface SampleResult {
  frames: number
  segments: number
  /** Scene cuts found while decoding (seconds from the first frame); empty in fast mode. */
  cuts: number[]
  /** The hardware decoder used, or null for software (asked for none, or it failed and software took over). */
  hwaccel: string | null
}

export interface SampleOptions {
  signal?: AbortSignal
  threads?: number
  start?: number
  duration?: number
  keyframeSeek?: boolean
  windows?: readonly SampleWindow[]
  /** Segments on the plain time grid, ignoring scene cuts (datasets whose targets are on that grid). */
  noSnap?: boolean
  /** Decode with this ffmpeg hwaccel (media/hwaccel.ts picks it). A file it fails on before any segment is out is
   *  decoded again in software: hardware decoding is used where it works and never required. */
  hwaccel?: string | null
  /** The caller is done with a segment's frames once `onSegment`'s promise settles: their buffers are filled again
   *  with later frames instead of new ones being allocated (engine/buffers.ts says why). */
  recycle?: boolean
}

/**
 * Decodes `file` once and calls `onSegment` for each complete segment (awaited: decoding waits while a segment is
 * being scored, which bounds memory). Segment boundaries follow the frames' real timestamps and snap to scene cuts
 * (segmenting.ts); in fast mode each window is one segment.
 */
export async function sampleSegments(
  ffmpeg: string,
  file: string,
  src: SourceGeometry,
  views: readonly View[],
  segmentSeconds: number,
  onSegment: (s: SegmentFrames) => Promise<void>,
  opts: SampleOptions = {}
): Promise<SampleResult> {
  const what = { ffmpeg, file, src, views, segmentSeconds }
  if (!opts.hwaccel) return { ...(await sampleOnce(what, onSegment, opts)), hwaccel: null }
  let delivered = 0
  try {
    const res = await sampleOnce(what, (seg) => (delivered++, onSegment(seg)), opts)
    return { ...res, hwaccel: opts.hwaccel }
  } catch (err) {
    // Past the first segment the caller has results from the hardware run; a second decode would repeat them.
    if (!(err instanceof DecodeError) || delivered > 0) throw err
    return { ...(await sampleOnce(what, onSegment, { ...opts, hwaccel: null })), hwaccel: null }
  }
}

async function sampleOnce(
  what: { ffmpeg: string; file: string; src: SourceGeometry; views: readonly View[]; segmentSeconds: number },
  onSegment: (s: SegmentFrames) => Promise<void>,
  opts: SampleOptions
): Promise<Omit<SampleResult, 'hwaccel'>> {
  const { ffmpeg, file, src, views, segmentSeconds } = what
  if (opts.signal?.aborted) throw new DOMException('Aborted', 'AbortError')
  const step = frameStep(src.fps, views)
  const args = samplerArgs(file, src, views, {
    ...(opts.hwaccel ? { hwaccel: opts.hwaccel } : {}),
    threads: opts.threads,
    segmentSeconds,
    ...(opts.start !== undefined ? { start: opts.start } : {}),
    ...(opts.duration !== undefined ? { duration: opts.duration } : {}),
    ...(opts.keyframeSeek ? { keyframeSeek: true } : {}),
    ...(opts.windows ? { windows: opts.windows } : {})
  })
  const windowed = Boolean(opts.windows?.length)
  const outputs = views.length + (windowed ? 0 : 1)
  const stdio: Array<'ignore' | 'pipe'> = ['ignore', 'pipe', 'pipe', ...Array.from({ length: outputs - 1 }, () => 'pipe' as const)]
  const child = spawn(ffmpeg, args, { stdio })
  let stderr = ''
  child.stderr?.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-4096)
  })
  const onAbort = (): void => {
    child.kill('SIGKILL')
  }
  opts.signal?.addEventListener('abort', onAbort, { once: true })
  const pipeOf = (i: number): Readable => child.stdio[i === 0 ? 1 : i + 2] as Readable
  const streams = views.map((_, i) => pipeOf(i))
  const tsStream = windowed ? null : pipeOf(views.length)
  const sizes = views.map(frameBytes)
  const perSegment = framesPerSegment(src.fps, step, segmentSeconds)
  const stride = sparseStride(perSegment)
  const sparse = views.map(isSparse)
  const detector = opts.noSnap || windowed ? -1 : cutDetectorView(views)
  const dt = step / src.fps

  // Each view's stream is cut into frames; a segment is emitted once every view has delivered its frames.
  const queues: Uint8Array[][] = views.map(() => [])
  /** Per view, the frame being filled from the pipe and how many of its bytes have arrived. */
  const filling: Array<Uint8Array | null> = views.map(() => null)
  const filled = views.map(() => 0)
  /** Per view, frames whose segment is done (recycle): about one segment's worth is all a steady state needs. */
  const spare: Uint8Array[][] = views.map(() => [])
  const recycle = (seg: SegmentFrames): void => {
    views.forEach((v, i) => {
      // A sparse view's frame may serve the next segment too (a short tail reuses it), and the cut detector still
      // compares the next frame with the last one: neither is free yet.
      if (sparse[i]) return
      for (const f of seg.frames[v.name] ?? []) if (f !== prevFrame && spare[i]!.length < 2 * perSegment) spare[i]!.push(f)
    })
  }
  /** Per sparse view (whole-file decode), frames already passed: the one at queue position p has stepped index
   *  (dropped + p) · stride. */
  const sparseDropped = views.map(() => 0)
  const lastSparse: Array<Uint8Array | undefined> = views.map(() => undefined)
  /** Per queued dense frame: its time (from the timestamps output) and whether it starts a new shot. */
  const times: number[] = []
  const cutFlags: boolean[] = []
  const clock = new FrameClock()
  let tsPartial = ''
  let lastDuration = dt
  let lastTime = 0
  let prevFrame: Uint8Array | null = null
  let prevMafd: number | null = null
  const cuts: number[] = []
  let segmentIndex = 0
  let total = 0
  let chain: Promise<void> = Promise.resolve()
  let pending = 0
  let failure: unknown = null

  const flush = (final: boolean): void => {
    for (;;) {
      let ready = Math.min(...queues.filter((_, i) => !sparse[i]).map((q) => q.length))
      if (tsStream) ready = Math.min(ready, times.length)
      if (detector >= 0) ready = Math.min(ready, cutFlags.length)
      let take: number | null
      if (windowed) take = ready >= perSegment ? perSegment : final && ready > 0 ? ready : null
      else {
        const t = tsStream ? times.slice(0, ready) : Array.from({ length: ready }, (_, k) => (total + k) * dt)
        const end = final && ready > 0 ? t[ready - 1]! + lastDuration : undefined
        take = nextSegmentLength(t, detector >= 0 ? cutFlags.slice(0, ready) : [], segmentSeconds, final, end)
        // Timestamps that stop advancing (a broken file) would hold every frame back: past three nominal segments
        // of frames, cut by count so memory stays bounded.
        if (take === null && ready > 3 * perSegment) take = perSegment
      }
      if (take === null || take <= 0) return
      const index = segmentIndex
      const first = total
      const want = sparsePick(first, take, stride)
      const stills = windowStills(take, perSegment)
      // A sparse view's frame for this segment may still be in the pipe while the dense ones are complete: wait.
      const waiting = (i: number): boolean => (windowed ? queues[i]!.length < stills : queues[i]!.length + sparseDropped[i]! <= want)
      if (!final && sparse.some((sp, i) => sp && waiting(i))) return
      const frames: Record<string, Uint8Array[]> = {}
      views.forEach((v, i) => {
        if (!sparse[i]) {
          frames[v.name] = queues[i]!.splice(0, take)
          return
        }
        const q = queues[i]!
        if (windowed) {
          const n = Math.min(stills, q.length)
          const f = n > 0 ? q[n - 1] : lastSparse[i]
          q.splice(0, n)
          lastSparse[i] = f
          frames[v.name] = f ? [f] : []
          return
        }
        const rel = Math.min(want - sparseDropped[i]!, q.length - 1)
        // A short tail may have no frame of its own: it reuses the last one used.
        const f = rel >= 0 ? q[rel] : lastSparse[i]
        if (rel > 0) {
          q.splice(0, rel)
          sparseDropped[i]! += rel
        }
        lastSparse[i] = f
        frames[v.name] = f ? [f] : []
      })
      const timeOf = (k: number): number => (tsStream ? times[k]! : (first + k) * dt)
      for (let k = 1; k < take; k++) if (cutFlags[k]) cuts.push(timeOf(k))
      if (index > 0 && cutFlags[0]) cuts.push(timeOf(0))
      const start = timeOf(0)
      const end = tsStream ? (take < times.length ? times[take]! : times[take - 1]! + lastDuration) : (first + take) * dt
      if (tsStream) times.splice(0, take)
      if (detector >= 0) cutFlags.splice(0, take)
      segmentIndex++
      const seg: SegmentFrames = { index, start, end, frames, step }
      total += take
      // Back-pressure: decoding runs one segment ahead of scoring (so the two overlap on separate cores) and then
      // waits; at most MAX_AHEAD segments, plus what sits in the pipes, are ever in memory.
      pending++
      if (pending >= MAX_AHEAD) [...streams, ...(tsStream ? [tsStream] : [])].forEach((s) => s.pause())
      chain = chain
        .then(() => (failure ? undefined : onSegment(seg)))
        .then(() => {
          if (opts.recycle) recycle(seg)
        })
        .catch((err: unknown) => {
          failure = err
          child.kill('SIGKILL')
        })
        .finally(() => {
          if (--pending < MAX_AHEAD) [...streams, ...(tsStream ? [tsStream] : [])].forEach((s) => s.resume())
        })
    }
  }

  tsStream?.setEncoding('latin1')
  tsStream?.on('data', (chunk: string) => {
    const lines = (tsPartial + chunk).split('\n')
    tsPartial = lines.pop() ?? ''
    for (const line of lines) {
      const r = clock.line(line)
      if (!r) continue
      // Broken files can step back in time; a segment's times only ever move forward.
      lastTime = Math.max(lastTime, r[0])
      times.push(lastTime)
      if (r[1] > 0) lastDuration = r[1]
    }
    flush(false)
  })

  const frameDone = (i: number, frame: Uint8Array): void => {
    queues[i]!.push(frame)
    if (i !== detector) return
    let cut = false
    if (prevFrame) {
      const r = sceneScore(prevFrame, frame, prevMafd)
      prevMafd = r.mafd
      cut = r.score > SCENE_CUT_SCORE
    }
    prevFrame = frame
    cutFlags.push(cut)
  }
  streams.forEach((s, i) => {
    const size = sizes[i]!
    s.on('data', (chunk: Buffer) => {
      // Pipe chunks are copied once, straight into the frame they belong to: no joined chunk, no second copy.
      let completed = false
      for (let off = 0; off < chunk.length; ) {
        const frame = (filling[i] ??= spare[i]!.pop() ?? new Uint8Array(size))
        const n = Math.min(size - filled[i]!, chunk.length - off)
        frame.set(chunk.subarray(off, off + n), filled[i])
        filled[i]! += n
        off += n
        if (filled[i] === size) {
          frameDone(i, frame)
          filling[i] = null
          filled[i] = 0
          completed = true
        }
      }
      if (completed) flush(false)
    })
  })

  const code = await new Promise<number | null>((resolve, reject) => {
    child.on('error', (e) => reject(new DecodeError(`ffmpeg could not start: ${e.message}`, '')))
    child.on('close', resolve)
  })
  opts.signal?.removeEventListener('abort', onAbort)
  if (opts.signal?.aborted) {
    // Let a segment that is being scored finish before the caller moves on.
    await chain.catch(() => undefined)
    throw new DOMException('Aborted', 'AbortError')
  }
  if (tsPartial) {
    const r = clock.line(tsPartial)
    if (r) times.push(Math.max(lastTime, r[0]))
    tsPartial = ''
  }
  if (!failure) flush(true)
  await chain
  if (failure) throw failure
  if (code !== 0) {
    const last = stderr.trim().split('\n').pop() ?? ''
    throw new DecodeError(`ffmpeg could not decode the video${last ? `: ${last}` : ''}`, stderr)
  }
  if (total === 0) throw new DecodeError('ffmpeg decoded no frames from this file', stderr)
  return { frames: total, segments: segmentIndex, cuts }
}
