/** For crash tests: read a core-child's JSON-line events and SIGKILL it the moment `when` holds. */
import type { ChildProcess } from 'node:child_process'
import type { JobProgress } from '../../shared/contract'

/** Resolves with the progress at which the child was killed, or null if it exited first. */
export async function killWhen(child: ChildProcess, when: (p: JobProgress) => boolean): Promise<JobProgress | null> {
  const killed = await new Promise<JobProgress | null>((resolve) => {
    let buf = ''
    child.stdout?.on('data', (d: Buffer) => {
      buf += d.toString()
      const lines = buf.split('\n')
      buf = lines.pop() ?? ''
      for (const line of lines) {
        const m = JSON.parse(line) as { event: string; payload: JobProgress }
        if (m.event === 'jobs.onProgress' && when(m.payload)) {
          child.kill('SIGKILL')
          resolve(m.payload)
        }
      }
    })
    child.on('exit', () => resolve(null))
  })
  if (child.exitCode === null && child.signalCode === null) await new Promise((r) => child.on('close', r))
  return killed
}
