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
import type { TensorIn } from './ort'

export interface SourceGeometry {
  /** Display size, after rotation (ffmpeg auto-rotates when decoding). */
  width: number
  height: number
  fps: number
  /** HDR transfer: such frames are tone-mapped to SDR BT.709 before measuring (see HDR_TO_SDR). */
  hdr?: 'PQ' | 'HLG' | null
}

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

const esc = (s: string): string => s.replace(/,/g, '\\,')

/** Pure: the -filter_complex graph and the labels of its outputs, in view order. */
/** A view that needs one frame per segment is selected inside ffmpeg, so the others' frames are not converted for it. */
export function isSparse(view: View): boolean {
  return view.sampling === 'uniform' && view.frames === 1
}

/** Pure: which stepped frame of each segment a sparse view takes (a quarter in, so even a short tail has it). */
export function sparseOffset(perSegment: number): number {
  return Math.floor(perSegment / 4)
}

export function samplerFilter(
  src: SourceGeometry,
  views: readonly View[],
  step: number,
  perSegment = 60,
  source = '[0:v]'
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
  parts.push(`${source}${select}${tonemap}${base}setsar=1,split=${views.length}${views.map((_, i) => `[v${i}]`).join('')}`)
  views.forEach((view, i) => {
    const fmt = view.pixelFormat === 'gray' ? 'gray' : 'rgb24'
    // Frame 0 too, so that a clip shorter than the offset still has one (see sampleSegments).
    const pickOne = isSparse(view) ? `select=${esc(`eq(mod(n,${perSegment}),${sparseOffset(perSegment)})+eq(n,0)`)},` : ''
    if (view.kind === 'resize') {
      const [h, w] = view.size
      const fit =
        view.fit === 'stretch'
          ? `scale=${w}:${h}:flags=area`
          : view.fit === 'pad'
            ? `scale=${w}:${h}:force_original_aspect_ratio=decrease:flags=area,pad=${w}:${h}:(ow-iw)/2:(oh-ih)/2`
            : `scale=${w}:${h}:force_original_aspect_ratio=increase:flags=area,crop=${w}:${h}`
      parts.push(`[v${i}]${pickOne}${fit},format=${fmt}[${outs[i]}]`)
      return
    }
    const rects = fragmentRects(W, H, view)
    if (rects.length === 1) {
      const r = rects[0]!
      parts.push(`[v${i}]${pickOne}crop=${r.w}:${r.h}:${r.x}:${r.y},format=${fmt}[${outs[i]}]`)
      return
    }
    const labels = rects.map((_, k) => `[f${i}_${k}]`)
    // Cut first, convert after: the pixel-format conversion then touches 64 K pixels a frame, not the whole picture.
    parts.push(`[v${i}]${pickOne}split=${rects.length}${labels.join('')}`)
    rects.forEach((r, k) => parts.push(`[f${i}_${k}]crop=${r.w}:${r.h}:${r.x}:${r.y}[c${i}_${k}]`))
    const [, cols] = view.grid
    const [ph, pw] = view.patch
    const layout = rects.map((_, k) => `${(k % cols) * pw}_${Math.floor(k / cols) * ph}`).join('|')
    parts.push(`${rects.map((_, k) => `[c${i}_${k}]`).join('')}xstack=inputs=${rects.length}:layout=${layout},format=${fmt}[${outs[i]}]`)
  })
  return { graph: parts.join(';'), outputs: outs }
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
  opts: { start?: number; duration?: number; threads?: number; segmentSeconds?: number; keyframeSeek?: boolean; windows?: readonly SampleWindow[] } = {}
): string[] {
  const step = frameStep(src.fps, views)
  const perSegment = framesPerSegment(src.fps, step, opts.segmentSeconds ?? 2)
  const args = ['-hide_banner', '-loglevel', 'error', '-nostdin']
  if (opts.threads) args.push('-threads', String(opts.threads))
  const input = (start: number | undefined, duration: number | undefined, keyframeSeek: boolean | undefined): void => {
    // Keyframe seeking starts decoding at the keyframe itself instead of decoding up to `start` from the one before.
    if (start && keyframeSeek) args.push('-noaccurate_seek')
    if (start) args.push('-ss', start.toFixed(3))
    // An input option: after -i it would bound only the first output, and the other pipes would decode to the end.
    if (duration) args.push('-t', duration.toFixed(3))
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
  const { graph, outputs } = samplerFilter(src, views, step, perSegment, source)
  args.push('-filter_complex', prefix + graph)
  outputs.forEach((o, i) => {
    // passthrough: never duplicate or drop frames to fit a rate — a made-up repeat would read as a freeze.
    args.push('-map', `[${o}]`, '-fps_mode', 'passthrough', '-f', 'rawvideo', i === 0 ? 'pipe:1' : `pipe:${i + 2}`)
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
export function toTensor(view: View, frames: readonly Uint8Array[], pick: readonly number[]): TensorIn {
  const [h, w] = viewSize(view)
  const C = view.pixelFormat === 'gray' ? 1 : 3
  const T = pick.length
  const plane = h * w
  const n = T * C * plane
  const norm = view.normalise
  const out = view.dtype === 'uint8' ? new Uint8Array(n) : new Float32Array(n)
  const float = out instanceof Float32Array
  for (let t = 0; t < T; t++) {
    const src = frames[pick[t]!]!
    if (C === 1 && !float && view.layout !== 'NCTHW') {
      // Gray bytes in frame order: the whole frame is one copy.
      out.set(src, t * plane)
      continue
    }
    for (let c = 0; c < C; c++) {
      const scale = norm ? norm.scale / (norm.std[c] ?? norm.std[0]!) : 1
      const offset = norm ? (norm.mean[c] ?? norm.mean[0]!) / (norm.std[c] ?? norm.std[0]!) : 0
      // Where plane (t, c) starts in the output; the input is packed RGBRGB… or gray.
      const base = view.layout === 'NCTHW' ? (c * T + t) * plane : (t * C + c) * plane
      if (float) for (let p = 0, q = c; p < plane; p++, q += C) out[base + p] = src[q]! * scale - offset
      else for (let p = 0, q = c; p < plane; p++, q += C) out[base + p] = src[q]!
    }
  }
  const dims = view.layout === 'TCHW' ? [T, C, h, w] : view.layout === 'NCTHW' ? [1, C, T, h, w] : [1, T, C, h, w]
  return { data: out, dims }
}

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

/**
 * Decodes `file` once and calls `onSegment` for each complete segment (awaited: decoding waits while a segment is
 * being scored, which bounds memory). Segment boundaries come from the stepped frame count and the source rate.
 */
export async function sampleSegments(
  ffmpeg: string,
  file: string,
  src: SourceGeometry,
  views: readonly View[],
  segmentSeconds: number,
  onSegment: (s: SegmentFrames) => Promise<void>,
  opts: { signal?: AbortSignal; threads?: number; start?: number; duration?: number; keyframeSeek?: boolean; windows?: readonly SampleWindow[] } = {}
): Promise<{ frames: number; segments: number }> {
  if (opts.signal?.aborted) throw new DOMException('Aborted', 'AbortError')
  const step = frameStep(src.fps, views)
  const args = samplerArgs(file, src, views, {
    threads: opts.threads,
    segmentSeconds,
    ...(opts.start !== undefined ? { start: opts.start } : {}),
    ...(opts.duration !== undefined ? { duration: opts.duration } : {}),
    ...(opts.keyframeSeek ? { keyframeSeek: true } : {}),
    ...(opts.windows ? { windows: opts.windows } : {})
  })
  const stdio: Array<'ignore' | 'pipe'> = ['ignore', 'pipe', 'pipe', ...views.slice(1).map(() => 'pipe' as const)]
  const child = spawn(ffmpeg, args, { stdio })
  let stderr = ''
  child.stderr?.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-4096)
  })
  const onAbort = (): void => {
    child.kill('SIGKILL')
  }
  opts.signal?.addEventListener('abort', onAbort, { once: true })
  const streams = views.map((_, i) => child.stdio[i === 0 ? 1 : i + 2] as Readable)
  const sizes = views.map(frameBytes)
  const perSegment = framesPerSegment(src.fps, step, segmentSeconds)
  const sparse = views.map(isSparse)
  // Sparse streams carry frame 0 first and then one frame per segment, unless the offset is 0 (then frame 0 is it).
  const sparseShift = sparseOffset(perSegment) === 0 ? 0 : 1
  const dropped = views.map(() => 0)
  const dt = step / src.fps

  // Each view's stream is cut into frames; a segment is emitted once every view has delivered its frames.
  const queues: Uint8Array[][] = views.map(() => [])
  const partial: Array<Buffer[]> = views.map(() => [])
  const partialBytes = views.map(() => 0)
  let segmentIndex = 0
  let total = 0
  let chain: Promise<void> = Promise.resolve()
  let pending = 0
  let failure: unknown = null

  const flush = (final: boolean): void => {
    for (;;) {
      const ready = Math.min(...queues.filter((_, i) => !sparse[i]).map((q) => q.length))
      // A full segment goes out only once half of the next one is there too, so the clip's tail (under half a
      // segment) joins the last segment instead of becoming a sliver too short to measure motion in.
      let take: number
      if (opts.windows && ready >= perSegment) take = perSegment
      else if (ready >= perSegment * 1.5) take = perSegment
      else if (final && ready > 0) take = ready
      else return
      const index = segmentIndex
      // A sparse view's frame for this segment may still be in the pipe while the dense ones are complete: wait.
      if (!final && sparse.some((sp, i) => sp && queues[i]!.length + dropped[i]! < index + 1 + sparseShift)) return
      const frames: Record<string, Uint8Array[]> = {}
      views.forEach((v, i) => {
        if (sparse[i]) {
          // Frames of earlier segments are dropped; the one used stays as the fallback for a tail without its own.
          const q = queues[i]!
          const rel = Math.max(0, Math.min(index + sparseShift - dropped[i]!, q.length - 1))
          const f = q[rel]
          if (rel > 0) {
            q.splice(0, rel)
            dropped[i] = dropped[i]! + rel
          }
          frames[v.name] = f ? [f] : []
        } else frames[v.name] = queues[i]!.splice(0, take)
      })
      segmentIndex++
      const first = total
      const seg: SegmentFrames = { index, start: first * dt, end: (first + take) * dt, frames, step }
      total += take
      // Back-pressure: decoding runs one segment ahead of scoring (so the two overlap on separate cores) and then
      // waits; at most MAX_AHEAD segments, plus what sits in the pipes, are ever in memory.
      pending++
      if (pending >= MAX_AHEAD) streams.forEach((s) => s.pause())
      chain = chain
        .then(() => (failure ? undefined : onSegment(seg)))
        .catch((err: unknown) => {
          failure = err
          child.kill('SIGKILL')
        })
        .finally(() => {
          if (--pending < MAX_AHEAD) streams.forEach((s) => s.resume())
        })
    }
  }

  streams.forEach((s, i) => {
    s.on('data', (chunk: Buffer) => {
      partial[i]!.push(chunk)
      partialBytes[i]! += chunk.length
      const size = sizes[i]!
      if (partialBytes[i]! < size) return
      const buf = Buffer.concat(partial[i]!)
      let off = 0
      while (buf.length - off >= size) {
        queues[i]!.push(new Uint8Array(buf.subarray(off, off + size)))
        off += size
      }
      partial[i] = off < buf.length ? [buf.subarray(off)] : []
      partialBytes[i] = buf.length - off
      flush(false)
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
  if (!failure) flush(true)
  await chain
  if (failure) throw failure
  if (code !== 0) {
    const last = stderr.trim().split('\n').pop() ?? ''
    throw new DecodeError(`ffmpeg could not decode the video${last ? `: ${last}` : ''}`, stderr)
  }
  if (total === 0) throw new DecodeError('ffmpeg decoded no frames from this file', stderr)
  return { frames: total, segments: segmentIndex }
}
