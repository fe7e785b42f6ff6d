import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { fingerprintFile, SAMPLE_BYTES, sampleOffsets } from './fingerprint'

describe('fingerprint', () => {
  it('samples start, middle and end of large files, and small files whole', () => {
    expect(sampleOffsets(100)).toEqual([0])
    expect(sampleOffsets(SAMPLE_BYTES * 10)).toEqual([0, SAMPLE_BYTES * 5 - SAMPLE_BYTES / 2, SAMPLE_BYTES * 9])
  })

  it('is equal for copies and differs when sampled bytes or size differ', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vqa-fp-'))
    try {
      const big = Buffer.alloc(SAMPLE_BYTES * 8, 7)
      const write = (name: string, b: Buffer): string => {
        const p = join(dir, name)
        writeFileSync(p, b)
        return p
      }
      const a = write('a', big)
      const copy = write('b', Buffer.from(big))
      const endChanged = Buffer.from(big)
      endChanged[endChanged.length - 1] = 1
      const c = write('c', endChanged)
      const fp = (p: string, size: number) => fingerprintFile(p, size)
      expect(await fp(a, big.length)).toBe(await fp(copy, big.length))
      expect(await fp(c, big.length)).not.toBe(await fp(a, big.length))
      const small = write('d', Buffer.from('hello'))
      expect(await fp(small, 5)).toMatch(/^[0-9a-f]{32}$/)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
