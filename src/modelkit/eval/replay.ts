/**
 * Head experiments in seconds instead of minutes: measures the held-out set once with a pack's fixed stages (cached
 * per measuring pipeline and mode), then scores those measurements with any head.json — the TensorFlow.js weights the
 * pack ships beside head.onnx, which match it to 1e-4 — and prints the same report as `npm run eval`.
 *   npx tsx src/modelkit/eval/replay.ts --head DIR/head.json [--mode full|fast] [--model PACK_DIR]
 * Run `npm run eval` first: it generates the held-out set (.cache/datasets/heldout/meta.json).
 */
import { existsSync } from 'node:fs'
import { readFile, writeFile } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { builtinPackDir } from '../../core/engine/builtin'
import { OrtEngine } from '../../core/engine/ort'
import { loadPack } from '../../core/engine/pack'
import { poolClip } from '../../core/engine/pooling'
import { analyzeVideo, formatReport, MetaJson, reportOf, type EvalReport, type VideoResult } from '../../core/eval/harness'
import { Head, type HeadWeights } from '../../core/model/head'
import { locateFfmpeg } from '../../core/media/locate'
import { measurementPipelineId } from '../packs/pipeline-id'
import { measuredSegment } from '../packs/build-default'

const ROOT = resolve(__dirname, '..', '..', '..')

interface MeasuredVideo {
  file: string
  gt: number
  truth: VideoResult['truth']
  seconds: number
  /** x: the measurements then BRISQUE (the default head's inputs); JSON has no NaN, so undefined ones are null.
   *  parts: the same for each of the segment's parts, where the pack measures them. */
  segments: Array<{ start: number; end: number; x: Array<number | null>; parts?: Array<{ start: number; end: number; x: Array<number | null> }> }>
  error: string | null
}

/** Measures every video of a meta-JSON set with a pack's stages, or reads the cache made by the same pipeline. */
export async function measureSet(packDir: string, metaFile: string, root: string, mode: 'full' | 'fast', log: (s: string) => void): Promise<MeasuredVideo[]> {
  const pack = await loadPack(packDir, new OrtEngine('cpu'))
  try {
    const readers = pack.manifest.stages.filter((st) => st.inputs.every((i) => i.from.startsWith('view:')))
    const pipeline = measurementPipelineId(await Promise.all(readers.map((st) => readFile(join(packDir, st.file)))), pack.manifest.views, pack.manifest.segmentSeconds)
    const cacheFile = join(root, `features-${mode}-${pipeline}.json`)
    if (existsSync(cacheFile)) return JSON.parse(await readFile(cacheFile, 'utf8')) as MeasuredVideo[]
    const tools = locateFfmpeg()
    const meta = MetaJson.parse(JSON.parse(await readFile(metaFile, 'utf8')))
    const videos: MeasuredVideo[] = []
    for (const a of meta.annotations) {
      const base = { file: a.image_id, gt: a.score, truth: a.vqa }
      try {
        const { segments, seconds } = await analyzeVideo(pack, tools, join(root, a.image_id), { mode })
        const json = (x: number[]): Array<number | null> => x.map((v) => (Number.isNaN(v) ? null : v))
        const rows = segments.map((s) => measuredSegment(a.image_id, s))
        videos.push({
          ...base,
          seconds,
          segments: rows.map((m) => ({ start: m.start, end: m.end, x: json(m.x), ...(m.parts ? { parts: m.parts.map((p) => ({ start: p.start, end: p.end, x: json(p.x) })) } : {}) })),
          error: null
        })
      } catch (err) {
        videos.push({ ...base, seconds: 0, segments: [], error: (err as Error).message })
      }
      if (videos.length % 50 === 0) log(`  measured ${videos.length}/${meta.annotations.length}`)
    }
    await writeFile(cacheFile, JSON.stringify(videos))
    return videos
  } finally {
    await pack.dispose()
  }
}

/** Scores measured videos with a head, pooled and reported exactly as `evaluate` does. */
export function replayHead(weights: HeadWeights, videos: readonly MeasuredVideo[], label: string): EvalReport {
  const head = Head.fromWeights(weights)
  try {
    const ok = videos.filter((v) => !v.error)
    const row = (x: ReadonlyArray<number | null>): number[] => x.map((v) => v ?? NaN)
    // Segments and their parts in one batch, in order: each segment's row, then its parts' rows.
    const p = head.predict(ok.flatMap((v) => v.segments.flatMap((s) => [row(s.x), ...(s.parts ?? []).map((q) => row(q.x))])))
    let k = 0
    const next = (start: number, end: number) => {
      const i = k++
      return { start, end, score: p.scores[i]!, severities: Object.fromEntries(weights.spec.distortions.map((d, j) => [d, p.severities[i]![j]!])) }
    }
    const scored = new Map(
      ok.map((v) => {
        const segments = v.segments.map((s) => {
          const seg = next(s.start, s.end)
          return { ...seg, parts: s.parts ? s.parts.map((q) => next(q.start, q.end)) : null }
        })
        return [v.file, segments] as const
      })
    )
    const results: VideoResult[] = videos.map((v) => {
      const segments = scored.get(v.file) ?? []
      return { file: v.file, pred: v.error ? NaN : poolClip(segments), gt: v.gt, segments, error: v.error, truth: v.truth, seconds: v.seconds }
    })
    return reportOf(label, results, NaN)
  } finally {
    head.dispose()
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      head: { type: 'string' },
      mode: { type: 'string', default: 'full' },
      model: { type: 'string' },
      data: { type: 'string', default: join(ROOT, '.cache', 'datasets') }
    }
  })
  if (!values.head) throw new Error('--head DIR/head.json is required')
  const root = join(values.data!, 'heldout')
  const metaFile = join(root, 'meta.json')
  if (!existsSync(metaFile)) throw new Error(`${metaFile} not found: run npm run eval first, which generates the held-out set`)
  const mode = values.mode === 'fast' ? 'fast' : 'full'
  const log = (s: string): void => void process.stdout.write(`${s}\n`)
  const videos = await measureSet(values.model ? resolve(values.model) : builtinPackDir(), metaFile, root, mode, log)
  const weights = JSON.parse(await readFile(resolve(values.head), 'utf8')) as HeadWeights
  log(formatReport(replayHead(weights, videos, `${values.head} (${mode} mode, replayed)`)))
}

if (require.main === module) {
  main().catch((err: unknown) => {
    process.stderr.write(`${(err as Error).stack ?? String(err)}\n`)
    process.exit(1)
  })
}
