/**
 * A persistent job queue. Job rows live in SQLite, so a job that was queued or running when the process died is
 * picked up again on the next start (handlers are written to be safe to re-run). Jobs run one at a time: each one
 * already spreads its own work over the machine's cores.
 */
import type { JobProgress } from '../../shared/contract'
import type { Db } from '../catalog/database'
import { hostname } from 'node:os'
import { randomBytes } from 'node:crypto'
import { claimJob, getJob, heartbeat, insertJob, recentJobs, releaseJobs, toProgress, unfinishedJobs, updateJob, type JobRecord } from '../catalog/jobs'
import { isAbortError } from '../media/run'

export interface JobContext {
  job: JobRecord
  signal: AbortSignal
  /** True once the abort is a pause (the job will be resumed), not a cancel. */
  pausing(): boolean
  progress(p: { phase?: string; done?: number; total?: number | null; current?: string | null }): void
}

export type JobHandler = (ctx: JobContext) => Promise<string>

export interface JobRunnerOptions {
  db: Db
  /** A process handles the kinds it has handlers for (a test may run only scans). */
  handlers: Partial<Record<JobRecord['kind'], JobHandler>>
  emit: (p: JobProgress) => void
  /** Minimum ms between progress writes/events; the final state is always written. */
  throttleMs?: number
  /** A job whose owner has not sent a heartbeat for this long is taken as abandoned. */
  staleAfterMs?: number
}

export const HEARTBEAT_MS = 5000

/** Pure: may this process take over a job with this owner and heartbeat? */
export function isAbandoned(owner: string | null, heartbeatAt: number | null, now: number, staleAfterMs: number, me = { host: hostname(), alive: pidAlive }): boolean {
  if (!owner || heartbeatAt === null) return true
  const [host, pid] = owner.split(':')
  // Same machine: ask the OS whether the owner still runs (a kill -9 leaves a fresh heartbeat behind).
  if (host === me.host && pid && !me.alive(Number(pid))) return true
  return now - heartbeatAt > staleAfterMs
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/** Pure: seconds left, from the rate so far. Null until there is enough to go on. */
export function estimateEta(done: number, total: number | null, elapsedMs: number): number | null {
  if (total === null || done <= 0 || elapsedMs < 500 || done >= total) return done >= (total ?? Infinity) ? 0 : null
  return Math.round(((total - done) * elapsedMs) / done / 1000)
}

export class JobRunner {
  private readonly queue: number[] = []
  private running: { id: number; controller: AbortController } | null = null
  private draining: Promise<void> | null = null
  private closed = false
  /** host:pid:token — unique to this runner, and tells other processes on this machine how to check it is alive. */
  readonly owner = `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`
  private readonly beat: NodeJS.Timeout

  constructor(private readonly opts: JobRunnerOptions) {
    this.beat = setInterval(() => heartbeat(this.opts.db, this.owner), HEARTBEAT_MS)
    this.beat.unref()
  }

  /** Re-queue what a process that is gone left unfinished; jobs of a live process are left to it. */
  resume(): number[] {
    const ids: number[] = []
    const now = Date.now()
    for (const job of unfinishedJobs(this.opts.db)) {
      if (!isAbandoned(job.owner, job.heartbeatAt, now, this.opts.staleAfterMs ?? 4 * HEARTBEAT_MS)) continue
      claimJob(this.opts.db, job.id, this.owner, now)
      updateJob(this.opts.db, job.id, { state: 'queued', phase: 'Resuming after restart' })
      ids.push(job.id)
      this.queue.push(job.id)
    }
    this.kick()
    return ids
  }

  enqueue(kind: JobRecord['kind'], params: unknown, title: string, dedupe?: (p: unknown) => boolean): number {
    // A second "scan this folder" while one is still waiting adds nothing.
    if (dedupe) {
      for (const id of this.queue) {
        const j = getJob(this.opts.db, id)
        if (j && j.kind === kind && j.state === 'queued' && dedupe(j.params)) return id
      }
    }
    const id = insertJob(this.opts.db, kind, params, title, this.owner)
    this.queue.push(id)
    this.publish(id)
    this.kick()
    return id
  }

  /** Like cancel, but the job ends 'paused' and `resumeJob` picks it up again (handlers are safe to re-run). */
  pause(id: number): boolean {
    if (this.running?.id === id) {
      this.pausing.add(id)
      this.running.controller.abort()
      return true
    }
    const i = this.queue.indexOf(id)
    if (i >= 0) {
      this.queue.splice(i, 1)
      updateJob(this.opts.db, id, { state: 'paused', phase: 'Paused' })
      this.publish(id)
      return true
    }
    return false
  }

  resumeJob(id: number): boolean {
    const j = getJob(this.opts.db, id)
    if (!j || j.state !== 'paused') return false
    claimJob(this.opts.db, id, this.owner)
    updateJob(this.opts.db, id, { state: 'queued', phase: 'Resuming' })
    this.queue.push(id)
    this.publish(id)
    this.kick()
    return true
  }

  private readonly pausing = new Set<number>()

  cancel(id: number): boolean {
    if (this.running?.id === id) {
      this.running.controller.abort()
      return true
    }
    const i = this.queue.indexOf(id)
    const paused = getJob(this.opts.db, id)?.state === 'paused'
    if (i >= 0 || paused) {
      if (i >= 0) this.queue.splice(i, 1)
      updateJob(this.opts.db, id, { state: 'cancelled', finishedAt: Date.now(), phase: 'Cancelled' })
      this.publish(id)
      return true
    }
    return false
  }

  list(): JobProgress[] {
    return recentJobs(this.opts.db).map((j) => toProgress(j, this.live.get(j.id)))
  }

  /** Resolves when the queue is empty. */
  async idle(): Promise<void> {
    while (this.draining) await this.draining
  }

  /** Stops taking work and aborts the running job; it stays 'running' in the catalog so the next start resumes it. */
  async close(): Promise<void> {
    this.closed = true
    clearInterval(this.beat)
    this.queue.length = 0
    this.running?.controller.abort()
    await this.draining?.catch(() => undefined)
    releaseJobs(this.opts.db, this.owner)
  }

  private readonly live = new Map<number, { etaSeconds: number | null; current: string | null }>()

  private publish(id: number): void {
    const j = getJob(this.opts.db, id)
    if (j) this.opts.emit(toProgress(j, this.live.get(id)))
  }

  private kick(): void {
    if (this.draining || this.closed) return
    this.draining = this.drain().finally(() => {
      this.draining = null
      // A job enqueued while the loop was winding down (between its last look at the queue and now) still runs.
      if (this.queue.length > 0) this.kick()
    })
  }

  private async drain(): Promise<void> {
    for (;;) {
      const id = this.queue.shift()
      if (id === undefined || this.closed) return
      await this.runOne(id)
    }
  }

  private async runOne(id: number): Promise<void> {
    const { db, handlers, emit, throttleMs = 250 } = this.opts
    const job = getJob(db, id)
    if (!job || job.state === 'cancelled' || job.state === 'done') return
    const controller = new AbortController()
    this.running = { id, controller }
    const startedAt = Date.now()
    updateJob(db, id, { state: 'running', startedAt, error: null })
    this.publish(id)
    let last = 0
    const state = { phase: job.phase, done: 0, total: job.total, current: null as string | null }
    const ctx: JobContext = {
      job,
      signal: controller.signal,
      pausing: () => this.pausing.has(id),
      progress: (p) => {
        Object.assign(state, p)
        const now = Date.now()
        if (now - last < throttleMs && !(state.total !== null && state.done >= state.total)) return
        last = now
        const live = { etaSeconds: estimateEta(state.done, state.total, now - startedAt), current: state.current }
        this.live.set(id, live)
        updateJob(db, id, { phase: state.phase, done: state.done, total: state.total })
        const j = getJob(db, id)
        if (j) emit(toProgress(j, live))
      }
    }
    try {
      const handler = handlers[job.kind]
      if (!handler) throw new Error(`This process cannot run ${job.kind} jobs`)
      const summary = await handler(ctx)
      updateJob(db, id, { state: 'done', summary, finishedAt: Date.now(), phase: 'Done', done: state.done, total: state.total })
    } catch (err) {
      if (isAbortError(err) && this.closed) {
        // Shutting down: leave it 'running' so the next start resumes it.
        return
      }
      if (isAbortError(err) && this.pausing.has(id)) updateJob(db, id, { state: 'paused', phase: 'Paused' })
      else if (isAbortError(err)) updateJob(db, id, { state: 'cancelled', finishedAt: Date.now(), phase: 'Cancelled' })
      else updateJob(db, id, { state: 'failed', error: (err as Error).message ?? String(err), finishedAt: Date.now(), phase: 'Failed' })
    } finally {
      this.running = null
      this.live.delete(id)
      this.pausing.delete(id)
    }
    this.publish(id)
  }
}
