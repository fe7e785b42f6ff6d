/** Training runs in the catalog (migration 40): their record, read by the UI and written by the worker. */
import type { TrainingEval, TrainingParams, TrainingPoint, TrainingRun } from '../../shared/contract'
import type { Db } from '../catalog/database'

type Row = {
  id: number
  job_id: number | null
  base_model: string
  base_dir: string
  params_json: string
  state: TrainingRun['state']
  split_json: string | null
  curves_json: string
  before_json: string | null
  after_json: string | null
  pack_dir: string | null
  model_version: string | null
  error: string | null
  created_at: number
  finished_at: number | null
}

export interface RunRecord extends Omit<TrainingRun, 'active'> {
  baseDir: string
  split: { train: number[]; validation: number[] } | null
}

function toRecord(r: Row): RunRecord {
  const split = r.split_json ? (JSON.parse(r.split_json) as { train: number[]; validation: number[] }) : null
  const curves = JSON.parse(r.curves_json) as TrainingPoint[]
  return {
    id: r.id,
    jobId: r.job_id,
    state: r.state,
    baseModel: r.base_model,
    baseDir: r.base_dir,
    params: JSON.parse(r.params_json) as TrainingParams,
    split,
    trainClips: split?.train.length ?? 0,
    validationClips: split?.validation.length ?? 0,
    epoch: curves[curves.length - 1]?.epoch ?? 0,
    curves,
    before: r.before_json ? (JSON.parse(r.before_json) as TrainingEval) : null,
    after: r.after_json ? (JSON.parse(r.after_json) as TrainingEval) : null,
    packDir: r.pack_dir,
    modelVersion: r.model_version,
    error: r.error,
    createdAt: r.created_at,
    finishedAt: r.finished_at
  }
}

export function createRun(db: Db, base: { model: string; dir: string }, params: TrainingParams, now = Date.now()): number {
  return Number(
    db
      .prepare("INSERT INTO training_runs (base_model, base_dir, params_json, state, created_at) VALUES (?, ?, ?, 'queued', ?)")
      .run(base.model, base.dir, JSON.stringify(params), now).lastInsertRowid
  )
}

export function getRun(db: Db, id: number): RunRecord | undefined {
  const r = db.prepare('SELECT * FROM training_runs WHERE id = ?').get(id) as Row | undefined
  return r && toRecord(r)
}

export function listRuns(db: Db): RunRecord[] {
  return (db.prepare('SELECT * FROM training_runs ORDER BY id DESC').all() as Row[]).map(toRecord)
}

export interface RunUpdate {
  jobId?: number
  state?: TrainingRun['state']
  split?: { train: number[]; validation: number[] }
  curves?: TrainingPoint[]
  before?: TrainingEval
  after?: TrainingEval
  packDir?: string
  modelVersion?: string
  error?: string | null
  finishedAt?: number | null
}

export function updateRun(db: Db, id: number, u: RunUpdate): void {
  const sets: string[] = []
  const params: unknown[] = []
  const put = (col: string, v: unknown): void => {
    sets.push(`${col} = ?`)
    params.push(v)
  }
  if (u.jobId !== undefined) put('job_id', u.jobId)
  if (u.state !== undefined) put('state', u.state)
  if (u.split !== undefined) put('split_json', JSON.stringify(u.split))
  if (u.curves !== undefined) put('curves_json', JSON.stringify(u.curves))
  if (u.before !== undefined) put('before_json', JSON.stringify(u.before))
  if (u.after !== undefined) put('after_json', JSON.stringify(u.after))
  if (u.packDir !== undefined) put('pack_dir', u.packDir)
  if (u.modelVersion !== undefined) put('model_version', u.modelVersion)
  if (u.error !== undefined) put('error', u.error)
  if (u.finishedAt !== undefined) put('finished_at', u.finishedAt)
  if (!sets.length) return
  db.prepare(`UPDATE training_runs SET ${sets.join(', ')} WHERE id = ?`).run(...params, id)
}
