/**
 * Preview transcodes: an H.264/AAC MP4 of a clip the renderer's engine cannot play (ProRes, MPEG-2, MPEG-4 part 2,
 * HEVC without a decoder…), made on demand, one at a time, cached by content fingerprint so a moved file keeps its
 * preview. The arguments and the progress parser are pure; PreviewService owns the queue, the cache and cancelling.
 */
import { mkdir, rename, rm, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { ffmpegInput, isAbortError, runTool } from './run'

/** Wide enough to judge quality on a laptop screen; small enough to transcode at several times real time. */
export const PREVIEW_MAX_WIDTH = 1280

/**
 * Pure. Display-aspect scaling (anamorphic MPEG-2 and DV have non-square pixels) capped at PREVIEW_MAX_WIDTH, both
 * sides even as yuv420p requires; frames flagged interlaced are deinterlaced so the preview does not comb.
 * The first audio track is kept if there is one (`?` makes the map optional).
 */
export function previewArgs(input: string, output: string): string[] {
  return [
    ...ffmpegInput(input),
    '-map',
    '0:v:0',
    '-map',
    '0:a:0?',
    '-sn',
    '-dn',
    '-vf',
    `yadif=deint=interlaced,scale=w='trunc(min(${PREVIEW_MAX_WIDTH},iw*sar)/2)*2':h='2*round(ow/dar/2)':flags=bicubic,setsar=1,format=yuv420p`,
    '-c:v',
    'libx264',
    '-preset',
    'veryfast',
    '-crf',
    '23',
    '-profile:v',
    'high',
    '-c:a',
    'aac',
    '-b:a',
    '160k',
    '-ac',
    '2',
    '-movflags',
    '+faststart',
    '-progress',
    'pipe:1',
    '-nostats',
    '-f',
    'mp4',
    `file:${output}`
  ]
}

export interface ProgressUpdate {
  /** Seconds of output written so far, if the block said. */
  outTime: number | null
  end: boolean
}

/**
 * Pure. ffmpeg's `-progress` output is blocks of key=value lines, each ending with `progress=continue|end`.
 * Reads the latest out_time in `text` (out_time_us is microseconds; out_time_ms is too, despite its name).
 */
export function parseProgress(text: string): ProgressUpdate {
  let outTime: number | null = null
  let end = false
  for (const line of text.split(/\r?\n/)) {
    const eq = line.indexOf('=')
    if (eq < 0) continue
    const key = line.slice(0, eq).trim()
    const value = line.slice(eq + 1).trim()
    if (key === 'out_time_us' || key === 'out_time_ms') {
      const us = Number(value)
      if (Number.isFinite(us) && us >= 0) outTime = us / 1e6
    } else if (key === 'out_time' && outTime === null) {
      const m = /^(\d+):(\d{2}):(\d{2}(?:\.\d+)?)$/.exec(value)
      if (m) outTime = Number(m[1]) * 3600 + Number(m[2]) * 60 + Number(m[3])
    } else if (key === 'progress' && value === 'end') end = true
  }
  return { outTime, end }
}

/** Pure. 0–1; unknown duration reads as "working" without a number (null). */
export function progressFraction(outTime: number | null, duration: number | null): number | null {
  if (outTime === null || !duration || duration <= 0) return null
  return Math.min(1, Math.max(0, outTime / duration))
}

export interface PreviewClip {
  id: number
  path: string
  fingerprint: string
  duration: number | null
}

export type PreviewStatus =
  | { state: 'none' }
  | { state: 'working'; progress: number | null }
  | { state: 'ready'; file: string }
  | { state: 'failed'; error: string }

interface Task {
  clip: PreviewClip
  progress: number | null
  abort: AbortController
}

export interface PreviewServiceOptions {
  ffmpeg: string
  dir: string
  /** Called on every change of a clip's preview (queued, progress, ready, failed). */
  onChange(clipId: number, status: PreviewStatus): void
  /** Longest a transcode may run; a stuck decoder must not hold the queue forever. */
  timeoutMs?: number
}

/** Progress events at most this often: a fast transcode writes a progress block every few milliseconds. */
const PROGRESS_INTERVAL_MS = 250

export class PreviewService {
  private readonly queue: Task[] = []
  private running: Task | null = null
  /** Failures are remembered for the session so a broken file is not re-transcoded on every visit. */
  private readonly failed = new Map<string, string>()
  private disposed = false

  constructor(private readonly opts: PreviewServiceOptions) {}

  fileFor(fingerprint: string): string {
    return join(this.opts.dir, `${fingerprint}.mp4`)
  }

  /** The cached preview's path, if it is complete. */
  async cached(fingerprint: string): Promise<string | null> {
    const file = this.fileFor(fingerprint)
    try {
      return (await stat(file)).size > 0 ? file : null
    } catch {
      return null
    }
  }

  async status(clip: PreviewClip): Promise<PreviewStatus> {
    const task = this.task(clip.fingerprint)
    if (task) return { state: 'working', progress: task.progress }
    const file = await this.cached(clip.fingerprint)
    if (file) return { state: 'ready', file }
    const error = this.failed.get(clip.fingerprint)
    return error ? { state: 'failed', error } : { state: 'none' }
  }

  /** Queues a transcode unless one is cached or under way; asking again after a failure retries. */
  async start(clip: PreviewClip): Promise<PreviewStatus> {
    if (this.disposed) return { state: 'failed', error: 'The app is closing' }
    const current = await this.status(clip)
    if (current.state === 'ready' || current.state === 'working') return current
    this.failed.delete(clip.fingerprint)
    const task: Task = { clip, progress: 0, abort: new AbortController() }
    this.queue.push(task)
    this.opts.onChange(clip.id, { state: 'working', progress: 0 })
    void this.pump()
    return { state: 'working', progress: 0 }
  }

  cancel(clipId: number): boolean {
    const i = this.queue.findIndex((t) => t.clip.id === clipId)
    if (i >= 0) {
      const [t] = this.queue.splice(i, 1)
      this.opts.onChange(clipId, { state: 'none' })
      t?.abort.abort()
      return true
    }
    if (this.running?.clip.id === clipId) {
      this.running.abort.abort()
      return true
    }
    return false
  }

  /** Stops the running transcode and drops the queue; resolves once ffmpeg has exited. */
  async dispose(): Promise<void> {
    this.disposed = true
    for (const t of this.queue.splice(0)) t.abort.abort()
    const running = this.running
    running?.abort.abort()
    while (this.running) await new Promise((r) => setTimeout(r, 20))
  }

  private task(fingerprint: string): Task | undefined {
    if (this.running?.clip.fingerprint === fingerprint) return this.running
    return this.queue.find((t) => t.clip.fingerprint === fingerprint)
  }

  private async pump(): Promise<void> {
    if (this.running) return
    const task = this.queue.shift()
    if (!task) return
    this.running = task
    const { clip } = task
    try {
      const file = await this.transcode(task)
      this.opts.onChange(clip.id, { state: 'ready', file })
    } catch (err) {
      if (isAbortError(err)) {
        this.opts.onChange(clip.id, { state: 'none' })
      } else {
        const message = err instanceof Error ? err.message : String(err)
        this.failed.set(clip.fingerprint, message)
        this.opts.onChange(clip.id, { state: 'failed', error: message })
      }
    } finally {
      this.running = null
      if (!this.disposed) void this.pump()
    }
  }

  private async transcode(task: Task): Promise<string> {
    const { clip } = task
    await mkdir(this.opts.dir, { recursive: true })
    const out = this.fileFor(clip.fingerprint)
    // Written under a temporary name and renamed: a half-written file is never served or taken for a cached one.
    const tmp = `${out}.${process.pid}.part.mp4`
    let lastEmit = 0
    let pending = ''
    try {
      const res = await runTool(this.opts.ffmpeg, previewArgs(clip.path, tmp), {
        signal: task.abort.signal,
        timeoutMs: this.opts.timeoutMs ?? 6 * 60 * 60 * 1000,
        maxStdout: 0,
        onStdout: (chunk) => {
          pending += chunk.toString('utf8')
          const cut = pending.lastIndexOf('\n')
          if (cut < 0) return
          const { outTime } = parseProgress(pending.slice(0, cut))
          pending = pending.slice(cut + 1)
          const fraction = progressFraction(outTime, clip.duration)
          if (fraction === null) return
          task.progress = fraction
          const now = Date.now()
          if (now - lastEmit >= PROGRESS_INTERVAL_MS) {
            lastEmit = now
            this.opts.onChange(clip.id, { state: 'working', progress: fraction })
          }
        }
      })
      if (res.code !== 0) {
        const why = res.stderrTail.split('\n').filter(Boolean).slice(-3).join(' ')
        throw new Error(`ffmpeg could not make a preview of this clip${why ? `: ${why}` : ''}`)
      }
      await rename(tmp, out)
      return out
    } finally {
      await rm(tmp, { force: true })
    }
  }
}
