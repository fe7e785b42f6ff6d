/**
 * A core in a child process, for crash tests: adds a folder and scans it (and with "score", then scores it), printing
 * each event as a JSON line. The test kills it with SIGKILL mid-job and checks that the next core resumes the job.
 * Usage: node --import tsx core-child.ts <dataDir> <folder> [score]
 */
import { createCore } from '../api/core'

const [dataDir, folder, what] = process.argv.slice(2)
if (!dataDir || !folder) {
  process.stderr.write('usage: core-child <dataDir> <folder> [score]\n')
  process.exit(2)
}
// One probe at a time so the scan takes long enough to be killed in the middle.
const core = createCore({ dataDir, host: 'cli', version: 'test', scanConcurrency: 1 })
core.subscribe((event, payload) => {
  process.stdout.write(`${JSON.stringify({ event, payload })}\n`)
  const p = payload as { kind?: string; state?: string }
  if (what === 'score' && event === 'jobs.onProgress' && p.kind === 'scan' && p.state === 'done') {
    void core.handlers['scores.start']({ scope: 'unscored', mode: 'full' })
  }
})
void core.handlers['folders.add']({ path: folder })
