import { describe, expect, it } from 'vitest'
import type { TrainingPoint, TrainingRun } from '../../../shared/contract'
import { runProgress, scatterSeries, smooth, validationRows } from './chartData'

const point = (step: number, over: Partial<TrainingPoint> = {}): TrainingPoint => ({
  step, epoch: 0, loss: step, kl: 0, reg: step, rank: null, temporal: 0, attribution: null, valSrcc: null, valPlcc: null, ...over
})

describe('training chart data', () => {
  it('smooths reward curves over trailing steps and keeps missing rewards missing', () => {
    const rows = smooth([point(1), point(2), point(3), point(4)], 2)
    expect(rows.map((r) => r.reg)).toEqual([1, 1.5, 2.5, 3.5])
    expect(rows[0]!.rank).toBeNull()
  })
  it('lists validation agreement per epoch, starting from the base model', () => {
    const run = { curves: [point(1), point(2, { valSrcc: 0.5, valPlcc: 0.4 }), point(3, { epoch: 1, valSrcc: 0.7, valPlcc: 0.6 })], before: { srcc: 0.2, plcc: 0.1, rmse: 1, points: [] } }
    expect(validationRows(run)).toEqual([{ epoch: 0, srcc: 0.2, plcc: 0.1 }, { epoch: 1, srcc: 0.5, plcc: 0.4 }, { epoch: 2, srcc: 0.7, plcc: 0.6 }])
  })
  it('makes the scatter series and the progress', () => {
    const e = { srcc: 0, plcc: 0, rmse: 0, points: [{ clipId: 1, label: 2, predicted: 3 }] }
    expect(scatterSeries({ before: e, after: null })).toEqual({ before: [{ label: 2, predicted: 3 }], after: [] })
    const run = { state: 'training', curves: [point(1), point(2)], params: { batchSize: 8, epochs: 2 }, trainClips: 16 } as unknown as TrainingRun
    expect(runProgress(run)).toBe(0.5)
  })
})
