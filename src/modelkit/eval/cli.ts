/**
 * `npm run eval`: the standing benchmark. Generates the synthetic held-out set (libjxl-testdata photos, never used
 * for training) if needed, scores it with a pack, and writes test-results/eval/{results.csv,report.txt,report.json}.
 * With --real DIR it also scores a folder of real clips with a labels.csv (file,mos_1_to_5) such as ../shared/media.
 * --mode fast scores both the held-out set and the real clips as fast triage does.
 *   npx tsx src/modelkit/eval/cli.ts [--model DIR] [--seed S] [--sources N] [--real DIR] [--skip-heldout] [--mode fast]
 */
import { existsSync } from 'node:fs'
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { builtinPackDir } from '../../core/engine/builtin'
import { OrtEngine } from '../../core/engine/ort'
import { loadPack } from '../../core/engine/pack'
import { evaluate, formatReport, resultsCsv, type MetaJson } from '../../core/eval/harness'
import { locateFfmpeg } from '../../core/media/locate'
import { generateDataset, type DatasetFile } from '../dataset/generate'

const ROOT = resolve(__dirname, '..', '..', '..')

/** Pure: a generated dataset as the seed's meta-JSON, with our `vqa` truth extension. */
export function datasetToMeta(ds: DatasetFile): MetaJson {
  return {
    annotations: ds.clips.map((c) => ({
      image_id: c.file,
      ann_type: 'score',
      score: c.quality,
      vqa: {
        source: c.source.file,
        seconds: c.seconds,
        distortions: c.distortions.map((d) => ({ id: d.id, level: d.level, start: d.start, end: d.end })),
        // Windowed clips are for time localisation (IoU): 8 s with the distortion on part of it, not a series level.
        ...(c.series && !c.series.window ? { series: { source: c.source.file, distortion: c.series.distortion, level: c.series.level } } : {})
      }
    }))
  }
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      model: { type: 'string' },
      seed: { type: 'string', default: '7' },
      sources: { type: 'string' },
      real: { type: 'string' },
      'skip-heldout': { type: 'boolean', default: false },
      mode: { type: 'string', default: 'full' },
      data: { type: 'string', default: join(ROOT, '.cache', 'datasets') }
    }
  })
  const tools = locateFfmpeg()
  const out = join(ROOT, 'test-results', 'eval')
  await mkdir(out, { recursive: true })
  const pack = await loadPack(values.model ? resolve(values.model) : builtinPackDir(), new OrtEngine('cpu'))
  const log = (s: string): void => void process.stdout.write(`${s}\n`)
  try {
    if (!values['skip-heldout']) {
      const dir = join(values.data!, 'heldout')
      log(`held-out set → ${dir}`)
      const ds = await generateDataset({
        outDir: dir,
        split: 'heldout',
        seed: Number(values.seed),
        ...(values.sources ? { heldoutSources: Number(values.sources) } : {}),
        onProgress: (p) => {
          if (p.done % 50 === 0 || p.done === p.total) log(`  generated ${p.done}/${p.total}`)
        }
      })
      const metaFile = join(dir, 'meta.json')
      await writeFile(metaFile, JSON.stringify(datasetToMeta(ds), null, 1))
      const mode = values.mode === 'fast' ? 'fast' : 'full'
      const report = await evaluate(pack, tools, metaFile, dir, {
        mode,
        onVideo: (_v, done, total) => {
          if (done % 50 === 0 || done === total) log(`  scored ${done}/${total}`)
        }
      })
      const suffix = mode === 'fast' ? '-fast' : ''
      await writeFile(join(out, `results${suffix}.csv`), resultsCsv(report.videos))
      await writeFile(join(out, `report${suffix}.json`), JSON.stringify({ ...report, videos: undefined }, null, 2))
      const text = formatReport(report)
      await writeFile(join(out, `report${suffix}.txt`), `${text}\n`)
      log(`\n${text}`)
    }
    if (values.real) {
      const dir = resolve(values.real)
      const labels = join(dir, 'labels.csv')
      if (!existsSync(labels)) throw new Error(`${labels} not found`)
      const rows = (await readFile(labels, 'utf8')).trim().split('\n')
      const header = rows[0]!.split(',')
      const fi = header.indexOf('file')
      const mi = header.indexOf('mos_1_to_5')
      const meta: MetaJson = { annotations: rows.slice(1).map((r) => r.split(',')).map((c) => ({ image_id: c[fi]!, ann_type: 'score', score: Number(c[mi]) })) }
      const metaFile = join(out, 'real-meta.json')
      await writeFile(metaFile, JSON.stringify(meta, null, 1))
      const mode = values.mode === 'fast' ? 'fast' : 'full'
      const report = await evaluate(pack, tools, metaFile, dir, { mode })
      await writeFile(join(out, `real-results${mode === 'fast' ? '-fast' : ''}.csv`), resultsCsv(report.videos))
      log(`\nreal clips (human MOS on 1–5), ${mode} mode:`)
      for (const v of report.videos) log(`  ${v.file.padEnd(28)} predicted ${v.error ? `ERROR ${v.error}` : v.pred.toFixed(2)}  MOS ${v.gt.toFixed(2)}`)
    }
  } finally {
    await pack.dispose()
  }
  return 0
}

if (require.main === module) {
  main().then(
    (c) => process.exit(c),
    (err: unknown) => {
      process.stderr.write(`${(err as Error).stack ?? String(err)}\n`)
      process.exit(1)
    }
  )
}
