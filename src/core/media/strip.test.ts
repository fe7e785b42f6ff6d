import { execFileSync } from 'node:child_process'
import { mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ffmpegPath, makeClip } from '../testing/media-fixtures'
import { ensureStrip, stripFrameArgs, stripTileArgs, stripTimes } from './strip'

describe('strip arguments', () => {
  it('takes each frame in the middle of its stretch', () => {
    expect(stripTimes(8, 4)).toEqual([1, 3, 5, 7])
    expect(stripTimes(null, 2)).toEqual([0, 0])
  })
  it('seeks before the input and letterboxes into a fixed tile', () => {
    expect(stripFrameArgs('/v/a.mp4', '/t/f.jpg', 12.5)).toEqual([
      '-hide_banner', '-nostdin', '-loglevel', 'error', '-y',
      '-ss', '12.500', '-i', 'file:/v/a.mp4', '-an', '-sn', '-dn', '-frames:v', '1',
      '-vf', 'scale=160:90:force_original_aspect_ratio=decrease:flags=bilinear,pad=160:90:(ow-iw)/2:(oh-ih)/2:color=black,setsar=1',
      '-f', 'image2', '-update', '1', 'file:/t/f.jpg'
    ])
  })
  it('tiles the stills into one row', () => {
    expect(stripTileArgs('/t/frame-%03d.jpg', '/t/s.jpg', 24)).toContain('tile=24x1')
  })
})

describe('ensureStrip (real ffmpeg)', () => {
  let dir: string
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'vqa-strip-'))
  })
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it('makes a 24-frame sprite once and reuses it', async () => {
    const clip = await makeClip(join(dir, 'portrait.mp4'), { seconds: 3, width: 90, height: 160 })
    const cache = join(dir, 'cache')
    const file = await ensureStrip(ffmpegPath(), cache, { path: clip, fingerprint: 'fp1', duration: 3 })
    const size = execFileSync(ffmpegPath().replace(/ffmpeg$/, 'ffprobe'), ['-v', 'error', '-show_entries', 'stream=width,height', '-of', 'csv=p=0', file]).toString().trim()
    expect(size).toBe('3840,90')
    expect(await ensureStrip(ffmpegPath(), cache, { path: clip, fingerprint: 'fp1', duration: 3 })).toBe(file)
    expect(readdirSync(cache)).toEqual(['fp1.strip.jpg'])
  })
})
