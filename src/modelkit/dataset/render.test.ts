import { describe, expect, it } from 'vitest'
import { canvasFor, filterPath, finalEncodeArgs, metricsArgs, parseStats, planCamera, psnrFromMse, renderArgs, segmentMetrics, upscaleFactor, ZOOM_MIN } from './render'
import { createRng } from './prng'

describe('canvas and camera', () => {
  it('supersamples without upscaling a picture that is big enough', () => {
    expect(canvasFor({ width: 640, height: 360 }, { width: 2560, height: 1600 })).toEqual({ width: 1456, height: 820 })
    expect(canvasFor({ width: 640, height: 360 }, { width: 1000, height: 600 })).toEqual({ width: 1000, height: 562 })
    expect(upscaleFactor({ width: 640 }, { width: 1000, height: 562 }, { width: 1000, height: 600 })).toBeLessThan(1)
  })

  it('upscales a picture smaller than the view once, to the full supersampled canvas, so camera steps stay sub-pixel', () => {
    const canvas = canvasFor({ width: 640, height: 360 }, { width: 500, height: 500 })
    expect(canvas).toEqual({ width: 1456, height: 820 })
    // One canvas pixel is well under an output pixel at the widest view.
    expect((640 * ZOOM_MIN) / canvas.width).toBeLessThan(0.7)
    // The record still says how soft the clip is: the picture's own pixels are stretched 1.86×.
    expect(upscaleFactor({ width: 640 }, canvas, { width: 500, height: 500 })).toBeCloseTo(1.856, 3)
  })

  it('keeps the camera inside the canvas', () => {
    const rng = createRng(5)
    for (let i = 0; i < 200; i++) {
      const c = planCamera(rng)
      expect(c.z0 - c.az).toBeGreaterThanOrEqual(ZOOM_MIN)
      expect(Math.abs(c.ax) + 0.5 / ZOOM_MIN).toBeLessThan(0.5)
      expect(Math.abs(c.ay) + 0.5 / ZOOM_MIN).toBeLessThan(0.5)
    }
  })

  it('renders one decoded picture through zoompan into a near-lossless encode', () => {
    const cam = planCamera(createRng(1))
    const args = renderArgs({ kind: 'lavfi', graph: 'testsrc2=s=320x180:r=1:d=1' }, { width: 160, height: 90, fps: 25, seconds: 1 }, { width: 320, height: 180 }, cam, null, 'o.mp4')
    expect(args.slice(0, 7)).toEqual(['-hide_banner', '-nostdin', '-y', '-f', 'lavfi', '-i', 'testsrc2=s=320x180:r=1:d=1'])
    const graph = args[args.indexOf('-filter_complex') + 1] ?? ''
    expect(graph).toContain('zoompan=')
    expect(graph).toContain(':d=25:s=160x90:fps=25')
    expect(args.slice(-1)).toEqual(['o.mp4'])
    expect(finalEncodeArgs(25, 25)).toContain('10')
  })
})

describe('metrics', () => {
  it('parses the ssim and psnr stats files', () => {
    const ssim = 'n:1 Y:0.990 U:0.99 V:0.99 All:0.991 (20.1)\nn:2 Y:0.5 U:0.5 V:0.5 All:0.500 (3.0)\n'
    const psnr = 'n:1 mse_avg:1.00 mse_y:1 mse_u:1 mse_v:1 psnr_avg:48.13 psnr_y:48 psnr_u:48 psnr_v:48\nn:2 mse_avg:0.00 mse_y:0 psnr_avg:inf\n'
    expect(parseStats(ssim, psnr)).toEqual([
      { index: 0, ssim: 0.991, mse: 1 },
      { index: 1, ssim: 0.5, mse: 0 }
    ])
  })

  it('averages per segment (PSNR from the mean MSE, capped)', () => {
    const frames = [0, 1, 2, 3].map((index) => ({ index, ssim: index < 2 ? 1 : 0.5, mse: index < 2 ? 0 : 2 }))
    expect(segmentMetrics(frames, 1, 0, 2)).toEqual({ ssim: 1, psnr: 100 })
    expect(segmentMetrics(frames, 1, 2, 4)).toEqual({ ssim: 0.5, psnr: Number(psnrFromMse(2).toFixed(3)) })
  })

  it('only accepts plain paths inside a filtergraph', () => {
    expect(filterPath('/tmp/vqa-ds-abc/ssim.log')).toBe('/tmp/vqa-ds-abc/ssim.log')
    expect(() => filterPath("/tmp/it's:here")).toThrow()
    expect(metricsArgs('a.mp4', 'b.mp4', '/t/s.log', '/t/p.log')).toContain('[o2]')
  })
})
