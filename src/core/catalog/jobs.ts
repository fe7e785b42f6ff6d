import type { JobProgress, JobState } from '../../shared/contract'
import type { Db } from './database'

export interface JobRecord {
  id: number
  kind: 'scan'
  params: unknown
  state: JobState
  title: string
  phase: string
  done: number
  total: number | null
  error: string | null
  summary: string | null
  startedAt: number | null
  finishedAt: number | null
}

type Row = Omit<JobRecord, 'params'> & { params_json: string }

const COLUMNS = `id, kind, params_json, state, title, phase, done, total, error, summary, started_at AS startedAt,
  finished_at AS finishedAt`

function toRecord(r: Row): JobRecord {
  const { params_json, ...rest } = r
  return { ...rest, params: JSON.parse(params_json) as unknown }
}

export function insertJob(db: Db, kind: 'scan', params: unknown, title: string, now = Date.now()): number {
  return Number(
    db
      .prepare("INSERT INTO jobs (kind, params_json, state, title, created_at) VALUES (?, ?, 'queued', ?, ?)")
      .run(kind, JSON.stringify(params), title, now).lastInsertRowid
  )
}

export function getJob(db: Db, id: number): JobRecord | undefined {
  const r = db.prepare(`SELECT ${COLUMNS} FROM jobs WHERE id = ?`).get(id) as Row | undefined
  return r && toRecord(r)
}

/** Jobs that were queued or running when the process last stopped: they are picked up again. */
export function unfinishedJobs(db: Db): JobRecord[] {
  return (db.prepare(`SELECT ${COLUMNS} FROM jobs WHERE state IN ('queued', 'running') ORDER BY id`).all() as Row[]).map(toRecord)
}

export function recentJobs(db: Db, limit = 20): JobRecord[] {
  return (db.prepare(`SELECT ${COLUMNS} FROM jobs ORDER BY id DESC LIMIT ?`).all(limit) as Row[]).map(toRecord)
}

export function updateJob(
  db: Db,
  id: number,
  patch: Partial<Pick<JobRecord, 'state' | 'phase' | 'done' | 'total' | 'error' | 'summary' | 'startedAt' | 'finishedAt'>>
): void {
  const cols: Record<string, string> = {
    state: 'state',
    phase: 'phase',
    done: 'done',
    total: 'total',
    error: 'error',
    summary: 'summary',
    startedAt: 'started_at',
    finishedAt: 'finished_at'
  }
  const keys = Object.keys(patch).filter((k) => k in cols)
  if (keys.length === 0) return
  const set = keys.map((k) => `${cols[k]} = @${k}`).join(', ')
  db.prepare(`UPDATE jobs SET ${set} WHERE id = @id`).run({ ...patch, id })
}

export function toProgress(j: JobRecord, live?: { etaSeconds: number | null; current: string | null }): JobProgress {
  return {
    id: j.id,
    kind: j.kind,
    state: j.state,
    title: j.title,
    phase: j.phase,
    done: j.done,
    total: j.total,
    etaSeconds: live?.etaSeconds ?? null,
    current: live?.current ?? null,
    error: j.error,
    summary: j.summary,
    startedAt: j.startedAt,
    finishedAt: j.finishedAt
  }
}
