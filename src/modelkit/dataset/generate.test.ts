/**
 * Integration: three tiny clips from a synthetic lavfi picture (no apt, no Debian pictures) through the real
 * generator, then checks on the files themselves.
 */
import { execFile } from 'node:child_process'
import { promises as fs } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { locateFfmpeg } from '../../core/media/locate'
import type { ClipGeometry } from './distortions'
import { generateDataset, type DatasetFile } from './generate'
import { applied, makeClip, type PlannedSource } from './plan'
import { createRng } from './prng'
import { planCamera } from './render'

const run = promisify(execFile)
const geo: ClipGeometry = { width: 160, height: 90, fps: 25, seconds: 1 }
const source: PlannedSource = {
  file: 'testsrc2',
  package: 'lavfi',
  width: 480,
  height: 270,
  // One frame of a detailed test pattern, larger than the output so the camera has room to move.
  input: { kind: 'lavfi', graph: 'testsrc2=size=480x270:rate=1:duration=1' }
}

let dir = ''
let ds: DatasetFile

/** The same three clips every time (seeded): the resume test relies on it. */
function testPlan() {
  const rng = createRng(1)
  const camera = planCamera(rng)
  return [
    makeClip('blur-1', 'single', source, geo, camera, [applied('blur', 1, 0, 1, geo, rng)]),
    makeClip('blur-4', 'single', source, geo, camera, [applied('blur', 4, 0, 1, geo, rng)]),
    makeClip('black-window', 'window', source, geo, camera, [applied('black', 4, 0.4, 0.7, geo, rng)])
  ]
}

beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'vqa-dataset-test-'))
  ds = await generateDataset({ outDir: dir, split: 'train', seed: 1, plan: testPlan(), concurrency: 2 })
}, 120_000)

afterAll(async () => {
  if (dir) await fs.rm(dir, { recursive: true, force: true })
})

/** Mean luma of every frame, from decoded 8-bit grey frames. */
async function frameLuma(file: string): Promise<number[]> {
  const { ffmpeg } = locateFfmpeg()
  const { stdout } = await run(ffmpeg, ['-v', 'error', '-i', file, '-vf', 'format=gray', '-f', 'rawvideo', '-'], { encoding: 'buffer', maxBuffer: 64 * 1024 * 1024 })
  const size = geo.width * geo.height
  const out: number[] = []
  for (let off = 0; off + size <= stdout.length; off += size) {
    let sum = 0
    for (let i = off; i < off + size; i++) sum += stdout[i] as number
    out.push(sum / size)
  }
  return out
}

describe('generateDataset (lavfi source)', () => {
  it('writes every clip with the planned size and frame count', async () => {
    const { ffprobe } = locateFfmpeg()
    expect(ds.clips.map((c) => c.id)).toEqual(['blur-1', 'blur-4', 'black-window'])
    for (const c of ds.clips) {
      const { stdout } = await run(ffprobe, ['-v', 'error', '-count_frames', '-show_entries', 'stream=width,height,nb_read_frames', '-of', 'csv=p=0', path.join(dir, c.file)])
      expect(stdout.trim()).toBe('160,90,25')
    }
    const json = JSON.parse(await fs.readFile(path.join(dir, 'dataset.json'), 'utf8')) as DatasetFile
    expect(json.clips).toHaveLength(3)
    expect(json.createdWith).toMatch(/ffmpeg/)
  })

  it('measures much lower SSIM for level-4 blur than level-1 blur, and gives it a lower target', () => {
    const [b1, b4] = ds.clips
    const s1 = b1?.segments[0]
    const s4 = b4?.segments[0]
    expect(s1 && s4).toBeTruthy()
    // Blur sigma scales with picture height, so at 90 lines level 4 is sigma 1.2: SSIM falls by about 0.05, and the
    // SSIM loss is many times that of level 1.
    const loss1 = 1 - (s1?.ssim ?? 0)
    const loss4 = 1 - (s4?.ssim ?? 1)
    expect(loss4 - loss1).toBeGreaterThan(0.03)
    expect(loss4).toBeGreaterThan(4 * loss1)
    expect(s1?.ssim ?? 0).toBeGreaterThan(0.97)
    expect(s4?.quality ?? 5).toBeLessThan(s1?.quality ?? 0)
  })

  it('blacks out only the window [0.4, 0.7) s', async () => {
    const luma = await frameLuma(path.join(dir, 'clips', 'black-window.mp4'))
    expect(luma).toHaveLength(25)
    luma.forEach((y, n) => {
      const inside = n >= 10 && n < 18
      if (inside) expect(y, `frame ${n}`).toBeLessThan(20)
      else expect(y, `frame ${n}`).toBeGreaterThan(50)
    })
    const seg = ds.clips[2]?.segments[0]
    expect(seg?.severities.black).toBeCloseTo(0.3, 5)
  })

  it('resumes without redoing finished clips', async () => {
    const before = (await fs.stat(path.join(dir, 'clips', 'blur-4.mp4'))).mtimeMs
    const plan = testPlan()
    const again = await generateDataset({ outDir: dir, split: 'train', seed: 1, plan })
    expect(again.timing.reusedClips).toBe(3)
    expect((await fs.stat(path.join(dir, 'clips', 'blur-4.mp4'))).mtimeMs).toBe(before)
    const { timing: _a, ...restA } = again
    const { timing: _b, ...restB } = ds
    expect(restA).toEqual(restB)
  })
})
