import { useEffect, useRef, useState } from 'react'
import type { JobProgress } from '../../../shared/contract'
import { useApi, useConnectionState } from '../api'
import { applyProgress, isFinished, orderJobs } from './jobList'

/** How long a finished job's summary stays in the status bar. */
const LINGER_MS = 8000

export function useJobs(): { jobs: JobProgress[]; dismiss(id: number): void } {
  const api = useApi()
  const connection = useConnectionState()
  const [jobs, setJobs] = useState<JobProgress[]>([])
  const timers = useRef(new Map<number, ReturnType<typeof setTimeout>>())

  const dismiss = (id: number): void => {
    const t = timers.current.get(id)
    if (t) clearTimeout(t)
    timers.current.delete(id)
    setJobs((list) => list.filter((j) => j.id !== id))
  }
  const dismissRef = useRef(dismiss)
  useEffect(() => {
    dismissRef.current = dismiss
  })

  useEffect(() => {
    const off = api.on('jobs.onProgress', (update) => setJobs((list) => applyProgress(list, update)))
    return off
  }, [api])

  // On start and after a reconnect: jobs that began or ended while we were not listening.
  useEffect(() => {
    if (connection !== 'open') return
    let stale = false
    api.invoke('jobs.list', {}).then(
      (list) => {
        if (stale) return
        // Only jobs still under way: summaries of scans finished long ago are not news.
        setJobs((current) => list.filter((j) => !isFinished(j.state)).reduce(applyProgress, current))
      },
      () => undefined
    )
    return () => {
      stale = true
    }
  }, [api, connection])

  useEffect(() => {
    for (const job of jobs) {
      if (!isFinished(job.state) || timers.current.has(job.id)) continue
      timers.current.set(
        job.id,
        setTimeout(() => dismissRef.current(job.id), LINGER_MS)
      )
    }
  }, [jobs])

  useEffect(() => {
    const map = timers.current
    return () => {
      for (const t of map.values()) clearTimeout(t)
      map.clear()
    }
  }, [])

  return { jobs: orderJobs(jobs), dismiss }
}
