#!/usr/bin/env node
// Runs every vitest project and ends with one plain line, "tests: N passed, N failed, N skipped", which CI reads.
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const report = join(root, 'test-results', 'vitest.json')
mkdirSync(dirname(report), { recursive: true })
const vitest = join(root, 'node_modules', 'vitest', 'vitest.mjs')
const r = spawnSync(
  process.execPath,
  [vitest, 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${report}`, ...process.argv.slice(2)],
  { cwd: root, stdio: 'inherit', env: { ...process.env, VITE_CONFIG_NATIVE_IGNORE_WARNING: 'true' } }
)
let line = 'tests: 0 passed, 1 failed (no report written)'
if (existsSync(report)) {
  const j = JSON.parse(readFileSync(report, 'utf8'))
  const skipped = (j.numPendingTests ?? 0) + (j.numTodoTests ?? 0)
  line = `tests: ${j.numPassedTests} passed, ${j.numFailedTests} failed, ${skipped} skipped`
}
process.stdout.write(`\n${line}\n`)
process.exit(r.status ?? 1)
