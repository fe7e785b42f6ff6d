/**
 * Executes a dataset plan: renders pristine clips, applies distortions, measures SSIM/PSNR against the pristine
 * reference per segment, and writes dataset.json. At most `concurrency` ffmpeg processes run at once; every file is
 * written under a temporary name and renamed when complete, and each clip leaves a sidecar with the hash of its
 * specification, so an interrupted run resumes where it stopped and a changed plan redoes only what changed.
 */
import { promises as fs } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { runTool } from '../../core/media/run'
import { locateFfmpeg } from '../../core/media/locate'
import { MAX_PENALTY, GAMMA, penalty, qualityFromSeverities, segmentSeverities, segmentTimes, type Severities } from './targets'
import { TABLE, r, type DistortionId, type Level, type Params } from './distortions'
import { hash32 } from './prng'
import { MORE_STREAM, planHeldout, planTrain, planTrainSeries, planTrainSoft, type ClipKind, type ClipPlan, type PlannedSource } from './plan'
import {
  blockingFinalArgs,
  blockingPassArgs,
  distortArgs,
  frameCount,
  losslessArgs,
  metricsArgs,
  parseStats,
  renderArgs,
  segmentMetrics,
  type CameraPath
} from './render'
import { fetchSources, MORE_TRAIN_PACKAGES, type SourceImage, exists } from './sources'

/** Bump when the meaning of a recorded field or the rendering changes: every clip is then redone. */
export const GENERATOR_VERSION = 1
export const SEGMENT_SECONDS = 2

export interface SegmentRecord {
  start: number
  end: number
  quality: number
  severities: Severities
  ssim: number
  psnr: number
}

export interface ClipRecord {
  id: string
  kind: ClipKind
  /** Relative to the dataset folder. */
  file: string
  /** The pristine clip this one was measured against (relative). */
  reference: string
  source: { file: string; package: string; width: number; height: number }
  width: number
  height: number
  fps: number
  seconds: number
  frames: number
  upscale: number
  camera: CameraPath
  segments: SegmentRecord[]
  distortions: Array<{ id: DistortionId; level: Level; start: number; end: number; params: Params }>
  quality: number
  qualityMin: number
  series?: ClipPlan['series']
}

export interface DatasetFile {
  version: number
  split: 'train' | 'heldout'
  seed: number
  createdWith: string
  segmentSeconds: number
  targets: { formula: string; gamma: number; maxPenalty: Record<DistortionId, number> }
  distortionTable: typeof TABLE
  clips: ClipRecord[]
  /** The only fields that differ between two runs with the same seed. */
  timing: { finishedAt: string; seconds: number; generatedClips: number; reusedClips: number }
}

export interface Progress {
  done: number
  total: number
  reused: number
  id: string
  elapsedMs: number
}

export interface GenerateOptions {
  outDir: string
  split: 'train' | 'heldout'
  seed: number
  /** Training clips (default 600); ignored for heldout. */
  count?: number
  /** Training series (clean + levels 1–4 of one distortion on one camera path), after the clips; default 0. */
  series?: number
  /** Soft training clips and series (pictures shrunk first, so the clip is an upscale; see planTrainSoft); default 0. */
  soft?: number
  softSeries?: number
  /** Training clips and series from the second set of pictures (sources.ts MORE_TRAIN_PACKAGES); default 0. */
  more?: number
  moreSeries?: number
  /** Held-out sources to use (default 7). */
  heldoutSources?: number
  concurrency?: number
  onProgress?: (p: Progress) => void
  /** Where the Debian packages are downloaded and extracted (default <outDir>/../source-cache). */
  cacheDir?: string
  /** Replaces the Debian pictures (tests use lavfi sources); `moreSources` replaces the second set. */
  sources?: PlannedSource[]
  moreSources?: PlannedSource[]
  /** Replaces the plan entirely (tests). */
  plan?: ClipPlan[]
  signal?: AbortSignal
}

export function toPlannedSource(s: SourceImage): PlannedSource {
  return { file: s.file, package: s.package, width: s.width, height: s.height, input: { kind: 'image', path: s.path, hasAlpha: s.hasAlpha } }
}

/** Hash of everything that determines a clip's pixels and records; a sidecar with another hash is stale. */
export function specHash(clip: ClipPlan): string {
  const { id, kind, source, geo, canvas, camera, distortions, pristineKey } = clip
  const input = source.input.kind === 'image' ? { kind: 'image', hasAlpha: source.input.hasAlpha, ...(source.input.shrink ? { shrink: source.input.shrink } : {}) } : source.input
  return hash32(JSON.stringify({ v: GENERATOR_VERSION, id, kind, file: source.file, pkg: source.package, input, geo, canvas, camera, distortions, pristineKey, seg: SEGMENT_SECONDS }))
    .toString(16)
    .padStart(8, '0')
}

/** The targets and measurements of one clip (pure given the per-frame metrics). */
export function buildRecord(clip: ClipPlan, frames: ReturnType<typeof parseStats>): ClipRecord {
  const segments: SegmentRecord[] = segmentTimes(clip.geo.seconds, SEGMENT_SECONDS).map(({ start, end }) => {
    const sev = segmentSeverities(clip.distortions, start, end)
    const rounded = Object.fromEntries(Object.entries(sev).map(([k, v]) => [k, r(v, 4)])) as Severities
    const m = segmentMetrics(frames, clip.geo.fps, start, end)
    return { start, end, quality: r(qualityFromSeverities(sev), 3), severities: rounded, ssim: m.ssim, psnr: m.psnr }
  })
  const qualities = segments.map((s) => s.quality)
  const record: ClipRecord = {
    id: clip.id,
    kind: clip.kind,
    file: `clips/${clip.id}.mp4`,
    reference: `pristine/${clip.pristineKey}.mp4`,
    source: { file: clip.source.file, package: clip.source.package, width: clip.source.width, height: clip.source.height },
    width: clip.geo.width,
    height: clip.geo.height,
    fps: clip.geo.fps,
    seconds: clip.geo.seconds,
    frames: frameCount(clip.geo),
    upscale: clip.upscale,
    camera: clip.camera,
    segments,
    distortions: clip.distortions.map((d) => ({ id: d.id, level: d.level, start: d.start, end: d.end, params: d.params })),
    quality: r(qualities.reduce((a, q) => a + q, 0) / qualities.length, 3),
    qualityMin: r(Math.min(...qualities), 3)
  }
  if (clip.series) record.series = clip.series
  return record
}



async function ffmpegRun(ffmpeg: string, args: readonly string[], signal?: AbortSignal): Promise<void> {
  const res = await runTool(ffmpeg, args, { timeoutMs: 30 * 60_000, ...(signal ? { signal } : {}), maxStdout: 1024 * 1024 })
  if (res.code !== 0) throw new Error(`ffmpeg failed (${res.code}): ${res.stderrTail.split('\n').slice(-6).join('\n')}`)
}

interface Sidecar {
  specHash: string
  record: ClipRecord
}

/** Runs `fn` over `items` with at most `limit` in flight. */
async function pool<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const item = items[next++] as T
      await fn(item)
    }
  }
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker))
}

export async function planFor(opts: GenerateOptions): Promise<ClipPlan[]> {
  if (opts.plan) return opts.plan
  const cacheDir = opts.cacheDir ?? path.join(path.dirname(path.resolve(opts.outDir)), 'source-cache')
  const sources = opts.sources ?? (await fetchSources(cacheDir, opts.split)).map(toPlannedSource)
  if (opts.split === 'heldout') return planHeldout(sources, opts.seed, opts.heldoutSources ?? 7)
  const wantMore = (opts.more ?? 0) > 0 || (opts.moreSeries ?? 0) > 0
  const more = !wantMore ? [] : (opts.moreSources ?? (await fetchSources(cacheDir, 'train', MORE_TRAIN_PACKAGES)).map(toPlannedSource))
  return [
    ...planTrain(sources, opts.seed, opts.count ?? 600),
    ...planTrainSeries(sources, opts.seed, opts.series ?? 0),
    ...planTrainSoft(sources, opts.seed, opts.soft ?? 0),
    ...planTrainSeries(sources, opts.seed, opts.softSeries ?? 0, 4, true),
    ...planTrain(more, opts.seed, opts.more ?? 0, 4, 8, MORE_STREAM),
    ...planTrainSeries(more, opts.seed, opts.moreSeries ?? 0, 4, false, MORE_STREAM)
  ]
}

export async function generateDataset(opts: GenerateOptions): Promise<DatasetFile> {
  const t0 = Date.now()
  const { ffmpeg, version } = locateFfmpeg()
  const outDir = path.resolve(opts.outDir)
  await fs.mkdir(path.join(outDir, 'clips'), { recursive: true })
  await fs.mkdir(path.join(outDir, 'pristine'), { recursive: true })
  await fs.mkdir(path.join(outDir, '.work'), { recursive: true })
  const plan = await planFor(opts)
  const pristineJobs = new Map<string, Promise<string>>()
  const records = new Map<string, ClipRecord>()
  let done = 0
  let reused = 0

  const ensurePristine = (clip: ClipPlan): Promise<string> => {
    let job = pristineJobs.get(clip.pristineKey)
    if (!job) {
      job = (async () => {
        const file = path.join(outDir, 'pristine', `${clip.pristineKey}.mp4`)
        if (await exists(file)) return file
        const part = `${file}.part`
        await ffmpegRun(ffmpeg, renderArgs(clip.source.input, clip.geo, clip.canvas, clip.camera, null, part), opts.signal)
        await fs.rename(part, file)
        return file
      })()
      pristineJobs.set(clip.pristineKey, job)
    }
    return job
  }

  const runClip = async (clip: ClipPlan): Promise<void> => {
    const hash = specHash(clip)
    const file = path.join(outDir, 'clips', `${clip.id}.mp4`)
    const sidecarPath = path.join(outDir, 'clips', `${clip.id}.json`)
    if ((await exists(file)) && (await exists(sidecarPath))) {
      try {
        const side = JSON.parse(await fs.readFile(sidecarPath, 'utf8')) as Sidecar
        if (side.specHash === hash) {
          records.set(clip.id, side.record)
          reused++
          done++
          opts.onProgress?.({ done, total: plan.length, reused, id: clip.id, elapsedMs: Date.now() - t0 })
          return
        }
      } catch {
        // A damaged sidecar means the clip is redone.
      }
    }
    const pristine = await ensurePristine(clip)
    const work = path.join(outDir, '.work', clip.id)
    await fs.rm(work, { recursive: true, force: true })
    await fs.mkdir(work, { recursive: true })
    // Stats files go under the system temp folder: their paths sit inside a filtergraph, which only takes plain paths.
    const statsDir = await fs.mkdtemp(path.join(os.tmpdir(), 'vqa-ds-'))
    try {
      const out = path.join(work, 'out.mp4')
      const shake = clip.distortions.find((d) => d.id === 'shake') ?? null
      const blocking = clip.distortions.find((d) => d.id === 'blocking') ?? null
      const rest = clip.distortions.filter((d) => d !== shake && d !== blocking)
      let base = pristine
      if (shake) {
        // Shake is a camera-path change: re-render from the still with the jitter, losslessly, then distort as usual.
        base = path.join(work, 'shaken.mp4')
        const lossless = losslessArgs(frameCount(clip.geo), clip.geo.fps)
        await ffmpegRun(ffmpeg, renderArgs(clip.source.input, clip.geo, clip.canvas, clip.camera, shake, base, lossless), opts.signal)
      }
      if (blocking) {
        const blocky = path.join(work, 'blocky.mpg')
        await ffmpegRun(ffmpeg, blockingPassArgs(base, rest, blocking, clip.geo, blocky), opts.signal)
        await ffmpegRun(ffmpeg, blockingFinalArgs(base, rest, blocking, clip.geo, blocky, out), opts.signal)
      } else if (clip.distortions.length === 0) {
        await fs.copyFile(pristine, out)
      } else {
        await ffmpegRun(ffmpeg, distortArgs(base, rest, clip.geo, out), opts.signal)
      }
      const ssimLog = path.join(statsDir, 'ssim.log')
      const psnrLog = path.join(statsDir, 'psnr.log')
      await ffmpegRun(ffmpeg, metricsArgs(out, pristine, ssimLog, psnrLog), opts.signal)
      const frames = parseStats(await fs.readFile(ssimLog, 'utf8'), await fs.readFile(psnrLog, 'utf8'))
      if (frames.length !== frameCount(clip.geo)) {
        throw new Error(`${clip.id}: measured ${frames.length} frames, expected ${frameCount(clip.geo)} (a filter changed the frame count)`)
      }
      const record = buildRecord(clip, frames)
      await fs.rename(out, file)
      const side: Sidecar = { specHash: hash, record }
      await fs.writeFile(`${sidecarPath}.part`, JSON.stringify(side))
      await fs.rename(`${sidecarPath}.part`, sidecarPath)
      records.set(clip.id, record)
    } finally {
      await fs.rm(statsDir, { recursive: true, force: true })
      await fs.rm(work, { recursive: true, force: true })
    }
    done++
    opts.onProgress?.({ done, total: plan.length, reused, id: clip.id, elapsedMs: Date.now() - t0 })
  }

  await pool(plan, opts.concurrency ?? 2, runClip)
  await fs.rm(path.join(outDir, '.work'), { recursive: true, force: true })

  const dataset: DatasetFile = {
    version: GENERATOR_VERSION,
    split: opts.split,
    seed: opts.seed,
    createdWith: version,
    segmentSeconds: SEGMENT_SECONDS,
    targets: { formula: 'q = clamp(1 + 4 * prod_i(1 - p_i/4), 1, 5), p_i = maxPenalty_i * severity_i^gamma', gamma: GAMMA, maxPenalty: MAX_PENALTY },
    distortionTable: TABLE,
    clips: plan.map((c) => {
      const rec = records.get(c.id)
      if (!rec) throw new Error(`clip ${c.id} has no record`)
      return rec
    }),
    timing: { finishedAt: new Date().toISOString(), seconds: r((Date.now() - t0) / 1000, 1), generatedClips: plan.length - reused, reusedClips: reused }
  }
  await fs.writeFile(path.join(outDir, 'dataset.json.part'), JSON.stringify(dataset, null, 1))
  await fs.rename(path.join(outDir, 'dataset.json.part'), path.join(outDir, 'dataset.json'))
  return dataset
}

/** Exported for reports: the penalty one distortion would cost at a given level over a whole segment. */
export function levelPenalty(id: DistortionId, level: Level): number {
  return penalty(id, level / 4)
}
