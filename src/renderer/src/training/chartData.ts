/**
 * Pure transforms from a training run's record to what its charts draw: reward curves smoothed over a few steps (one
 * step's mean over 16 clips is noisy), validation agreement per epoch, and the before/after scatter.
 */
import type { TrainingPoint, TrainingRun } from '../../../shared/contract'

export interface CurveRow {
  step: number
  reg: number | null
  rank: number | null
  temporal: number | null
  attribution: number | null
  kl: number
  loss: number
}

/** Trailing moving average over `window` steps, skipping nulls. */
export function smooth(points: readonly TrainingPoint[], window = 5): CurveRow[] {
  const avg = (k: 'reg' | 'rank' | 'temporal' | 'attribution' | 'kl' | 'loss', i: number): number | null => {
    const vals = points.slice(Math.max(0, i - window + 1), i + 1).map((p) => p[k]).filter((v): v is number => v !== null && Number.isFinite(v))
    return vals.length ? vals.reduce((a, b) => a + b, 0) / vals.length : null
  }
  return points.map((p, i) => ({
    step: p.step,
    reg: avg('reg', i),
    rank: avg('rank', i),
    temporal: avg('temporal', i),
    attribution: avg('attribution', i),
    kl: avg('kl', i) ?? 0,
    loss: avg('loss', i) ?? 0
  }))
}

export function validationRows(run: Pick<TrainingRun, 'curves' | 'before'>): Array<{ epoch: number; srcc: number | null; plcc: number | null }> {
  const rows = run.curves.filter((p) => p.valSrcc !== null).map((p) => ({ epoch: p.epoch + 1, srcc: p.valSrcc, plcc: p.valPlcc }))
  return run.before ? [{ epoch: 0, srcc: run.before.srcc, plcc: run.before.plcc }, ...rows] : rows
}

export function scatterSeries(run: Pick<TrainingRun, 'before' | 'after'>): { before: Array<{ label: number; predicted: number }>; after: Array<{ label: number; predicted: number }> } {
  const pts = (e: TrainingRun['before']) => e?.points.map((p) => ({ label: p.label, predicted: p.predicted })) ?? []
  return { before: pts(run.before), after: pts(run.after) }
}

/** Pure: how far a run has got, for its progress bar (0–1). */
export function runProgress(run: Pick<TrainingRun, 'state' | 'curves' | 'params' | 'trainClips'>): number {
  if (run.state === 'done') return 1
  const perEpoch = Math.max(1, Math.ceil(run.trainClips / run.params.batchSize))
  return Math.min(1, run.curves.length / (perEpoch * run.params.epochs))
}
