/**
 * Starting the fine-tuning worker from a host and hearing back from it. A worker that dies without saying it finished
 * is reported with the reason (its exit code or signal, and the tail of what it printed), never as silence.
 */
import { fork } from 'node:child_process'
import { existsSync } from 'node:fs'
import { join } from 'node:path'

export type WorkerMessage =
  | { type: 'progress'; phase: string; done: number; total: number | null }
  | { type: 'done'; packDir: string; version: string }
  | { type: 'cancelled' }
  | { type: 'error'; message: string }

/**
 * The built worker (out/main/train-worker.js), or its source under tsx (tests, development). In the bundle this code
 * may sit in a shared chunk (out/main/chunks/), so the folder above is looked in too.
 */
export function workerEntry(here: string = __dirname): { file: string; execArgv: string[] } {
  for (const built of [join(here, 'train-worker.js'), join(here, '..', 'train-worker.js')]) {
    if (existsSync(built)) return { file: built, execArgv: [] }
  }
  return { file: join(here, 'worker.ts'), execArgv: ['--import', 'tsx'] }
}

/** Pure: a dead worker's reason in words. */
export function deathReason(code: number | null, signal: NodeJS.Signals | null, stderrTail: string): string {
  const how =
    signal === 'SIGKILL' ? 'was killed (SIGKILL — out of memory, or killed from outside)' : signal ? `was stopped by ${signal}` : `exited with code ${code ?? '?'}`
  // An uncaught Node error ends with its stack and the Node version: the line that says what went wrong is the
  // first error line of the tail, not the last lines.
  const lines = stderrTail.trim().split('\n').map((l) => l.trim()).filter(Boolean)
  const errorLine = lines.find((l) => /^(\w*Error\b|Error \[)/.test(l))
  const tail = errorLine ?? lines.slice(-3).join(' | ')
  return `The training worker ${how}${tail ? `: ${tail}` : ''}. Your labels are safe; the run can be started again.`
}

export interface WorkerRun {
  /** Resolves with the new pack, or rejects with the reason (an AbortError when cancelled). */
  result: Promise<{ packDir: string; version: string }>
  cancel(): void
}

export function startWorker(dataDir: string, runId: number, ffmpeg: string, onProgress: (m: Extract<WorkerMessage, { type: 'progress' }>) => void): WorkerRun {
  const entry = workerEntry()
  const child = fork(entry.file, [dataDir, String(runId)], {
    execArgv: entry.execArgv,
    // Under Electron, fork runs the Electron binary: this makes it a plain Node process.
    env: { ...process.env, ELECTRON_RUN_AS_NODE: '1', VQA_FFMPEG: ffmpeg },
    stdio: ['ignore', 'ignore', 'pipe', 'ipc']
  })
  let stderr = ''
  child.stderr?.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-4000)
  })
  let outcome: WorkerMessage | null = null
  const result = new Promise<{ packDir: string; version: string }>((resolve, reject) => {
    child.on('message', (m: WorkerMessage) => {
      if (m.type === 'progress') onProgress(m)
      else outcome = m
    })
    child.on('error', (err) => reject(new Error(`Could not start the training worker: ${err.message}`)))
    child.on('exit', (code, signal) => {
      const o = outcome as WorkerMessage | null
      if (o?.type === 'done') resolve({ packDir: o.packDir, version: o.version })
      else if (o?.type === 'cancelled') reject(new DOMException('Training cancelled', 'AbortError'))
      else if (o?.type === 'error') reject(new Error(o.message))
      else reject(new Error(deathReason(code, signal, stderr)))
    })
  })
  return {
    result,
    cancel() {
      if (child.exitCode !== null) return
      child.send({ type: 'cancel' })
      // A worker stuck in a long native call gets a few seconds, then is killed.
      setTimeout(() => child.exitCode === null && child.kill('SIGKILL'), 5000).unref()
    }
  }
}
