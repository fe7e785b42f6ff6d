/**
 * A core in a child process, for crash tests: adds a folder and scans it (and with "score", then scores it), printing
 * each event as a JSON line. The test kills it with SIGKILL mid-job and checks that the next core resumes the job.
 * With "train", the folder is ignored and a fine-tuning run starts on the catalog's labels (params as JSON in argv[4]).
 * Usage: node --import tsx core-child.ts <dataDir> <folder> [score|train] [params]
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
if (what === 'train') {
  const params = JSON.parse(process.argv[5] ?? '{}') as Record<string, unknown>
  void core.handlers['training.start']({
    method: 'grpo', rewards: ['reg', 'rank', 'temporal'], epochs: 8, group: 4, beta: 0.04, learningRate: 0.003, batchSize: 8,
    validationFraction: 0.25, seed: 5, ...params
  })
} else void core.handlers['folders.add']({ path: folder })
