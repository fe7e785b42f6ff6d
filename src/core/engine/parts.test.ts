// Pure: a segment's parts from a pack's outputs, and the run of frames they divide.
import { describe, expect, it } from 'vitest'
import { View, type ModelManifest } from '../../shared/model-pack'
import { measuredRun, partsOf } from './analyze'
import type { TensorOut } from './ort'

// The default pack's dense views: 64 consecutive frames at most.
const DEFAULT_VIEWS = [
  View.parse({ name: 'frag', kind: 'fragments', grid: [4, 4], patch: [64, 64], align: 8, frames: 64, sampling: 'consecutive', maxFps: 30, pixelFormat: 'gray', layout: 'TCHW', dtype: 'uint8' }),
  View.parse({ name: 'still', kind: 'resize', size: [288, 512], fit: 'stretch', frames: 1, sampling: 'uniform', fixedCount: true, maxFps: 30, pixelFormat: 'gray', layout: 'TCHW', dtype: 'float32' })
]

const manifest = {
  views: DEFAULT_VIEWS,
  distortions: [{ id: 'black', label: 'Black', description: '' }, { id: 'noise', label: 'Noise', description: '' }],
  outputs: {
    score: { kind: 'levels', from: 'head.levels' },
    evidence: { from: 'measure.features', names: ['black_frames'] },
    parts: { count: 4, score: { kind: 'levels', from: 'head_parts.levels' }, severities: 'head_parts.severities', evidence: 'measure.parts' }
  }
} as unknown as ModelManifest

const f32 = (data: number[], dims: number[]): TensorOut => ({ data: Float32Array.from(data), dims })
// Part k: all its probability on level k + 1 (score k + 1); black severity k / 4; noise 0.1; black_frames k / 10.
const values = new Map<string, TensorOut>([
  ['head_parts.levels', f32([0, 1, 2, 3].flatMap((k) => [0, 1, 2, 3, 4].map((l) => (l === k ? 1 : 0))), [4, 5])],
  ['head_parts.severities', f32([0, 1, 2, 3].flatMap((k) => [k / 4, 0.1]), [4, 2])],
  ['measure.parts', f32([0, 1, 2, 3].map((k) => k / 10), [4, 1])]
])

describe('segment parts', () => {
  it('reads each part its score, severities and measurements, on quarters of a fully measured segment', () => {
    const parts = partsOf(manifest, values, 10, 12, 50)!
    expect(parts.map((p) => [p.start, p.end])).toEqual([[10, 10.52], [10.52, 11], [11, 11.52], [11.52, 12]])
    expect(parts.map((p) => p.score)).toEqual([1, 2, 3, 4])
    expect(parts[2]!.severities).toEqual({ black: 0.5, noise: expect.closeTo(0.1, 6) })
    expect(parts[3]!.evidence!['black_frames']).toBeCloseTo(0.3, 6)
  })

  it('divides only the frames the views measured when a segment holds more than they take', () => {
    // 90 frames (3 s at 30 fps); the 64-frame views take frames 13–76.
    const run = measuredRun(DEFAULT_VIEWS, 90)
    expect(run).toEqual({ first: 13, count: 64 })
    const parts = partsOf(manifest, values, 0, 3, 90, run)!
    expect(parts[0]!.start).toBeCloseTo(13 / 30, 9)
    expect(parts[3]!.end).toBeCloseTo(77 / 30, 9)
    expect(parts[1]!.start).toBeCloseTo(29 / 30, 9)
    expect(measuredRun(DEFAULT_VIEWS, 40)).toEqual({ first: 0, count: 40 })
  })

  it('gives no parts for too short a segment, a pack without them, or outputs short of a row per part', () => {
    expect(partsOf(manifest, values, 0, 0.5, 15)).toBeNull()
    expect(partsOf({ ...manifest, outputs: { ...manifest.outputs, parts: undefined } }, values, 0, 2, 50)).toBeNull()
    const short = new Map(values)
    short.set('head_parts.severities', f32([0, 0.1, 0.25, 0.1], [2, 2]))
    expect(partsOf(manifest, short, 0, 2, 50)).toBeNull()
    const unmeasured = new Map(values)
    unmeasured.set('head_parts.levels', f32(Array(20).fill(NaN), [4, 5]))
    expect(partsOf(manifest, unmeasured, 0, 2, 50)).toBeNull()
  })
})
