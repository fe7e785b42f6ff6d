/**
 * The evaluation harness: score every video of a labelled set (the seed's meta-JSON format) with a pack and report
 * how the predictions agree with the labels — results CSV `filename,pred_score,gt_score`, SRCC/KRCC/PLCC/RMSE (also
 * after a 4-parameter logistic fit) — and, where the set says which distortions it holds and when (our synthetic
 * held-out set does), an attribution report: per-distortion precision and recall, top-1 attribution, the overlap
 * (IoU) of flagged time windows with the true ones, severity series monotonicity and clean-clip scores.
 */
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { z } from 'zod'
import { analyzeFile, FAST_WINDOW_SECONDS, type SegmentResult } from '../engine/analyze'
import { REPORT_THRESHOLD } from '../engine/explain'
import { incidents, peakSeverity } from '../../shared/localise'
import type { LoadedPack } from '../engine/pack'
import { poolClip } from '../engine/pooling'
import { sourceGeometry } from '../engine/sampler'
import { listKeyframes, probeFile } from '../media/probe'
import { agreement, spearman, type Agreement } from './metrics'

const TruthDistortion = z.object({ id: z.string(), level: z.number(), start: z.number(), end: z.number() })

export const MetaJson = z.object({
  annotations: z.array(
    z.object({
      image_id: z.string().min(1),
      ann_type: z.string().optional(),
      score: z.union([z.string(), z.number()]).transform((v) => Number(v)),
      /** Extension used by our synthetic sets: what was done to the clip, for the attribution report. */
      vqa: z
        .object({
          source: z.string(),
          seconds: z.number(),
          distortions: z.array(TruthDistortion),
          /**
           * A severity series: the same source and camera at levels 1–4 of one distortion over the whole clip. The
           * source's clean clip (distortion null, level 0) is the start of every one of its series.
           */
          series: z.object({ source: z.string(), distortion: z.string().nullable(), level: z.number() }).optional()
        })
        .optional()
    })
  )
})
export type MetaJson = z.infer<typeof MetaJson>
type Annotation = MetaJson['annotations'][number]

export interface VideoResult {
  file: string
  pred: number
  gt: number
  segments: Array<Pick<SegmentResult, 'start' | 'end' | 'score' | 'severities'> & { parts?: SegmentResult['parts'] }>
  error: string | null
  truth: Annotation['vqa']
  seconds: number
}

export interface AttributionReport {
  perDistortion: Array<{ id: string; precision: number; recall: number; support: number }>
  /** Single-distortion clips at level ≥ 2: the strongest predicted distortion (over segments and their parts, as the
   *  app tags clips) is the applied one. */
  top1: { accuracy: number; n: number }
  /**
   * Windowed clips: IoU of the flagged time (shared/localise.ts incidents: the parts of segments where its severity ≥
   * threshold, or whole segments where only the segment reaches it, joined across gaps under a second) with the true window. `ceiling`: the mean IoU that perfect
   * flagging of the finest stretches scored (parts, else segments) would reach on these clips (windowIouCeiling): a
   * window that starts or ends inside one cannot be matched exactly.
   */
  windowIou: { mean: number; n: number; ceiling: number; byDistortion: Record<string, number> }
  /** Within each (source, distortion) series — clean, then levels 1–4 — SRCC between predicted score and level; mean over series. */
  seriesSrcc: { mean: number; n: number; byDistortion: Record<string, number> }
  clean: { mean: number; min: number; n: number }
}

export interface EvalReport {
  pack: string
  videos: VideoResult[]
  agreement: Agreement
  failures: number
  attribution: AttributionReport | null
  /** Decode+model seconds per second of video, overall. */
  secondsPerVideoSecond: number
}

export function resultsCsv(videos: readonly VideoResult[]): string {
  const esc = (s: string): string => (/[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s)
  return ['filename,pred_score,gt_score', ...videos.filter((v) => !v.error).map((v) => `${esc(v.file)},${v.pred.toFixed(4)},${v.gt}`)].join('\n') + '\n'
}

/** Where the app reports `id` in a video: its incidents at the threshold (shared/localise.ts). */
function flaggedSeconds(v: VideoResult, id: string, threshold: number): Array<[number, number]> {
  return incidents(v.segments, id, threshold).map((i) => [i.start, i.end])
}

/** The finest stretches a video was scored in: its segments' parts where it has them, else its segments. */
function units(v: VideoResult): Array<{ start: number; end: number }> {
  return v.segments.flatMap((s) => (s.parts?.length ? s.parts : [s]))
}

function overlap(a: Array<[number, number]>, b: [number, number]): number {
  return a.reduce((acc, [s, e]) => acc + Math.max(0, Math.min(e, b[1]) - Math.max(s, b[0])), 0)
}

/**
 * Pure: the best IoU with `truth` that flagging a run of whole segments can reach (contiguous runs suffice: the truth is
 * one interval, and adding a segment outside the run that does not touch it only grows the union).
 */
export function windowIouCeiling(segments: ReadonlyArray<{ start: number; end: number }>, truth: [number, number]): number {
  let best = 0
  for (let i = 0; i < segments.length; i++) {
    for (let j = i; j < segments.length; j++) {
      const run = segments.slice(i, j + 1).map((s) => [s.start, s.end] as [number, number])
      const inter = overlap(run, truth)
      const union = run.reduce((a, [s, e]) => a + (e - s), 0) + (truth[1] - truth[0]) - inter
      if (union > 0) best = Math.max(best, inter / union)
    }
  }
  return best
}

const avgOf = (xs: readonly number[]): number => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : NaN)

/** Pure: the attribution report over videos whose annotations carry `vqa` truth. */
export function attribution(videos: readonly VideoResult[], threshold = REPORT_THRESHOLD): AttributionReport | null {
  const labelled = videos.filter((v) => v.truth && !v.error)
  if (labelled.length === 0) return null
  const ids = [...new Set(labelled.flatMap((v) => [...v.truth!.distortions.map((d) => d.id), ...v.segments.flatMap((s) => Object.keys(s.severities))]))].sort()
  // As the app tags clips (scorer.ts): the strongest over segments and their parts.
  const maxSev = (v: VideoResult, id: string): number => Math.max(0, ...v.segments.map((s) => peakSeverity(s, id)))
  const perDistortion = ids.map((id) => {
    let tp = 0
    let fp = 0
    let fn = 0
    for (const v of labelled) {
      const truth = v.truth!.distortions.some((d) => d.id === id && d.level >= 2)
      const weak = v.truth!.distortions.some((d) => d.id === id && d.level < 2)
      const pred = maxSev(v, id) >= threshold
      if (weak) continue // level 1 is barely visible by design: neither a miss nor a false alarm
      if (truth && pred) tp++
      else if (pred) fp++
      else if (truth) fn++
    }
    return { id, precision: tp + fp ? tp / (tp + fp) : NaN, recall: tp + fn ? tp / (tp + fn) : NaN, support: tp + fn }
  })
  const singles = labelled.filter((v) => v.truth!.distortions.length === 1 && v.truth!.distortions[0]!.level >= 2)
  const top1Hits = singles.filter((v) => {
    const want = v.truth!.distortions[0]!
    // Over the stretch where it was applied: the strongest distortion there.
    const inWindow = v.segments.filter((s) => s.end > want.start && s.start < want.end)
    const best = ids.map((id) => [id, Math.max(0, ...inWindow.map((s) => peakSeverity(s, id)))] as const).sort((a, b) => b[1] - a[1])[0]
    return best?.[0] === want.id
  }).length
  const windowed = labelled.filter(
    (v) => v.truth!.distortions.length === 1 && v.truth!.distortions[0]!.level >= 2 && (v.truth!.distortions[0]!.start > 0.01 || v.truth!.distortions[0]!.end < v.truth!.seconds - 0.01)
  )
  const ious = windowed.map((v) => {
    const d = v.truth!.distortions[0]!
    const flagged = flaggedSeconds(v, d.id, threshold)
    const inter = overlap(flagged, [d.start, d.end])
    const flaggedTotal = flagged.reduce((a, [s, e]) => a + (e - s), 0)
    const union = flaggedTotal + (d.end - d.start) - inter
    return union > 0 ? inter / union : 0
  })
  const iouBy: Record<string, number> = {}
  for (const id of [...new Set(windowed.map((v) => v.truth!.distortions[0]!.id))].sort()) iouBy[id] = avgOf(ious.filter((_, i) => windowed[i]!.truth!.distortions[0]!.id === id))
  const ceilings = windowed.map((v) => windowIouCeiling(units(v), [v.truth!.distortions[0]!.start, v.truth!.distortions[0]!.end]))
  const series = new Map<string, Array<{ level: number; pred: number }>>()
  const clean = new Map<string, Array<{ level: number; pred: number }>>()
  for (const v of labelled) {
    const s = v.truth!.series
    if (!s) continue
    const point = { level: s.level, pred: v.pred }
    if (s.distortion === null) clean.set(s.source, [...(clean.get(s.source) ?? []), point])
    else {
      const key = `${s.source}|${s.distortion}`
      series.set(key, [...(series.get(key) ?? []), point])
    }
  }
  for (const [key, list] of series) list.push(...(clean.get(key.slice(0, key.lastIndexOf('|'))) ?? []))
  const perSeries = [...series]
    .filter(([, l]) => l.length >= 3)
    .map(([key, l]) => ({ distortion: key.slice(key.lastIndexOf('|') + 1), r: spearman(l.map((x) => x.pred), l.map((x) => x.level)) }))
    .filter((x) => Number.isFinite(x.r))
  const seriesSrccs = perSeries.map((x) => x.r)
  const byDistortion: Record<string, number> = {}
  for (const d of [...new Set(perSeries.map((x) => x.distortion))].sort()) byDistortion[d] = avgOf(perSeries.filter((x) => x.distortion === d).map((x) => x.r))
  const cleanScores = labelled.filter((v) => v.truth!.distortions.length === 0).map((v) => v.pred)
  const avg = avgOf
  return {
    perDistortion,
    top1: { accuracy: singles.length ? top1Hits / singles.length : NaN, n: singles.length },
    windowIou: { mean: avg(ious), n: ious.length, ceiling: avg(ceilings), byDistortion: iouBy },
    seriesSrcc: { mean: avg(seriesSrccs), n: seriesSrccs.length, byDistortion },
    clean: { mean: avg(cleanScores), min: cleanScores.length ? Math.min(...cleanScores) : NaN, n: cleanScores.length }
  }
}

/** One video analysed as `evaluate` does: full mode, or fast triage (a FAST_WINDOW_SECONDS window per segment). */
export async function analyzeVideo(
  pack: LoadedPack,
  tools: { ffmpeg: string; ffprobe: string },
  file: string,
  opts: { mode?: 'full' | 'fast'; signal?: AbortSignal } = {}
): Promise<{ segments: SegmentResult[]; seconds: number }> {
  const info = await probeFile(tools.ffprobe, file)
  const fast =
    opts.mode === 'fast' && info.duration
      ? { fast: { windowSeconds: FAST_WINDOW_SECONDS, duration: info.duration, keyframes: await listKeyframes(tools.ffprobe, file) } }
      : {}
  const segments = await analyzeFile(pack, tools.ffmpeg, file, sourceGeometry(info), { signal: opts.signal, ...fast })
  return { segments, seconds: info.duration ?? 0 }
}

/** Pure: the report over scored videos (failed ones count as failures). */
export function reportOf(pack: string, videos: VideoResult[], secondsPerVideoSecond: number): EvalReport {
  const ok = videos.filter((v) => !v.error && Number.isFinite(v.pred))
  return {
    pack,
    videos,
    agreement: agreement(ok.map((v) => v.pred), ok.map((v) => v.gt)),
    failures: videos.length - ok.length,
    attribution: attribution(videos),
    secondsPerVideoSecond
  }
}

export async function evaluate(
  pack: LoadedPack,
  tools: { ffmpeg: string; ffprobe: string },
  metaFile: string,
  root: string,
  opts: {
    onVideo?: (v: VideoResult, done: number, total: number) => void
    signal?: AbortSignal
    /** Fast triage (a FAST_WINDOW_SECONDS window per segment), to measure what it costs in accuracy. Default full. */
    mode?: 'full' | 'fast'
  } = {}
): Promise<EvalReport> {
  const meta = MetaJson.parse(JSON.parse(await readFile(metaFile, 'utf8')))
  const videos: VideoResult[] = []
  const t0 = Date.now()
  let mediaSeconds = 0
  for (const a of meta.annotations) {
    let result: VideoResult
    try {
      const { segments: segs, seconds } = await analyzeVideo(pack, tools, join(root, a.image_id), opts)
      mediaSeconds += seconds
      result = {
        file: a.image_id,
        pred: poolClip(segs),
        gt: a.score,
        segments: segs.map((s) => ({ start: s.start, end: s.end, score: s.score, severities: s.severities, parts: s.parts })),
        error: null,
        truth: a.vqa,
        seconds
      }
    } catch (err) {
      result = { file: a.image_id, pred: NaN, gt: a.score, segments: [], error: (err as Error).message, truth: a.vqa, seconds: 0 }
    }
    videos.push(result)
    opts.onVideo?.(result, videos.length, meta.annotations.length)
  }
  return reportOf(`${pack.manifest.name}@${pack.manifest.version}`, videos, mediaSeconds > 0 ? (Date.now() - t0) / 1000 / mediaSeconds : NaN)
}

/** Pure: the human-readable report. */
export function formatReport(r: EvalReport): string {
  const a = r.agreement
  const lines = [
    `pack ${r.pack}: ${a.n} videos scored, ${r.failures} failed`,
    `SRCC ${a.srcc.toFixed(3)}  KRCC ${a.krcc.toFixed(3)}  PLCC ${a.plcc.toFixed(3)}  RMSE ${a.rmse.toFixed(3)}  (after logistic fit: PLCC ${a.plccFitted.toFixed(3)}, RMSE ${a.rmseFitted.toFixed(3)})`,
    ...(Number.isFinite(r.secondsPerVideoSecond) ? [`speed: ${r.secondsPerVideoSecond.toFixed(3)} s per second of video (decode + model)`] : [])
  ]
  const at = r.attribution
  if (at) {
    lines.push(
      `series SRCC (score vs severity, per source × distortion): ${at.seriesSrcc.mean.toFixed(3)} over ${at.seriesSrcc.n} series`,
      `  by distortion: ${Object.entries(at.seriesSrcc.byDistortion).map(([d, r]) => `${d} ${r.toFixed(2)}`).join(', ')}`,
      `top-1 attribution (level ≥ 2): ${(at.top1.accuracy * 100).toFixed(1)} % of ${at.top1.n}`,
      `time-window IoU: ${at.windowIou.mean.toFixed(3)} over ${at.windowIou.n} windowed clips (flagging the scored stretches exactly would reach ${at.windowIou.ceiling.toFixed(3)})`,
      `  by distortion: ${Object.entries(at.windowIou.byDistortion).map(([d, v]) => `${d} ${v.toFixed(2)}`).join(', ')}`,
      `clean clips: mean ${at.clean.mean.toFixed(2)}, min ${at.clean.min.toFixed(2)} (${at.clean.n})`,
      'per distortion (level ≥ 2):   precision  recall  support'
    )
    for (const d of at.perDistortion) lines.push(`  ${d.id.padEnd(26)} ${d.precision.toFixed(3).padStart(9)} ${d.recall.toFixed(3).padStart(7)} ${String(d.support).padStart(8)}`)
  }
  return lines.join('\n')
}
