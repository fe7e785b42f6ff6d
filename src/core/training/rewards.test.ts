import { describe, expect, it } from 'vitest'
import {
  attributionReward,
  groupAdvantages,
  normalCdf,
  PERTURBATIONS,
  perturbOrder,
  rankRewards,
  regressionReward,
  seededRandom,
  temporalBonus,
  unbiasedVariance
} from './rewards'

describe('VQAThinker rewards', () => {
  it('regression reward matches the paper: exp(−2d²)', () => {
    expect(regressionReward(3.1, 3)).toBeCloseTo(0.980, 3)
    expect(regressionReward(2.7, 3)).toBeCloseTo(0.835, 3)
    expect(regressionReward(3.5, 3)).toBeCloseTo(0.607, 3)
    expect(regressionReward(4, 3)).toBeCloseTo(0.135, 3)
    expect(regressionReward(3, 3)).toBe(1)
  })

  it('normal CDF is accurate to 1e-6 at known points', () => {
    expect(normalCdf(0)).toBeCloseTo(0.5, 7)
    expect(normalCdf(1)).toBeCloseTo(0.8413447, 6)
    expect(normalCdf(-1.96)).toBeCloseTo(0.0249979, 6)
    expect(normalCdf(3)).toBeCloseTo(0.9986501, 6)
  })

  it('rank reward is near its maximum of 1 for answers in the right order, low for the wrong order', () => {
    const mos = [4.5, 1.5]
    const right = rankRewards([[4.4, 4.6, 4.5, 4.3], [1.4, 1.6, 1.5, 1.7]], mos)
    const wrong = rankRewards([[1.4, 1.6, 1.5, 1.7], [4.4, 4.6, 4.5, 4.3]], mos)
    for (const r of right.flat()) expect(r).toBeGreaterThan(0.99)
    for (const r of wrong.flat()) expect(r).toBeLessThan(0.01)
    // Equal MOS: g = 0.5, the reward is best when p = 0.5 (the answer sits on the other group's mean).
    const tie = rankRewards([[3, 3.5], [3, 3.5]], [3, 3])
    expect(tie[0]![0]).toBeGreaterThan(tie[0]![1]! - 1e-9)
    expect(rankRewards([[3, 4]], [3])).toEqual([[0, 0]])
  })

  it('hand-checks one pair: p = Φ((ŝ − μ_z)/√(σ_i² + σ_z² + 1e-6))', () => {
    const groups = [[3, 4], [2, 2.5]]
    const vi = unbiasedVariance(groups[0]!)
    const vz = unbiasedVariance(groups[1]!)
    expect(vi).toBeCloseTo(0.5, 12)
    const p = normalCdf((3 - 2.25) / Math.sqrt(vi + vz + 1e-6))
    const expected = Math.sqrt(p * 1 + 1e-6) + Math.sqrt(0 + 1e-6)
    expect(rankRewards(groups, [4, 2])[0]![0]).toBeCloseTo(expected, 10)
  })

  it('advantages are normalised within the group, and zero when all answers are equally good', () => {
    const a = groupAdvantages([1, 2, 3, 4])
    expect(a.reduce((x, y) => x + y, 0)).toBeCloseTo(0, 10)
    expect(a[3]! / a[0]!).toBeCloseTo(-1, 6)
    expect(a[3]).toBeCloseTo(1.5 / (Math.sqrt(5 / 3) + 1e-4), 8)
    for (const a0 of groupAdvantages([0.7, 0.7, 0.7])) expect(Math.abs(a0)).toBeLessThan(1e-9)
  })

  it('temporal bonus follows the batch-level rule', () => {
    const t = { rankOriginal: [[0.9, 0.4]], rankPerturbed: [[0.5, 0.5]], regOriginal: [[0.95, 0.5]], regPerturbed: [[0.9, 0.9]] }
    // Rank holds (0.65 ≥ 0.5): +0.3 for the answer above 0.5. Regression does not hold (0.725 < 0.9): nothing.
    expect(temporalBonus(t)).toEqual([[0.3, 0]])
    expect(temporalBonus({ ...t, regPerturbed: [[0.1, 0.1]] })).toEqual([[0.6, 0]])
    expect(temporalBonus({ ...t, rankPerturbed: [[1, 1]], regPerturbed: [[1, 1]] })).toEqual([[0, 0]])
  })

  it('attribution reward names the tagged distortion', () => {
    expect(attributionReward('noise', ['noise', 'blur'])).toBe(1)
    expect(attributionReward('blocking', ['noise'])).toBe(0)
  })

  it('perturbations keep the length and do what their names say, reproducibly', () => {
    for (const mode of PERTURBATIONS) {
      const a = perturbOrder(mode, 12, seededRandom(5))
      expect(a).toHaveLength(12)
      expect(perturbOrder(mode, 12, seededRandom(5))).toEqual(a)
      for (const i of a) expect(i).toBeGreaterThanOrEqual(-1)
    }
    expect(perturbOrder('reverse', 4, seededRandom(1))).toEqual([3, 2, 1, 0])
    expect([...perturbOrder('shuffle', 12, seededRandom(2))].sort((x, y) => x - y)).toEqual([...Array(12).keys()])
    const local = perturbOrder('local_shuffle', 12, seededRandom(3))
    for (let w = 0; w < 12; w += 4) expect(local.slice(w, w + 4).sort((x, y) => x - y)).toEqual([w, w + 1, w + 2, w + 3])
    const jitter = perturbOrder('jitter', 12, seededRandom(4))
    jitter.forEach((v, i) => expect(Math.abs(v - i)).toBeLessThanOrEqual(1))
    const dup = perturbOrder('duplicate', 12, seededRandom(6))
    expect(new Set(dup).size).toBeLessThan(12) // a frame repeats, others are gone
    expect(dup.filter((v) => v === -1)).toHaveLength(0)
    const drop = perturbOrder('random_drop', 12, seededRandom(7))
    const blanks = drop.filter((v) => v === -1).length
    expect(blanks).toBeGreaterThanOrEqual(1)
    expect(blanks).toBeLessThanOrEqual(3)
  })
})
