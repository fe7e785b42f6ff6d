// Each measurement against frames built to have (or not have) exactly the defect it measures.
import * as ort from 'onnxruntime-node'
import { beforeAll, describe, expect, it } from 'vitest'
import { buildMeasureModel, FRAG_SIZE, GLOBAL_H, GLOBAL_W, MEASUREMENTS, PARTS } from './graph'

let session: ort.InferenceSession
beforeAll(async () => {
  session = await ort.InferenceSession.create(buildMeasureModel())
})

type Frame = (x: number, y: number) => number // luma 0–255 at integer pixel
interface Clip {
  frag: Frame[]
  glob?: Array<(x: number, y: number) => [number, number, number]>
}

function rng(seed: number): () => number {
  let s = seed
  return () => ((s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31)
}
function gauss(r: () => number): number {
  return Math.sqrt(-2 * Math.log(r() + 1e-12)) * Math.cos(2 * Math.PI * r())
}
const clamp = (v: number): number => Math.max(0, Math.min(255, Math.round(v)))

/** A textured picture: smooth shading plus hard-edged shapes, so it has both edges and flat areas. */
const texture = (ox = 0, oy = 0): Frame => (x, y) => {
  const X = x + ox
  const Y = y + oy
  const shade = 100 + 40 * Math.sin(X / 23) + 30 * Math.cos(Y / 17)
  const shapes = ((Math.floor(X / 13) + Math.floor(Y / 11)) % 2) * 50
  return clamp(shade + shapes)
}

async function measure(clip: Clip): Promise<Record<string, number>> {
  const T = clip.frag.length
  const frag = new Uint8Array(T * FRAG_SIZE * FRAG_SIZE)
  const glob = new Uint8Array(T * 3 * GLOBAL_H * GLOBAL_W)
  clip.frag.forEach((f, t) => {
    for (let y = 0; y < FRAG_SIZE; y++) for (let x = 0; x < FRAG_SIZE; x++) frag[t * FRAG_SIZE * FRAG_SIZE + y * FRAG_SIZE + x] = clamp(f(x, y))
    const gf = clip.glob?.[t] ?? ((x: number, y: number) => { const v = f(x * 1.6, y * 2.8); return [v, v, v] as [number, number, number] })
    for (let y = 0; y < GLOBAL_H; y++)
      for (let x = 0; x < GLOBAL_W; x++) {
        const [r, gg, b] = gf(x, y)
        const base = t * 3 * GLOBAL_H * GLOBAL_W + y * GLOBAL_W + x
        glob[base] = clamp(r)
        glob[base + GLOBAL_H * GLOBAL_W] = clamp(gg)
        glob[base + 2 * GLOBAL_H * GLOBAL_W] = clamp(b)
      }
  })
  const out = await session.run({
    frag: new ort.Tensor('uint8', frag, [T, 1, FRAG_SIZE, FRAG_SIZE]),
    glob: new ort.Tensor('uint8', glob, [T, 3, GLOBAL_H, GLOBAL_W])
  })
  const data = out['features']!.data as Float32Array
  lastParts = Array.from({ length: PARTS }, (_, k) => Object.fromEntries(MEASUREMENTS.map((m, i) => [m.name, (out['parts']!.data as Float32Array)[k * MEASUREMENTS.length + i]!])))
  return Object.fromEntries(MEASUREMENTS.map((m, i) => [m.name, data[i]!]))
}
/** The parts of the last clip measured. */
let lastParts: Array<Record<string, number>> = []

const frames = (n: number, f: (t: number) => Frame): Frame[] => Array.from({ length: n }, (_, t) => f(t))
const moving = (t: number): Frame => texture(t * 3, t)

describe('measurement graph', () => {
  let clean: Record<string, number>
  beforeAll(async () => {
    clean = await measure({ frag: frames(8, moving) })
  })

  it('reads a clean, moving, textured picture as clean', () => {
    expect(clean['blocking']).toBeGreaterThan(0.7)
    expect(clean['blocking']).toBeLessThan(1.4)
    expect(clean['noise']).toBeLessThan(3)
    expect(clean['black_frames']).toBeLessThan(0.01)
    expect(clean['repeated_frames']).toBe(0)
    expect(clean['combing']).toBeLessThan(1)
  })

  it('sees blur', async () => {
    const blurred = (t: number): Frame => (x, y) => {
      let s = 0
      for (let dy = -3; dy <= 3; dy++) for (let dx = -3; dx <= 3; dx++) s += moving(t)(x + dx, y + dy)
      return s / 49
    }
    const m = await measure({ frag: frames(6, blurred) })
    expect(m['blur']).toBeGreaterThan(clean['blur']! + 0.2)
    expect(m['detail']).toBeLessThan(clean['detail']!)
  })

  it('reads a sharp subject on a soft background as sharp, not as partly blurred', async () => {
    // Four of the sixteen patches (the mosaic's top-left quarter) hold a sharp fine pattern; the rest is a smooth
    // shading that no patch-level blur measure can tell from a blurred edge. Averaged patch by patch (the measure
    // before pack 1.6.0) that frame read about 0.6 blurred; over the frame's edges it reads sharp.
    const subject = (t: number): Frame => (x, y) =>
      x < 128 && y < 128 ? 40 + (((x + t) >> 2) + (y >> 2)) % 2 * 160 : 128 + 100 * Math.sin((x + y + t) / 70)
    const m = await measure({ frag: frames(6, subject) })
    expect(m['blur']).toBeLessThan(0.3)
    // The same frame blurred all over loses its edges everywhere, and reads blurred.
    const box = (t: number): Frame => (x, y) => {
      let sum = 0
      for (let dy = -3; dy <= 3; dy++) for (let dx = -3; dx <= 3; dx++) sum += subject(t)(x + dx, y + dy)
      return sum / 49
    }
    expect((await measure({ frag: frames(6, box) }))['blur']).toBeGreaterThan(m['blur']! + 0.2)
  })

  it('measures noise σ on the 0–255 scale', async () => {
    const r = rng(7)
    const smooth = (t: number): Frame => (x, y) => 90 + x * 0.2 + y * 0.1 + t
    const noisy = (t: number): Frame => {
      const field = new Float32Array(FRAG_SIZE * FRAG_SIZE).map(() => gauss(r) * 8)
      return (x, y) => smooth(t)(x, y) + field[y * FRAG_SIZE + x]!
    }
    const m = await measure({ frag: frames(4, noisy) })
    expect(m['noise']).toBeGreaterThan(6)
    expect(m['noise']).toBeLessThan(10)
  })

  it('sees 8×8 blocking', async () => {
    const blocky = (t: number): Frame => (x, y) => {
      const bx = Math.floor(x / 8) * 8
      const by = Math.floor(y / 8) * 8
      return moving(t)(bx + 4, by + 4) * 0.7 + moving(t)(x, y) * 0.3
    }
    const m = await measure({ frag: frames(4, blocky) })
    expect(m['blocking']).toBeGreaterThan(2)
  })

  it('sees banding as isolated steps between flat runs', async () => {
    const ramp = (t: number): Frame => (x, y) => 40 + (x + y + t) * 0.3
    const banded = (t: number): Frame => (x, y) => Math.floor(ramp(t)(x, y) / 6) * 6
    const smooth = await measure({ frag: frames(4, (t) => (x, y) => ramp(t)(x, y) + ((x * 7 + y * 13) % 3) - 1) })
    const m = await measure({ frag: frames(4, banded) })
    expect(m['contours']).toBeGreaterThan(smooth['contours']! + 0.02)
    expect(m['flat']).toBeGreaterThan(0.7)
  })

  it('sees combing in interlaced motion', async () => {
    const woven = (t: number): Frame => (x, y) => (y % 2 === 0 ? moving(t)(x, y) : moving(t)(x + 6, y))
    const m = await measure({ frag: frames(4, woven) })
    expect(m['combing']).toBeGreaterThan(1.2)
  })

  it('sees black frames, exposure and colour cast in the global view', async () => {
    const dark = await measure({ frag: frames(4, () => () => 2), glob: Array.from({ length: 4 }, () => () => [2, 2, 2] as [number, number, number]) })
    expect(dark['black_frames']).toBeGreaterThan(0.9)
    const blown = await measure({ frag: frames(4, moving), glob: Array.from({ length: 4 }, () => () => [250, 250, 250]) })
    expect(blown['clipped_high']).toBeGreaterThan(0.9)
    const blue = await measure({ frag: frames(4, moving), glob: Array.from({ length: 4 }, () => () => [60, 80, 200]) })
    expect(blue['cast_cb']).toBeGreaterThan(0.1)
    expect(blue['cast']).toBeGreaterThan(0.1)
  })

  it('tells a colour cast from a colourful picture by the colour of its blacks and whites', async () => {
    // A blue picture with neutral shadows and highlights (a sky above dark ground), and a neutral picture with a
    // chroma offset added: the grey-world cast reads both as blue, the black and white levels only the second.
    const scene = (x: number, y: number): number => (y < 20 ? 10 : y > 75 ? 255 : texture(0, 0)(x, y))
    const bluePicture = await measure({
      frag: frames(4, moving),
      glob: Array.from({ length: 4 }, () => (x: number, y: number) => {
        const v = scene(x, y)
        return (v <= 10 || v >= 255 ? [v, v, v] : [v * 0.55, v * 0.75, Math.min(255, v * 1.25 + 40)]) as [number, number, number]
      })
    })
    const castPicture = await measure({
      frag: frames(4, moving),
      glob: Array.from({ length: 4 }, () => (x: number, y: number) => {
        const v = scene(x, y)
        return [v - 12, v - 4, v + 30] as [number, number, number]
      })
    })
    expect(bluePicture['cast_cb']).toBeGreaterThan(0.05)
    expect(bluePicture['black_tint']).toBeLessThan(0.01)
    expect(bluePicture['white_tint']).toBeLessThan(0.01)
    expect(castPicture['black_tint']).toBeGreaterThan(0.05)
    expect(castPicture['white_tint']).toBeGreaterThan(0.015)
  })

  it('sees out-of-gamut colour in the mid-tones', async () => {
    const glob = (gain: number) =>
      Array.from({ length: 4 }, () => (x: number, y: number) => {
        const v = texture(0, 0)(x, y)
        return [128 + (v - 128) * 0.2 + (v - 100) * gain, 128, 128 - (v - 100) * gain] as [number, number, number]
      })
    const mild = await measure({ frag: frames(4, moving), glob: glob(0.5) })
    const garish = await measure({ frag: frames(4, moving), glob: glob(3) })
    expect(mild['gamut_clip']).toBeLessThan(0.02)
    expect(garish['gamut_clip']).toBeGreaterThan(0.2)
  })

  it('measures each quarter of the frames on its own, and says so when a quarter has nothing to measure', async () => {
    const dark = (): [number, number, number] => [2, 2, 2]
    const lit = (x: number, y: number): [number, number, number] => {
      const v = texture(0, 0)(x, y)
      return [v, v, v]
    }
    // 16 frames, black in frames 4–7: the second quarter.
    const m = await measure({ frag: frames(16, moving), glob: Array.from({ length: 16 }, (_, t) => (t >= 4 && t < 8 ? dark : lit)) })
    expect(m['black_frames']).toBeCloseTo(0.25, 1)
    expect(lastParts.map((p) => p['black_frames']!)).toEqual([expect.closeTo(0, 2), expect.closeTo(1, 1), expect.closeTo(0, 2), expect.closeTo(0, 2)])
    // Picture measures come from every 4th frame (0, 4, 8, 12): one per quarter, so each quarter has its own.
    expect(lastParts.every((p) => Number.isFinite(p['noise']))).toBe(true)
    // 8 frames: the spatial frames 0 and 4 fall in two of the four quarters; the other two are not measured (NaN).
    await measure({ frag: frames(8, moving) })
    expect(lastParts.map((p) => Number.isNaN(p['noise']))).toEqual([false, true, false, true])
  })

  it('sees repeated frames, flicker, steady pans and shake', async () => {
    const frozen = await measure({ frag: frames(8, (t) => moving(t < 2 ? t : 2)) })
    expect(frozen['repeated_frames']).toBeGreaterThan(0.6)

    const glob = (ox: (t: number) => number, gain: (t: number) => number) =>
      Array.from({ length: 10 }, (_, t) => (x: number, y: number) => {
        const v = texture(0, 0)(x + ox(t), y) * gain(t)
        return [v, v, v] as [number, number, number]
      })
    const steady = await measure({ frag: frames(10, moving), glob: glob((t) => 2 * t, () => 1) })
    expect(steady['pan']).toBeGreaterThan(1.5)
    expect(steady['pan']).toBeLessThan(2.5)
    expect(steady['shake']).toBeLessThan(0.5)
    const shaky = await measure({ frag: frames(10, moving), glob: glob((t) => (t % 2 ? 4 : -2), () => 1) })
    expect(shaky['shake']).toBeGreaterThan(steady['shake']! + 2)
    const flickering = await measure({ frag: frames(10, moving), glob: glob((t) => t, (t) => (t % 2 ? 1.25 : 0.8)) })
    expect(flickering['flicker']).toBeGreaterThan(steady['flicker']! * 5)
    // Black frames in a steady pan are black frames, not flicker (a cut to black and back is a brightness jump).
    const flashes = await measure({ frag: frames(10, moving), glob: glob((t) => 2 * t, (t) => (t === 4 || t === 7 ? 0.01 : 1)) })
    expect(flashes['black_frames']).toBeGreaterThan(0.15)
    expect(flashes['flicker']).toBeLessThan(steady['flicker']! * 2 + 1e-3)
    expect(flickering['flicker']).toBeGreaterThan(flashes['flicker']! * 5)
  })
})
