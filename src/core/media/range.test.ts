import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Readable } from 'node:stream'
import { describe, expect, it } from 'vitest'
import { fileResponse, mimeOf, parseRange } from './range'

describe('parseRange', () => {
  it('handles the forms browsers send', () => {
    expect(parseRange('bytes=0-', 1000)).toEqual({ start: 0, end: 999 })
    expect(parseRange('bytes=100-199', 1000)).toEqual({ start: 100, end: 199 })
    expect(parseRange('bytes=900-5000', 1000)).toEqual({ start: 900, end: 999 })
    expect(parseRange('bytes=-100', 1000)).toEqual({ start: 900, end: 999 })
    expect(parseRange('bytes=-5000', 1000)).toEqual({ start: 0, end: 999 })
  })
  it('rejects what cannot be served', () => {
    expect(parseRange('bytes=1000-', 1000)).toBe('unsatisfiable')
    expect(parseRange('bytes=5-2', 1000)).toBe('unsatisfiable')
    expect(parseRange(undefined, 1000)).toBeNull()
    expect(parseRange('bytes=0-1,5-6', 1000)).toBeNull() // multipart ranges: serve the whole file
    expect(parseRange('items=0-1', 1000)).toBeNull()
  })
})

async function text(body: Readable | null): Promise<string> {
  const chunks: Buffer[] = []
  for await (const c of body ?? []) chunks.push(c as Buffer)
  return Buffer.concat(chunks).toString()
}

describe('fileResponse', () => {
  it('serves whole files and byte ranges', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vqa-range-'))
    try {
      const f = join(dir, 'a.mp4')
      writeFileSync(f, '0123456789')
      const whole = await fileResponse(f, null)
      expect(whole.status).toBe(200)
      expect(whole.headers['Content-Length']).toBe('10')
      expect(await text(whole.body)).toBe('0123456789')
      const part = await fileResponse(f, 'bytes=2-4')
      expect(part.status).toBe(206)
      expect(part.headers['Content-Range']).toBe('bytes 2-4/10')
      expect(await text(part.body)).toBe('234')
      const bad = await fileResponse(f, 'bytes=20-')
      expect(bad.status).toBe(416)
      expect(mimeOf(f)).toBe('video/mp4')
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
