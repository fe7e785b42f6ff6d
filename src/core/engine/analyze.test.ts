// Integration: the built-in pack on clips made by ffmpeg with a known defect at a known time.
import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { locateFfmpeg } from '../media/locate'
import { listKeyframes } from '../media/probe'
import { analyzeFile, FAST_WINDOW_SECONDS, fastWindowsPerProcess, type SegmentResult } from './analyze'
import { builtinPackDir } from './builtin'
import { OrtEngine } from './ort'
import { loadPack, type LoadedPack } from './pack'
import { poolClip } from './pooling'

const { ffmpeg, ffprobe } = locateFfmpeg()
let dir: string
let pack: LoadedPack

/** A moving, detailed picture (two test sources blended) with `filter` applied. */
function clip(name: string, filter: string, seconds = 6): string {
  const file = join(dir, name)
  execFileSync(ffmpeg, ['-hide_banner', '-loglevel', 'error', '-f', 'lavfi', '-i', 'testsrc2=s=640x360:r=25', '-f', 'lavfi', '-i', 'mandelbrot=s=640x360:r=25',
    '-filter_complex', `[0:v][1:v]blend=all_mode=average${filter ? `,${filter}` : ''}`, '-t', String(seconds), '-c:v', 'libx264', '-crf', '12', '-pix_fmt', 'yuv420p', file])
  return file
}

const analyze = (file: string): Promise<SegmentResult[]> => analyzeFile(pack, ffmpeg, file, { width: 640, height: 360, fps: 25 })

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'vqa-analyze-'))
  pack = await loadPack(builtinPackDir(), new OrtEngine('cpu'))
})
afterAll(async () => {
  await pack?.dispose()
  rmSync(dir, { recursive: true, force: true })
})

describe('the built-in pack on known defects', () => {
  it('finds black frames in the segment that has them, and scores it lowest', async () => {
    const segs = await analyze(clip('black.mp4', "drawbox=c=black:t=fill:enable='between(t,2,3.99)'"))
    expect(segs.map((s) => [s.start, s.end])).toEqual([[0, 2], [2, 4], [4, 6]])
    const black = segs.map((s) => s.severities['black']!)
    expect(black[1]).toBeGreaterThan(0.5)
    expect(black[1]).toBeGreaterThan(Math.max(black[0]!, black[2]!) + 0.3)
    expect(segs[1]!.score).toBeLessThan(Math.min(segs[0]!.score, segs[2]!.score) - 0.5)
    expect(segs[1]!.evidence['black_frames']).toBeGreaterThan(0.9)
    expect(poolClip(segs)).toBeLessThan(segs.reduce((a, s) => a + s.score, 0) / segs.length)
  })

  it('rates heavy blur worse than the clean picture, and names blur', async () => {
    const [clean, blurred] = await Promise.all([analyze(clip('clean.mp4', '', 4)), analyze(clip('blur.mp4', 'gblur=sigma=6', 4))])
    expect(poolClip(blurred)).toBeLessThan(poolClip(clean) - 0.5)
    const top = Object.entries(blurred[0]!.severities).sort((a, b) => b[1] - a[1])[0]
    expect(top?.[0]).toBe('blur')
  })

  it('fast mode scores every segment of a file longer than one batch of windows, and finds the defect in the late one', async () => {
    const seconds = 2 * (fastWindowsPerProcess(640, 360, 2) + 2)
    const file = clip('fast-long.mp4', `drawbox=c=black:t=fill:enable='between(t,${seconds - 4},${seconds - 2.01})'`, seconds)
    const segs = await analyzeFile(pack, ffmpeg, file, { width: 640, height: 360, fps: 25 }, {
      fast: { windowSeconds: FAST_WINDOW_SECONDS, duration: seconds, keyframes: await listKeyframes(ffprobe, file) }
    })
    expect(segs.map((s) => s.index)).toEqual(Array.from({ length: seconds / 2 }, (_, i) => i))
    expect(segs.map((s) => s.start)).toEqual(Array.from({ length: seconds / 2 }, (_, i) => 2 * i))
    const black = segs.map((s) => s.severities['black']!)
    const worst = black.indexOf(Math.max(...black))
    expect(worst).toBe(seconds / 2 - 2)
    expect(black[worst]).toBeGreaterThan(0.5)
    // A hardware decoder that fails on the file: every batch still comes back, decoded in software, with the same scores.
    const soft = await analyzeFile(pack, ffmpeg, file, { width: 640, height: 360, fps: 25 }, {
      hwaccel: 'nosuchaccel',
      fast: { windowSeconds: FAST_WINDOW_SECONDS, duration: seconds, keyframes: await listKeyframes(ffprobe, file) }
    })
    expect(soft.map((s) => [s.start, s.score])).toEqual(segs.map((s) => [s.start, s.score]))
  })
})
