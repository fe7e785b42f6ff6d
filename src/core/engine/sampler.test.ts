import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { View, type View as ViewT } from '../../shared/model-pack'
import { locateFfmpeg } from '../media/locate'
import { probeFile } from '../media/probe'
import { makeClip } from '../testing/media-fixtures'
import { BufferPool } from './buffers'
import { fragmentRects, frameStep, lumaRangeFor, sourceGeometry, sparsePick, sparseSelect, pickFrames, sampleSegments, samplerArgs, samplerFilter, stretchChain, toTensor, windowStills, type SegmentFrames } from './sampler'

const views: ViewT[] = [
  View.parse({ name: 'frag', kind: 'fragments', grid: [4, 4], patch: [64, 64], align: 8, frames: 64, sampling: 'consecutive', maxFps: 30, pixelFormat: 'gray', layout: 'TCHW', dtype: 'uint8' }),
  View.parse({ name: 'glob', kind: 'resize', size: [90, 160], fit: 'stretch', frames: 64, sampling: 'consecutive', maxFps: 30, pixelFormat: 'rgb', layout: 'TCHW', dtype: 'uint8' })
]
const frag = views[0] as Extract<ViewT, { kind: 'fragments' }>

describe('sampler maths', () => {
  it('places fragment patches on the alignment grid, inside the frame', () => {
    const rects = fragmentRects(1920, 1080, frag)
    expect(rects).toHaveLength(16)
    for (const r of rects) {
      expect(r.x % 8).toBe(0)
      expect(r.y % 8).toBe(0)
      expect(r.x + r.w).toBeLessThanOrEqual(1920)
      expect(r.y + r.h).toBeLessThanOrEqual(1080)
    }
    expect(rects[0]).toEqual({ x: 208, y: 96, w: 64, h: 64 }) // centre (240, 135) less half a patch, snapped down
    // A frame exactly the mosaic's size is tiled without overlap.
    expect(fragmentRects(256, 256, frag).map((r) => [r.x, r.y])).toEqual(
      [0, 64, 128, 192].flatMap((y) => [0, 64, 128, 192].map((x) => [x, y]))
    )
  })

  it('picks each segment its still from inside it, a quarter in', () => {
    expect(sparsePick(0, 60, 15)).toBe(1) // stepped frame 15
    expect(sparsePick(60, 60, 15)).toBe(5)
    // A short segment after a cut at 61: frame 75, inside it — not 60, the last frame of the shot before.
    expect(sparsePick(61, 31, 15)).toBe(5)
    // A tail too short to hold one uses the last before it.
    expect(sparsePick(61, 5, 15)).toBe(4)
  })

  it('steps high frame rates down without duplicating', () => {
    expect(frameStep(25, views)).toBe(1)
    expect(frameStep(30, views)).toBe(1)
    expect(frameStep(29.97, views)).toBe(1)
    expect(frameStep(50, views)).toBe(2)
    expect(frameStep(59.94, views)).toBe(2)
    expect(frameStep(120, views)).toBe(4)
  })

  it('builds one decode with a pipe per view, never resampling the frame rate', () => {
    const args = samplerArgs('/v/a b.mp4', { width: 1280, height: 720, fps: 50 }, views)
    expect(args).toContain('file:/v/a b.mp4')
    expect(args.slice(args.indexOf('-filter_complex_threads'), args.indexOf('-filter_complex_threads') + 3)).toEqual(['-filter_complex_threads', '1', '-filter_complex'])
    // Seeking and the duration bound the input, so every output pipe stops together.
    const windowed = samplerArgs('/v/a.mp4', { width: 1280, height: 720, fps: 25 }, views, { start: 4, duration: 0.6, keyframeSeek: true })
    expect(windowed.slice(windowed.indexOf('-noaccurate_seek'), windowed.indexOf('-i') + 2)).toEqual(['-noaccurate_seek', '-ss', '4.000', '-t', '0.600', '-i', 'file:/v/a.mp4'])
    // Two views and the timestamps output (framecrc in milliseconds); fast mode's windows carry no timestamps.
    expect(args.filter((a) => a === 'passthrough')).toHaveLength(3)
    expect(args).toContain('pipe:1')
    expect(args).toContain('pipe:3')
    expect(args.slice(args.indexOf('pipe:3') + 1)).toEqual(['-map', '[ts]', '-fps_mode', 'passthrough', '-enc_time_base', '1:1000', '-f', 'framecrc', 'pipe:4'])
    expect(samplerArgs('/v/a.mp4', { width: 1280, height: 720, fps: 25 }, views, { windows: [{ start: 0, keyframeSeek: true }] })).not.toContain('framecrc')
    const { graph } = samplerFilter({ width: 1280, height: 720, fps: 50 }, views, 2)
    expect(graph).toMatch(/^\[0:v\]select=not\(mod\(n\\,2\)\)\\?,/)
    expect(graph).toContain('xstack=inputs=16')
    expect(graph).toContain('scale=160:90')
    // A plain RGB view: the whole frame, area-scaled and converted (planar) in one step.
    expect(graph).toContain('[v1]scale=160:90:flags=area,format=gbrp[out1]')
    // One that asks for fast scaling, of a 720p frame (8× the view's height): from every 4th row, scaled in YUV, converted small.
    const fast = samplerFilter({ width: 1280, height: 720, fps: 50 }, views.map((v) => (v.kind === 'resize' ? { ...v, scaling: 'fast' as const } : v)), 2).graph
    expect(fast).toContain('[v1]field=top,field=top,scale=160:90:flags=area,format=yuv420p,scale=160:90,format=gbrp[out1]')
    // Every 4th row only from 8× the height, every other row from 4×: the area filter still has ≥ 2 rows per output row.
    expect(stretchChain(1080, 90, 160, 'rgb', true)).toBe('field=top,field=top,scale=160:90:flags=area,format=yuv420p,scale=160:90')
    expect(stretchChain(719, 90, 160, 'rgb', true)).toBe('field=top,scale=160:90:flags=area,format=yuv420p,scale=160:90')
    expect(stretchChain(300, 90, 160, 'rgb', true)).toBe('scale=160:90:flags=area,format=yuv420p,scale=160:90')
    expect(stretchChain(1080, 288, 512, 'gray', true)).toBe('scale=512:288:flags=area')
    expect(stretchChain(2160, 288, 512, 'gray', true)).toBe('field=top,scale=512:288:flags=area')
    // The still of a portrait 4K frame (3840 rows ≥ 8 × 288): every 4th row, like the global view of 720p and up.
    expect(stretchChain(3840, 288, 512, 'gray', true)).toBe('field=top,field=top,scale=512:288:flags=area')
    expect(stretchChain(2160, 288, 512, 'gray')).toBe('scale=512:288:flags=area')
    // A 16×16 clip is scaled up until the 256×256 mosaic fits.
    expect(samplerFilter({ width: 16, height: 16, fps: 25 }, views, 1).graph).toContain('scale=256:256')
    // HDR is tone-mapped after frame selection (fewer frames to convert) and before anything is measured.
    const hdr = samplerFilter({ width: 1280, height: 720, fps: 50, hdr: 'PQ' }, views, 2).graph
    expect(hdr).toContain('select=not(mod(n\\,2)),zscale=t=linear:npl=100,')
    expect(hdr).toContain('tonemap=tonemap=hable:desat=0,zscale=t=bt709:m=bt709:r=tv,format=yuv420p,setsar=1,split=')
    expect(samplerFilter({ width: 1280, height: 720, fps: 50, hdr: null }, views, 2).graph).not.toContain('tonemap')
  })

  it('takes gray fragments from the luma plane of 8-bit planar YUV, expanding limited range by a table', () => {
    expect(lumaRangeFor('yuv420p', 'unknown')).toBe('tv')
    expect(lumaRangeFor('yuv420p', 'pc')).toBe('pc')
    expect(lumaRangeFor('yuvj420p', 'pc')).toBe('pc')
    expect(lumaRangeFor('yuv444p', 'tv')).toBe('tv')
    // Never probed for its range (a catalog row from before it was): not guessed.
    expect(lumaRangeFor('yuv420p', null)).toBeNull()
    expect(sourceGeometry({ displayWidth: 1080, displayHeight: 1920, fps: null, hdr: null, pixelFormat: 'yuv420p', colorRange: 'unknown' })).toEqual({ width: 1080, height: 1920, fps: 25, hdr: null, lumaRange: 'tv' })
    for (const other of ['yuv420p10le', 'nv12', 'rgb24', 'gray', null]) expect(lumaRangeFor(other, 'tv')).toBeNull()
    const at = (lumaRange: 'tv' | 'pc' | null, extra: object = {}) => samplerFilter({ width: 1280, height: 720, fps: 25, lumaRange, ...extra }, views, 1).graph
    expect(at('tv')).toContain('xstack=inputs=16:layout=0_0|64_0|128_0|192_0|0_64|64_64|128_64|192_64|0_128|64_128|128_128|192_128|0_192|64_192|128_192|192_192,extractplanes=y,lut=c0=val*1.1643835616438356-18.13013698630137[out0]')
    expect(at('pc')).toMatch(/xstack=[^;]*,extractplanes=y\[out0\]/)
    expect(at(null)).toMatch(/xstack=[^;]*,scale=256:256,format=gray\[out0\]/)
    // Tone-mapped or upscaled frames are not the source's own plane; the RGB global view is never taken this way.
    expect(at('tv', { hdr: 'PQ' })).not.toContain('extractplanes')
    expect(samplerFilter({ width: 16, height: 16, fps: 25, lumaRange: 'tv' }, views, 1).graph).not.toContain('extractplanes')
    expect(at('tv')).toContain('format=gbrp[out1]')
    // Hardware decoders return frames in their own formats.
    const hw = samplerArgs('/v/a.mp4', { width: 1280, height: 720, fps: 25, lumaRange: 'tv' }, views, { hwaccel: 'vaapi' })
    expect(hw.join(' ')).not.toContain('extractplanes')
  })

  it('picks frames: the middle run, uniform spreads, loops for fixed counts', () => {
    const c = (frames: number, sampling: 'consecutive' | 'uniform', fixedCount = false) => View.parse({ ...frag, frames, sampling, fixedCount })
    expect(pickFrames(10, c(4, 'consecutive'))).toEqual([3, 4, 5, 6])
    expect(pickFrames(3, c(4, 'consecutive'))).toEqual([0, 1, 2])
    expect(pickFrames(3, c(5, 'consecutive', true))).toEqual([0, 1, 2, 0, 1])
    expect(pickFrames(10, c(2, 'uniform'))).toEqual([2, 7])
    expect(pickFrames(1, c(3, 'uniform', true))).toEqual([0, 0, 0])
  })

  it('lays tensors out as declared, with normalisation', () => {
    // A 1×2 view (below the schema's minimum size) keeps the arithmetic readable.
    const rgb: ViewT = { name: 'x', kind: 'resize', size: [1, 2], fit: 'stretch', frames: 2, sampling: 'uniform', fixedCount: false, pixelFormat: 'rgb', layout: 'NCTHW', dtype: 'float32', normalise: { scale: 1, mean: [10, 20, 30], std: [2, 4, 5] } }
    // Planar G, B, R as ffmpeg's gbrp writes them: pixels (R, G, B) = (10, 20, 30), (12, 24, 35) and (14, 28, 40), (10, 20, 30).
    const f0 = Uint8Array.from([20, 24, 30, 35, 10, 12])
    const f1 = Uint8Array.from([28, 20, 40, 30, 14, 10])
    const t = toTensor(rgb, [f0, f1], [0, 1])
    expect(t.dims).toEqual([1, 3, 2, 1, 2])
    // channel R, frames 0 and 1: (10−10)/2, (12−10)/2 | (14−10)/2, (10−10)/2
    expect(Array.from(t.data as Float32Array).slice(0, 4)).toEqual([0, 1, 2, 0])
    expect(Array.from(t.data as Float32Array).slice(8, 12)).toEqual([0, 1, 2, 0]) // channel B: (30−30)/5, (35−30)/5 | (40−30)/5, 0
  })

  it('takes one still per fast-mode window: the first frame and the one a quarter in are sent, the later used', () => {
    expect(sparseSelect(9, true)).toBe('not(mod(n,9))+eq(mod(n,9),2)')
    expect(sparseSelect(3, true)).toBe('not(mod(n,3))')
    expect(sparseSelect(60, false)).toBe('not(mod(n,15))')
    expect([9, 3, 2, 1].map((take) => windowStills(take, 9))).toEqual([2, 2, 1, 1])
    expect(windowStills(3, 3)).toBe(1)
  })

  it('fills a reused buffer completely, so nothing of its last use shows through', () => {
    const rgb: ViewT = { name: 'x', kind: 'resize', size: [1, 2], fit: 'stretch', frames: 2, sampling: 'consecutive', fixedCount: false, pixelFormat: 'rgb', layout: 'TCHW', dtype: 'uint8' }
    // gbrp planes (G, B, R) of frames whose pixels are (R, G, B) = (1, 2, 3), (4, 5, 6) and (7, 8, 9), (10, 11, 12).
    const frames = [Uint8Array.from([2, 5, 3, 6, 1, 4]), Uint8Array.from([8, 11, 9, 12, 7, 10])]
    const pool = new BufferPool()
    pool.give(new Uint8Array(12).fill(0xff).buffer)
    const t = toTensor(rgb, frames, [0, 1], pool)
    expect(pool.held).toBe(0)
    // Planes R, G, B of frame 0, then of frame 1.
    expect(Array.from(t.data as Uint8Array)).toEqual([1, 4, 2, 5, 3, 6, 7, 10, 8, 11, 9, 12])
    expect(Array.from(toTensor(rgb, frames, [0, 1]).data as Uint8Array)).toEqual(Array.from(t.data as Uint8Array))
  })
})

describe('sampling real clips', () => {
  let dir: string
  const { ffmpeg, ffprobe } = locateFfmpeg()
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'vqa-sampler-'))
  })
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  const run = async (file: string, seconds: number) => {
    const info = await probeFile(ffprobe, file)
    const segs: SegmentFrames[] = []
    const res = await sampleSegments(ffmpeg, file, { width: info.displayWidth, height: info.displayHeight, fps: info.fps ?? 25 }, views, seconds, async (s) => {
      segs.push(s)
    })
    return { res, segs }
  }

  it('gives the same segments when their frames are recycled, copied out before each segment is done', async () => {
    const file = await makeClip(join(dir, 'recycle.mp4'), { seconds: 6.5, width: 640, height: 360, fps: 25 })
    const info = await probeFile(ffprobe, file)
    const geometry = { width: info.displayWidth, height: info.displayHeight, fps: info.fps ?? 25 }
    const take = async (recycle: boolean) => {
      const copies: Array<{ start: number; frames: number[][] }> = []
      const seen = new Set<Uint8Array>()
      let reused = 0
      await sampleSegments(ffmpeg, file, geometry, views, 2, async (s) => {
        for (const f of s.frames['frag']!) {
          if (seen.has(f)) reused++
          else seen.add(f)
        }
        // What a scorer keeps: a copy made before the segment's promise settles (a checksum of each frame here).
        copies.push({ start: s.start, frames: views.map((v) => s.frames[v.name]!.map((f) => f.reduce((a, x, k) => (a + x * (k % 251)) % 1_000_003, 0))) })
      }, { recycle })
      return { copies, reused }
    }
    const fresh = await take(false)
    const recycled = await take(true)
    expect(recycled.copies).toEqual(fresh.copies)
    expect(fresh.reused).toBe(0)
    expect(recycled.reused).toBeGreaterThan(50)
  })

  it('gives the same bytes for every view whether fragments come from the luma plane or through swscale', async () => {
    const still = View.parse({ name: 'still', kind: 'resize', size: [36, 64], fit: 'stretch', frames: 1, sampling: 'uniform', fixedCount: true, maxFps: 30, pixelFormat: 'gray', layout: 'TCHW', dtype: 'uint8' })
    // The last source holds every luma code 0–255 (losslessly coded): both clipped ends of the limited-range table.
    const everyCode = ['-vf', "geq=lum='mod(X+Y\\,256)':cb=128:cr=128", '-qp', '0']
    for (const [name, pixFmt, want, extra] of [
      ['limited', 'yuv420p', 'tv', []],
      ['full', 'yuvj420p', 'pc', []],
      ['limited 4:4:4', 'yuv444p', 'tv', []],
      ['limited, every code', 'yuv420p', 'tv', everyCode]
    ] as const) {
      const file = join(dir, `range ${name}.mp4`)
      // At least 256 rows: smaller frames are upscaled for the mosaic first, and then take the swscale path.
      execFileSync(ffmpeg, ['-hide_banner', '-loglevel', 'error', '-f', 'lavfi', '-i', 'testsrc2=s=480x272:r=25', '-t', '1.2', ...extra, '-pix_fmt', pixFmt, '-c:v', 'libx264', '-preset', 'ultrafast', file])
      const info = await probeFile(ffprobe, file)
      const lumaRange = lumaRangeFor(info.pixelFormat, info.colorRange)
      expect(lumaRange, name).toBe(want)
      expect(samplerArgs(file, { width: 480, height: 272, fps: 25, lumaRange }, views).join(' '), name).toContain('extractplanes=y')
      const bytes = async (range: 'tv' | 'pc' | null) => {
        const out: Record<string, number[]> = {}
        await sampleSegments(ffmpeg, file, { width: 480, height: 272, fps: 25, lumaRange: range }, [...views, still], 2, async (s) => {
          for (const [view, frames] of Object.entries(s.frames)) out[view] = [...(out[view] ?? []), ...frames.map((f) => f.reduce((a, x, k) => (a + x * ((k % 251) + 1)) % 1_000_003, 0))]
        })
        return out
      }
      const plain = await bytes(null)
      expect(plain['frag']!.length, name).toBe(30)
      expect(await bytes(lumaRange), name).toEqual(plain)
    }
  })

  it('cuts a clip into segments, the short tail joining the last one', async () => {
    const file = await makeClip(join(dir, 'a.mp4'), { seconds: 4.8, width: 640, height: 360, fps: 25 })
    const { res, segs } = await run(file, 2)
    expect(res.frames).toBe(120)
    expect(segs.map((s) => s.frames['frag']!.length)).toEqual([50, 70])
    expect(segs.map((s) => [s.start, s.end])).toEqual([[0, 2], [2, 4.8]])
    expect(segs[0]!.frames['frag']![0]!.length).toBe(256 * 256)
    expect(segs[0]!.frames['glob']![0]!.length).toBe(90 * 160 * 3)
  })

  it('ends segments at scene cuts, and keeps one still per segment', async () => {
    const still = View.parse({ name: 'still', kind: 'resize', size: [36, 64], fit: 'stretch', frames: 1, sampling: 'uniform', fixedCount: true, maxFps: 30, pixelFormat: 'gray', layout: 'TCHW', dtype: 'uint8' })
    const a = await makeClip(join(dir, 'shot-a.mp4'), { seconds: 2.7, width: 320, height: 180, fps: 25 })
    const file = join(dir, 'two shots.mp4')
    execFileSync(ffmpeg, ['-hide_banner', '-loglevel', 'error', '-i', a, '-f', 'lavfi', '-i', 'mandelbrot=s=320x180:r=25', '-filter_complex', '[1:v]trim=duration=2.5,format=yuv420p,setsar=1[b];[0:v]format=yuv420p,setsar=1[a];[a][b]concat=n=2:v=1[v]', '-map', '[v]', '-c:v', 'libx264', '-preset', 'ultrafast', file])
    const segs: SegmentFrames[] = []
    const res = await sampleSegments(ffmpeg, file, { width: 320, height: 180, fps: 25 }, [...views, still], 2, async (s) => void segs.push(s))
    // makeClip rounds 2.7 s to whole frames (2.72 s): the cut is where the first shot really ends.
    expect(segs).toHaveLength(2)
    expect(segs[0]!.end).toBeCloseTo(2.72, 2)
    expect(segs[1]!.start).toBe(segs[0]!.end)
    expect(segs[1]!.end).toBeCloseTo(5.22, 1)
    expect(res.cuts).toEqual([segs[0]!.end])
    expect(segs.map((s) => s.frames['still']!.length)).toEqual([1, 1])
    // A gray view beside an RGB one must not turn the RGB one gray (ffmpeg negotiates formats up through crop and split):
    // testsrc's colour bars differ between channels by far more than 20 grey levels a pixel on average.
    const chromaOf = (gbr: Uint8Array): number => {
      const plane = gbr.length / 3
      let chroma = 0
      for (let p = 0; p < plane; p++) chroma += Math.abs(gbr[p]! - gbr[plane + p]!) + Math.abs(gbr[plane + p]! - gbr[2 * plane + p]!)
      return chroma / plane
    }
    expect(chromaOf(segs[0]!.frames['glob']![0]!)).toBeGreaterThan(20)
    // The same through fast scaling (scaled in YUV, converted small), as the built-in pack's views ask for.
    const fast: SegmentFrames[] = []
    const fastViews = [...views, still].map((v) => (v.kind === 'resize' ? { ...v, scaling: 'fast' as const } : v))
    await sampleSegments(ffmpeg, file, { width: 320, height: 180, fps: 25 }, fastViews, 2, async (s) => void fast.push(s))
    expect(chromaOf(fast[0]!.frames['glob']![0]!)).toBeGreaterThan(20)
    expect(Math.abs(chromaOf(fast[0]!.frames['glob']![0]!) - chromaOf(segs[0]!.frames['glob']![0]!))).toBeLessThan(5)
    // Without snapping (datasets whose targets sit on the plain grid), the same clip is cut every 2 s.
    const plain: SegmentFrames[] = []
    await sampleSegments(ffmpeg, file, { width: 320, height: 180, fps: 25 }, views, 2, async (s) => void plain.push(s), { noSnap: true })
    expect(plain.map((s) => s.start)).toEqual([0, 2, 4])
  })

  it('decodes in software when the hardware decoder asked for fails, with the same segments', async () => {
    const file = await makeClip(join(dir, 'hw.mp4'), { seconds: 3, width: 320, height: 180, fps: 25 })
    const args = samplerArgs(file, { width: 320, height: 180, fps: 25 }, views, { hwaccel: 'vaapi', windows: [{ start: 0, keyframeSeek: true }, { start: 1, keyframeSeek: false }] })
    // An input option, once per input.
    expect(args.filter((a, i) => a === '-hwaccel' && args[i + 1] === 'vaapi' && args[i + 2] === '-i')).toHaveLength(2)
    const soft: SegmentFrames[] = []
    const hw: SegmentFrames[] = []
    const geometry = { width: 320, height: 180, fps: 25 }
    expect((await sampleSegments(ffmpeg, file, geometry, views, 2, async (s) => void soft.push(s))).hwaccel).toBeNull()
    // No ffmpeg has this method: the hardware run fails before its first segment, and software takes over.
    const res = await sampleSegments(ffmpeg, file, geometry, views, 2, async (s) => void hw.push(s), { hwaccel: 'nosuchaccel' })
    expect(res.hwaccel).toBeNull()
    expect(hw.map((s) => [s.start, s.end])).toEqual(soft.map((s) => [s.start, s.end]))
    expect(hw[0]!.frames['frag']![0]).toEqual(soft[0]!.frames['frag']![0])
  })

  it('times variable-frame-rate video by its timestamps, not its average rate', async () => {
    const file = join(dir, 'vfr.mp4')
    // 50 frames at 25 fps, then 25 frames at 12.5 fps: the average rate (18.9 fps) would put the 2 s mark at frame 38.
    execFileSync(ffmpeg, ['-hide_banner', '-loglevel', 'error', '-f', 'lavfi', '-i', 'testsrc2=s=320x180:r=25', '-frames:v', '75', '-vf', "setpts='if(lt(N,50),N/25,2+(N-50)/12.5)/TB'", '-fps_mode', 'vfr', '-c:v', 'libx264', '-preset', 'ultrafast', file])
    const info = await probeFile(ffprobe, file)
    const segs: SegmentFrames[] = []
    await sampleSegments(ffmpeg, file, { width: 320, height: 180, fps: info.fps ?? 25 }, views, 2, async (s) => void segs.push(s))
    expect(segs.map((s) => s.frames['frag']!.length)).toEqual([50, 25])
    expect(segs[0]!.end).toBe(2)
    expect(segs[1]!.start).toBe(2)
    expect(segs[1]!.end).toBeCloseTo(4, 1)
  })

  it('handles tiny, rotated, 10-bit and 50 fps sources', async () => {
    const tiny = await makeClip(join(dir, 'tiny.mp4'), { seconds: 1, width: 16, height: 16 })
    expect((await run(tiny, 2)).res.frames).toBe(25)
    const rotated = await makeClip(join(dir, 'rot.mp4'), { seconds: 1, width: 320, height: 180, rotation: 90 })
    expect((await run(rotated, 2)).segs).toHaveLength(1)
    const deep = await makeClip(join(dir, 'deep.mkv'), { seconds: 1, width: 320, height: 180, codec: 'hevc', pixFmt: 'yuv420p10le' })
    expect((await run(deep, 2)).res.frames).toBe(25)
    const fast = await makeClip(join(dir, 'fast.mp4'), { seconds: 2, width: 320, height: 180, fps: 50 })
    expect((await run(fast, 2)).res.frames).toBe(50) // 100 source frames, every second one
  })

  it('gives each fast-mode window the same still, whichever batch of windows it is decoded in', async () => {
    // 30 fps: 9 frames a window, not a multiple of the full-mode stride, so a window's place in its batch shows.
    const file = await makeClip(join(dir, 'windows.mp4'), { seconds: 8, width: 320, height: 180, fps: 30 })
    const still = View.parse({ name: 'still', kind: 'resize', size: [36, 64], fit: 'stretch', frames: 1, sampling: 'uniform', fixedCount: true, maxFps: 30, pixelFormat: 'gray', layout: 'TCHW', dtype: 'uint8' })
    const windows = [0.5, 2.5, 4.5, 6.5].map((start) => ({ start, keyframeSeek: false }))
    const stills = async (ws: typeof windows): Promise<number[]> => {
      const sums: number[] = []
      await sampleSegments(ffmpeg, file, { width: 320, height: 180, fps: 30 }, [...views, still], 0.3, async (seg) => {
        sums.push(seg.frames['still']![0]!.reduce((a, x, k) => (a + x * (k % 97)) % 1_000_003, 0))
      }, { windows: ws })
      return sums
    }
    const together = await stills(windows)
    expect(new Set(together).size).toBe(4)
    expect([...(await stills(windows.slice(0, 1))), ...(await stills(windows.slice(1)))]).toEqual(together)
    // A window the end of the file cuts to a frame or two still has a still: its first frame.
    expect(await stills([{ start: 7.95, keyframeSeek: false }])).toHaveLength(1)
  })

  it('fails with a clear error on a file it cannot decode', async () => {
    await expect(
      sampleSegments(ffmpeg, join(dir, 'missing.mp4'), { width: 64, height: 64, fps: 25 }, views, 2, async () => undefined)
    ).rejects.toThrow(/could not decode/)
  })
})

describe('fast-mode windows', () => {
  it('start at a keyframe inside the segment, else in its middle with an exact seek', async () => {
    const { fastWindow } = await import('./analyze')
    expect(fastWindow(2, 4, 0.6, 10, [0, 2.5, 5])).toEqual({ from: 2.5, keyframeSeek: true })
    expect(fastWindow(2, 4, 0.6, 10, [0, 3.9, 5])).toEqual({ from: 2.7, keyframeSeek: false }) // 3.9 leaves no room
    expect(fastWindow(9.8, 10, 0.6, 10, [])).toEqual({ from: 9.4, keyframeSeek: false })
  })

  it('are opened a bounded batch per ffmpeg process, covering every window once and in order', async () => {
    const { windowBatches } = await import('./analyze')
    expect(windowBatches(0, 8)).toEqual([])
    expect(windowBatches(8, 8)).toEqual([{ first: 0, count: 8 }])
    expect(windowBatches(19, 8)).toEqual([{ first: 0, count: 7 }, { first: 7, count: 6 }, { first: 13, count: 6 }])
    // Two decoding side by side: an even number of batches, each decoder ending up with the same share.
    expect(windowBatches(10, 4, 2).map((b) => b.count)).toEqual([3, 3, 2, 2])
    expect(windowBatches(8, 4, 2).map((b) => b.count)).toEqual([4, 4])
    expect(windowBatches(1, 4, 2)).toEqual([{ first: 0, count: 1 }])
    for (const [n, size, par] of [[37, 4, 2], [5, 4, 2], [100, 8, 1]] as const) {
      const b = windowBatches(n, size, par)
      expect(b.reduce((a, x) => a + x.count, 0)).toBe(n)
      expect(Math.max(...b.map((x) => x.count))).toBeLessThanOrEqual(size)
      b.forEach((x, i) => expect(x.first).toBe(i === 0 ? 0 : b[i - 1]!.first + b[i - 1]!.count))
    }
  })

  it('open fewer windows per process for larger frames, and decode batches side by side on the cores there are', async () => {
    const { fastWindowsPerProcess, fastParallelBatches } = await import('./analyze')
    expect([[320, 180], [1920, 1080], [2560, 1440], [3840, 2160], [7680, 4320]].map(([w, h]) => fastWindowsPerProcess(w!, h!, 2))).toEqual([8, 8, 4, 2, 2])
    // Four processes at once on a larger machine: half as many windows each, the same decoders in memory.
    expect(fastWindowsPerProcess(1920, 1080, 4)).toBe(4)
    expect(fastWindowsPerProcess(1920, 1080, 1)).toBe(8)
    expect([1, 2, 4, 16].map((cores) => fastParallelBatches(undefined, cores))).toEqual([2, 2, 4, 4])
    expect(fastParallelBatches(1, 16)).toBe(1)
  })

  it('give every window its own decoder thread count', () => {
    const args = samplerArgs('/v/a.mp4', { width: 1280, height: 720, fps: 25 }, views, { threads: 1, windows: [{ start: 0, keyframeSeek: true }, { start: 2, keyframeSeek: true }] })
    // -threads is an input option: before the first -i only, the second window's decoder would take every core.
    const inputs = args.flatMap((a, i) => (a === '-i' ? [i] : []))
    expect(inputs).toHaveLength(2)
    for (const i of inputs) expect(args.slice(0, i).lastIndexOf('-threads')).toBeGreaterThan(i === inputs[0] ? -1 : inputs[0]!)
  })
})
