import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { looksLikeTransportStream, walkVideos } from './walk'

describe('walk', () => {
  it('tells a transport stream from a TypeScript file', async () => {
    const ts = new Uint8Array(400)
    ts[0] = 0x47
    ts[188] = 0x47
    expect(looksLikeTransportStream(ts)).toBe(true)
    const m2ts = new Uint8Array(400)
    m2ts[4] = 0x47
    m2ts[196] = 0x47
    expect(looksLikeTransportStream(m2ts)).toBe(true)
    expect(looksLikeTransportStream(new TextEncoder().encode('export const x = 1\n'.repeat(30)))).toBe(false)

    const dir = mkdtempSync(join(tmpdir(), 'vqa-walk-'))
    try {
      mkdirSync(join(dir, 'src'))
      writeFileSync(join(dir, 'src', 'index.ts'), 'export const answer = 42\n'.repeat(20))
      writeFileSync(join(dir, 'capture.ts'), ts)
      writeFileSync(join(dir, 'notes.txt'), 'hello')
      const r = await walkVideos(dir)
      expect(r.files).toEqual([join(dir, 'capture.ts')])
      expect(r.ignored).toBe(2)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
