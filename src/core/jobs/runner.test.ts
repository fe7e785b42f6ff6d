import Database from 'better-sqlite3'
import { describe, expect, it } from 'vitest'
import type { JobProgress } from '../../shared/contract'
import { getJob } from '../catalog/jobs'
import { migrate } from '../catalog/migrations'
import { estimateEta, isAbandoned, JobRunner, type JobHandler } from './runner'

function setup(handler: JobHandler) {
  const db = new Database(':memory:')
  migrate(db)
  const events: JobProgress[] = []
  const runner = new JobRunner({ db, handlers: { scan: handler }, emit: (p) => events.push(p), throttleMs: 0 })
  return { db, runner, events }
}

describe('JobRunner', () => {
  it('runs queued jobs in order, reporting progress and the summary', async () => {
    const order: number[] = []
    const { db, runner, events } = setup(async (ctx) => {
      order.push(ctx.job.id)
      ctx.progress({ phase: 'work', done: 1, total: 2 })
      ctx.progress({ done: 2 })
      return `did ${ctx.job.id}`
    })
    const a = runner.enqueue('scan', { folderId: 1 }, 'A')
    const b = runner.enqueue('scan', { folderId: 2 }, 'B')
    await runner.idle()
    expect(order).toEqual([a, b])
    expect(getJob(db, a)).toMatchObject({ state: 'done', summary: `did ${a}`, done: 2, total: 2 })
    expect(events.filter((e) => e.id === a).map((e) => e.state)).toEqual(['queued', 'running', 'running', 'running', 'done'])
  })

  it('runs a job enqueued in the same tick as the queue ran dry', async () => {
    const { db, runner } = setup(async () => 'ok')
    runner.resume() // nothing to resume: the drain loop starts and ends at once
    const id = runner.enqueue('scan', {}, 'late')
    await runner.idle()
    expect(getJob(db, id)?.state).toBe('done')
  })

  it('does not queue the same scan twice', async () => {
    let release: () => void = () => undefined
    const gate = new Promise<void>((r) => (release = r))
    const { runner } = setup(async () => (await gate, 'ok'))
    runner.enqueue('scan', { folderId: 9 }, 'first') // starts running
    const same = (p: unknown) => (p as { folderId: number }).folderId === 1
    const x = runner.enqueue('scan', { folderId: 1 }, 'x', same)
    const y = runner.enqueue('scan', { folderId: 1 }, 'y', same)
    expect(y).toBe(x)
    release()
    await runner.idle()
  })

  it('cancels running and queued jobs', async () => {
    const { db, runner } = setup(
      (ctx) => new Promise<string>((_r, reject) => ctx.signal.addEventListener('abort', () => reject(new DOMException('Aborted', 'AbortError'))))
    )
    const a = runner.enqueue('scan', {}, 'A')
    const b = runner.enqueue('scan', {}, 'B')
    expect(runner.cancel(b)).toBe(true)
    await new Promise((r) => setTimeout(r, 10))
    expect(runner.cancel(a)).toBe(true)
    await runner.idle()
    expect(getJob(db, a)?.state).toBe('cancelled')
    expect(getJob(db, b)?.state).toBe('cancelled')
    expect(runner.cancel(a)).toBe(false)
  })

  it('pauses running and queued jobs, and resumes them to finish the rest', async () => {
    const seen: Array<{ id: number; pausing: boolean }> = []
    let attempts = 0
    const { db, runner } = setup(
      (ctx) =>
        new Promise<string>((resolve, reject) => {
          attempts++
          // The second run of job A (after resume) finishes at once; everything else waits to be stopped.
          if (attempts === 2) return resolve('rest done')
          ctx.signal.addEventListener('abort', () => {
            seen.push({ id: ctx.job.id, pausing: ctx.pausing() })
            reject(new DOMException('Aborted', 'AbortError'))
          })
        })
    )
    const a = runner.enqueue('scan', {}, 'A')
    const b = runner.enqueue('scan', {}, 'B')
    expect(runner.pause(b)).toBe(true) // queued
    await new Promise((r) => setTimeout(r, 10))
    expect(runner.pause(a)).toBe(true) // running
    await runner.idle()
    expect([getJob(db, a)?.state, getJob(db, b)?.state]).toEqual(['paused', 'paused'])
    expect(seen).toEqual([{ id: a, pausing: true }])
    expect(runner.resumeJob(a)).toBe(true)
    await runner.idle()
    expect(getJob(db, a)).toMatchObject({ state: 'done', summary: 'rest done' })
    expect(runner.resumeJob(a)).toBe(false) // not paused any more
    expect(runner.resumeJob(b)).toBe(true)
    await new Promise((r) => setTimeout(r, 10))
    expect(runner.pause(b)).toBe(true)
    await runner.idle()
    expect(runner.cancel(b)).toBe(true) // a paused job can be cancelled too
    await runner.idle()
    expect(getJob(db, b)?.state).toBe('cancelled')
  })

  it('records a failure with its message and goes on', async () => {
    const { db, runner } = setup(async (ctx) => {
      if (ctx.job.title === 'bad') throw new Error('disk on fire')
      return 'fine'
    })
    const bad = runner.enqueue('scan', {}, 'bad')
    const good = runner.enqueue('scan', {}, 'good')
    await runner.idle()
    expect(getJob(db, bad)).toMatchObject({ state: 'failed', error: 'disk on fire' })
    expect(getJob(db, good)?.state).toBe('done')
  })

  it('resumes what a dead process left running or queued', async () => {
    const db = new Database(':memory:')
    migrate(db)
    const first = new JobRunner({
      db,
      handlers: { scan: (ctx) => new Promise<string>((_r, rej) => ctx.signal.addEventListener('abort', () => rej(new DOMException('Aborted', 'AbortError')))) },
      emit: () => undefined
    })
    const a = first.enqueue('scan', { n: 1 }, 'A')
    const b = first.enqueue('scan', { n: 2 }, 'B')
    await new Promise((r) => setTimeout(r, 10))
    await first.close() // like a quit mid-job: A stays 'running', B 'queued'
    expect(getJob(db, a)?.state).toBe('running')
    expect(getJob(db, b)?.state).toBe('queued')
    const ran: number[] = []
    const second = new JobRunner({ db, handlers: { scan: async (ctx) => (ran.push(ctx.job.id), 'resumed') }, emit: () => undefined })
    expect(second.resume()).toEqual([a, b])
    await second.idle()
    expect(ran).toEqual([a, b])
    expect(getJob(db, a)?.state).toBe('done')
  })

  it('takes over only jobs whose owner is gone', () => {
    const me = { host: 'box', alive: (pid: number) => pid === 42 }
    expect(isAbandoned(null, null, 1000, 20_000, me)).toBe(true)
    expect(isAbandoned('box:42:ab', 990, 1000, 20_000, me)).toBe(false) // alive and beating
    expect(isAbandoned('box:43:ab', 990, 1000, 20_000, me)).toBe(true) // killed: its last heartbeat is fresh, its pid is not
    expect(isAbandoned('other:42:ab', 990, 1000, 20_000, me)).toBe(false) // another machine: trust the heartbeat
    expect(isAbandoned('other:42:ab', 0, 30_000, 20_000, me)).toBe(true)
  })

  it('leaves a job that a live process runs alone', async () => {
    const db = new Database(':memory:')
    migrate(db)
    const app = new JobRunner({ db, handlers: { scan: (ctx) => new Promise<string>((_r, rej) => ctx.signal.addEventListener('abort', () => rej(new DOMException('Aborted', 'AbortError')))) }, emit: () => undefined })
    const id = app.enqueue('scan', {}, 'owned by the app')
    await new Promise((r) => setTimeout(r, 10))
    const cli = new JobRunner({ db, handlers: { scan: async () => 'stolen' }, emit: () => undefined })
    expect(cli.resume()).toEqual([]) // same pid here, and alive: not abandoned
    await cli.close()
    await app.close()
    expect(getJob(db, id)?.state).toBe('running')
  })

  it('estimates time left from the rate so far', () => {
    expect(estimateEta(10, 100, 10_000)).toBe(90)
    expect(estimateEta(0, 100, 10_000)).toBeNull()
    expect(estimateEta(5, null, 10_000)).toBeNull()
    expect(estimateEta(100, 100, 10_000)).toBe(0)
  })
})
