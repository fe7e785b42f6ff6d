import { describe, expect, it } from 'vitest'
import { below, evaluateFlags, PRESETS, runs, type FlagSegment } from './flags'

const seg = (start: number, score: number, severities: Record<string, number> = {}, evidence: Record<string, number> = {}): FlagSegment => ({
  start,
  end: start + 2,
  score,
  severities,
  evidence
})

describe('flag rules', () => {
  it('merges consecutive segments into runs', () => {
    const r = runs([seg(0, 1), seg(2, 1), seg(4, 4), seg(6, 1)], (s) => s.score < 2)
    expect(r.map((x) => [x.start, x.end])).toEqual([[0, 4], [6, 8]])
  })

  it('flags low clip and segment scores with their time ranges', () => {
    const f = evaluateFlags(PRESETS.standard, 2.5, [seg(0, 4), seg(2, 1.4), seg(4, 1.8), seg(6, 4.2)])
    expect(f.map((x) => x.rule)).toEqual(['clip-score', 'segment-score'])
    expect(f[1]).toMatchObject({ start: 2, end: 6, message: '00:02–00:06 scores 1.40 (below 2)' })
  })

  it('times a distortion by the parts of segments that have them', () => {
    const rules = { ...PRESETS.standard, clipBelow: null, segmentBelow: null, blackOrFrozenSeconds: null, distortion: { severity: 0.6, seconds: 1 } }
    const parted = (start: number, sev: number[]): FlagSegment => ({
      ...seg(start, 3, { black: Math.max(...sev) / 2 }),
      parts: sev.map((v, k) => ({ start: start + k * 0.5, end: start + (k + 1) * 0.5, severities: { black: v } }))
    })
    // 1.5 s of black across a segment boundary: parts 3.5–4 and 4–5, though neither segment reaches 0.6 as a whole.
    const f = evaluateFlags(rules, 4, [parted(2, [0, 0, 0, 0.9]), parted(4, [0.9, 0.8, 0.1, 0])])
    expect(f).toEqual([{ rule: 'distortion', distortion: 'black', message: 'black ≥ 0.6 for 1.5 s (00:03.5–00:05.0)', start: 3.5, end: 5 }])
    // Too short for a 2-second rule.
    expect(evaluateFlags({ ...rules, distortion: { severity: 0.6, seconds: 2 } }, 4, [parted(2, [0, 0, 0, 0.9]), parted(4, [0.9, 0.8, 0.1, 0])])).toEqual([])
    // Three half-second flashes a second apart are one incident, but only 1.5 s of black: not a 2-second one.
    const flashes = [parted(0, [0.9, 0, 0, 0.9]), parted(2, [0, 0, 0.9, 0])]
    expect(evaluateFlags({ ...rules, distortion: { severity: 0.6, seconds: 2 } }, 4, flashes)).toEqual([])
    expect(evaluateFlags(rules, 4, flashes).map((f) => f.message)).toEqual(['black ≥ 0.6 for 1.5 s (00:00.0–00:03.5, with gaps)'])
  })

  it('flags a distortion only when it lasts long enough', () => {
    const rules = { ...PRESETS.standard, clipBelow: null, segmentBelow: null, blackOrFrozenSeconds: null, distortion: { severity: 0.6, seconds: 4 } }
    expect(evaluateFlags(rules, 4, [seg(0, 3, { blocking: 0.9 }), seg(2, 4, { blocking: 0.1 })])).toEqual([])
    const f = evaluateFlags(rules, 4, [seg(0, 3, { blocking: 0.9 }), seg(2, 3, { blocking: 0.7 })])
    expect(f).toEqual([{ rule: 'distortion', distortion: 'blocking', message: 'blocking ≥ 0.6 for 4.0 s (00:00–00:04)', start: 0, end: 4 }])
    // With the pack's labels the reason names the distortion as the timeline's lane does; the id stays for filtering.
    const labelled = evaluateFlags(rules, 4, [seg(0, 3, { blocking: 0.9 }), seg(2, 3, { blocking: 0.7 })], [], { blocking: 'compression blocking' })
    expect(labelled[0]).toMatchObject({ distortion: 'blocking', message: 'compression blocking ≥ 0.6 for 4.0 s (00:00–00:04)' })
  })

  it('flags black and frozen stretches from the measurements', () => {
    const rules = { clipBelow: null, segmentBelow: null, distortion: null, blackOrFrozenSeconds: 1 }
    const f = evaluateFlags(rules, 4.5, [seg(0, 4.5, {}, { black_frames: 0 }), seg(2, 4.5, {}, { black_frames: 1 }), seg(4, 4.5, {}, { repeated_frames: 0.6 })])
    expect(f.map((x) => [x.rule, x.start, x.end])).toEqual([
      ['black', 2, 4],
      ['frozen', 4, 6]
    ])
  })

  it('says a black stretch once: the measured black flag stands for the black-frames severity over the same time', () => {
    const segs = [seg(0, 4.5, {}, {}), seg(2, 1.5, { black: 0.9 }, { black_frames: 1, repeated_frames: 1 }), seg(4, 1.5, { black: 0.9 }, { black_frames: 1, repeated_frames: 1 })]
    const both = { clipBelow: null, segmentBelow: null, distortion: { severity: 0.65, seconds: 2 }, blackOrFrozenSeconds: 1 }
    expect(evaluateFlags(both, 3, segs).map((x) => [x.rule, x.start, x.end])).toEqual([['black', 2, 6]])
    // Without the measured rule, the severity rule still flags it.
    const severityOnly = { ...both, blackOrFrozenSeconds: null }
    expect(evaluateFlags(severityOnly, 3, segs).map((x) => [x.rule, x.distortion, x.start, x.end])).toEqual([['distortion', 'black', 2, 6]])
    // Other distortions over the same time are not folded into it.
    const blocky = segs.map((s) => ({ ...s, severities: { ...s.severities, blocking: 0.9 } }))
    expect(evaluateFlags(both, 3, blocky).map((x) => [x.rule, x.distortion ?? null])).toEqual([['distortion', 'blocking'], ['black', null]])
  })

  it('flags a black stretch once, as black, not also as a frozen picture (black frames repeat each other)', () => {
    const rules = { clipBelow: null, segmentBelow: null, distortion: null, blackOrFrozenSeconds: 1 }
    // 00:02–00:04 all black (and so all repeated); 00:04–00:06 half black, and every frame repeated: 1 s frozen.
    const f = evaluateFlags(rules, 4.5, [seg(0, 4.5, {}, {}), seg(2, 4.5, {}, { black_frames: 1, repeated_frames: 1 }), seg(4, 4.5, {}, { black_frames: 0.5, repeated_frames: 1 })])
    expect(f.map((x) => [x.rule, x.message])).toEqual([
      ['black', 'black frames for about 3.0 s (00:02–00:06)'],
      ['frozen', 'frozen picture for about 1.0 s (00:04–00:06)']
    ])
  })
})

describe('a score next to its limit', () => {
  it('never rounds up to the limit it is below', () => {
    expect(below(2.5, 2.8)).toBe('2.50')
    expect(below(2.797, 2.8)).toBe('2.797')
    expect(below(2.7999, 2.8)).toBe('2.7999')
    expect(below(1.996, 2)).toBe('1.996')
  })
})

describe('silence flags', () => {
  it('flag silent stretches at least as long as the rule, with their range', async () => {
    const { evaluateFlags, PRESETS } = await import('./flags')
    const segs = [{ start: 0, end: 12, score: 4.5, severities: {}, evidence: {} }]
    const silences = [{ start: 3, end: 9 }, { start: 10, end: 11.5 }]
    const reasons = evaluateFlags(PRESETS.standard, 4.5, segs, silences)
    expect(reasons).toEqual([{ rule: 'silent', message: 'silent audio for 6.0 s (00:03–00:09)', start: 3, end: 9 }])
    expect(evaluateFlags(PRESETS.strict, 4.5, segs, silences).filter((r) => r.rule === 'silent')).toHaveLength(1)
    expect(evaluateFlags({ ...PRESETS.standard, silentSeconds: 1 }, 4.5, segs, silences).filter((r) => r.rule === 'silent')).toHaveLength(2)
    expect(evaluateFlags({ ...PRESETS.standard, silentSeconds: null }, 4.5, segs, silences)).toEqual([])
  })
})
