import { describe, expect, it } from 'vitest'
import { splitByGroup, trainHead, type Sample } from './train'

describe('head training', () => {
  it('learns a known rule from features and holds out whole groups', async () => {
    // quality falls with feature a; distortion "d" is present when b is high.
    let s = 3
    const r = () => ((s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31)
    const samples: Sample[] = Array.from({ length: 400 }, (_, i) => {
      const a = r()
      const b = r()
      return { x: [a, b, r() * 10], quality: 5 - 4 * a, severities: [b > 0.6 ? 1 : 0], group: `g${i % 20}` }
    })
    const { train, val } = splitByGroup(samples, 0.2, 1)
    expect(new Set(train.map((x) => x.group)).size + new Set(val.map((x) => x.group)).size).toBe(20)
    expect(train.some((t) => val.some((v) => v.group === t.group))).toBe(false)
    const result = await trainHead(samples, ['a', 'b', 'brisque'], ['d'], { epochs: 60, hidden: [16], seed: 2, validationFraction: 0.2 })
    expect(result.validation.srcc).toBeGreaterThan(0.9)
    expect(result.validation.severityAuc).toBeGreaterThan(0.9)
    result.head.dispose()
  })
})

describe('balance weights', () => {
  it('weigh rare quality bins up, with mean 1', async () => {
    const { balanceWeights } = await import('./train')
    const w = balanceWeights([1.1, 4.9, 5, 5, 5])
    expect(w.reduce((a, b) => a + b, 0) / w.length).toBeCloseTo(1, 9)
    expect(w[0]!).toBeGreaterThan(w[2]!)
    expect(w[1]).toBeCloseTo(w[2]!, 9)
  })
})
