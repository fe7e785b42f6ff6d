import { describe, expect, it } from 'vitest'
import { DEFAULT_SHIFT, fitLocalisedShift, flagF1, localisedF1, searchShift, withSeverityShifts, type CalibrationSegment } from './calibrate'
import type { HeadWeights } from '../../core/model/head'

const sigmoid = (z: number): number => 1 / (1 + Math.exp(-z))
/** The shift for segments measured whole (no parts): the F1 of flagging the segments alone. */
const fitShift = (pred: number[], target: number[], opts = DEFAULT_SHIFT): number =>
  fitLocalisedShift(pred.map((whole, i) => ({ whole, target: target[i]!, parts: [], partTargets: [] })), opts)

describe('severity calibration', () => {
  it('scores flagging by F1 and leaves out the weak rows', () => {
    expect(flagF1([0.9, 0.1, 0.5, 0.2], [true, true, false, null], 0.3)).toBeCloseTo((2 * 1) / (2 * 1 + 1 + 1))
    expect(flagF1([0.9], [null], 0.3)).toBeNaN()
  })

  it('shifts a distortion whose affected segments read just under the threshold', () => {
    // Affected segments at 0.25, clean ones at 0.05: flagging at 0.3 misses every one; a shift of about +0.3 logits
    // catches them all and still leaves the clean ones far below.
    const pred = [...Array(20).fill(0.25), ...Array(40).fill(0.05)]
    const target = [...Array(20).fill(0.5), ...Array(40).fill(0)]
    const shift = fitShift(pred, target)
    expect(shift).toBeGreaterThan(0)
    expect(sigmoid(Math.log(0.25 / 0.75) + shift)).toBeGreaterThanOrEqual(0.3)
    // The smallest shift that does it: one more grid step down would miss them again.
    expect(sigmoid(Math.log(0.25 / 0.75) + shift - DEFAULT_SHIFT.step)).toBeLessThan(0.3)
  })

  it('never goes past the cap, and leaves alone what it cannot learn', () => {
    // Affected segments spread from 0.05 to 0.25: every further step catches more of them.
    const pred = [...Array.from({ length: 20 }, (_, i) => 0.05 + 0.01 * i), ...Array(40).fill(0.001)]
    const target = [...Array(20).fill(1), ...Array(40).fill(0)]
    expect(fitShift(pred, target)).toBe(DEFAULT_SHIFT.cap)
    expect(fitShift(pred, target, { ...DEFAULT_SHIFT, cap: 0.5 })).toBe(0.5)
    // Out of reach of any allowed shift: none.
    expect(fitShift([...Array(20).fill(0.02), ...Array(40).fill(0.001)], target)).toBe(0)
    // No truly affected segment (only weak ones and clean ones): no shift.
    expect(fitShift([0.4, 0.1], [0.25, 0])).toBe(0)
    // Already right: no shift, because every shift costs a little.
    expect(fitShift([0.8, 0.8, 0.05, 0.05], [1, 0.5, 0, 0])).toBe(0)
  })

  it('shifts down where clean segments are flagged', () => {
    const pred = [...Array(20).fill(0.6), ...Array(40).fill(0.35)]
    const target = [...Array(20).fill(0.75), ...Array(40).fill(0)]
    const shift = fitShift(pred, target)
    expect(shift).toBeLessThan(0)
    expect(sigmoid(Math.log(0.35 / 0.65) + shift)).toBeLessThan(0.3)
    expect(sigmoid(Math.log(0.6 / 0.4) + shift)).toBeGreaterThanOrEqual(0.3)
  })

  it('moves only the severities bias', () => {
    const w: HeadWeights = {
      spec: { inputs: ['a'], logOffsets: [0], mean: [0], std: [1], hidden: [1], distortions: ['x', 'y'] },
      layers: [
        { name: 'hidden1', kernel: [1], bias: [0.5], inSize: 1, outSize: 1 },
        { name: 'levels', kernel: [1, 2, 3, 4, 5], bias: [0, 0, 0, 0, 0], inSize: 1, outSize: 5 },
        { name: 'severities', kernel: [1, 1], bias: [-1, 2], inSize: 1, outSize: 2 }
      ]
    }
    const moved = withSeverityShifts(w, [0.5, -0.25])
    expect(moved.layers[2]!.bias).toEqual([-0.5, 1.75])
    expect(moved.layers.slice(0, 2)).toEqual(w.layers.slice(0, 2))
    expect(w.layers[2]!.bias).toEqual([-1, 2])
    expect(() => withSeverityShifts(w, [1])).toThrow(/expected 2 shifts/)
  })

  it('searches outward from no shift, paying for size, and keeps the smaller shift on a tie', () => {
    // Flat gain: no shift. A gain that grows with the shift: the cap. A peak at +0.3: found on the grid.
    expect(searchShift(() => 0.5)).toBe(0)
    expect(searchShift(() => 0.5, { ...DEFAULT_SHIFT, penalty: 0 })).toBe(0)
    expect(searchShift((s) => s)).toBe(DEFAULT_SHIFT.cap)
    expect(searchShift((s) => -Math.abs(s - 0.3))).toBeCloseTo(0.3, 9)
    // +0.2 and −0.2 equally good: the positive one is met first at that size, and ties do not replace it.
    expect(searchShift((s) => (Math.abs(Math.abs(s) - 0.2) < 1e-9 ? 1 : 0))).toBe(0.2)
  })
})

describe('calibration as the app flags: segments with their parts', () => {
  const seg = (whole: number, parts: number[], target: number, partTargets: number[]): CalibrationSegment => ({ whole, target, parts, partTargets })

  it('finds a segment on its peak over the whole and the parts, and places each part as the timeline does', () => {
    // A short event: the whole reads 0.1, one part 0.6 — found (peak), and placed on that part only.
    const short = seg(0.1, [0.05, 0.6, 0.05, 0.05], 0.5, [0, 1, 0, 0])
    expect(localisedF1([short], 0)).toBeCloseTo(1, 9)
    // A clean segment whose noisy part crosses the threshold: a false finding and a false placement.
    const noisy = seg(0.1, [0.05, 0.4, 0.05, 0.05], 0, [0, 0, 0, 0])
    // finding: tp 1, fp 1 → 2/3; placing: tp 1, fp 1 → 2/3.
    expect(localisedF1([short, noisy], 0)).toBeCloseTo(2 / 3, 9)
    // A segment flagged whole whose parts all read under half the threshold: every part counts as placed — two of
    // them rightly, two wrongly (placing 4/6; finding 1).
    const spread = seg(0.5, [0.1, 0.1, 0.1, 0.1], 0.5, [0.5, 0.5, 0, 0])
    expect(localisedF1([spread], 0)).toBeCloseTo((1 + 4 / 6) / 2, 9)
    // A segment flagged whole keeps the finding on a part that shows half the threshold (0.2 ≥ 0.15), not on the
    // clean ones: placed exactly.
    const half = seg(0.4, [0.2, 0.05, 0.05, 0.05], 0.5, [0.5, 0, 0, 0])
    expect(localisedF1([half], 0)).toBeCloseTo(1, 9)
    // An unmeasured part reads as absent, as in the app, and does not poison the segment.
    expect(localisedF1([seg(0.5, [NaN, 0.6, 0.05, 0.05], 0.5, [0, 0.5, 0, 0])], 0)).toBeCloseTo(1, 9)
    // Without parts it is the segment F1 alone.
    expect(localisedF1([seg(0.5, [], 0.5, []), seg(0.05, [], 0, [])], 0)).toBeCloseTo(1, 9)
    expect(localisedF1([seg(0.05, [], 0.25, [])], 0)).toBeNaN()
  })

  it('shifts less than a segment-only fit where clean segments have noisy parts', () => {
    // Affected segments read 0.25 as a whole (under 0.3), one of their parts 0.35, so the app already finds them;
    // clean segments read 0.1 whole, but one of their parts reads 0.27. On whole segments alone a shift up looks
    // free; with the parts, it would flag every clean segment too.
    const affected = Array.from({ length: 20 }, () => seg(0.25, [0.35, 0.25, 0.25, 0.25], 0.5, [0.5, 0.5, 0.5, 0.5]))
    const clean = Array.from({ length: 40 }, () => seg(0.1, [0.1, 0.27, 0.1, 0.1], 0, [0, 0, 0, 0]))
    const segs = [...affected, ...clean]
    const wholeOnly = fitShift(segs.map((g) => g.whole), segs.map((g) => g.target))
    const localised = fitLocalisedShift(segs)
    expect(wholeOnly).toBeGreaterThan(0)
    expect(localised).toBe(0)
    expect(localisedF1(segs, localised)).toBeGreaterThan(localisedF1(segs, wholeOnly))
    // Nothing truly affected, in a segment or a part: no shift.
    expect(fitLocalisedShift(clean)).toBe(0)
  })
})
