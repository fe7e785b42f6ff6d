import { describe, expect, it } from 'vitest'
import { durationMean, poolClip, worstMean } from './pooling'

const seg = (start: number, end: number, score: number) => ({ start, end, score })

describe('clip pooling', () => {
  it('equals the mean for a uniform clip', () => {
    expect(poolClip([seg(0, 2, 4), seg(2, 4, 4), seg(4, 6, 4)])).toBeCloseTo(4, 9)
  })

  it('weights a bad stretch more than a plain mean does', () => {
    const s = [seg(0, 2, 4.5), seg(2, 4, 4.5), seg(4, 6, 1.5), seg(6, 8, 4.5)]
    expect(durationMean(s)).toBeCloseTo(3.75, 9)
    expect(worstMean(s)).toBeCloseTo(1.5, 9) // the worst 25 % of 8 s is exactly the bad segment
    expect(poolClip(s)).toBeCloseTo(2.625, 9)
    expect(poolClip(s)).toBeLessThan(durationMean(s))
  })

  it('counts duration, including a part of a segment', () => {
    // 10 s clip: worst 2.5 s = the 1 s at score 1 plus 1.5 s of the 3-score segment.
    const s = [seg(0, 1, 1), seg(1, 4, 3), seg(4, 10, 5)]
    expect(worstMean(s)).toBeCloseTo((1 * 1 + 3 * 1.5) / 2.5, 9)
  })

  it('is never above the mean and ignores unscored segments', () => {
    const s = [seg(0, 2, 2), seg(2, 4, NaN), seg(4, 6, 5)]
    expect(poolClip(s)).toBeLessThanOrEqual(durationMean(s))
    expect(durationMean(s)).toBeCloseTo(3.5, 9)
    expect(poolClip([])).toBeNaN()
  })
})

describe('poolingWeights', () => {
  it('reproduce poolClip as a weighted sum that adds up to 1', async () => {
    const { poolingWeights, poolClip } = await import('./pooling')
    const segs = [
      { start: 0, end: 4, score: 4.2 },
      { start: 4, end: 8, score: 1.9 },
      { start: 8, end: 12, score: 3.5 },
      { start: 12, end: 13, score: 2.5 }
    ]
    const w = poolingWeights(segs)
    expect(w.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12)
    expect(w.reduce((a, wi, i) => a + wi * segs[i]!.score, 0)).toBeCloseTo(poolClip(segs), 12)
    expect(poolingWeights([{ start: 0, end: 2, score: 3 }])).toEqual([1])
  })
})
