/**
 * Runs an external tool with an argv array: kills it on abort or timeout and keeps the tail of stderr, because
 * ffmpeg's last lines are the ones that say what went wrong.
 */
import { spawn } from 'node:child_process'

export interface RunOptions {
  signal?: AbortSignal
  timeoutMs?: number
  /** Bytes of stdout to keep; the rest is discarded (protects memory from a runaway tool). */
  maxStdout?: number
  /** Sees stdout as it arrives (progress output), whether or not it is kept. */
  onStdout?: (chunk: Buffer) => void
  /** Sees stderr as it arrives, beyond the tail kept for errors (filters such as silencedetect report there). */
  onStderr?: (chunk: Buffer) => void
}

export interface RunResult {
  code: number | null
  stdout: Buffer
  stderrTail: string
}

export class ToolError extends Error {
  constructor(
    message: string,
    readonly stderrTail: string,
    readonly code: number | null
  ) {
    super(message)
    this.name = 'ToolError'
  }
}

const STDERR_TAIL = 4096

export function runTool(cmd: string, args: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
  const { signal, timeoutMs = 60_000, maxStdout = 64 * 1024 * 1024 } = opts
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(new DOMException('Aborted', 'AbortError'))
      return
    }
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], windowsHide: true })
    const out: Buffer[] = []
    let outBytes = 0
    let err = ''
    let timedOut = false
    child.stdout.on('data', (chunk: Buffer) => {
      opts.onStdout?.(chunk)
      if (outBytes < maxStdout) out.push(chunk)
      outBytes += chunk.length
    })
    child.stderr.on('data', (chunk: Buffer) => {
      opts.onStderr?.(chunk)
      err = (err + chunk.toString('utf8')).slice(-STDERR_TAIL)
    })
    const onAbort = (): void => {
      child.kill('SIGKILL')
    }
    signal?.addEventListener('abort', onAbort, { once: true })
    const timer = setTimeout(() => {
      timedOut = true
      child.kill('SIGKILL')
    }, timeoutMs)
    child.on('error', (e) => {
      clearTimeout(timer)
      signal?.removeEventListener('abort', onAbort)
      reject(new ToolError(`${cmd} could not start: ${e.message}`, '', null))
    })
    child.on('close', (code) => {
      clearTimeout(timer)
      signal?.removeEventListener('abort', onAbort)
      if (signal?.aborted) reject(new DOMException('Aborted', 'AbortError'))
      else if (timedOut) reject(new ToolError(`${cmd} took longer than ${Math.round(timeoutMs / 1000)} s and was stopped`, err, code))
      else resolve({ code, stdout: Buffer.concat(out), stderrTail: err.trim() })
    })
  })
}

export function isAbortError(err: unknown): boolean {
  return err instanceof Error && err.name === 'AbortError'
}

/**
 * Pure: how every one-shot ffmpeg job here starts — quiet but for errors, never reading stdin (a child waiting on
 * the app's stdin would hang), overwriting its output, and opening the input as a file (a name like "a:b.mp4" is not
 * a protocol). With `at`, the seek is an input option: fast, from the keyframe before.
 */
export function ffmpegInput(input: string, at?: number): string[] {
  return ['-hide_banner', '-nostdin', '-loglevel', 'error', '-y', ...(at !== undefined ? ['-ss', at.toFixed(3)] : []), '-i', `file:${input}`]
}
