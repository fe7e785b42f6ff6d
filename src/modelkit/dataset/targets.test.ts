import { describe, expect, it } from 'vitest'
import type { AppliedDistortion } from './distortions'
import { DISTORTION_IDS } from './distortions'
import { MAX_PENALTY, overlapFraction, partSeverities, penalty, qualityFromPenalties, qualityFromSeverities, segmentSeverities, segmentTimes, zeroSeverities } from './targets'

const d = (id: AppliedDistortion['id'], level: AppliedDistortion['level'], start = 0, end = 4): AppliedDistortion => ({ id, level, start, end, params: {} })

describe('quality target', () => {
  it('is 5 for a clean segment', () => {
    expect(qualityFromSeverities(zeroSeverities())).toBe(5)
  })

  it('decreases monotonically with severity for every distortion', () => {
    for (const id of DISTORTION_IDS) {
      let prev = 5.0001
      for (const s of [0, 0.1, 0.25, 0.5, 0.75, 1]) {
        const q = qualityFromSeverities({ ...zeroSeverities(), [id]: s })
        expect(q).toBeLessThan(prev)
        prev = q
      }
      expect(qualityFromSeverities({ ...zeroSeverities(), [id]: 1 })).toBeCloseTo(5 - MAX_PENALTY[id], 10)
    }
  })

  it('makes two distortions hurt more than either alone, but less than the plain sum', () => {
    const one = qualityFromPenalties([2])
    const two = qualityFromPenalties([2, 1.5])
    expect(one).toBe(3)
    expect(two).toBeLessThan(one)
    expect(two).toBeLessThan(qualityFromPenalties([1.5]))
    expect(two).toBeGreaterThan(5 - 3.5)
  })

  it('never leaves [1, 5]', () => {
    expect(qualityFromPenalties([3.8, 3.4, 3.2])).toBeGreaterThanOrEqual(1)
    expect(qualityFromPenalties([9])).toBe(1)
    expect(qualityFromPenalties([-2])).toBe(5)
    const all = Object.fromEntries(DISTORTION_IDS.map((id) => [id, 1])) as ReturnType<typeof zeroSeverities>
    expect(qualityFromSeverities(all)).toBeGreaterThanOrEqual(1)
  })

  it('grows faster than linearly (level 1 is cheap)', () => {
    expect(penalty('blur', 0.25)).toBeLessThan(0.25 * MAX_PENALTY.blur)
    expect(penalty('blur', 2)).toBe(MAX_PENALTY.blur)
  })
})

describe('severities per segment', () => {
  it('weights level/4 by the fraction of the segment the window covers', () => {
    expect(overlapFraction(1, 3, 0, 2)).toBe(0.5)
    expect(overlapFraction(2.5, 3, 0, 2)).toBe(0)
    const seg0 = segmentSeverities([d('blur', 4, 1, 3)], 0, 2)
    const seg1 = segmentSeverities([d('blur', 4, 1, 3)], 2, 4)
    expect(seg0.blur).toBe(0.5)
    expect(seg1.blur).toBe(0.5)
    expect(segmentSeverities([d('noise', 2)], 0, 2).noise).toBe(0.5)
    expect(segmentSeverities([d('noise', 2)], 0, 2).blur).toBe(0)
  })

  it('takes the larger value when an id repeats', () => {
    expect(segmentSeverities([d('blur', 1), d('blur', 3)], 0, 2).blur).toBe(0.75)
  })

  it('cuts clips into 2 s segments', () => {
    expect(segmentTimes(4)).toEqual([{ start: 0, end: 2 }, { start: 2, end: 4 }])
    expect(segmentTimes(8)).toHaveLength(4)
    expect(segmentTimes(1)).toEqual([{ start: 0, end: 1 }])
  })
})

describe('part targets', () => {
  it('follow the window coverage for distortions on every frame', () => {
    const blur: AppliedDistortion = { id: 'blur', level: 3, start: 1.5, end: 3.5, params: { sigma: 2 } }
    expect(partSeverities([blur], 1.0, 1.5, 30).blur).toBe(0)
    expect(partSeverities([blur], 1.5, 2.0, 30).blur).toBeCloseTo(0.75, 10)
    expect(partSeverities([blur], 3.25, 3.75, 30).blur).toBeCloseTo(0.375, 10)
  })

  it('follow the recorded runs for freeze, stutter and black', () => {
    // Window 0–2 s at 10 fps (frames 0–19), half of it frozen: frames 5–14.
    const freeze: AppliedDistortion = { id: 'freeze', level: 3, start: 0, end: 2, params: { runs: [5, 14] } }
    expect(partSeverities([freeze], 0, 0.5, 10).freeze).toBe(0) // frames 0–4: none frozen
    expect(partSeverities([freeze], 0.5, 1.0, 10).freeze).toBeCloseTo(0.75, 10) // frames 5–9: all frozen
    expect(partSeverities([freeze], 1.5, 2.0, 10).freeze).toBe(0) // frames 15–19
    // Frames 10–14 frozen of 10–19: share 0.5 = the window's, so the full level.
    expect(partSeverities([freeze], 1.0, 2.0, 10).freeze).toBeCloseTo(0.75, 10)
    // A part with a fifth of its frames frozen: 0.2 / 0.5 of the level.
    expect(partSeverities([freeze], 0.1, 0.6, 10).freeze).toBeCloseTo(0.75 * 0.4, 10)
  })

  it('average over a segment to about the segment rule', () => {
    const black: AppliedDistortion = { id: 'black', level: 2, start: 0, end: 2, params: { runs: [3, 5, 13, 15] } }
    const parts = [0, 0.5, 1, 1.5].map((s) => partSeverities([black], s, s + 0.5, 10).black)
    expect(parts.reduce((a, b) => a + b, 0) / 4).toBeGreaterThan(0.25)
    expect(segmentSeverities([black], 0, 2).black).toBeCloseTo(0.5, 10)
  })
})
