import { describe, expect, it } from 'vitest'
import { OrtEngine } from './ort'

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
