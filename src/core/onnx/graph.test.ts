import { describe, it, expect } from 'vitest'
import * as ort from 'onnxruntime-node'
import { attr, GraphBuilder, irVersionForOpset, tensor, type TensorData } from './graph'
import { conv2d, gemm, matmul, reduceMean, unary, pad, cast, reduceSum } from './ops'

async function run(bytes: Uint8Array, feeds: Record<string, ort.Tensor>): Promise<Record<string, ort.Tensor>> {
  const session = await ort.InferenceSession.create(bytes)
  try {
    return await session.run(feeds)
  } finally {
    await session.release()
  }
}

function f32(out: Record<string, ort.Tensor>, name: string): Float32Array {
  const t = out[name]
  if (t === undefined || !(t.data instanceof Float32Array)) throw new Error(`no float32 output '${name}'`)
  return t.data
}

function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tol = 1e-5): void {
  expect(actual.length).toBe(expected.length)
  for (let i = 0; i < expected.length; i++) expect(Math.abs((actual[i] ?? NaN) - (expected[i] ?? NaN))).toBeLessThanOrEqual(tol)
}

// Deterministic pseudo-random numbers so failures reproduce.
function lcg(seed: number): () => number {
  let s = seed >>> 0
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0
    return s / 2 ** 32 - 0.5
  }
}

describe('GraphBuilder', () => {
  it('names values uniquely and refuses duplicates and unknown inputs', () => {
    const g = new GraphBuilder()
    expect(g.uniqueName('x')).toBe('x')
    expect(g.uniqueName('x')).toBe('x_1')
    g.input('y', 'float32', [1])
    expect(() => g.input('y', 'float32', [1])).toThrow(/already used/)
    expect(g.uniqueName('y')).toBe('y_1')
    expect(() => g.node('Relu', [{ name: 'nope' }])).toThrow(/unknown input/)
  })

  it('checks tensor dims against the data', () => {
    expect(() => tensor.float32([1, 2, 3], [2, 2])).toThrow(/hold 4 values/)
    expect(tensor.int64([1, 2n], [2]).dtype).toBe('int64')
  })

  it('maps opsets to IR versions', () => {
    expect(irVersionForOpset(13)).toBe(7)
    expect(irVersionForOpset(17)).toBe(8)
    expect(irVersionForOpset(21)).toBe(10)
  })

  it('runs Add with symbolic dims and an int64 input', async () => {
    const g = new GraphBuilder({ name: 'add' })
    const a = g.input('a', 'float32', ['N', 3])
    const b = g.input('b', 'float32', ['N', 3])
    const n = g.input('n', 'int64', [2])
    g.output(g.node('Add', [a, b]), 'sum', 'float32', ['N', 3])
    g.output(g.node('Add', [n, g.int64s([10, 20])]), 'n_plus', 'int64', [2])
    const av = Float32Array.from([1, 2, 3, 4, 5, 6])
    const bv = Float32Array.from([0.5, -1, 2, 8, 0, -6])
    const out = await run(g.toBytes(), {
      a: new ort.Tensor('float32', av, [2, 3]),
      b: new ort.Tensor('float32', bv, [2, 3]),
      n: new ort.Tensor('int64', BigInt64Array.from([1n, 2n]), [2])
    })
    expectClose(f32(out, 'sum'), av.map((v, i) => v + (bv[i] ?? 0)), 0)
    expect(Array.from(out.n_plus?.data as BigInt64Array)).toEqual([11n, 22n])
  })

  it('writes producer name, IR version and opset that the runtime accepts', async () => {
    const g = new GraphBuilder({ opset: 21 })
    g.output(unary(g, 'Relu', g.input('x', 'float32', [2])), 'y', 'float32', [2])
    const out = await run(g.toBytes(), { x: new ort.Tensor('float32', Float32Array.from([-1, 1]), [2]) })
    expectClose(f32(out, 'y'), [0, 1], 0)
    // producer_name is field 2 of ModelProto: its tag byte and the string must be in the bytes.
    expect(Buffer.from(g.toBytes()).includes(Buffer.from('vqa-inspector'))).toBe(true)
  })

  it('runs MatMul + Relu against a plain-TS product', async () => {
    const rand = lcg(1)
    const [m, k, n] = [4, 5, 3]
    const x = Float32Array.from({ length: m * k }, rand)
    const w = Float32Array.from({ length: k * n }, rand)
    const g = new GraphBuilder()
    const xi = g.input('x', 'float32', [m, k])
    g.output(unary(g, 'Relu', matmul(g, xi, tensor.float32(w, [k, n]))), 'y', 'float32', [m, n])
    const out = await run(g.toBytes(), { x: new ort.Tensor('float32', x, [m, k]) })
    const expected = new Float32Array(m * n)
    for (let i = 0; i < m; i++)
      for (let j = 0; j < n; j++) {
        let s = 0
        for (let p = 0; p < k; p++) s += (x[i * k + p] ?? 0) * (w[p * n + j] ?? 0)
        expected[i * n + j] = Math.max(0, s)
      }
    expectClose(f32(out, 'y'), expected)
  })

  it('runs a 3x3 Laplacian Conv with reflect padding', async () => {
    const [h, w] = [5, 6]
    const img = Float32Array.from({ length: h * w }, (_, i) => (i * 7) % 11)
    const lap: TensorData = tensor.float32([0, 1, 0, 1, -4, 1, 0, 1, 0], [1, 1, 3, 3])
    const g = new GraphBuilder()
    const x = g.input('x', 'float32', [1, 1, 'H', 'W'])
    g.output(conv2d(g, pad(g, x, [0, 0, 1, 1, 0, 0, 1, 1], 'reflect'), lap), 'y', 'float32', [1, 1, 'H', 'W'])
    const out = await run(g.toBytes(), { x: new ort.Tensor('float32', img, [1, 1, h, w]) })
    // ONNX 'reflect' is reflect-101: index -1 reads 1, index n reads n-2.
    const r = (i: number, n: number): number => (i < 0 ? -i : i >= n ? 2 * n - 2 - i : i)
    const at = (y: number, x: number): number => img[r(y, h) * w + r(x, w)] ?? NaN
    const expected = new Float32Array(h * w)
    for (let y = 0; y < h; y++)
      for (let x = 0; x < w; x++) expected[y * w + x] = at(y - 1, x) + at(y + 1, x) + at(y, x - 1) + at(y, x + 1) - 4 * at(y, x)
    expectClose(f32(out, 'y'), expected)
  })

  it('runs ReduceMean over axes at opset 17 (attribute) and 18 (input), and ReduceSum in float64', async () => {
    const data = Float32Array.from({ length: 2 * 3 * 4 }, (_, i) => i * 0.5)
    for (const opset of [17, 18]) {
      const g = new GraphBuilder({ opset })
      const x = g.input('x', 'float32', [2, 3, 4])
      g.output(reduceMean(g, x, [1, 2], false), 'mean', 'float32', [2])
      g.output(reduceSum(g, cast(g, x, 'float64'), [0, 1, 2], true), 'total', 'float64', [1, 1, 1])
      const out = await run(g.toBytes(), { x: new ort.Tensor('float32', data, [2, 3, 4]) })
      const half = (lo: number): number => data.slice(lo, lo + 12).reduce((a, b) => a + b, 0) / 12
      expectClose(f32(out, 'mean'), [half(0), half(12)])
      expect(Array.from(out.total?.data as Float64Array)).toEqual([data.reduce((a, b) => a + b, 0)])
    }
  })

  it('runs a two-layer Gemm MLP', async () => {
    const rand = lcg(7)
    const [inp, hid, outp, batch] = [6, 8, 2, 3]
    const w1 = Float32Array.from({ length: hid * inp }, rand)
    const b1 = Float32Array.from({ length: hid }, rand)
    const w2 = Float32Array.from({ length: outp * hid }, rand)
    const b2 = Float32Array.from({ length: outp }, rand)
    const x = Float32Array.from({ length: batch * inp }, rand)
    const g = new GraphBuilder()
    const xi = g.input('x', 'float32', ['B', inp])
    const h1 = unary(g, 'Relu', gemm(g, xi, tensor.float32(w1, [hid, inp]), tensor.float32(b1, [hid]), { transB: true }))
    g.output(gemm(g, h1, tensor.float32(w2, [outp, hid]), tensor.float32(b2, [outp]), { transB: true, alpha: 2 }), 'y', 'float32', ['B', outp])
    const out = await run(g.toBytes(), { x: new ort.Tensor('float32', x, [batch, inp]) })
    const expected: number[] = []
    for (let b = 0; b < batch; b++) {
      const h = Array.from({ length: hid }, (_, j) => {
        let s = b1[j] ?? 0
        for (let i = 0; i < inp; i++) s += (x[b * inp + i] ?? 0) * (w1[j * inp + i] ?? 0)
        return Math.max(0, s)
      })
      for (let o = 0; o < outp; o++) {
        let s = 0
        for (let j = 0; j < hid; j++) s += (h[j] ?? 0) * (w2[o * hid + j] ?? 0)
        expected.push(2 * s + (b2[o] ?? 0))
      }
    }
    expectClose(f32(out, 'y'), expected)
  })

  it('serialises every attribute kind (checked by the runtime accepting them)', async () => {
    const g = new GraphBuilder()
    const x = g.input('x', 'float32', [1, 4])
    const c = g.node('Constant', [], { value: attr.tensor(tensor.float32([1, 2, 3, 4], [1, 4])) })
    const lr = g.node('LeakyRelu', [g.node('Sub', [x, c])], { alpha: attr.float(0.5) })
    const t = g.node('Transpose', [lr], { perm: attr.ints([1, 0]) })
    g.output(g.node('Resize', [lr, { name: '' }, g.constant(tensor.float32([1, 2], [2]))], {
      mode: attr.string('nearest'),
      coordinate_transformation_mode: attr.string('asymmetric')
    }), 'up', 'float32', [1, 8])
    g.output(t, 't', 'float32', [4, 1])
    const out = await run(g.toBytes(), { x: new ort.Tensor('float32', Float32Array.from([0, 4, 0, 8]), [1, 4]) })
    expectClose(f32(out, 't'), [-0.5, 2, -1.5, 4], 0)
    expectClose(f32(out, 'up'), [-0.5, -0.5, 2, 2, -1.5, -1.5, 4, 4], 0)
  })
})
