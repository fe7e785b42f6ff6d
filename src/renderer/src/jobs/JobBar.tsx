import type { JobProgress } from '../../../shared/contract'
import { useApi } from '../api'
import { errorMessage } from '../app/errors'
import { useNotify } from '../app/Notices'
import { formatEta, formatInteger } from '../format'
import { isFinished } from './jobList'
import { useJobs } from './useJobs'

/** The status bar along the bottom of the window: background scans and how far they got. */
export function JobBar() {
  const { jobs, dismiss } = useJobs()
  const active = jobs.filter((j) => !isFinished(j.state))
  const running = active.filter((j) => j.state === 'running')
  const queued = active.filter((j) => j.state === 'queued')
  const paused = active.filter((j) => j.state === 'paused')
  const finished = jobs.filter((j) => isFinished(j.state))
  // A queued job shows in full only when nothing runs, otherwise it is just counted.
  const shown = running.length > 0 ? running : queued.slice(0, 1)
  const hiddenQueued = queued.length - (running.length > 0 ? 0 : shown.length)

  return (
    <footer className="job-bar" aria-label="Background jobs">
      {jobs.length === 0 && <span className="muted job-idle">Nothing running in the background</span>}
      {shown.map((job) => (
        <RunningJob key={job.id} job={job} />
      ))}
      {hiddenQueued > 0 && <span className="muted job-queued">{formatInteger(hiddenQueued)} more queued</span>}
      {paused.map((job) => (
        <RunningJob key={job.id} job={job} />
      ))}
      {finished.map((job) => (
        <FinishedJob key={job.id} job={job} onDismiss={() => dismiss(job.id)} />
      ))}
    </footer>
  )
}

function RunningJob({ job }: { job: JobProgress }) {
  const api = useApi()
  const notify = useNotify()
  const known = job.total !== null && job.total > 0
  const percent = known && job.total ? Math.min(100, (job.done / job.total) * 100) : null
  const eta = formatEta(job.etaSeconds)
  const what = job.kind === 'scan' ? 'scan' : job.kind === 'score' ? 'scoring' : job.kind === 'train' ? 'fine-tuning' : 'job'
  const cancel = (): void => {
    api.invoke('jobs.cancel', { id: job.id }).then(
      ({ cancelled }) => {
        if (!cancelled) notify(`The ${what} had already finished.`)
      },
      (err: unknown) => notify(`Could not cancel: ${errorMessage(err)}`, 'error')
    )
  }
  const pauseOrResume = (): void => {
    const call = job.state === 'paused' ? api.invoke('jobs.resume', { id: job.id }) : api.invoke('jobs.pause', { id: job.id })
    call.catch((err: unknown) => notify(`Could not ${job.state === 'paused' ? 'resume' : 'pause'}: ${errorMessage(err)}`, 'error'))
  }
  return (
    <div className="job" role="group" aria-label={job.title}>
      <span className={job.state === 'paused' ? 'job-paused-mark' : 'job-spinner'} aria-hidden="true">
        {job.state === 'paused' ? '❚❚' : null}
      </span>
      <span className="job-title">{job.title}</span>
      <span className="job-phase muted">{job.state === 'queued' ? 'Queued' : job.state === 'paused' ? 'Paused' : job.phase}</span>
      <div
        className={`progress${percent === null ? ' indeterminate' : ''}`}
        role="progressbar"
        aria-label={`${job.title} progress`}
        aria-valuemin={0}
        aria-valuemax={known ? (job.total ?? undefined) : undefined}
        aria-valuenow={known ? job.done : undefined}
        aria-valuetext={known ? `${formatInteger(job.done)} of ${formatInteger(job.total ?? 0)}` : `${formatInteger(job.done)} so far`}
      >
        <div className="progress-fill" style={percent === null ? undefined : { width: `${percent}%` }} />
      </div>
      <span className="job-count">
        {known ? `${formatInteger(job.done)} / ${formatInteger(job.total ?? 0)}` : formatInteger(job.done)}
      </span>
      {eta && <span className="job-eta muted">about {eta} left</span>}
      {job.current && (
        <span className="job-current muted" title={job.current}>
          {job.current}
        </span>
      )}
      {job.kind !== 'reflag' && (
        <button type="button" className="button small" onClick={pauseOrResume}>
          {job.state === 'paused' ? `Resume ${what}` : `Pause ${what}`}
        </button>
      )}
      <button type="button" className="button small" onClick={cancel}>
        Cancel {what}
      </button>
    </div>
  )
}

function FinishedJob({ job, onDismiss }: { job: JobProgress; onDismiss(): void }) {
  const text =
    job.state === 'failed'
      ? `${job.title} failed${job.error ? `: ${job.error}` : ''}`
      : job.state === 'cancelled'
        ? `${job.title} cancelled${job.summary ? ` — ${job.summary}` : ''}`
        : `${job.title} — ${job.summary ?? 'done'}`
  return (
    <div className={`job finished job-${job.state}`} role={job.state === 'failed' ? 'alert' : 'status'}>
      <span className="job-mark" aria-hidden="true">
        {job.state === 'done' ? '✓' : job.state === 'failed' ? '!' : '–'}
      </span>
      <span className="job-summary" title={text}>
        {text}
      </span>
      <button type="button" className="icon-button" aria-label="Dismiss" onClick={onDismiss}>
        ×
      </button>
    </div>
  )
}
