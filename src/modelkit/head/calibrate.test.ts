import { describe, expect, it } from 'vitest'
import { DEFAULT_SHIFT, fitShift, fitShifts, flagF1, withSeverityShifts } from './calibrate'
import type { HeadWeights } from '../../core/model/head'

const sigmoid = (z: number): number => 1 / (1 + Math.exp(-z))

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

  it('fits one shift per column and moves only the severities bias', () => {
    const pred = [
      [0.25, 0.9],
      [0.05, 0.05]
    ]
    const target = [
      [0.5, 1],
      [0, 0]
    ]
    const shifts = fitShifts(pred, target)
    expect(shifts[0]).toBeGreaterThan(0)
    expect(shifts[1]).toBe(0)
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
})
