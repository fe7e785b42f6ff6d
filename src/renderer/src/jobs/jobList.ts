import type { JobProgress, JobState } from '../../../shared/contract'

export const isFinished = (state: JobState): boolean => state === 'done' || state === 'failed' || state === 'cancelled'

/**
 * Folds one progress report into the list. Reports can arrive out of order around a reconnect
 * (`jobs.list` racing `jobs.onProgress`); a finished job is never brought back to running.
 */
export function applyProgress(jobs: readonly JobProgress[], update: JobProgress): JobProgress[] {
  const at = jobs.findIndex((j) => j.id === update.id)
  if (at < 0) return [...jobs, update]
  const current = jobs[at]
  if (current && isFinished(current.state) && !isFinished(update.state)) return [...jobs]
  const next = [...jobs]
  next[at] = update
  return next
}

/** Running first, then queued, then paused, then finished; oldest first within each. */
export function orderJobs(jobs: readonly JobProgress[]): JobProgress[] {
  const rank = (s: JobState): number => (s === 'running' ? 0 : s === 'queued' ? 1 : s === 'paused' ? 2 : 3)
  return [...jobs].sort((a, b) => rank(a.state) - rank(b.state) || a.id - b.id)
}
