import { describe, expect, it } from 'vitest'
import { distortionRanges, incidents, mergeRanges, peakSeverity, severityStretches, type Localisable } from './localise'

const seg = (whole: number, parts: number[] | null): Localisable => ({
  start: 2,
  end: 4,
  severities: { black: whole },
  parts: parts?.map((v, k) => ({ start: 2 + k * 0.5, end: 2.5 + k * 0.5, severities: { black: v } })) ?? null
})

describe('localising a distortion inside a segment', () => {
  it('places it on the parts that reach the threshold, even when the segment as a whole does not', () => {
    expect(distortionRanges(seg(0.2, [0, 0.9, 0.1, 0]), 'black', 0.3)).toEqual([[2.5, 3]])
    expect(distortionRanges(seg(0.7, [0.8, 0.9, 0.1, 0.6]), 'black', 0.3)).toEqual([[2, 3], [3.5, 4]])
  })

  it('falls back to the whole segment when only the segment reaches it, or when there are no parts', () => {
    expect(distortionRanges(seg(0.4, [0.25, 0.28, 0.2, 0.29]), 'black', 0.3)).toEqual([[2, 4]])
    expect(distortionRanges(seg(0.4, null), 'black', 0.3)).toEqual([[2, 4]])
    expect(distortionRanges(seg(0.2, null), 'black', 0.3)).toEqual([])
    expect(severityStretches(seg(0.4, [0.25, 0.28, 0.2, 0.29]), 'black', 0.3)).toEqual([{ start: 2, end: 4, severity: 0.4, part: null }])
  })

  it('shows faint parts as parts', () => {
    expect(severityStretches(seg(0.1, [0.1, 0.2, 0, 0]), 'black', 0.3).map((s) => s.part)).toEqual([0, 1, 2, 3])
  })

  it('reads the peak over the segment and its parts', () => {
    expect(peakSeverity(seg(0.2, [0, 0.9, 0.1, 0]), 'black')).toBe(0.9)
    expect(peakSeverity(seg(0.2, null), 'noise')).toBe(0)
  })

  it('merges touching and overlapping ranges, and ranges up to a gap apart', () => {
    expect(mergeRanges([[3, 4], [0, 1], [1, 2], [3.5, 5]])).toEqual([[0, 2], [3, 5]])
    expect(mergeRanges([[3, 4], [0, 1], [1, 2], [3.5, 5]], 1)).toEqual([[0, 5]])
  })

  it('joins stretches less than a second apart into one incident across segments', () => {
    // Black flashing: 2.5–3, then 3.5–4 and 5–5.5 in the next segment; then a long gap and 8–8.5.
    const a = seg(0.2, [0, 0.9, 0, 0.8])
    const b = { ...seg(0.2, [0, 0, 0.9, 0]), start: 4, end: 6, parts: [4, 4.5, 5, 5.5].map((t, k) => ({ start: t, end: t + 0.5, severities: { black: k === 2 ? 0.9 : 0 } })) }
    const c = { ...seg(0.5, null), start: 8, end: 10 }
    expect(incidents([a, b, c], 'black', 0.3)).toEqual([[2.5, 5.5], [8, 10]])
    expect(incidents([a, b, c], 'black', 0.3, 0)).toEqual([[2.5, 3], [3.5, 4], [5, 5.5], [8, 10]])
  })
})
