// Integration: scoring a folder through the core (built-in pack, real clips, on-disk catalog), flags, history,
// and a SIGKILL in the middle of a scoring job.
import { execFileSync, spawn } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { JobProgress } from '../../shared/contract'
import { createCore, type Core } from '../api/core'
import { locateFfmpeg } from '../media/locate'
import { killWhen } from '../testing/child-events'

const { ffmpeg } = locateFfmpeg()
let dir: string

function clip(file: string, filter: string, seconds: number): void {
  execFileSync(ffmpeg, ['-hide_banner', '-loglevel', 'error', '-f', 'lavfi', '-i', 'testsrc2=s=320x180:r=25', '-f', 'lavfi', '-i', 'mandelbrot=s=320x180:r=25',
    '-filter_complex', `[0:v][1:v]blend=all_mode=average${filter ? `,${filter}` : ''}`, '-t', String(seconds), '-c:v', 'libx264', '-crf', '14', '-pix_fmt', 'yuv420p', file])
}

function finished(core: Core, kind: 'scan' | 'score'): Promise<JobProgress> {
  return new Promise((resolve) => {
    const off = core.subscribe((event, payload) => {
      const p = payload as JobProgress
      if (event === 'jobs.onProgress' && p.kind === kind && (p.state === 'done' || p.state === 'failed' || p.state === 'cancelled')) {
        off()
        resolve(p)
      }
    })
  })
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'vqa-scoring-'))
  mkdirSync(join(dir, 'footage'))
  clip(join(dir, 'footage', 'clean.mp4'), '', 4)
  clip(join(dir, 'footage', 'black middle.mp4'), "drawbox=c=black:t=fill:enable='between(t,2,3.99)'", 6)
  // The same clip with sound for its first 2 s only: silence from 2 s to the end.
  execFileSync(ffmpeg, ['-hide_banner', '-loglevel', 'error', '-i', join(dir, 'footage', 'black middle.mp4'), '-f', 'lavfi', '-i', 'sine=f=440:r=48000:d=2', '-af', 'apad',
    '-t', '6', '-c:v', 'copy', '-c:a', 'aac', '-shortest', join(dir, 'footage', 'black middle with sound.mp4')])
  rmSync(join(dir, 'footage', 'black middle.mp4'))
  // Two shots: 2.6 s of one picture, then 2.4 s of another.
  execFileSync(ffmpeg, ['-hide_banner', '-loglevel', 'error', '-f', 'lavfi', '-i', 'testsrc2=s=320x180:r=25:d=2.6', '-f', 'lavfi', '-i', 'mandelbrot=s=320x180:r=25',
    '-filter_complex', '[1:v]trim=duration=2.4,format=yuv420p,setsar=1[b];[0:v]format=yuv420p,setsar=1[a];[a][b]concat=n=2:v=1[v]', '-map', '[v]',
    '-c:v', 'libx264', '-crf', '14', join(dir, 'footage', 'two shots.mp4')])
  writeFileSync(join(dir, 'footage', 'broken.mp4'), 'not a video')
  mkdirSync(join(dir, 'flash'))
  // Half a second of black inside a 6 s clip: too short to mark a whole segment, placed by the segment's parts.
  clip(join(dir, 'flash', 'black flash.mp4'), "drawbox=c=black:t=fill:enable='between(t,2.5,2.99)'", 6)
  mkdirSync(join(dir, 'many'))
  for (let i = 0; i < 8; i++) clip(join(dir, 'many', `take ${i}.mp4`), `hue=h=${i * 40}`, 2)
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('scoring through the core', () => {
  it('scores a folder, flags the black stretch where it is, and keeps the history', async () => {
    const core = createCore({ dataDir: join(dir, 'data'), host: 'cli', version: 'test' })
    try {
      const scanned = finished(core, 'scan')
      await core.handlers['folders.add']({ path: join(dir, 'footage') })
      await scanned
      const scored = finished(core, 'score')
      const started = await core.handlers['scores.start']({ scope: 'unscored', mode: 'full' })
      expect(started.clips).toBe(3) // the broken file is not a clip to score
      const job = await scored
      expect(job.summary).toMatch(/^3 scored with vqa-default/)

      const id = (name: string) => (core.db.prepare('SELECT id FROM clips WHERE name = ?').get(name) as { id: number }).id
      const [black] = await core.handlers['clips.scores']({ id: id('black middle with sound.mp4') })
      const [clean] = await core.handlers['clips.scores']({ id: id('clean.mp4') })
      // Silent audio is kept with the score (the timeline draws it); a clip without sound has none to look for.
      expect(black!.silences).toHaveLength(1)
      expect(black!.silences![0]!.start).toBeCloseTo(2, 0)
      expect(black!.silences![0]!.end).toBeCloseTo(6, 0)
      expect(clean!.silences).toBeNull()
      // Segments end at the scene cut, and the cut is kept as the clip's own (the timeline marks it, no re-detection).
      const [shots] = await core.handlers['clips.scores']({ id: id('two shots.mp4') })
      expect(shots!.segments.map((s) => [s.start, s.end])).toEqual([[0, 2.6], [2.6, 5]])
      expect(await core.handlers['clips.sceneCuts']({ id: id('two shots.mp4') })).toEqual({ cuts: [2.6] })
      expect(black!.segments.map((s) => [s.start, s.end])).toEqual([[0, 2], [2, 4], [4, 6]])
      expect(black!.segments[1]!.severities['black']).toBeGreaterThan(0.5)
      expect(black!.segments[1]!.explanation).toMatch(/^00:02–00:04: .*black/)
      expect(black!.flags.some((f) => f.rule === 'black' && f.start === 2 && f.end === 4)).toBe(true)
      expect(black!.summary).toMatch(/^<think>.*<\/think><answer>\d\.\d\d<\/answer>$/)
      expect(black!.score).toBeLessThan(clean!.score)

      // Nothing left to do; a re-score of the same content with the same model replaces, never duplicates.
      expect(await core.handlers['scores.start']({ scope: 'unscored', mode: 'full' })).toEqual({ jobId: null, clips: 0 })
      const again = finished(core, 'score')
      await core.handlers['scores.start']({ scope: 'clips', clipIds: [id('clean.mp4')], mode: 'fast' })
      expect((await again).summary).toMatch(/^1 scored/)
      const history = await core.handlers['clips.scores']({ id: id('clean.mp4') })
      expect(history.map((h) => h.mode)).toEqual(['fast', 'full'])
    } finally {
      await core.close()
    }
  })

  it('places a half-second black flash to its part of the segment, in the stored parts, the finding and the flag', async () => {
    const core = createCore({ dataDir: join(dir, 'data-flash'), host: 'cli', version: 'test' })
    try {
      await core.handlers['settings.set']({ flagRules: { clipBelow: null, segmentBelow: null, distortion: { severity: 0.65, seconds: 0.5 }, blackOrFrozenSeconds: null, silentSeconds: null } })
      const scanned = finished(core, 'scan')
      await core.handlers['folders.add']({ path: join(dir, 'flash') })
      await scanned
      const scored = finished(core, 'score')
      await core.handlers['scores.start']({ scope: 'unscored', mode: 'full' })
      await scored
      const clipId = (core.db.prepare('SELECT id FROM clips').get() as { id: number }).id
      const [score] = await core.handlers['clips.scores']({ id: clipId })
      // The black frames make a scene cut at 2.5 s, so a segment starts there; its first part holds the flash.
      const seg = score!.segments.find((s) => s.start <= 2.6 && s.end > 3)!
      expect(seg.parts).toHaveLength(4)
      const black = seg.parts!.filter((p) => (p.severities['black'] ?? 0) >= 0.5)
      expect(black.length).toBe(1)
      expect(black[0]!.start).toBeLessThan(2.6)
      expect(black[0]!.end).toBeLessThan(3.2)
      expect(seg.explanation).toMatch(/black or blank frames at 00:02\.5–00:03\.0/)
      // The flag names the half second, not the 2-second segment.
      const flag = score!.flags.find((f) => f.rule === 'distortion' && f.distortion === 'black')
      expect(flag).toBeDefined()
      expect(flag!.end - flag!.start).toBeLessThan(1)
      // Every other segment is clear of it.
      expect(score!.segments.filter((s) => s !== seg).every((s) => (s.parts ?? []).every((p) => (p.severities['black'] ?? 0) < 0.3))).toBe(true)
    } finally {
      await core.close()
    }
  })

  it('resumes a scoring job killed with SIGKILL and scores every clip exactly once', async () => {
    const dataDir = join(dir, 'data-crash')
    const child = spawn(process.execPath, ['--import', 'tsx', join(__dirname, '..', 'testing', 'core-child.ts'), dataDir, join(dir, 'many'), 'score'], {
      stdio: ['ignore', 'pipe', 'inherit']
    })
    await killWhen(child, (p) => p.kind === 'score' && p.done >= 3)
    const core = createCore({ dataDir, host: 'cli', version: 'test' })
    try {
      const before = (core.db.prepare('SELECT count(*) AS n FROM clip_scores').get() as { n: number }).n
      expect(before).toBeGreaterThanOrEqual(3)
      expect(before).toBeLessThan(8)
      await core.jobs.idle()
      expect((core.db.prepare('SELECT count(*) AS n FROM clip_scores').get() as { n: number }).n).toBe(8)
      expect(core.db.prepare('SELECT clip_id, count(*) AS n FROM clip_scores GROUP BY clip_id HAVING n > 1').all()).toEqual([])
      expect((core.db.prepare('SELECT count(*) AS n FROM clips WHERE score IS NOT NULL').get() as { n: number }).n).toBe(8)
    } finally {
      await core.close()
    }
  })
})
