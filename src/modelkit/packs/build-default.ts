/**
 * `npm run build:pack`: rebuilds resources/models/vqa-default from nothing but Debian packages and ffmpeg.
 *   1. generate the seeded synthetic training set (src/modelkit/dataset) — cached in .cache/datasets/train
 *   2. write the fixed stages (measurement graph, BRISQUE from opencv-doc) and an untrained head
 *   3. measure every training clip with the pack's own stages (so training sees exactly what scoring will see)
 *   4. train the head with TensorFlow.js, validate on held-back photos, export it to ONNX, write the manifest
 * Options: --count N (training clips, default 600), --series N (severity series of 5 clips, default 60), --soft N and
 * --soft-series N (the same from shrunk pictures, clips that are upscales; defaults 200 and 20), --more N and
 * --more-series N (clips and series from a second set of pictures, dataset/sources.ts MORE_TRAIN_PACKAGES; defaults
 * 300 and 60), --seed S,
 * --out DIR, --epochs N, --members N (heads trained from different initialisations and merged, default 5), --l2 W
 * (weight decay, default 1e-4), --fast-weight W (also train on fast-triage measurements of every segment, at weight W;
 * default 0, off: see the 2026-12-02 note in README's Changes), --calibrate-cap C (largest severity bias shift, in
 * logits, fitted on the held-back photos for flagging at the report threshold; default 1, 0 turns it off; see
 * head/calibrate.ts), --part-weight W (each segment's four parts are training samples too, at weight W each; default
 * 0.25; they teach the severities where a distortion is, and with --part-score the score as well), --score penalties
 * (experimental: the score from the head's own severities by the target formula, HeadSpec.score; see README's
 * Changes for what it did), --backend cpu|wasm (TensorFlow.js backend; default wasm, several times faster).
 */
import { existsSync } from 'node:fs'
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { Head } from '../../core/model/head'
import { analyzeFile, FAST_WINDOW_SECONDS, type SegmentResult } from '../../core/engine/analyze'
import { OrtEngine } from '../../core/engine/ort'
import { loadPack } from '../../core/engine/pack'
import { locateFfmpeg } from '../../core/media/locate'
import { listKeyframes } from '../../core/media/probe'
import { DISTORTION_IDS } from '../dataset/distortions'
import { generateDataset, type ClipRecord, type DatasetFile } from '../dataset/generate'
import { isMoreTrainingClip, isSoftTrainingClip } from '../dataset/plan'
import { GAMMA, MAX_PENALTY, partSeverities, qualityFromSeverities } from '../dataset/targets'
import { useBackend } from '../head/backend'
import { MEASUREMENTS } from '../measure/graph'
import { defaultManifest, PACK_NAME, writeFixedStages, writeHead } from './default-pack'
import { trainHead, type Sample } from '../head/train'
import { DEFAULT_SHIFT } from '../head/calibrate'
import { measurementPipelineId } from './pipeline-id'

export const PACK_VERSION = '1.7.0'
const ROOT = resolve(__dirname, '..', '..', '..')
const INPUTS = [...MEASUREMENTS.map((m) => m.name), 'brisque']

export interface MeasuredSegment {
  clip: string
  index: number
  start: number
  end: number
  x: number[]
  /** The segment's parts (engine/analyze.ts partsOf: equal stretches of its frames), each measured on its own, with
   *  the segment's BRISQUE last as the head reads them; absent in fast mode or for too short a segment. */
  parts?: Array<{ start: number; end: number; x: number[] }>
}

/**
 * Measures every clip of a dataset with a pack's stages; cached per clip file (and per measuring pipeline) so a rerun
 * only measures new clips. `mode: 'fast'` measures as fast triage does: one FAST_WINDOW_SECONDS window per segment.
 */
export async function measureDataset(
  packDir: string,
  dataDir: string,
  ds: DatasetFile,
  cacheFile: string,
  log: (s: string) => void = () => undefined,
  mode: 'full' | 'fast' = 'full'
): Promise<Map<string, MeasuredSegment[]>> {
  const { ffmpeg, ffprobe } = locateFfmpeg()
  const engine = new OrtEngine('cpu')
  const pack = await loadPack(packDir, engine)
  const readers = pack.manifest.stages.filter((st) => st.inputs.every((i) => i.from.startsWith('view:')))
  const stagePipeline = measurementPipelineId(await Promise.all(readers.map((st) => readFile(join(packDir, st.file)))), pack.manifest.views, ds.segmentSeconds)
  const pipeline = mode === 'fast' ? `${stagePipeline}-fast${FAST_WINDOW_SECONDS}` : stagePipeline
  const stored = existsSync(cacheFile) ? (JSON.parse(await readFile(cacheFile, 'utf8')) as { pipeline?: string; clips?: Array<[string, MeasuredSegment[]]> }) : null
  // Measurements taken by another pipeline (an older sampler or measurement graph) are not reused.
  if (stored && stored.pipeline !== pipeline) log(`measurement cache was made by another pipeline (${stored.pipeline ?? 'unversioned'}); measuring again`)
  const cache = new Map<string, MeasuredSegment[]>(stored?.pipeline === pipeline ? (stored.clips ?? []) : [])
  const save = (): Promise<void> => writeFile(cacheFile, JSON.stringify({ pipeline, clips: [...cache] }))
  const t0 = Date.now()
  let n = 0
  try {
    for (const clip of ds.clips) {
      const key = `${clip.file}`
      if (cache.has(key)) continue
      const file = join(dataDir, clip.file)
      // Fast triage's windows on the same 2-second grid as the targets (its segments never snap to cuts).
      const fast = mode === 'fast' ? { fast: { windowSeconds: FAST_WINDOW_SECONDS, duration: clip.seconds, keyframes: await listKeyframes(ffprobe, file) } } : {}
      const segs = await analyzeFile(pack, ffmpeg, file, { width: clip.width, height: clip.height, fps: clip.fps }, { segmentSeconds: ds.segmentSeconds, noSnap: true, ...fast })
      cache.set(key, segs.map((s) => measuredSegment(clip.id, s)))
      if (++n % 25 === 0) {
        log(`measured ${n} clips (${((Date.now() - t0) / n).toFixed(0)} ms each)`)
        await save()
      }
    }
  } finally {
    await pack.dispose()
  }
  await save()
  return cache
}

/** Pure: what the head reads of one analysed segment — its measurements then BRISQUE — and the same for its parts. */
export function measuredSegment(clip: string, s: SegmentResult): MeasuredSegment {
  const brisque = Number(s.values.get('brisque.score')!.data[0])
  const F = MEASUREMENTS.length
  const partRows = s.values.get('measure.parts')?.data as Float32Array | undefined
  return {
    clip,
    index: s.index,
    start: s.start,
    end: s.end,
    x: [...Array.from(s.values.get('measure.features')!.data as Float32Array), brisque],
    ...(s.parts && partRows ? { parts: s.parts.map((p, k) => ({ start: p.start, end: p.end, x: [...Array.from(partRows.subarray(k * F, (k + 1) * F)), brisque] })) } : {})
  }
}

/**
 * Pairs measured segments with the dataset's targets (same 2-second grid). Fast-mode measurements get the same
 * targets as the whole segment: fast triage reads a segment from a sample of it, so the head learns what the segment
 * is likely to be given that sample. Their series rank only among themselves.
 */
export function toSamples(ds: DatasetFile, measured: Map<string, MeasuredSegment[]>, mode: 'full' | 'fast' = 'full', weight = 1, partWeight = 0, partScore = false): Sample[] {
  const samples: Sample[] = []
  // JSON has no NaN: undefined measurements come back from the cache as null and go to the head as NaN again.
  const fromCache = (x: ReadonlyArray<number | null>): number[] => x.map((v) => (v === null ? NaN : v))
  const finite = (x: readonly number[]): boolean => !x.some((v) => v === Infinity || v === -Infinity)
  for (const clip of ds.clips as ClipRecord[]) {
    const segs = measured.get(clip.file) ?? []
    clip.segments.forEach((target, i) => {
      const m = segs[i]
      // NaN measurements stay (BRISQUE of a black frame): the head imputes them, and black segments must be learned.
      if (!m || Math.abs(m.start - target.start) > 0.25 || !finite(m.x)) return
      // Parts: targets from what was applied inside each (partSeverities). They teach the severities; only with
      // partScore do they also teach the score, and rank within their series like segments.
      if (partWeight > 0)
        (m.parts ?? []).forEach((p, k) => {
          if (!finite(p.x)) return
          const sev = partSeverities(clip.distortions, p.start, p.end, clip.fps)
          samples.push({
            x: fromCache(p.x),
            quality: qualityFromSeverities(sev),
            severities: DISTORTION_IDS.map((id) => sev[id]),
            group: clip.source.file,
            part: true,
            // Fast-mode samples have no parts; the key ties full-mode parts to their segment only.
            ...(mode === 'full' ? { segment: `${clip.file}#${i}` } : { fast: true }),
            weight: partWeight,
            ...(partScore && clip.series && !clip.series.window
              ? { rank: { groups: (clip.series.distortion ? [clip.series.distortion] : DISTORTION_IDS).map((d) => `${clip.series!.group}|${d}|${i}|p${k}`), level: clip.series.level } }
              : {})
          })
        })
      samples.push({
        x: fromCache(m.x),
        quality: target.quality,
        severities: DISTORTION_IDS.map((id) => target.severities[id] ?? 0),
        group: clip.source.file,
        ...(mode === 'fast' ? { fast: true } : { segment: `${clip.file}#${i}` }),
        ...(weight !== 1 ? { weight } : {}),
        // A series' clean clip starts every series of its group; windowed clips are not series levels.
        ...(clip.series && !clip.series.window
          ? {
              rank: {
                groups: (clip.series.distortion ? [clip.series.distortion] : DISTORTION_IDS).map((d) => `${clip.series!.group}|${d}|${i}${mode === 'fast' ? '|fast' : ''}`),
                level: clip.series.level
              }
            }
          : {})
      })
    })
  }
  return samples
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      count: { type: 'string', default: '600' },
      series: { type: 'string', default: '60' },
      soft: { type: 'string', default: '200' },
      'soft-series': { type: 'string', default: '20' },
      // Clips and severity series from the second set of pictures (dataset/sources.ts MORE_TRAIN_PACKAGES).
      more: { type: 'string', default: '300' },
      'more-series': { type: 'string', default: '60' },
      seed: { type: 'string', default: '20261125' },
      out: { type: 'string', default: join(ROOT, 'resources', 'models', PACK_NAME) },
      // Default: 250 over segments alone, 50 with parts (five samples per segment: as many steps).
      epochs: { type: 'string' },
      members: { type: 'string', default: '5' },
      // Weight decay: the head otherwise leans on a few content-dependent measurements that do not carry to new pictures.
      l2: { type: 'string', default: '0.0001' },
      // Experimental, off by default: also train on fast-triage measurements of the same segments, at this weight.
      'fast-weight': { type: 'string', default: '0' },
      // Each part of a segment is also a training sample, at this weight (0: the head never sees part measurements).
      'part-weight': { type: 'string', default: '0.25' },
      'part-score': { type: 'boolean', default: false },
      score: { type: 'string', default: 'levels' },
      backend: { type: 'string', default: 'wasm' },
      // Severity calibration for flagging (head/calibrate.ts): the largest shift allowed; 0 = off.
      'calibrate-cap': { type: 'string', default: String(DEFAULT_SHIFT.cap) },
      data: { type: 'string', default: join(ROOT, '.cache', 'datasets') }
    }
  })
  const log = (s: string): void => void process.stdout.write(`[build:pack] ${s}\n`)
  const seed = Number(values.seed)
  // A mistyped count would otherwise become NaN, plan nothing of that kind and fail later for another reason.
  const clips = (name: 'count' | 'series' | 'soft' | 'soft-series' | 'more' | 'more-series'): number => {
    const n = Number(values[name])
    if (!Number.isInteger(n) || n < 0) throw new Error(`--${name} must be a whole number ≥ 0, not "${values[name]}"`)
    return n
  }
  // Read and checked once, before anything is logged or planned.
  const counts = {
    count: clips('count'),
    series: clips('series'),
    soft: clips('soft'),
    softSeries: clips('soft-series'),
    more: clips('more'),
    moreSeries: clips('more-series')
  }
  const dataDir = join(values.data!, 'train')
  log(
    `dataset: ${counts.count} training clips + ${counts.series} severity series, ${counts.soft} soft clips + ${counts.softSeries} soft series, ` +
      `${counts.more} clips + ${counts.moreSeries} series of the second picture set, seed ${seed} → ${dataDir}`
  )
  const ds = await generateDataset({
    outDir: dataDir,
    split: 'train',
    seed,
    ...counts,
    onProgress: (p) => {
      if (p.done % 50 === 0 || p.done === p.total) log(`dataset ${p.done}/${p.total} (${p.reused} reused)`)
    }
  })

  const out = resolve(values.out!)
  const staging = `${out}.staging`
  await rm(staging, { recursive: true, force: true })
  await mkdir(staging, { recursive: true })
  await writeFixedStages(staging, ROOT)
  const untrained = Head.create({ inputs: INPUTS, logOffsets: INPUTS.map(() => 0), mean: INPUTS.map(() => 0), std: INPUTS.map(() => 1), hidden: [64, 64], distortions: [...DISTORTION_IDS] }, 1)
  await writeHead(staging, untrained.weights())
  untrained.dispose()
  await writeFile(join(staging, 'manifest.json'), JSON.stringify(defaultManifest(PACK_VERSION, null, INPUTS.length), null, 2))

  log('measuring the training clips with the pack\'s own stages')
  const measured = await measureDataset(staging, dataDir, ds, join(values.data!, `features-${seed}.json`), log)
  const partWeight = Number(values['part-weight'])
  const samples = toSamples(ds, measured, 'full', 1, partWeight, values['part-score'])
  const fastWeight = Number(values['fast-weight'])
  if (fastWeight > 0) {
    log('measuring the training clips again as fast triage does')
    const measuredFast = await measureDataset(staging, dataDir, ds, join(values.data!, `features-fast-${seed}.json`), log, 'fast')
    samples.push(...toSamples(ds, measuredFast, 'fast', fastWeight))
  }
  const parts = samples.filter((x) => x.part).length
  log(`training the head on ${samples.length - parts} segments${parts ? ` and ${parts} parts` : ''}${fastWeight > 0 ? ` (full and fast measurements, fast weighted ${fastWeight})` : ''}`)
  const backend = await useBackend(values.backend === 'cpu' ? 'cpu' : 'wasm', log)
  log(`training on TensorFlow.js's ${backend} backend`)
  const result = await trainHead(samples, INPUTS, [...DISTORTION_IDS], {
    backend,
    partScore: values['part-score'],
    ...(values.score === 'penalties' ? { score: { kind: 'penalties' as const, max: DISTORTION_IDS.map((d) => MAX_PENALTY[d]), gamma: GAMMA } } : {}),
    seed,
    epochs: Number(values.epochs ?? (partWeight > 0 ? 50 : 250)),
    members: Number(values.members),
    l2: Number(values.l2),
    ...(Number(values['calibrate-cap']) > 0 ? { calibrate: { ...DEFAULT_SHIFT, cap: Number(values['calibrate-cap']) } } : {}),
    onEpoch: (e, loss) => {
      if (e % 50 === 0) log(`epoch ${e}: loss ${loss.toFixed(4)}`)
    }
  })
  log(`validation on unseen photos: ${JSON.stringify(result.validation)}`)
  if (result.calibration) log(`severity shifts (logits): ${JSON.stringify(result.calibration.shifts)}; F1 of finding and placing them on the held-back photos ${result.calibration.f1Before.toFixed(3)} → ${result.calibration.f1After.toFixed(3)}`)
  await writeHead(staging, result.head.weights())
  const summary = {
    trainingClips: ds.clips.length,
    softClips: ds.clips.filter((c) => isSoftTrainingClip(c.id)).length,
    moreClips: ds.clips.filter((c) => isMoreTrainingClip(c.id)).length,
    trainingSegments: result.train.segments,
    validation: result.validation,
    ...(result.calibration ? { calibration: result.calibration } : {}),
    created: new Date().toISOString().slice(0, 10),
    seed
  }
  await writeFile(join(staging, 'manifest.json'), JSON.stringify(defaultManifest(PACK_VERSION, summary, INPUTS.length), null, 2))
  await writeFile(join(staging, 'training.json'), JSON.stringify({ ...summary, dataset: { seed: ds.seed, version: ds.version, createdWith: ds.createdWith } }, null, 2))
  // Check the assembled pack loads before it replaces the old one.
  const check = await loadPack(staging, new OrtEngine('cpu'))
  await check.dispose()
  await rm(out, { recursive: true, force: true })
  await mkdir(resolve(out, '..'), { recursive: true })
  await import('node:fs/promises').then((fs) => fs.rename(staging, out))
  log(`wrote ${out}`)
}

if (require.main === module) {
  main().catch((err: unknown) => {
    process.stderr.write(`${(err as Error).stack ?? String(err)}\n`)
    process.exit(1)
  })
}
