import { describe, it, expect } from 'vitest'
import type { JobProgress } from '../../../shared/contract'
import { applyProgress, isFinished, orderJobs } from './jobList'

const job = (id: number, state: JobProgress['state'], done = 0): JobProgress => ({
  id,
  kind: 'scan',
  state,
  title: `Scan ${id}`,
  phase: 'probing',
  done,
  total: 10,
  etaSeconds: null,
  current: null,
  error: null,
  summary: null,
  startedAt: null,
  finishedAt: null
})

describe('applyProgress', () => {
  it('adds new jobs and replaces known ones', () => {
    const a = applyProgress([], job(1, 'running', 1))
    expect(a).toHaveLength(1)
    const b = applyProgress(a, job(1, 'running', 5))
    expect(b[0]?.done).toBe(5)
  })
  it('never revives a finished job from a late report', () => {
    const done = [job(1, 'done', 10)]
    expect(applyProgress(done, job(1, 'running', 9))[0]?.state).toBe('done')
  })
})

describe('orderJobs', () => {
  it('puts running before queued before finished', () => {
    const ordered = orderJobs([job(3, 'done'), job(2, 'queued'), job(4, 'running'), job(1, 'running')])
    expect(ordered.map((j) => j.id)).toEqual([1, 4, 2, 3])
  })
})

describe('isFinished', () => {
  it('knows the terminal states', () => {
    expect(['done', 'failed', 'cancelled'].every((s) => isFinished(s as JobProgress['state']))).toBe(true)
    expect(isFinished('running')).toBe(false)
    expect(isFinished('queued')).toBe(false)
  })
})
