/** Terminal progress: a redrawn bar on a TTY, plain throttled lines otherwise (logs, CI, pipes). */
import type { JobProgress } from '../shared/contract'

export function formatEta(seconds: number | null): string {
  if (seconds === null) return ''
  if (seconds < 60) return `${seconds}s`
  const m = Math.floor(seconds / 60)
  const s = seconds % 60
  if (m < 60) return `${m}m${String(s).padStart(2, '0')}s`
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`
}

/** Pure: one line describing a job's progress, `width` columns of bar. */
export function progressLine(p: JobProgress, width = 24): string {
  const total = p.total ?? 0
  const frac = total > 0 ? Math.min(1, p.done / total) : 0
  const filled = Math.round(frac * width)
  const bar = total > 0 && width > 0 ? `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ` : ''
  const counts = total > 0 ? `${p.done}/${total} ` : ''
  const eta = p.etaSeconds !== null && p.etaSeconds > 0 ? `ETA ${formatEta(p.etaSeconds)} ` : ''
  return `${bar}${counts}${p.phase}${eta ? ` · ${eta.trim()}` : ''}`
}

export function createProgressPrinter(stream: NodeJS.WriteStream): (p: JobProgress) => void {
  const tty = stream.isTTY === true
  let lastPlain = 0
  return (p) => {
    if (tty) {
      const line = progressLine(p).slice(0, Math.max(20, (stream.columns ?? 80) - 1))
      stream.write(`\r\x1b[2K${line}`)
      if (p.state !== 'running' && p.state !== 'queued') stream.write('\n')
      return
    }
    const now = Date.now()
    if (p.state === 'running' && now - lastPlain < 2000) return
    lastPlain = now
    stream.write(`${progressLine(p, 0)}\n`)
  }
}
