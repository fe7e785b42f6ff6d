import { describe, expect, it } from 'vitest'
import { deathReason, workerEntry } from './launch'

describe('training worker launch', () => {
  it('says why a worker died, and that the labels are safe', () => {
    expect(deathReason(null, 'SIGKILL', '')).toBe(
      'The training worker was killed (SIGKILL — out of memory, or killed from outside). Your labels are safe; the run can be started again.'
    )
    expect(deathReason(1, null, 'a\nb\nc\nRangeError: boom\n')).toMatch(/exited with code 1: b \| c \| RangeError: boom\./)
  })
  it('finds its entry: the bundle beside the built code, or the source under tsx', () => {
    const e = workerEntry()
    expect(e.file).toMatch(/worker\.ts$/)
    expect(e.execArgv).toEqual(['--import', 'tsx'])
  })
})
