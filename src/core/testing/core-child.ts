/**
 * A core in a child process, for crash tests: adds a folder and scans it, printing each progress event as a JSON
 * line. The test kills it with SIGKILL mid-scan and checks that the next core resumes the job.
 * Usage: node --import tsx core-child.ts <dataDir> <folder>
 */
import { createCore } from '../api/core'

const [dataDir, folder] = process.argv.slice(2)
if (!dataDir || !folder) {
  process.stderr.write('usage: core-child <dataDir> <folder>\n')
  process.exit(2)
}
// One probe at a time so the scan takes long enough to be killed in the middle.
const core = createCore({ dataDir, host: 'cli', version: 'test', scanConcurrency: 1 })
core.subscribe((event, payload) => process.stdout.write(`${JSON.stringify({ event, payload })}\n`))
void core.handlers['folders.add']({ path: folder })
