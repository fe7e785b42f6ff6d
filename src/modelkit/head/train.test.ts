import { describe, expect, it } from 'vitest'
import { calibrationSegments, seriesGroups, seriesSpearman, splitByGroup, topOneAttribution, trainHead, type Sample } from './train'
import { DEFAULT_SHIFT } from './calibrate'
import { spearman } from '../../core/eval/metrics'

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
    expect(result.validation.fast).toBeUndefined()
    result.head.dispose()
    // Fast-mode samples are validated apart: the headline figures stay comparable with full-mode-only training.
    const mixed = samples.map((x, i) => (i % 2 ? { ...x, fast: true } : x))
    const both = await trainHead(mixed, ['a', 'b', 'brisque'], ['d'], { epochs: 5, hidden: [16], seed: 2, validationFraction: 0.2 })
    const valMixed = splitByGroup(mixed, 0.2, 2).val
    expect(both.validation.segments).toBe(valMixed.filter((x) => !x.fast).length)
    expect(both.validation.fast?.segments).toBe(valMixed.filter((x) => x.fast).length)
    both.head.dispose()
    // An ensemble of three is one head three times as wide, and at least as good.
    const ensemble = await trainHead(samples, ['a', 'b', 'brisque'], ['d'], { epochs: 60, hidden: [16], seed: 2, validationFraction: 0.2, members: 3 })
    expect(ensemble.head.spec.hidden).toEqual([48])
    expect(ensemble.validation.srcc).toBeGreaterThan(0.9)
    ensemble.head.dispose()
  })

  it('calibrates the severities on the held-back photos without moving the score', async () => {
    let s = 5
    const r = () => ((s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31)
    // The severity is only loosely tied to b, so an uncalibrated head flags at 0.3 imperfectly.
    // Each segment comes with two parts (tied by `segment`), read the same way: the calibration reads them too.
    const samples: Sample[] = Array.from({ length: 300 }, (_, i) => {
      const a = r()
      const b = r()
      const sev = [b + 0.3 * (r() - 0.5) > 0.7 ? 0.75 : 0]
      const base = { quality: 5 - 4 * a, severities: sev, group: `g${i % 15}`, segment: `s${i}` }
      return [0, 1].map((): Sample => ({ ...base, x: [a, b + 0.1 * (r() - 0.5), r()], part: true, weight: 0.25 })).concat([{ ...base, x: [a, b, r()] }])
    }).flat()
    const opts = { epochs: 20, hidden: [8], seed: 3, validationFraction: 0.3 }
    const plain = await trainHead(samples, ['a', 'b', 'brisque'], ['d'], opts)
    const cal = await trainHead(samples, ['a', 'b', 'brisque'], ['d'], { ...opts, calibrate: { ...DEFAULT_SHIFT, cap: 0.5 } })
    expect(plain.calibration).toBeUndefined()
    const c = cal.calibration!
    expect(Math.abs(c.shifts['d']!)).toBeLessThanOrEqual(0.5)
    // The search includes "no shift", and pays for any other: F1 never falls where it was fitted.
    expect(c.f1After).toBeGreaterThanOrEqual(c.f1Before)
    const rows = samples.slice(0, 20).map((x) => x.x)
    const p0 = plain.head.predict(rows)
    const p1 = cal.head.predict(rows)
    p0.scores.forEach((v, i) => expect(p1.scores[i]).toBeCloseTo(v, 6))
    expect(cal.validation.severityAuc).toBeCloseTo(plain.validation.severityAuc, 6)
    plain.head.dispose()
    cal.head.dispose()
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

describe('series ranking', () => {
  it('groups samples by series, each group with two levels at least', () => {
    const x = (level: number, groups: string[]): Sample => ({ x: [0], quality: 3, severities: [], group: 'g', rank: { groups, level } })
    const samples = [x(0, ['a', 'b']), x(2, ['a']), x(1, ['b']), x(3, ['c']), { x: [1], quality: 3, severities: [], group: 'g' }]
    expect(seriesGroups(samples)).toEqual([[[0, 0], [1, 2]], [[0, 0], [2, 1]]])
  })

  it('teaches the order within a series that absolute targets leave open', async () => {
    // Feature a is how much distortion was added to a picture whose own look (c) varies; the absolute targets are
    // pure noise around 3, so only the ranking loss can tell the head that more of a is worse.
    let s = 9
    const r = () => ((s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31)
    const samples: Sample[] = []
    for (let g = 0; g < 40; g++) {
      const c = r() * 4
      for (let level = 0; level <= 4; level++)
        samples.push({ x: [level / 4 + (r() - 0.5) * 0.05, c], quality: 3 + (r() - 0.5), severities: [0], group: `p${g % 10}`, rank: { groups: [`s${g}`], level } })
    }
    const ranked = await trainHead(samples, ['a', 'c'], ['d'], { epochs: 40, hidden: [16], seed: 3, validationFraction: 0.2 })
    const probe = [0, 1, 2, 3, 4].map((l) => [l / 4, 1.5])
    expect(spearman(ranked.head.predict(probe).scores, [0, 1, 2, 3, 4])).toBeLessThan(-0.9)
    ranked.head.dispose()
  })
})

describe('validation figures shaped as the benchmark', () => {
  it('top-1 counts single-distortion segments at level 2 or worse, and whether the strongest severity names it', () => {
    const target = [
      [0.6, 0, 0], // counted: blur, predicted blur
      [0, 0.5, 0], // counted: noise, predicted blur
      [0.3, 0, 0], // level 1: left out
      [0.6, 0.6, 0], // two distortions: left out
      [0, 0, 0] // clean: left out
    ]
    const pred = [
      [0.7, 0.1, 0.2],
      [0.4, 0.3, 0.1],
      [0, 0.9, 0],
      [0, 0, 0.9],
      [0.9, 0, 0]
    ]
    expect(topOneAttribution(pred, target)).toBe(0.5)
    expect(topOneAttribution(pred, [[0, 0, 0]])).toBeNaN()
  })

  it('series SRCC is the mean within-series correlation of score and level, over series of three levels or more', () => {
    const r = (groups: string[], level: number): Sample['rank'] => ({ groups, level })
    // Series a falls with level (−1), series b rises (+1); series c has two levels only and is left out.
    const rank = [r(['a', 'b'], 0), r(['a'], 1), r(['a'], 2), r(['b'], 1), r(['b'], 2), r(['c'], 0), r(['c'], 3), undefined]
    const scores = [4, 3, 2, 4.5, 5, 1, 5, 3]
    const samples = rank.map((r) => (r ? { rank: r } : {}))
    expect(seriesSpearman(scores, samples)).toBeCloseTo(0, 9)
    expect(seriesSpearman(scores.slice(0, 3), samples.slice(0, 3))).toBeCloseTo(-1, 9)
    expect(seriesSpearman([1], [{}])).toBeNaN()
  })
})

describe('calibration segments', () => {
  it('gathers each segment with its parts, in order, per distortion, and leaves out fast samples and orphan parts', () => {
    const s = (segment: string | undefined, sev: number[], extra: Partial<Sample> = {}): Sample => ({ x: [0], quality: 3, severities: sev, group: 'g', ...(segment ? { segment } : {}), ...extra })
    const set = [
      s('a#0', [0.1, 0], { part: true }),
      s('a#0', [0.2, 0], { part: true }),
      s('a#0', [0.5, 0]),
      s('b#0', [0, 1]),
      s('a#0', [0.5, 0], { fast: true }),
      s('c#0', [0.3, 0], { part: true }),
      s(undefined, [0, 0])
    ]
    const pred = set.map((_, i) => [i / 10, 1 - i / 10])
    const [first, second] = calibrationSegments(set, pred, 2)
    expect(first).toEqual([
      { whole: 0.2, target: 0.5, parts: [0, 0.1], partTargets: [0.1, 0.2] },
      { whole: 0.3, target: 0, parts: [], partTargets: [] },
      { whole: 0.6, target: 0, parts: [], partTargets: [] }
    ])
    expect(second![0]).toEqual({ whole: 0.8, target: 0, parts: [1, 0.9], partTargets: [0, 0] })
  })
})
