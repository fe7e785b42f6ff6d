/**
 * CLI commands around the quality model: `inspect` (one file's timeline, explained), `eval` (a labelled set) and
 * `models` (list / import packs). They need ffmpeg and ONNX Runtime but not the catalog.
 */
import { mkdir, writeFile } from 'node:fs/promises'
import { dirname, join, resolve } from 'node:path'
import { analyzeFile } from '../core/engine/analyze'
import { builtinPackDir } from '../core/engine/builtin'
import { distortionLabels, explainClip, explainSegment, levelWord } from '../core/engine/explain'
import { importPack, listPacks } from '../core/engine/models'
import { OrtEngine, type ProviderPreference } from '../core/engine/ort'
import { loadPack, type LoadedPack } from '../core/engine/pack'
import { sourceGeometry } from '../core/engine/sampler'
import { evaluate, formatReport, resultsCsv } from '../core/eval/harness'
import type { FfmpegTools } from '../core/media/locate'
import { probeFile } from '../core/media/probe'

export interface ModelCommandOptions {
  model?: string | undefined
  ep?: ProviderPreference
  json: boolean
  out: NodeJS.WriteStream
  err: NodeJS.WriteStream
}

async function openPack(opts: ModelCommandOptions): Promise<{ pack: LoadedPack; engine: OrtEngine }> {
  const engine = new OrtEngine(opts.ep ?? 'auto')
  for (const w of engine.status().warnings) opts.err.write(`warning: ${w}\n`)
  const pack = await loadPack(opts.model ? resolve(opts.model) : builtinPackDir(), engine)
  return { pack, engine }
}

export async function inspectCommand(tools: FfmpegTools, file: string, segmentSeconds: number | undefined, opts: ModelCommandOptions): Promise<number> {
  const info = await probeFile(tools.ffprobe, resolve(file))
  const { pack, engine } = await openPack(opts)
  try {
    const labels = distortionLabels(pack.manifest)
    const segments = await analyzeFile(pack, tools.ffmpeg, resolve(file), sourceGeometry(info), {
      ...(segmentSeconds ? { segmentSeconds } : {}),
      onSegment: (s) => {
        if (opts.json) return
        const e = explainSegment(s, labels)
        opts.out.write(`${s.score.toFixed(2)} ${levelWord(s.score).padEnd(9)} ${e.sentence}\n`)
      }
    })
    const { segments: explained, score, summary } = explainClip(segments, labels)
    if (opts.json) {
      opts.out.write(
        `${JSON.stringify(
          {
            file: resolve(file),
            model: `${pack.manifest.name}@${pack.manifest.version}`,
            provider: engine.status().provider,
            score,
            summary,
            segments: explained.map(({ values: _values, ...s }) => s)
          },
          null,
          2
        )}\n`
      )
    } else {
      opts.out.write(`\n${summary}\n\nclip score ${score.toFixed(2)} (${levelWord(score)}) — ${pack.manifest.name} ${pack.manifest.version}, ${engine.status().provider.toUpperCase()}\n`)
      opts.out.write(`note: ${pack.manifest.provenance.summary}\n`)
    }
    return 0
  } finally {
    await pack.dispose()
  }
}

export async function evalCommand(tools: FfmpegTools, metaFile: string, root: string | undefined, outDir: string | undefined, opts: ModelCommandOptions): Promise<number> {
  const meta = resolve(metaFile)
  const { pack } = await openPack(opts)
  try {
    const report = await evaluate(pack, tools, meta, resolve(root ?? dirname(meta)), {
      onVideo: (v, done, total) => {
        if (!opts.json) opts.err.write(`\r${done}/${total} ${v.error ? `✗ ${v.file}: ${v.error}` : ''}`.padEnd(60))
      }
    })
    if (!opts.json) opts.err.write('\n')
    const dir = resolve(outDir ?? 'vqa-eval')
    await mkdir(dir, { recursive: true })
    await writeFile(join(dir, 'results.csv'), resultsCsv(report.videos))
    await writeFile(join(dir, 'report.json'), JSON.stringify(report, null, 2))
    if (opts.json) opts.out.write(`${JSON.stringify({ ...report, videos: undefined }, null, 2)}\n`)
    else opts.out.write(`${formatReport(report)}\n\nwrote ${join(dir, 'results.csv')} and report.json\n`)
    return report.failures > 0 ? 1 : 0
  } finally {
    await pack.dispose()
  }
}

export async function modelsCommand(dataDir: string, action: string | undefined, arg: string | undefined, opts: ModelCommandOptions): Promise<number> {
  if (action !== undefined && action !== 'list' && action !== 'import') {
    opts.err.write(`vqa models: unknown action "${action}" (use: vqa models, vqa models import <dir>)\n`)
    return 2
  }
  if (action === 'import') {
    if (!arg) {
      opts.err.write('vqa models import needs a pack folder (with manifest.json and its .onnx files)\n')
      return 2
    }
    const entry = await importPack(resolve(arg), dataDir, new OrtEngine('cpu'))
    opts.out.write(`imported ${entry.manifest?.name} ${entry.manifest?.version} → ${entry.dir}\n`)
    return 0
  }
  const packs = await listPacks(dataDir)
  if (opts.json) {
    opts.out.write(`${JSON.stringify(packs, null, 2)}\n`)
    return 0
  }
  for (const p of packs) {
    if (p.manifest) opts.out.write(`${p.manifest.name} ${p.manifest.version} (${p.origin})  ${p.manifest.title}\n  ${p.manifest.provenance.summary}\n  ${p.dir}\n`)
    else opts.out.write(`✗ ${p.dir} (${p.origin}): ${p.error}\n`)
  }
  if (packs.length === 0) opts.out.write('No model packs found.\n')
  return 0
}
