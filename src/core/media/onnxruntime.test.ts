// Setup check: onnxruntime-node's native binding loads on this machine's CPU (its CUDA libraries are optional).
import { describe, expect, it } from 'vitest'

describe('onnxruntime-node', () => {
  it('loads with the CPU backend', async () => {
    const ort = await import('onnxruntime-node')
    expect(ort.listSupportedBackends().map((b) => b.name)).toContain('cpu')
    const t = new ort.Tensor('float32', new Float32Array([1, 2, 3]), [3])
    expect(t.dims).toEqual([3])
  })
})
