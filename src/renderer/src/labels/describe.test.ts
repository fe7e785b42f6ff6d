import { describe, expect, it } from 'vitest'
import { describeLabel } from './describe'

const base = { score: null, verdict: null, distortion: null, start: null, end: null, comment: null }

describe('describeLabel', () => {
  it('reads each kind of label in a line', () => {
    expect(describeLabel({ ...base, kind: 'score', score: 3.5 })).toBe('Score 3.50')
    expect(describeLabel({ ...base, kind: 'score', score: 2, start: 4, end: 8 })).toBe('Score 2.00 00:04–00:08')
    expect(describeLabel({ ...base, kind: 'verdict', verdict: 'reject' })).toBe('Rejected')
    expect(describeLabel({ ...base, kind: 'distortion', distortion: 'color_cast', start: 0, end: 4 }, () => 'Colour cast')).toBe('Colour cast 00:00–00:04')
    expect(describeLabel({ ...base, kind: 'comment', comment: 'hm' })).toBe('“hm”')
  })
})
