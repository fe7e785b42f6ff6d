import type { JobKind, JobProgress, JobState } from '../../shared/contract'
import type { Db } from './database'

export interface JobRecord {
  id: number
  kind: JobKind
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

export function insertJob(db: Db, kind: JobKind, params: unknown, title: string, owner: string | null = null, now = Date.now()): number {
  return Number(
    db
      .prepare("INSERT INTO jobs (kind, params_json, state, title, created_at, owner, heartbeat_at) VALUES (?, ?, 'queued', ?, ?, ?, ?)")
      .run(kind, JSON.stringify(params), title, now, owner, owner ? now : null).lastInsertRowid
  )
}

export function getJob(db: Db, id: number): JobRecord | undefined {
  const r = db.prepare(`SELECT ${COLUMNS} FROM jobs WHERE id = ?`).get(id) as Row | undefined
  return r && toRecord(r)
}

/** Jobs queued or running, with who owns them. */
export function unfinishedJobs(db: Db): Array<JobRecord & { owner: string | null; heartbeatAt: number | null }> {
  return (
    db.prepare(`SELECT ${COLUMNS}, owner, heartbeat_at AS heartbeatAt FROM jobs WHERE state IN ('queued', 'running') ORDER BY id`).all() as Array<
      Row & { owner: string | null; heartbeatAt: number | null }
    >
  ).map((r) => ({ ...toRecord(r), owner: r.owner, heartbeatAt: r.heartbeatAt }))
}

export function claimJob(db: Db, id: number, owner: string, now = Date.now()): void {
  db.prepare('UPDATE jobs SET owner = ?, heartbeat_at = ? WHERE id = ?').run(owner, now, id)
}

export function heartbeat(db: Db, owner: string, now = Date.now()): void {
  db.prepare("UPDATE jobs SET heartbeat_at = ? WHERE owner = ? AND state IN ('queued', 'running')").run(now, owner)
}

/** On a clean exit: our unfinished jobs are free for the next process to resume at once. */
export function releaseJobs(db: Db, owner: string): void {
  db.prepare("UPDATE jobs SET owner = NULL, heartbeat_at = NULL WHERE owner = ? AND state IN ('queued', 'running')").run(owner)
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
