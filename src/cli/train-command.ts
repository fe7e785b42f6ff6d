/**
 * `vqa train` and `vqa labels`: fine-tuning and label files without a display. Train imports a label file when given
 * one, refuses with the reason when there is too little to learn from, runs the job with a progress bar, and ends
 * with a before/after table on the held-out labels.
 */
import { readFileSync, writeFileSync } from 'node:fs'
import { extname, resolve } from 'node:path'
import { TrainingParams, type JobProgress, type LabelFormat, type TrainingRun } from '../shared/contract'
import type { Core } from '../core/api/core'

export const EXIT_TOO_FEW_LABELS = 4

export function formatFromPath(path: string, given?: string): LabelFormat | null {
  if (given === 'jsonl' || given === 'csv' || given === 'meta-json') return given
  if (given === 'json') return 'meta-json'
  const ext = extname(path).toLowerCase()
  return ext === '.jsonl' ? 'jsonl' : ext === '.json' ? 'meta-json' : ext === '.csv' ? 'csv' : null
}

/** Pure: "0,100" → { min: 0, max: 100 }. */
export function parseScale(text: string | undefined): { min: number; max: number } | null | undefined {
  if (text === undefined) return undefined
  const m = /^\s*(-?\d+(?:\.\d+)?)\s*[,:]\s*(-?\d+(?:\.\d+)?)\s*$/.exec(text)
  if (!m) return null
  const scale = { min: Number(m[1]), max: Number(m[2]) }
  return scale.max > scale.min ? scale : null
}

/** Pure: the closing before/after table. */
export function beforeAfterTable(run: Pick<TrainingRun, 'before' | 'after' | 'validationClips' | 'trainClips' | 'modelVersion' | 'packDir'>): string {
  const f = (v: number | undefined): string => (v === undefined || !Number.isFinite(v) ? '   —  ' : v.toFixed(3).padStart(6))
  const rows = [
    ['SRCC', run.before?.srcc, run.after?.srcc],
    ['PLCC', run.before?.plcc, run.after?.plcc],
    ['RMSE', run.before?.rmse, run.after?.rmse]
  ] as const
  return [
    `Held-out labels: ${run.validationClips} clips (trained on ${run.trainClips})`,
    '          before   after',
    ...rows.map(([name, b, a]) => `  ${name.padEnd(6)} ${f(b)}  ${f(a)}`),
    run.modelVersion ? `New model version: ${run.modelVersion}\n  ${run.packDir}` : ''
  ].join('\n')
}

export interface TrainArgs {
  labels?: string | undefined
  format?: string | undefined
  scale?: string | undefined
  method?: string | undefined
  rewards?: string | undefined
  epochs?: string | undefined
  group?: string | undefined
  beta?: string | undefined
  seed?: string | undefined
  lr?: string | undefined
  activate: boolean
  json: boolean
}

export async function trainCommand(core: Core, a: TrainArgs, wait: (ids: number[]) => Promise<JobProgress[]>, out: NodeJS.WritableStream, err: NodeJS.WritableStream): Promise<number> {
  if (a.labels) {
    const imported = await importFile(core, a.labels, a.format, a.scale, err)
    if (imported !== 0) return imported
  }
  const num = (v: string | undefined): number | undefined => (v === undefined ? undefined : Number(v))
  const parsed = TrainingParams.safeParse({
    ...(a.method ? { method: a.method } : {}),
    ...(a.rewards ? { rewards: a.rewards.split(',').map((r) => r.trim()) } : {}),
    ...(a.epochs ? { epochs: num(a.epochs) } : {}),
    ...(a.group ? { group: num(a.group) } : {}),
    ...(a.beta ? { beta: num(a.beta) } : {}),
    ...(a.seed ? { seed: num(a.seed) } : {}),
    ...(a.lr ? { learningRate: num(a.lr) } : {})
  })
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    err.write(`Invalid training option ${issue?.path.join('.') ?? ''}: ${issue?.message ?? ''}\n`)
    return 2
  }
  const ready = await core.handlers['training.readiness']({})
  if (ready.problem) {
    err.write(`${ready.problem}\n`)
    for (const r of ready.skippedReasons) err.write(`  skipped ${r}\n`)
    return EXIT_TOO_FEW_LABELS
  }
  const { runId, jobId } = await core.handlers['training.start'](parsed.data)
  err.write(`Fine-tuning on ${ready.usable} labelled clips (${parsed.data.method}, ${parsed.data.epochs} epochs, seed ${parsed.data.seed})\n`)
  const [job] = await wait([jobId])
  const run = (await core.handlers['training.list']({})).find((r) => r.id === runId)
  if (!run || job?.state !== 'done') {
    err.write(`✗ training ${job?.state ?? 'failed'}${job?.error ? `: ${job.error}` : ''}\n`)
    return job?.state === 'cancelled' ? 0 : 3
  }
  if (a.activate && run.packDir) await core.handlers['models.activate']({ dir: run.packDir })
  if (a.json) out.write(`${JSON.stringify(run, null, 2)}\n`)
  else out.write(`${beforeAfterTable(run)}\n${a.activate ? 'Activated: new scores use it; re-score with vqa score <folder>.\n' : `Activate it in Settings, or: vqa train … --activate\n`}`)
  return 0
}

async function importFile(core: Core, file: string, format: string | undefined, scaleText: string | undefined, err: NodeJS.WritableStream): Promise<number> {
  const fmt = formatFromPath(file, format)
  if (!fmt) {
    err.write(`Cannot tell the label format of ${file}: use --format jsonl|meta-json|csv\n`)
    return 2
  }
  const scale = parseScale(scaleText)
  if (scale === null) {
    err.write('--scale must be "min,max" with max above min, e.g. --scale 0,100\n')
    return 2
  }
  let text: string
  try {
    text = readFileSync(resolve(file), 'utf8')
  } catch (e) {
    err.write(`Cannot read ${file}: ${(e as Error).message}\n`)
    return 2
  }
  const r = await core.handlers['labels.import']({ format: fmt, text, ...(scale ? { scale } : {}) })
  err.write(`Imported ${r.imported} label${r.imported === 1 ? '' : 's'} from ${file}\n`)
  if (r.unmatched.length) err.write(`  ${r.unmatched.length} path(s) matched no clip in the library, e.g. ${r.unmatched.slice(0, 3).join(', ')}\n`)
  for (const e of r.errors.slice(0, 5)) err.write(`  ${e}\n`)
  return 0
}

export async function labelsCommand(core: Core, sub: string | undefined, file: string | undefined, format: string | undefined, scale: string | undefined, outFile: string | undefined, out: NodeJS.WritableStream, err: NodeJS.WritableStream): Promise<number> {
  if (sub === 'import' && file) return importFile(core, file, format, scale, err)
  if (sub === 'export') {
    const fmt = formatFromPath(outFile ?? '', format) ?? 'csv'
    const r = await core.handlers['labels.export']({ format: fmt })
    if (outFile) {
      writeFileSync(resolve(outFile), r.text)
      err.write(`wrote ${r.count} label${r.count === 1 ? '' : 's'} to ${resolve(outFile)}\n`)
    } else out.write(r.text)
    return 0
  }
  err.write('usage: vqa labels import <file> [--format jsonl|meta-json|csv] [--scale min,max] | vqa labels export [--format …] [--out file]\n')
  return 2
}
