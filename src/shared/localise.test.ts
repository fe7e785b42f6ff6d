import { describe, expect, it } from 'vitest'
import { distortionIds, distortionRanges, incidents, mergeRanges, peakSeverity, severityStretches, withinSegment, type Localisable } from './localise'

const seg = (whole: number, parts: number[] | null, start = 2): Localisable => ({
  start,
  end: start + 2,
  severities: { black: whole },
  parts: parts?.map((v, k) => ({ start: start + k * 0.5, end: start + 0.5 + k * 0.5, severities: { black: v } })) ?? null
})

describe('localising a distortion inside a segment', () => {
  it('places a short event on its part, even when the segment as a whole is below the threshold', () => {
    expect(distortionRanges(seg(0.2, [0, 0.9, 0.1, 0]), 'black', 0.3)).toEqual([[2.5, 3]])
    expect(distortionRanges(seg(0.2, [0, 0.29, 0.1, 0]), 'black', 0.3)).toEqual([])
  })

  it('keeps a segment flagged as a whole on every part that shows at least half of it', () => {
    // The parts read a little under the segment: all of it, however the strongest part compares.
    expect(distortionRanges(seg(0.9, [0.61, 0.55, 0.55, 0.55]), 'black', 0.6)).toEqual([[2, 4]])
    expect(distortionRanges(seg(0.9, [0.31, 0.2, 0.2, 0.2]), 'black', 0.3)).toEqual([[2, 4]])
    // Clearly clean parts are left out.
    expect(distortionRanges(seg(0.7, [0.8, 0.9, 0.05, 0.6]), 'black', 0.3)).toEqual([[2, 3], [3.5, 4]])
    // Parts that all read under half the threshold cannot say where: the whole segment.
    expect(severityStretches(seg(0.4, [0.1, 0.12, 0.1, 0.14]), 'black', 0.3)).toEqual([{ start: 2, end: 4, severity: 0.4, part: null, flagged: true }])
  })

  it('uses the whole segment when there are no parts', () => {
    expect(distortionRanges(seg(0.4, null), 'black', 0.3)).toEqual([[2, 4]])
    expect(distortionRanges(seg(0.2, null), 'black', 0.3)).toEqual([])
  })

  it('shows faint parts as parts, not flagged', () => {
    expect(severityStretches(seg(0.1, [0.1, 0.2, 0, 0]), 'black', 0.3).map((s) => [s.part, s.flagged])).toEqual([[0, false], [1, false], [2, false], [3, false]])
  })

  it('reads the peak over the segment and its parts, an unmeasured part as absent', () => {
    expect(peakSeverity(seg(0.2, [0, 0.9, 0.1, 0]), 'black')).toBe(0.9)
    expect(peakSeverity(seg(0.2, [NaN, 0.1, 0.1, 0]), 'black')).toBe(0.2)
    expect(peakSeverity(seg(0.2, null), 'noise')).toBe(0)
    expect(distortionRanges(seg(0.2, [NaN, 0.9, NaN, NaN]), 'black', 0.3)).toEqual([[2.5, 3]])
  })

  it('merges touching and overlapping ranges', () => {
    expect(mergeRanges([[3, 4], [0, 1], [1, 2], [3.5, 5]])).toEqual([[0, 2], [3, 5]])
  })

  it('joins stretches at most a second apart into one incident across segments, counting only their own time', () => {
    // Black flashing: 2.5–3, then 3.5–4 and 5–5.5 in the next segment; then a long gap and 8–10.
    const a = seg(0.2, [0, 0.9, 0, 0.8])
    const b = seg(0.2, [0, 0, 0.9, 0], 4)
    const c = seg(0.5, null, 8)
    expect(incidents([a, b, c], 'black', 0.3)).toEqual([{ start: 2.5, end: 5.5, seconds: 1.5 }, { start: 8, end: 10, seconds: 2 }])
    expect(incidents([a, b, c], 'black', 0.3, 0).map((i) => [i.start, i.end])).toEqual([[2.5, 3], [3.5, 4], [5, 5.5], [8, 10]])
    // Exactly a second apart still joins.
    expect(incidents([seg(0.2, [0.9, 0, 0, 0.9])], 'black', 0.3).map((i) => [i.start, i.end])).toEqual([[2, 4]])
  })
})

describe('distortionIds and withinSegment', () => {
  it('lists ids from segments and their parts once, first seen first', () => {
    const segs: Localisable[] = [
      { start: 0, end: 2, severities: { noise: 0.1, blur: 0.2 }, parts: [{ start: 0, end: 1, severities: { black: 0.9 } }] },
      { start: 2, end: 4, severities: { blur: 0.1, freeze: 0 } }
    ]
    expect(distortionIds(segs)).toEqual(['noise', 'blur', 'black', 'freeze'])
  })
  it('gives ranges only when they leave part of the segment out', () => {
    const seg = { start: 2, end: 4 }
    expect(withinSegment(seg, [])).toBeNull()
    expect(withinSegment(seg, [[2, 4]])).toBeNull()
    expect(withinSegment(seg, [[2, 3]])).toEqual([[2, 3]])
    expect(withinSegment(seg, [[2, 2.5], [3, 4]])).toEqual([[2, 2.5], [3, 4]])
  })
})
