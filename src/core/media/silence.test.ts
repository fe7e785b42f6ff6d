import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { locateFfmpeg } from './locate'
import { detectSilence, parseSilence, silenceArgs } from './silence'

describe('silence detection', () => {
  it('builds an audio-only silencedetect run', () => {
    expect(silenceArgs('/a b.mov', 5)).toEqual(['-hide_banner', '-nostats', '-loglevel', 'info', '-i', 'file:/a b.mov', '-map', '0:a:0', '-vn', '-sn', '-dn',
      '-af', 'silencedetect=n=-50dB:d=5', '-f', 'null', '-'])
  })

  it('parses ranges, closing one left open at the end of the file', () => {
    const log = [
      '[silencedetect @ 0x1] silence_start: 2.00002',
      '[silencedetect @ 0x1] silence_end: 7.5 | silence_duration: 5.49998',
      '[silencedetect @ 0x1] silence_start: -0.01',
      '[silencedetect @ 0x1] silence_end: 1 | silence_duration: 1',
      '[silencedetect @ 0x1] silence_start: 10'
    ].join('\n')
    expect(parseSilence(log, 12)).toEqual([{ start: 2.00002, end: 7.5 }, { start: 0, end: 1 }, { start: 10, end: 12 }])
    expect(parseSilence('', 12)).toEqual([])
  })

  it('finds the silent stretch of a real clip', async () => {
    const { ffmpeg } = locateFfmpeg()
    const dir = mkdtempSync(join(tmpdir(), 'vqa-silence-'))
    try {
      const file = join(dir, 'talk.mp4')
      // A tone, muted from 3 s to 9 s, in a 12 s clip.
      execFileSync(ffmpeg, ['-hide_banner', '-loglevel', 'error', '-f', 'lavfi', '-i', 'testsrc2=s=64x36:r=10', '-f', 'lavfi', '-i', 'sine=f=440:r=48000',
        '-af', "volume=enable='between(t,3,9)':volume=0", '-t', '12', '-c:v', 'libx264', '-c:a', 'aac', '-shortest', file])
      const ranges = await detectSilence(ffmpeg, file, 2, 12)
      expect(ranges).toHaveLength(1)
      expect(ranges[0]!.start).toBeCloseTo(3, 0)
      expect(ranges[0]!.end).toBeCloseTo(9, 0)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
