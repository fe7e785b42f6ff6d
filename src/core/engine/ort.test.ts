import { describe, expect, it } from 'vitest'
import { defaultModelThreads, OrtEngine, transferable } from './ort'

describe('execution provider choice', () => {
  it('runs on the CPU here and says why when CUDA was asked for', () => {
    const auto = new OrtEngine('auto', 1).status()
    const cuda = new OrtEngine('cuda', 1).status()
    // This machine has no CUDA provider installed; where one is, 'auto' picks it.
    if (auto.provider === 'cpu') {
      expect(cuda.provider).toBe('cpu')
      expect(cuda.warnings.join(' ')).toMatch(/CUDA was requested.*ONNXRUNTIME_NODE_INSTALL=cuda12/)
      expect(auto.warnings).toEqual([])
    }
    expect(new OrtEngine('cpu', 3).status()).toMatchObject({ provider: 'cpu', threads: 3, warnings: [] })
  })
})

describe('graph optimisation level per stage', () => {
  it("gives the built-in measurement stage the same features at 'extended' as at 'all'", async () => {
    const { join } = await import('node:path')
    const { builtinPackDir } = await import('./builtin')
    const engine = new OrtEngine('cpu', 1)
    const file = join(builtinPackDir(), 'measure.onnx')
    const [all, extended] = await Promise.all([engine.load(file), engine.load(file, { optimization: 'extended' })])
    // A moving pattern with flat areas, edges and colour (deterministic, so a failure reproduces).
    const T = 12
    const frag = new Uint8Array(T * 256 * 256)
    const glob = new Uint8Array(T * 3 * 90 * 160)
    for (let i = 0; i < frag.length; i++) frag[i] = ((i % 256) + Math.floor(i / 256 / 9) * 7 + (i >> 16) * 3) & 0xf0
    for (let i = 0; i < glob.length; i++) glob[i] = (i * 31 + (i >> 10)) & 0xff
    const feeds = { frag: { data: frag, dims: [T, 1, 256, 256] }, glob: { data: glob, dims: [T, 3, 90, 160] } }
    const a = Array.from((await all.run(feeds))['features']!.data as Float32Array)
    const b = Array.from((await extended.run(feeds))['features']!.data as Float32Array)
    expect(a).toHaveLength(b.length)
    a.forEach((v, k) => expect(Math.abs(v - b[k]!)).toBeLessThanOrEqual(1e-5 * Math.max(1, Math.abs(v))))
    await Promise.all([all.dispose(), extended.dispose()])
  })

  it('is a declared manifest field with a closed set of values', async () => {
    const { Stage } = await import('../../shared/model-pack')
    const stage = { name: 'm', file: 'm.onnx', inputs: [{ name: 'x', from: 'view:v', dtype: 'uint8', shape: [1] }], outputs: [{ name: 'y', dtype: 'float32', shape: [1] }] }
    expect(Stage.parse({ ...stage, optimization: 'extended' }).optimization).toBe('extended')
    expect(Stage.safeParse({ ...stage, optimization: 'fastest' }).success).toBe(false)
  })
})

describe('model thread', () => {
  it('gives the same outputs as in-process sessions, keeps the event loop free meanwhile, and reports load errors', async () => {
    const { join } = await import('node:path')
    const { builtinPackDir } = await import('./builtin')
    const file = join(builtinPackDir(), 'measure.onnx')
    const here = new OrtEngine('cpu', 1)
    const threaded = new OrtEngine('cpu', 1, { thread: true })
    const [a, b] = await Promise.all([here.load(file, { optimization: 'extended' }), threaded.load(file, { optimization: 'extended' })])
    expect(b.inputs.map((i) => i.name)).toEqual(a.inputs.map((i) => i.name))
    const T = 60
    const frag = new Uint8Array(T * 256 * 256).map((_, i) => (i * 7 + (i >> 9)) & 0xff)
    const glob = new Uint8Array(T * 3 * 90 * 160).map((_, i) => (i * 13 + (i >> 7)) & 0xff)
    const feeds = { frag: { data: frag, dims: [T, 1, 256, 256] }, glob: { data: glob, dims: [T, 3, 90, 160] } }
    const inProcess = Array.from((await a.run(feeds))['features']!.data as Float32Array)
    // While the thread computes, this thread's timers keep firing (an in-process run would hold them all back).
    let ticks = 0
    const timer = setInterval(() => ticks++, 1)
    const started = performance.now()
    const out = await b.run(feeds)
    const took = performance.now() - started
    clearInterval(timer)
    expect(Array.from(out['features']!.data as Float32Array)).toEqual(inProcess)
    if (took > 20) expect(ticks).toBeGreaterThan(2)
    // Feeds handed over move to the thread instead of being copied: same result, and the buffers are gone here.
    const moved = { frag: { data: frag.slice(), dims: feeds.frag.dims }, glob: { data: glob.slice(), dims: feeds.glob.dims } }
    const handed = await b.run(moved, { handOver: ['frag', 'glob'] })
    expect(Array.from(handed['features']!.data as Float32Array)).toEqual(inProcess)
    expect([moved.frag.data.byteLength, moved.glob.data.byteLength]).toEqual([0, 0])
    // Running them again is a caller's mistake: a clear rejection, and the thread goes on serving.
    await expect(b.run(moved, { handOver: ['frag', 'glob'] })).rejects.toThrow(/detached/i)
    expect(Array.from((await b.run(feeds))['features']!.data as Float32Array)).toEqual(inProcess)
    await Promise.all([a.dispose(), b.dispose()])
    await expect(threaded.load(join(builtinPackDir(), 'manifest.json'))).rejects.toThrow(/protobuf|parse|Load model/i)
  }, 60_000)
})

describe('what crosses to the model thread', () => {
  it('moves whole buffers of the feeds named, once each, never a view into a larger buffer', () => {
    const whole = new Uint8Array(16)
    const big = new Float32Array(64)
    const feeds = {
      a: { data: whole, dims: [16] },
      b: { data: whole, dims: [16] },
      c: { data: big.subarray(0, 8), dims: [8] },
      d: { data: new Float32Array(4), dims: [4] }
    }
    expect(transferable(feeds, ['a', 'b', 'c', 'missing'])).toEqual([whole.buffer])
    expect(transferable(feeds, [])).toEqual([])
  })

  it('gives the model one thread on small machines and a quarter of the cores on large ones', () => {
    expect([1, 2, 4, 8, 16, 64].map(defaultModelThreads)).toEqual([1, 1, 1, 2, 4, 16])
  })
})
