/** `npm run bench`: prints each benchmark's figures and writes them to test-results/bench.json. */
import { mkdirSync, writeFileSync } from 'node:fs'
import { cpus } from 'node:os'
import { benchImport, benchQueries, type BenchLine } from './library'
import { benchModel } from './model'
import { benchScoring } from './scoring'
import { benchTraining } from './training'

async function main(): Promise<void> {
  const only = process.argv[2]
  const lines: BenchLine[] = []
  const print = (ls: BenchLine[]): void => {
    for (const l of ls) process.stdout.write(`${l.name.padEnd(34)} ${l.value.padEnd(18)} ${l.note ?? ''}\n`)
    lines.push(...ls)
  }
  process.stdout.write(`VQA Inspector benchmarks — ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, node ${process.version}\n\n`)
  if (!only || only === 'import') print(await benchImport())
  if (!only || only === 'query') print(benchQueries())
  if (!only || only === 'model') print(await benchModel())
  if (!only || only === 'scoring') print(await benchScoring())
  if (!only || only === 'training') print(await benchTraining())
  mkdirSync('test-results', { recursive: true })
  writeFileSync('test-results/bench.json', JSON.stringify({ at: new Date().toISOString(), lines }, null, 2))
}

void main()
