import { describe, expect, it } from 'vitest'
import { agreement, auc, fitLogistic4, kendall, logistic4, pearson, ranks, rmse, spearman } from './metrics'

describe('agreement metrics', () => {
  it('ranks with ties', () => {
    expect(ranks([10, 20, 20, 5])).toEqual([2, 3.5, 3.5, 1])
  })
  it('agree with hand-computed values', () => {
    const x = [1, 2, 3, 4, 5]
    const y = [2, 1, 4, 3, 5]
    expect(spearman(x, y)).toBeCloseTo(0.8, 10)
    expect(kendall(x, y)).toBeCloseTo(0.6, 10)
    expect(pearson(x, [2, 4, 6, 8, 10])).toBeCloseTo(1, 12)
    expect(pearson(x, [5, 4, 3, 2, 1])).toBeCloseTo(-1, 12)
    expect(rmse([1, 2], [2, 4])).toBeCloseTo(Math.sqrt(2.5), 12)
  })
  it('fits a 4-parameter logistic to data made by one', () => {
    const truth: [number, number, number, number] = [4.8, 1.2, 0.5, 0.15]
    const x = Array.from({ length: 40 }, (_, i) => i / 39)
    const y = x.map((v) => logistic4(truth, v))
    const p = fitLogistic4(x, y)
    x.forEach((v, i) => expect(logistic4(p, v)).toBeCloseTo(y[i]!, 3))
    const a = agreement(x, y)
    expect(a.plccFitted).toBeGreaterThan(0.9999)
    expect(a.rmseFitted).toBeLessThan(0.01)
    expect(a.plcc).toBeLessThan(a.plccFitted)
  })
  it('computes AUC', () => {
    expect(auc([0.9, 0.8, 0.2, 0.1], [true, true, false, false])).toBe(1)
    expect(auc([0.1, 0.2, 0.8, 0.9], [true, true, false, false])).toBe(0)
    expect(auc([0.5, 0.5], [true, false])).toBe(0.5)
  })
})
