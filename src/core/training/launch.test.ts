import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { deathReason, workerEntry } from './launch'

describe('training worker launch', () => {
  it('says why a worker died, and that the labels are safe', () => {
    expect(deathReason(null, 'SIGKILL', '')).toBe(
      'The training worker was killed (SIGKILL — out of memory, or killed from outside). Your labels are safe; the run can be started again.'
    )
    expect(deathReason(1, null, 'a\nb\nc\nRangeError: boom\n')).toMatch(/exited with code 1: RangeError: boom\./)
    const node = "node:internal/x\n  throw err\nError [ERR_MODULE_NOT_FOUND]: Cannot find package 'tsx'\n    at f (x.js:1)\n}\n\nNode.js v20.20.2\n"
    expect(deathReason(1, null, node)).toMatch(/code 1: Error \[ERR_MODULE_NOT_FOUND\]: Cannot find package 'tsx'\./)
    expect(deathReason(2, null, 'just words\nmore')).toMatch(/code 2: just words \| more\./)
  })
  it('finds its entry: the bundle beside the built code (or above a shared chunk), else the source under tsx', () => {
    const e = workerEntry()
    expect(e.file).toMatch(/worker\.ts$/)
    expect(e.execArgv).toEqual(['--import', 'tsx'])
    const dir = mkdtempSync(join(tmpdir(), 'vqa-entry-'))
    try {
      mkdirSync(join(dir, 'chunks'))
      writeFileSync(join(dir, 'train-worker.js'), '')
      expect(workerEntry(join(dir, 'chunks'))).toEqual({ file: join(dir, 'chunks', '..', 'train-worker.js'), execArgv: [] })
      expect(workerEntry(dir)).toEqual({ file: join(dir, 'train-worker.js'), execArgv: [] })
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
