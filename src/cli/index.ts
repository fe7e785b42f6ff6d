/**
 * `vqa`: the headless host. Same core, same catalog file as the app.
 *   vqa add <folder>…     add folders and scan them
 *   vqa scan [folder]      rescan every folder (or one)
 *   vqa list [--json]      list catalogued clips
 *   vqa serve              browser mode: the app's UI on a loopback URL with a token
 *   vqa info               where things are, which ffmpeg is used
 */
import { existsSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { createCore, type Core } from '../core/api/core'
import { FfmpegMissingError } from '../core/media/locate'
import { CatalogTooNewError } from '../core/catalog/migrations'
import { defaultDataDir } from '../core/paths'
import { queryTable } from '../core/catalog/clips'
import { browserMediaUrls, startServer } from '../server/server'
import { createProgressPrinter } from './progress'
import { evalCommand, inspectCommand, modelsCommand } from './model-commands'
import { scoreCommand } from './score-command'
import { labelsCommand, trainCommand } from './train-command'
import { exportRows, toCsv, toVqaThinkerJsonl } from '../core/scoring/export'
import { renderHtmlReport } from '../core/scoring/report'
import { scoresOfClip } from '../core/scoring/store'
import { parseHwDecode } from '../core/media/hwaccel'
import type { JobProgress } from '../shared/contract'

const VERSION = '0.1.0'

const HELP = `VQA Inspector ${VERSION} — no-reference video quality inspection

Usage: vqa <command> [options]

Commands:
  add <folder>…        Add folders to the library and scan them
  scan [folder]        Rescan all library folders, or the one given
  list [--json]        List the clips in the library
  serve                Run the app's UI in a browser (loopback only, with a token)
  info                 Show where the catalog is and which ffmpeg is used
  score <folder|file>… Add, scan and score; print clips worst first with their flags
  export [folder]      Scores as --format csv|json|jsonl (jsonl: VQAThinker's training format) to --out or stdout
  report <clip|folder> --html   A self-contained HTML report with each clip's timeline (--out, default report.html)
  inspect <file>       Score one video segment by segment and explain what is wrong and when
  eval <meta.json>     Score a labelled set (VQAThinker meta-JSON) and report SRCC/PLCC/KRCC/RMSE
  models [import <dir>]  List model packs, or import one
  labels import <file> | labels export   Labels in/out: VQAThinker JSONL, meta JSON, or CSV
  train                Fine-tune the active pack on your labels (GRPO), print before/after on held-out labels

Options:
  --data-dir <dir>     Catalog and cache location (default: ${defaultDataDir()}; env VQA_DATA_DIR)
  --json               Machine-readable output (list, info)
  --host <addr>        serve: interface to bind (default 127.0.0.1)
  --port <n>           serve: port (default: a free one)
  --no-watch           serve: do not watch folders for changes
  --model <dir>        inspect/eval: a model pack folder (default: the built-in vqa-default)
  --ep <cuda|cpu>      inspect/eval: execution provider (default: CUDA where installed, else CPU)
  --segment <seconds>  score/inspect: segment length (default: the pack's, 2 s)
  --mode <full|fast>   score: every frame, or a fast triage of each segment (default: Settings, full)
  --jobs <n>           score: clips scored at once (default 1)
  --hwaccel <m>        score/serve: hardware decoding: auto (default; used only after a test decode passes), off,
                       or an ffmpeg hwaccel name (cuda, vaapi, qsv, videotoolbox, d3d11va); env VQA_HWACCEL
  --root <dir>         eval: where the videos are (default: beside the meta file)
  --out <path>         eval: folder for results.csv and report.json (default ./vqa-eval); export: the output file
  --format <f>         export: csv (default), json or jsonl; labels: jsonl, meta-json or csv
  --scale <min,max>    labels import / train --labels: the file's score scale (default 1,5), mapped onto 1–5
  --labels <file>      train: import this label file first
  --method <m>         train: grpo (default) or supervised
  --rewards <list>     train: any of reg,rank,temporal,attribution (default all)
  --epochs <n>         train: passes over the labels (default 30)
  --group <n>          train: answers sampled per clip (default 4)
  --beta <b>           train: KL weight to the starting model (default 0.04)
  --lr <rate>          train: learning rate (default 0.002)
  --seed <n>           train: seed for the split and the sampling (default 1)
  --activate           train: make the new version the active model
  -h, --help           This help
`

/** Exit codes: 0 fine, 1 the work ran but some files had errors, 2 usage, 3 environment (ffmpeg, catalog). */
export const EXIT = { ok: 0, fileErrors: 1, usage: 2, environment: 3 } as const

function rendererDir(): string {
  // Built layout: out/main/cli.js next to out/renderer/.
  const here = typeof __dirname === 'string' ? __dirname : process.cwd()
  const candidates = [join(here, '..', 'renderer'), join(process.cwd(), 'out', 'renderer')]
  return candidates.find((c) => existsSync(join(c, 'index.html'))) ?? candidates[0]!
}

async function waitForJobs(core: Core, ids: number[], out: NodeJS.WriteStream): Promise<JobProgress[]> {
  const print = createProgressPrinter(out)
  const pending = new Set(ids)
  const finished: JobProgress[] = []
  return new Promise((done) => {
    const unsubscribe = core.subscribe((event, payload) => {
      if (event !== 'jobs.onProgress') return
      const p = payload as JobProgress
      if (!pending.has(p.id)) return
      print(p)
      if (p.state === 'done' || p.state === 'failed' || p.state === 'cancelled') {
        pending.delete(p.id)
        finished.push(p)
        if (pending.size === 0) {
          unsubscribe()
          done(finished)
        }
      }
    })
    // Jobs that finished before we subscribed.
    for (const j of core.jobs.list()) {
      if (pending.has(j.id) && (j.state === 'done' || j.state === 'failed' || j.state === 'cancelled')) {
        pending.delete(j.id)
        finished.push(j)
      }
    }
    if (pending.size === 0) {
      unsubscribe()
      done(finished)
    }
  })
}

function reportJobs(core: Core, jobs: JobProgress[]): number {
  let code: number = EXIT.ok
  for (const j of jobs) {
    if (j.state === 'failed') {
      process.stderr.write(`✗ ${j.title}: ${j.error}\n`)
      code = EXIT.environment
    } else if (j.state === 'cancelled') process.stdout.write(`${j.title}: cancelled\n`)
    else process.stdout.write(`✓ ${j.title}: ${j.summary}\n`)
  }
  const errors = core.db.prepare("SELECT path, error FROM clips WHERE status = 'error' ORDER BY path").all() as Array<{
    path: string
    error: string
  }>
  if (errors.length) {
    process.stdout.write(`\n${errors.length} file${errors.length === 1 ? '' : 's'} could not be read:\n`)
    for (const e of errors.slice(0, 50)) process.stdout.write(`  ${e.path}\n    ${e.error}\n`)
    if (errors.length > 50) process.stdout.write(`  … and ${errors.length - 50} more (vqa list --json)\n`)
    if (code === EXIT.ok) code = EXIT.fileErrors
  }
  return code
}

export async function main(argv: string[]): Promise<number> {
  let parsed
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        'data-dir': { type: 'string' },
        json: { type: 'boolean', default: false },
        host: { type: 'string' },
        port: { type: 'string' },
        'no-watch': { type: 'boolean', default: false },
        model: { type: 'string' },
        ep: { type: 'string' },
        hwaccel: { type: 'string' },
        segment: { type: 'string' },
        mode: { type: 'string' },
        format: { type: 'string' },
        html: { type: 'boolean', default: false },
        jobs: { type: 'string' },
        root: { type: 'string' },
        out: { type: 'string' },
        scale: { type: 'string' },
        labels: { type: 'string' },
        method: { type: 'string' },
        rewards: { type: 'string' },
        epochs: { type: 'string' },
        group: { type: 'string' },
        beta: { type: 'string' },
        lr: { type: 'string' },
        seed: { type: 'string' },
        activate: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false }
      }
    })
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n\n${HELP}`)
    return EXIT.usage
  }
  const { values, positionals } = parsed
  const [command, ...args] = positionals
  if (values.help || !command) {
    process.stdout.write(HELP)
    return command || values.help ? EXIT.ok : EXIT.usage
  }
  const dataDir = resolve(values['data-dir'] ?? defaultDataDir())
  const known = ['add', 'scan', 'list', 'serve', 'info', 'score', 'export', 'report', 'inspect', 'eval', 'models', 'labels', 'train']
  if (!known.includes(command)) {
    process.stderr.write(`Unknown command "${command}".\n\n${HELP}`)
    return EXIT.usage
  }
  if (values.ep !== undefined && !['cuda', 'cpu', 'auto'].includes(values.ep)) {
    process.stderr.write('--ep must be cuda, cpu or auto\n')
    return EXIT.usage
  }
  if ((command === 'inspect' || command === 'eval') && args.length !== 1) {
    process.stderr.write(`vqa ${command} needs exactly one ${command === 'inspect' ? 'video file' : 'meta.json file'}\n`)
    return EXIT.usage
  }
  if (command === 'score' && args.length === 0) {
    process.stderr.write('vqa score needs at least one folder or file: vqa score ~/Footage\n')
    return EXIT.usage
  }
  if (values.mode !== undefined && values.mode !== 'full' && values.mode !== 'fast') {
    process.stderr.write('--mode must be full or fast\n')
    return EXIT.usage
  }
  if (values.hwaccel !== undefined && !/^[a-z0-9_]+$/i.test(values.hwaccel)) {
    process.stderr.write('--hwaccel must be auto, off or an ffmpeg hwaccel name (ffmpeg -hwaccels lists them)\n')
    return EXIT.usage
  }
  const jobsN = values.jobs === undefined ? 1 : Number(values.jobs)
  if (!Number.isInteger(jobsN) || jobsN < 1 || jobsN > 16) {
    process.stderr.write('--jobs must be a whole number from 1 to 16\n')
    return EXIT.usage
  }
  if (command === 'add' && args.length === 0) {
    process.stderr.write('vqa add needs at least one folder: vqa add ~/Videos\n')
    return EXIT.usage
  }

  let core: Core
  try {
    core = createCore({
      dataDir,
      host: command === 'serve' ? 'browser' : 'cli',
      // The browser-mode page can only load media the server itself serves, not vqa-media: URLs.
      ...(command === 'serve' ? { urls: browserMediaUrls } : {}),
      version: VERSION,
      watch: command === 'serve' && !values['no-watch'],
      // Read-only commands leave unfinished jobs to the app or to the next `vqa scan`.
      resumeJobs: command === 'add' || command === 'scan' || command === 'serve' || command === 'score' || command === 'train',
      ...(values.model ? { packDir: resolve(values.model) } : {}),
      ...(values.ep ? { provider: values.ep as 'auto' | 'cuda' | 'cpu' } : {}),
      scoreConcurrency: jobsN,
      ...(values.hwaccel !== undefined ? { hwDecode: parseHwDecode(values.hwaccel) } : {})
    })
  } catch (err) {
    if (err instanceof FfmpegMissingError || err instanceof CatalogTooNewError) {
      process.stderr.write(`${err.message}\n`)
      return EXIT.environment
    }
    throw err
  }

  try {
    const modelOpts = {
      model: values.model,
      ep: (values.ep ?? 'auto') as 'auto' | 'cuda' | 'cpu',
      json: values.json === true,
      out: process.stdout,
      err: process.stderr
    }
    switch (command) {
      case 'score': {
        const seg = values.segment === undefined ? undefined : Number(values.segment)
        if (seg !== undefined && !(seg >= 0.5 && seg <= 60)) {
          process.stderr.write('--segment must be between 0.5 and 60 seconds\n')
          return EXIT.usage
        }
        const stop = (): void => {
          for (const j of core.jobs.list()) if (j.state === 'running' || j.state === 'queued') core.jobs.cancel(j.id)
        }
        process.once('SIGINT', stop)
        try {
          return await scoreCommand(
            core,
            { targets: args, mode: values.mode as 'full' | 'fast' | undefined, segmentSeconds: seg, json: values.json === true },
            (ids) => waitForJobs(core, ids, process.stderr),
            process.stdout,
            process.stderr
          )
        } finally {
          process.off('SIGINT', stop)
        }
      }
      case 'export': {
        const format = values.format ?? 'csv'
        if (!['csv', 'json', 'jsonl'].includes(format)) {
          process.stderr.write('--format must be csv, json or jsonl\n')
          return EXIT.usage
        }
        const rows = exportRows(core.db, args[0] ? resolve(args[0]) : undefined)
        const text =
          format === 'csv'
            ? toCsv(rows)
            : format === 'jsonl'
              ? toVqaThinkerJsonl(rows)
              : `${JSON.stringify(rows.map(({ flags_json, ...r }) => ({ ...r, flags: flags_json ? JSON.parse(flags_json) : [] })), null, 2)}\n`
        if (values.out) {
          writeFileSync(resolve(values.out), text)
          process.stderr.write(`wrote ${rows.length} clip${rows.length === 1 ? '' : 's'} to ${resolve(values.out)}\n`)
        } else process.stdout.write(text)
        return EXIT.ok
      }
      case 'report': {
        if (args.length !== 1) {
          process.stderr.write('vqa report needs one clip or folder: vqa report ~/Footage --html\n')
          return EXIT.usage
        }
        const target = resolve(args[0]!)
        const rows = core.db
          .prepare("SELECT id, path, name, duration, status, error, score_error FROM clips WHERE status != 'missing' AND (path = ? OR substr(path, 1, length(?) + 1) = ? || '/') ORDER BY path")
          .all(target, target, target) as Array<{ id: number; path: string; name: string; duration: number | null; status: string; error: string | null; score_error: string | null }>
        if (rows.length === 0) {
          process.stderr.write(`${target} has no clips in the library. Score it first: vqa score "${args[0]}"\n`)
          return EXIT.usage
        }
        const clips = rows.map((r) => ({ path: r.path, name: r.name, duration: r.duration, score: scoresOfClip(core.db, r.id)[0] ?? null, error: r.error ?? r.score_error }))
        const file = resolve(values.out ?? 'report.html')
        writeFileSync(file, renderHtmlReport(clips, `VQA Inspector report — ${target}`))
        process.stdout.write(`wrote ${file} (${clips.length} clip${clips.length === 1 ? '' : 's'}, ${clips.filter((c) => c.score).length} scored)\n`)
        return EXIT.ok
      }
      case 'inspect': {
        const seg = values.segment === undefined ? undefined : Number(values.segment)
        if (seg !== undefined && !(seg >= 0.5 && seg <= 60)) {
          process.stderr.write('--segment must be between 0.5 and 60 seconds\n')
          return EXIT.usage
        }
        try {
          return await inspectCommand(core.ffmpeg, args[0]!, seg, modelOpts)
        } catch (err) {
          process.stderr.write(`✗ ${args[0]}: ${(err as Error).message}\n`)
          return EXIT.fileErrors
        }
      }
      case 'eval':
        return await evalCommand(core.ffmpeg, args[0]!, values.root, values.out, modelOpts)
      case 'models':
        return await modelsCommand(dataDir, args[0], args[1], modelOpts)
      case 'labels':
        return await labelsCommand(core, args[0], args[1], values.format, values.scale, values.out, process.stdout, process.stderr)
      case 'train': {
        const stop = (): void => {
          for (const j of core.jobs.list()) if (j.kind === 'train' && (j.state === 'running' || j.state === 'queued')) core.jobs.cancel(j.id)
        }
        process.once('SIGINT', stop)
        try {
          return await trainCommand(
            core,
            { labels: values.labels, format: values.format, scale: values.scale, method: values.method, rewards: values.rewards, epochs: values.epochs,
              group: values.group, beta: values.beta, seed: values.seed, lr: values.lr, activate: values.activate === true, json: values.json === true },
            (ids) => waitForJobs(core, ids, process.stderr),
            process.stdout,
            process.stderr
          )
        } finally {
          process.off('SIGINT', stop)
        }
      }
      case 'info': {
        const info = await core.handlers['app.info']({})
        if (values.json) process.stdout.write(`${JSON.stringify(info, null, 2)}\n`)
        else
          process.stdout.write(
            `VQA Inspector ${info.version}\ncatalog:  ${info.catalogPath}\nffmpeg:   ${info.ffmpeg.ffmpeg}\nffprobe:  ${info.ffmpeg.ffprobe}\n${info.ffmpeg.version}\n`
          )
        return EXIT.ok
      }
      case 'add': {
        const ids: number[] = []
        for (const p of args) {
          try {
            const r = await core.handlers['folders.add']({ path: p })
            ids.push(r.jobId)
          } catch (err) {
            process.stderr.write(`✗ ${p}: ${(err as Error).message}\n`)
            return EXIT.usage
          }
        }
        return reportJobs(core, await waitForJobs(core, ids, process.stderr))
      }
      case 'scan': {
        let id: number | undefined
        if (args[0]) {
          const target = resolve(args[0])
          const f = (await core.handlers['folders.list']({})).find((x) => x.path === target)
          if (!f) {
            process.stderr.write(`${target} is not in the library. Add it with: vqa add "${args[0]}"\n`)
            return EXIT.usage
          }
          id = f.id
        }
        const { jobIds } = await core.handlers['folders.rescan'](id === undefined ? {} : { id })
        if (jobIds.length === 0) {
          process.stdout.write('The library has no folders yet. Add one with: vqa add <folder>\n')
          return EXIT.ok
        }
        return reportJobs(core, await waitForJobs(core, jobIds, process.stderr))
      }
      case 'list': {
        const { rows, total } = queryTable(core.db, { offset: 0, limit: 1_000_000, sort: 'name', direction: 'asc' })
        if (values.json) {
          const pathOf = new Map(
            (core.db.prepare('SELECT id, path FROM clips').all() as Array<{ id: number; path: string }>).map((c) => [c.id, c.path])
          )
          process.stdout.write(`${JSON.stringify(rows.map((r) => ({ ...r, path: pathOf.get(r.id) })), null, 2)}\n`)
          return EXIT.ok
        }
        if (total === 0) {
          process.stdout.write('No clips yet. Add a folder with: vqa add <folder>\n')
          return EXIT.ok
        }
        for (const r of rows) {
          const dur = r.duration === null ? '   -   ' : `${r.duration.toFixed(1).padStart(6)}s`
          const res = r.displayWidth ? `${r.displayWidth}x${r.displayHeight}`.padEnd(10) : '-'.padEnd(10)
          const state = r.status === 'ok' ? (r.codec ?? '').padEnd(8) : `ERROR: ${r.error}`
          process.stdout.write(`${dur}  ${res} ${state}  ${r.relDir ? `${r.relDir}/` : ''}${r.name}\n`)
        }
        process.stdout.write(`${total} clip${total === 1 ? '' : 's'}\n`)
        return EXIT.ok
      }
      case 'serve': {
        const port = values.port === undefined ? 0 : Number(values.port)
        if (!Number.isInteger(port) || port < 0 || port > 65535) {
          process.stderr.write(`--port must be a number from 0 to 65535\n`)
          return EXIT.usage
        }
        const dir = rendererDir()
        if (!existsSync(join(dir, 'index.html'))) {
          process.stderr.write(`The UI is not built (${dir}). Run: npm run build\n`)
          return EXIT.environment
        }
        const server = await startServer({ core, rendererDir: dir, port, ...(values.host ? { host: values.host } : {}) })
        process.stdout.write(`VQA Inspector is running in browser mode.\nOpen: ${server.url}\n(Ctrl+C to stop)\n`)
        await new Promise<void>((done) => {
          const stop = (): void => done()
          process.once('SIGINT', stop)
          process.once('SIGTERM', stop)
        })
        await server.close()
        return EXIT.ok
      }
    }
    return EXIT.usage
  } finally {
    await core.close()
  }
}

// Run when executed (bin/vqa.js requires the built file), not when imported by tests.
if (typeof require !== 'undefined' && require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err: unknown) => {
      process.stderr.write(`vqa: ${(err as Error).stack ?? String(err)}\n`)
      process.exit(EXIT.environment)
    }
  )
}
