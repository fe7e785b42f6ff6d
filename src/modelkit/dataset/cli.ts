/**
 * Dataset generator CLI (build-time tooling, not part of the app):
 *   npx tsx src/modelkit/dataset/cli.ts --split train|heldout --out <dir> [--count N] [--seed S] [--concurrency C]
 *                                       [--sources N] [--cache <dir>]
 *   npx tsx src/modelkit/dataset/cli.ts --report <dir>/dataset.json
 */
import { promises as fs } from 'node:fs'
import { parseArgs } from 'node:util'
import { generateDataset, type DatasetFile } from './generate'
import { ssimAgreement } from './report'

const USAGE = `usage: cli.ts --split train|heldout --out <dir> [--count N] [--seed S] [--concurrency C] [--sources N] [--cache <dir>]
       cli.ts --report <dataset.json>`

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      split: { type: 'string' },
      out: { type: 'string' },
      count: { type: 'string' },
      seed: { type: 'string' },
      concurrency: { type: 'string' },
      sources: { type: 'string' },
      cache: { type: 'string' },
      report: { type: 'string' },
      help: { type: 'boolean' }
    }
  })
  if (values.help) {
    console.log(USAGE)
    return 0
  }
  if (values.report) {
    const ds = JSON.parse(await fs.readFile(values.report, 'utf8')) as DatasetFile
    const a = ssimAgreement(ds)
    console.log(`segments compared: ${a.n}; Spearman(quality, SSIM) over clean + single spatial distortions: ${a.spearmanSpatial.toFixed(3)}`)
    for (const d of a.perDistortion.sort((x, y) => String(x.id).localeCompare(String(y.id)))) {
      const l4 = d.meanSsimAtLevel4 === null ? '   -  ' : d.meanSsimAtLevel4.toFixed(3)
      console.log(`  ${String(d.id).padEnd(14)} n=${String(d.n).padStart(4)}  spearman=${Number.isFinite(d.spearman) ? d.spearman.toFixed(3) : '  -  '}  mean SSIM at level 4=${l4}`)
    }
    return 0
  }
  const split = values.split
  if ((split !== 'train' && split !== 'heldout') || !values.out) {
    console.error(USAGE)
    return 2
  }
  const int = (v: string | undefined, name: string): number | undefined => {
    if (v === undefined) return undefined
    const n = Number(v)
    if (!Number.isInteger(n) || n < 0) throw new Error(`--${name} must be a non-negative integer`)
    return n
  }
  const t0 = Date.now()
  let lastPrint = 0
  const ds = await generateDataset({
    outDir: values.out,
    split,
    seed: int(values.seed, 'seed') ?? 1,
    count: int(values.count, 'count'),
    concurrency: int(values.concurrency, 'concurrency') ?? 2,
    heldoutSources: int(values.sources, 'sources'),
    cacheDir: values.cache,
    onProgress: (p) => {
      // One line per clip would flood a 600-clip log; print at most every 2 s, and always the last one.
      if (p.done === p.total || Date.now() - lastPrint > 2000) {
        lastPrint = Date.now()
        const rate = p.done > p.reused ? (p.elapsedMs / 1000 / (p.done - p.reused)).toFixed(2) : '-'
        console.log(`[${p.done}/${p.total}] ${p.id}  (${(p.elapsedMs / 1000).toFixed(0)} s, ${p.reused} reused, ${rate} s/clip)`)
      }
    }
  })
  console.log(`wrote ${ds.clips.length} clips to ${values.out}/dataset.json in ${((Date.now() - t0) / 1000).toFixed(1)} s`)
  return 0
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err instanceof Error ? err.message : String(err))
    process.exit(1)
  }
)
