import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ffmpegPath, runFfmpeg } from '../testing/media-fixtures'
import { detectSceneCuts, parseSceneCuts, sceneCutArgs } from './scenes'

describe('sceneCutArgs', () => {
  it('decodes every frame of a short clip at low resolution', () => {
    expect(sceneCutArgs('/v/a.mov', 30)).toEqual([
      '-hide_banner', '-nostdin', '-loglevel', 'error',
      '-i', 'file:/v/a.mov', '-map', '0:v:0', '-an', '-sn', '-dn',
      '-vf', "setpts=PTS-STARTPTS,scale=160:-2:flags=fast_bilinear,select='gt(scene,0.3)',metadata=mode=print:file=-",
      '-f', 'null', '-'
    ])
  })
  it('decodes only keyframes of a long file', () => {
    const args = sceneCutArgs('/v/long.mxf', 3600, 0.4)
    expect(args.slice(4, 6)).toEqual(['-skip_frame', 'nokey'])
    expect(args.join(' ')).toContain("gt(scene,0.4)")
  })
})

describe('parseSceneCuts', () => {
  it('reads each printed frame time, sorted and de-duplicated', () => {
    const text = [
      'frame:1    pts:360000  pts_time:4',
      'lavfi.scene_score=0.699404',
      'frame:0    pts:180000  pts_time:2.00004',
      'lavfi.scene_score=0.749058',
      'frame:2    pts:180001  pts_time:2.01',
      'lavfi.scene_score=0.5'
    ].join('\n')
    expect(parseSceneCuts(text)).toEqual([2, 4])
  })
  it('drops the first frame and garbage', () => {
    expect(parseSceneCuts('frame:0 pts:0 pts_time:0\nframe:1 pts:1 pts_time:nan\n')).toEqual([])
    expect(parseSceneCuts('')).toEqual([])
  })
})

describe('detectSceneCuts (real ffmpeg)', () => {
  let dir: string
  let file: string
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'vqa-scenes-'))
    file = join(dir, 'three shots.mpg')
    // Three unrelated sources, 2 s each, as MPEG-2 in a program stream (its timestamps do not start at 0).
    await runFfmpeg([
      '-hide_banner', '-loglevel', 'error', '-y',
      '-f', 'lavfi', '-i', 'testsrc2=s=320x180:r=25:d=2',
      '-f', 'lavfi', '-i', 'smptebars=s=320x180:r=25:d=2',
      '-f', 'lavfi', '-i', 'mandelbrot=s=320x180:r=25,trim=duration=2',
      '-filter_complex', '[0][1][2]concat=n=3:v=1:a=0',
      '-c:v', 'mpeg2video', '-q:v', '4', `file:${file}`
    ])
  })
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it('finds the two cuts at 2 s and 4 s', async () => {
    const cuts = await detectSceneCuts(ffmpegPath(), file, 6)
    expect(cuts).toHaveLength(2)
    expect(cuts[0]).toBeCloseTo(2, 1)
    expect(cuts[1]).toBeCloseTo(4, 1)
  })
})
