import { describe, expect, it } from 'vitest'
import { Head } from '../../core/model/head'
import { poolClip } from '../../core/engine/pooling'
import { replayHead } from './replay'

describe('replaying a head over cached measurements', () => {
  it('scores, pools and reports as the harness does, and keeps failed videos as failures', () => {
    const spec = { inputs: ['a', 'b'], logOffsets: [0, 0], mean: [0, 0], std: [1, 1], hidden: [4], distortions: ['noise'] }
    const head = Head.create(spec, 3)
    const weights = head.weights()
    const rows = [[0.1, 0.2], [null, 3], [2, -1]]
    const expected = head.predict([[0.1, 0.2], [NaN, 3], [2, -1]])
    head.dispose()
    const truth = { source: 's', seconds: 4, distortions: [] }
    const r = replayHead(
      weights,
      [
        { file: 'a.mp4', gt: 4, truth, seconds: 4, segments: [{ start: 0, end: 2, x: rows[0]! }, { start: 2, end: 4, x: rows[1]! }], error: null },
        { file: 'broken.mp4', gt: 3, truth, seconds: 0, segments: [], error: 'moov atom not found' },
        { file: 'b.mp4', gt: 2, truth, seconds: 2, segments: [{ start: 0, end: 2, x: rows[2]! }], error: null }
      ],
      'test'
    )
    expect(r.failures).toBe(1)
    const [a, broken, b] = r.videos
    expect(a!.segments.map((s) => s.score)).toEqual(expected.scores.slice(0, 2))
    expect(a!.pred).toBeCloseTo(poolClip(a!.segments), 12)
    expect(a!.segments[1]!.severities['noise']).toBe(expected.severities[1]![0])
    expect(broken!.error).toBe('moov atom not found')
    expect(b!.pred).toBeCloseTo(expected.scores[2]!, 12)
    expect(r.attribution?.clean.n).toBe(2)
  })
})
