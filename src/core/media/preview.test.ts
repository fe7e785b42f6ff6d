import { execFileSync } from 'node:child_process'
import { mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ffmpegPath, makeClip, runFfmpeg } from '../testing/media-fixtures'
import { parseProgress, PreviewService, previewArgs, progressFraction, type PreviewStatus } from './preview'

describe('previewArgs', () => {
  it('builds an H.264/AAC faststart MP4 with progress on stdout', () => {
    expect(previewArgs('/in/a b.mov', '/out/x.part.mp4')).toEqual([
      '-hide_banner', '-nostdin', '-loglevel', 'error', '-y',
      '-i', 'file:/in/a b.mov',
      '-map', '0:v:0', '-map', '0:a:0?', '-sn', '-dn',
      '-vf', "yadif=deint=interlaced,scale=w='trunc(min(1280,iw*sar)/2)*2':h='2*round(ow/dar/2)':flags=bicubic,setsar=1,format=yuv420p",
      '-c:v', 'libx264', '-preset', 'veryfast', '-crf', '23', '-profile:v', 'high',
      '-c:a', 'aac', '-b:a', '160k', '-ac', '2',
      '-movflags', '+faststart',
      '-progress', 'pipe:1', '-nostats',
      '-f', 'mp4', 'file:/out/x.part.mp4'
    ])
  })
})

describe('parseProgress', () => {
  it('reads the latest out_time of the blocks', () => {
    const text = 'frame=10\nout_time_us=400000\nout_time=00:00:00.400000\nprogress=continue\nframe=20\nout_time_us=800000\nprogress=continue\n'
    expect(parseProgress(text)).toEqual({ outTime: 0.8, end: false })
  })
  it('falls back to the clock form and sees the end', () => {
    expect(parseProgress('out_time=01:02:03.500000\r\nprogress=end\r\n')).toEqual({ outTime: 3723.5, end: true })
  })
  it('ignores N/A and noise', () => {
    expect(parseProgress('out_time_us=N/A\nout_time=N/A\nbitrate=N/A\n')).toEqual({ outTime: null, end: false })
  })
  it('turns out_time into a clamped fraction', () => {
    expect(progressFraction(5, 10)).toBe(0.5)
    expect(progressFraction(12, 10)).toBe(1)
    expect(progressFraction(5, null)).toBeNull()
    expect(progressFraction(null, 10)).toBeNull()
  })
})

describe('PreviewService (real ffmpeg)', () => {
  let dir: string
  let mpeg2: string
  let avi: string
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'vqa-preview-'))
    mpeg2 = join(dir, 'in', 'dvd.mpg')
    await makeClip(join(dir, 'in', 'seed.mp4'), { seconds: 2, width: 320, height: 180 })
    // Anamorphic MPEG-2 (720×480 stored, 16:9 shown) with MP2 audio: what a DVD rip looks like.
    await runFfmpeg([
      '-hide_banner', '-loglevel', 'error', '-y',
      '-f', 'lavfi', '-i', 'testsrc2=s=720x480:r=25:d=2',
      '-f', 'lavfi', '-i', 'sine=frequency=440:duration=2',
      '-vf', 'setsar=32/27', '-c:v', 'mpeg2video', '-q:v', '5', '-c:a', 'mp2', '-shortest', `file:${mpeg2}`
    ])
    avi = await makeClip(join(dir, 'in', 'old.avi'), { codec: 'mpeg4', seconds: 1 })
  })
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  const probe = (file: string): string =>
    execFileSync(ffmpegPath().replace(/ffmpeg$/, 'ffprobe'), ['-v', 'error', '-show_entries', 'stream=codec_name,width,height,pix_fmt,sample_aspect_ratio', '-of', 'csv=p=0', file]).toString()

  it('transcodes MPEG-2 to square-pixel H.264 + AAC, reporting progress, then serves it from the cache', async () => {
    const events: PreviewStatus[] = []
    const svc = new PreviewService({ ffmpeg: ffmpegPath(), dir: join(dir, 'previews'), onChange: (_id, s) => events.push(s) })
    const clip = { id: 1, path: mpeg2, fingerprint: 'fp-mpeg2', duration: 2 }
    expect(await svc.status(clip)).toEqual({ state: 'none' })
    expect((await svc.start(clip)).state).toBe('working')
    // Asking again while it runs does not queue a second transcode.
    expect((await svc.start(clip)).state).toBe('working')
    await expect.poll(() => events.at(-1)?.state, { timeout: 30_000 }).toBe('ready')
    const file = join(dir, 'previews', 'fp-mpeg2.mp4')
    expect(await svc.status(clip)).toEqual({ state: 'ready', file })
    const streams = probe(file)
    expect(streams).toContain('h264,852,480,1:1,yuv420p')
    expect(streams).toContain('aac')
    // No partial files left behind.
    expect(readdirSync(join(dir, 'previews'))).toEqual(['fp-mpeg2.mp4'])
    expect(events.filter((e) => e.state === 'ready')).toHaveLength(1)
  })

  it('runs one transcode at a time and can cancel a queued or running one', async () => {
    const events: Array<[number, PreviewStatus]> = []
    const svc = new PreviewService({ ffmpeg: ffmpegPath(), dir: join(dir, 'previews2'), onChange: (id, s) => events.push([id, s]) })
    await svc.start({ id: 2, path: avi, fingerprint: 'fp-avi', duration: 1 })
    await svc.start({ id: 3, path: mpeg2, fingerprint: 'fp-queued', duration: 2 })
    expect(svc.cancel(3)).toBe(true)
    await expect.poll(() => events.find(([id, s]) => id === 2 && s.state === 'ready'), { timeout: 30_000 }).toBeTruthy()
    expect(events.some(([id, s]) => id === 3 && s.state === 'ready')).toBe(false)
    expect(probe(join(dir, 'previews2', 'fp-avi.mp4'))).toContain('h264,160,90,1:1,yuv420p')
    await svc.dispose()
  })

  it('reports a file ffmpeg cannot read as failed, with its reason', async () => {
    const events: PreviewStatus[] = []
    const svc = new PreviewService({ ffmpeg: ffmpegPath(), dir: join(dir, 'previews3'), onChange: (_id, s) => events.push(s) })
    const clip = { id: 4, path: join(dir, 'in', 'nope.mov'), fingerprint: 'fp-missing', duration: 1 }
    await svc.start(clip)
    await expect.poll(() => events.at(-1)?.state, { timeout: 30_000 }).toBe('failed')
    const st = await svc.status(clip)
    expect(st.state === 'failed' && st.error).toMatch(/could not make a preview/)
  })
})
