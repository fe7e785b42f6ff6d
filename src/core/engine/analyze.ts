/**
 * Scoring one file with a pack: decode once (sampler), run the pack on each segment, and read its outputs as a
 * score, level probabilities, distortion severities and the measured evidence.
 */
import { availableParallelism } from 'node:os'
import type { ModelManifest, View } from '../../shared/model-pack'
import { scoresFrom, type LoadedPack } from './pack'
import { pickFrames, sampleSegments, toTensor, type SegmentFrames, type SourceGeometry } from './sampler'
import type { BufferPool } from './buffers'
import type { TensorIn, TensorOut } from './ort'

export interface SegmentResult {
  index: number
  start: number
  end: number
  score: number
  /** Probability per level (bad … excellent), when the pack gives levels. */
  levels: number[] | null
  severities: Record<string, number>
  evidence: Record<string, number>
  frames: number
  /** Too few frames to measure motion: temporal findings are not reported for this segment. */
  temporalValid: boolean
  /**
   * The segment's parts (equal stretches of its frames, in order), scored on their own, where the pack measures
   * parts and the segment has frames enough for each (full mode): they say when inside the segment a distortion is.
   */
  parts: SegmentPart[] | null
  /** Every stage output, for tools (feature extraction, debugging). */
  values: Map<string, TensorOut>
}

export interface SegmentPart {
  start: number
  end: number
  score: number
  severities: Record<string, number>
  /** The part's own measurements (the segment's evidence names), where the pack gives them. */
  evidence?: Record<string, number>
}

/** A part is measured from at least this many frames (a spatial frame, and motion between a few). */
export const MIN_PART_FRAMES = 4

/**
 * Pure: the parts of segment [start, end) from a pack's outputs, or null when it has none, too few frames, or
 * unusable part outputs. `measured` is the run of the segment's `frames` frames that the measuring views took
 * (pickFrames: the middle ones when a segment has more than a view holds): the parts divide that run, not the whole
 * segment, and frame i of the segment is at start + i / frames of its length.
 */
export function partsOf(
  manifest: ModelManifest,
  values: Map<string, TensorOut>,
  start: number,
  end: number,
  frames: number,
  measured: { first: number; count: number } = { first: 0, count: frames }
): SegmentPart[] | null {
  const spec = manifest.outputs.parts
  if (!spec || measured.count < MIN_PART_FRAMES * spec.count || frames <= 0) return null
  let scores: number[]
  try {
    scores = scoresFrom(manifest, values, spec.score)
  } catch {
    return null
  }
  const sev = spec.severities ? values.get(spec.severities) : undefined
  const ev = spec.evidence ? values.get(spec.evidence) : undefined
  const names = manifest.outputs.evidence?.names ?? []
  const D = manifest.distortions.length
  // A pack whose part outputs do not hold a row per part (or whose parts were not measured) gives no parts.
  if (scores.length < spec.count || !scores.every(Number.isFinite)) return null
  if ((sev && sev.data.length < spec.count * D) || (ev && ev.data.length < spec.count * names.length)) return null
  // The measuring graph puts frame p of the run in part ⌊P·p / count⌋, so part k starts at frame ⌈k·count / P⌉.
  const at = (k: number): number => start + ((measured.first + Math.ceil((k * measured.count) / spec.count)) / frames) * (end - start)
  return Array.from({ length: spec.count }, (_, k) => ({
    start: at(k),
    end: at(k + 1),
    score: scores[k]!,
    severities: Object.fromEntries(manifest.distortions.map((d, j) => [d.id, sev ? Number(sev.data[k * D + j]) : NaN])),
    ...(ev ? { evidence: Object.fromEntries(names.map((n, j) => [n, Number(ev.data[k * names.length + j])])) } : {})
  }))
}

/** Pure: which run of a segment's `frames` frames the pack's dense views measure (their picked frames). */
export function measuredRun(views: readonly View[], frames: number): { first: number; count: number } {
  const dense = views.find((v) => v.sampling === 'consecutive' && !v.fixedCount)
  if (!dense) return { first: 0, count: frames }
  const pick = pickFrames(frames, dense)
  return { first: pick[0] ?? 0, count: pick.length }
}

/** Fast triage measures this much of each segment. */
export const FAST_WINDOW_SECONDS = 0.3

/** Temporal measures need a few consecutive frames (second differences). */
export const MIN_TEMPORAL_FRAMES = 4

/** Pure: the tensor for one view from one segment's frames. */
export function viewTensor(view: View, frames: readonly Uint8Array[], pool?: BufferPool): TensorIn {
  let pick = pickFrames(frames.length, view)
  if (view.sampling === 'consecutive' && !view.fixedCount && pick.length < MIN_TEMPORAL_FRAMES) {
    pick = Array.from({ length: MIN_TEMPORAL_FRAMES }, (_, i) => pick[i % pick.length]!)
  }
  return toTensor(view, frames, pick, pool)
}

/** Pure: severities and evidence by name from a pack's outputs for batch item `i`. */
export function namedOutputs(manifest: ModelManifest, values: Map<string, TensorOut>, i = 0): { severities: Record<string, number>; evidence: Record<string, number> } {
  const severities: Record<string, number> = {}
  const evidence: Record<string, number> = {}
  const sev = manifest.outputs.severities ? values.get(manifest.outputs.severities) : undefined
  if (sev) {
    const D = manifest.distortions.length
    manifest.distortions.forEach((d, k) => (severities[d.id] = Number(sev.data[i * D + k])))
  }
  const ev = manifest.outputs.evidence
  const evT = ev ? values.get(ev.from) : undefined
  if (ev && evT) {
    const E = ev.names.length
    ev.names.forEach((name, k) => (evidence[name] = Number(evT.data[i * E + k])))
  }
  return { severities, evidence }
}

export interface AnalyzeOptions {
  segmentSeconds?: number
  signal?: AbortSignal
  onSegment?: (s: SegmentResult) => void
  threads?: number
  /** Fast triage: per segment, measure only `windowSeconds` of frames, starting at a keyframe inside the segment
   *  where there is one (a seek there costs no decoding), else from its middle (an exact seek). */
  fast?: { windowSeconds: number; duration: number; keyframes: readonly number[] }
  /** Segments on the plain time grid, not snapped to scene cuts (datasets whose targets sit on that grid). */
  noSnap?: boolean
  /** The scene cuts found while decoding (full mode), once the file is done. */
  onSceneCuts?: (cuts: number[]) => void
  /** Hardware decoding method (media/hwaccel.ts); software when absent or when it fails on this file. */
  hwaccel?: string | null
}

export async function analyzeFile(pack: LoadedPack, ffmpeg: string, file: string, geometry: SourceGeometry, opts: AnalyzeOptions = {}): Promise<SegmentResult[]> {
  const { manifest } = pack
  const results: SegmentResult[] = []
  const seconds = opts.segmentSeconds ?? manifest.segmentSeconds
  const scoreSegment = async (seg: SegmentFrames): Promise<void> => {
    const feeds: Record<string, TensorIn> = {}
    for (const view of manifest.views) feeds[view.name] = viewTensor(view, seg.frames[view.name] ?? [], pack.buffers)
    const values = await pack.run(feeds)
    const [score] = scoresFrom(manifest, values)
    const levelsT = manifest.outputs.score.kind === 'levels' ? values.get(manifest.outputs.score.from) : undefined
    const frames = Math.max(...Object.values(seg.frames).map((f) => f.length))
    const result: SegmentResult = {
      index: seg.index,
      start: seg.start,
      end: seg.end,
      score: score ?? NaN,
      levels: levelsT ? Array.from(levelsT.data as Float32Array).slice(0, 5) : null,
      ...namedOutputs(manifest, values),
      frames,
      temporalValid: frames >= MIN_TEMPORAL_FRAMES,
      // Fast triage's short window is one stretch, not a segment to divide.
      parts: opts.fast ? null : partsOf(manifest, values, seg.start, seg.end, frames, measuredRun(manifest.views, frames)),
      values
    }
    results.push(result)
    opts.onSegment?.(result)
  }
  if (!opts.fast) {
    const { cuts } = await sampleSegments(ffmpeg, file, geometry, manifest.views, seconds, scoreSegment, {
      signal: opts.signal,
      threads: opts.threads,
      hwaccel: opts.hwaccel ?? null,
      // scoreSegment copies the frames into tensors before it returns.
      recycle: true,
      ...(opts.noSnap ? { noSnap: true } : {})
    })
    opts.onSceneCuts?.(cuts)
    return results
  }
  const { windowSeconds, duration, keyframes } = opts.fast
  const count = Math.max(1, Math.round(duration / seconds))
  const bounds = Array.from({ length: count }, (_, k) => ({ start: k * seconds, end: k === count - 1 ? duration : (k + 1) * seconds }))
  const windows = bounds.map((b) => {
    const w = fastWindow(b.start, b.end, windowSeconds, duration, keyframes)
    return { start: w.from, keyframeSeek: w.keyframeSeek }
  })
  // One ffmpeg process opens a batch of windows, each as a seeking input: start-up is paid once per batch, not per
  // segment. Not one process for the whole file: ffmpeg keeps every input's decoder until it exits, so a 4-minute
  // 1080p file in one process peaked at 3.9 GB, and memory grew with the file's length.
  // A window is 8–9 frames: too few for frame threads (each window starts, fills and drains them), so every
  // window's decoder has one thread, and the cores are used by batches decoding side by side instead (1080p, 10
  // windows: 0.87 s instead of 1.17 s, and less memory).
  const parallel = fastParallelBatches(opts.threads, availableParallelism())
  const batches = windowBatches(windows.length, fastWindowsPerProcess(geometry.width, geometry.height, parallel), parallel)
  const stop = new AbortController()
  const signal = opts.signal ? AbortSignal.any([opts.signal, stop.signal]) : stop.signal
  // A hardware decoder that failed on this file (and fell back to software) is not tried again on its later batches.
  let hwaccel = opts.hwaccel ?? null
  let nextBatch = 0
  const worker = async (): Promise<void> => {
    for (let batch = batches[nextBatch++]; batch; batch = batches[nextBatch++]) {
      const { first, count: n } = batch
      const res = await sampleSegments(
        ffmpeg,
        file,
        geometry,
        manifest.views,
        windowSeconds,
        async (seg) => {
          const b = bounds[first + seg.index]
          if (b) await scoreSegment({ ...seg, index: first + seg.index, start: b.start, end: b.end })
        },
        { signal, threads: 1, hwaccel, windows: windows.slice(first, first + n), recycle: true }
      )
      if (res.hwaccel === null) hwaccel = null
    }
  }
  // A failed batch stops the other (its own error is the one reported: Promise.all keeps the first rejection).
  await Promise.all(Array.from({ length: Math.min(parallel, batches.length) }, () => worker().catch((err: unknown) => {
    stop.abort()
    throw err
  })))
  if (opts.signal?.aborted) throw new DOMException('Aborted', 'AbortError')
  return results.sort((a, b) => a.index - b.index)
}

/** Pure: fast-mode batches decoded at once — one per core (two to four) when the clip has the machine to itself, one
 *  when clips share it. */
export function fastParallelBatches(threads: number | undefined, cores: number): number {
  return threads ? 1 : Math.min(4, Math.max(2, cores))
}

/**
 * Pure: fast-mode windows opened by one ffmpeg process. Its memory is about this many decoders whatever the file's
 * length, so the processes decoding at once hold about sixteen 1080p decoders between them at most: with two, eight
 * windows each up to 1080p, four at 1440p, two at 4K. Fewer processes are faster: each costs about 0.14 s of CPU
 * before it decodes anything (Debian's ffmpeg loads some hundred shared libraries).
 */
export function fastWindowsPerProcess(width: number, height: number, parallel: number): number {
  const budget = (16 / Math.max(1, parallel)) * ((1920 * 1080) / Math.max(1, width * height))
  return Math.max(2, Math.min(8, Math.floor(budget)))
}

/**
 * Pure: consecutive batches of at most `size` of `count` windows, as even as possible and a multiple of `parallel` in
 * number, so batches decoded side by side finish together (10 windows in 4 + 4 + 2 left one decoder doing 6 while the
 * other did 4; 3 + 3 + 2 + 2 gives each 5).
 */
export function windowBatches(count: number, size: number, parallel = 1): Array<{ first: number; count: number }> {
  if (count <= 0) return []
  const n = Math.min(count, parallel * Math.ceil(count / (size * parallel)))
  const batches: Array<{ first: number; count: number }> = []
  for (let k = 0, first = 0; k < n; k++) {
    const c = Math.floor(count / n) + (k < count % n ? 1 : 0)
    batches.push({ first, count: c })
    first += c
  }
  return batches
}

/** Pure: where fast mode measures segment [start, end). */
export function fastWindow(start: number, end: number, window: number, duration: number, keyframes: readonly number[]): { from: number; keyframeSeek: boolean } {
  const kf = keyframes.find((t) => t >= start && t <= end - window)
  if (kf !== undefined) return { from: kf, keyframeSeek: true }
  return { from: Math.max(0, Math.min(start + (end - start - window) / 2, duration - window)), keyframeSeek: false }
}
