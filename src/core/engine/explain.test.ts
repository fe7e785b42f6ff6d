import { describe, expect, it } from 'vitest'
import { EVIDENCE_KEYS } from '../../shared/evidence'
import { clipSummary, explainSegment, levelWord, strengthOf, type ExplainInput } from './explain'

const base = { start: 12, end: 16, score: 2.1, temporalValid: true }

describe('segment explanations', () => {
  it('names the strongest distortions with the measured values behind them', () => {
    const e = explainSegment({
      ...base,
      severities: { blocking: 0.8, noise: 0.35, blur: 0.1 },
      evidence: { blocking: 2.31, motion: 0.08, noise: 4.12, blur: 0.2, detail: 9 }
    })
    expect(e.sentence).toBe(
      '00:12–00:16: heavy blocking typical of low-bitrate compression during fast motion (block-edge ratio 2.31×); slight noise or grain (σ ≈ 4.1 on 0–255).'
    )
    expect(e.findings.map((x) => x.distortion)).toEqual(['blocking', 'noise'])
    expect(e.findings[0]!.evidence).toEqual({ blocking: 2.31, motion: 0.08 })
  })

  it('says so when nothing stands out', () => {
    expect(explainSegment({ ...base, score: 4.4, severities: { blur: 0.1 }, evidence: {} }).sentence).toBe('00:12–00:16: no clear defect (4.40, good).')
  })

  it('says what a fair or poor segment with no finding does read, however weakly', () => {
    const weak = explainSegment({ ...base, score: 2.4, severities: { blur: 0.22, color_cast: 0.05, noise: 0.14 }, evidence: {} }, { blur: 'blur' })
    expect(weak.findings).toEqual([])
    expect(weak.sentence).toBe('00:12–00:16: 2.40 (poor) with no distortion clear enough to name; the strongest signs, under the reporting threshold of 0.3: blur 0.22, noise 0.14.')
    // Part severities count (a short event that read weakly), motion ones only where motion could be measured.
    const parts = explainSegment({
      ...base,
      temporalValid: false,
      score: 3.1,
      severities: { shake: 0.25, banding: 0.05 },
      evidence: {},
      parts: [{ start: 12, end: 14, severities: { banding: 0.18 } }, { start: 14, end: 16, severities: { banding: 0.02 } }]
    })
    expect(parts.sentence).toBe('00:12–00:16: 3.10 (fair) with no distortion clear enough to name; the strongest signs, under the reporting threshold of 0.3: banding 0.18.')
    const none = explainSegment({ ...base, score: 2.9, severities: { blur: 0.04 }, evidence: {} })
    expect(none.sentence).toBe('00:12–00:16: 2.90 (fair) with no distortion clear enough to name; no distortion it names reads above 0.10.')
  })

  it('does not report motion findings where there were too few frames to measure motion', () => {
    const e = explainSegment({ ...base, temporalValid: false, severities: { freeze: 0.9, noise: 0.5 }, evidence: { noise: 3 } })
    expect(e.findings.map((x) => x.distortion)).toEqual(['noise'])
  })

  it('makes no claim the measurements do not bear out', () => {
    const e = explainSegment({ ...base, severities: { overexposure: 0.6, black: 0.5, freeze: 0.7 }, evidence: { luma: 0.45, clipped_high: 0, black_frames: 0, repeated_frames: 0.01 } })
    expect(e.findings).toEqual([])
    const blackOnly = explainSegment({ ...base, severities: { black: 0.9, freeze: 0.8 }, evidence: { black_frames: 1, repeated_frames: 1 } })
    expect(blackOnly.findings.map((x) => x.distortion)).toEqual(['black'])
  })

  it('describes colour casts by direction and uses the label for unknown distortions', () => {
    const cast = explainSegment({ ...base, severities: { color_cast: 0.7 }, evidence: { cast_cb: 0.08, cast_cr: -0.01 } })
    expect(cast.sentence).toMatch(/blue colour cast/)
    expect(cast.sentence).not.toMatch(/blacks tinted/)
    // Both axes strong: the colour's own name, not "red-blue".
    const mixed = (cb: number, cr: number): string => explainSegment({ ...base, severities: { color_cast: 0.7 }, evidence: { cast_cb: cb, cast_cr: cr } }).sentence
    expect(mixed(0.031, 0.039)).toMatch(/heavy magenta colour cast/)
    expect(mixed(-0.03, 0.03)).toMatch(/heavy orange colour cast/)
    expect(mixed(0.03, -0.03)).toMatch(/heavy cyan colour cast/)
    expect(mixed(-0.03, -0.03)).toMatch(/heavy yellow-green colour cast/)
    expect(mixed(-0.05, 0.01)).toMatch(/heavy yellow colour cast/)
    const tinted = explainSegment({ ...base, severities: { color_cast: 0.7 }, evidence: { cast_cb: -0.004, cast_cr: 0.012, black_tint: 0.06, white_tint: 0.03 } })
    expect(tinted.sentence).toMatch(/red colour cast .*blacks tinted 0\.060, whites 0\.030/)
    const neutral = explainSegment({ ...base, severities: { color_cast: 0.7 }, evidence: { cast_cb: 0.004, cast_cr: 0.002, black_tint: 0.005, white_tint: 0.01 } })
    expect(neutral.findings).toHaveLength(0)
    // A dark picture whose lights still reach white is said to be possibly dark by design (a night scene).
    const night = explainSegment({ ...base, severities: { underexposure: 0.4 }, evidence: { luma: 0.12, clipped_low: 0.53, clipped_high: 0.0037 } })
    expect(night.sentence).toBe(
      '00:12–00:16: slight underexposure, shadows crushed (mean luma 0.12, 53 % near black; yet lights reach white in 0.4 % of the picture — a night or low-key scene can be dark by design).'
    )
    expect(night.findings[0]!.evidence).toEqual({ luma: 0.12, clipped_low: 0.53, clipped_high: 0.0037 })
    const gainDown = explainSegment({ ...base, severities: { underexposure: 0.4 }, evidence: { luma: 0.12, clipped_low: 0.53, clipped_high: 0.0008 } })
    expect(gainDown.sentence).toBe('00:12–00:16: slight underexposure, shadows crushed (mean luma 0.12, 53 % near black).')
    // Shake is measured in pixels of a 160-px-wide view: quoted as a share of the picture's width, not as "0.3 px".
    const shake = explainSegment({ ...base, severities: { shake: 0.8 }, evidence: { shake: 0.3, pan: 0.1 } })
    expect(shake.sentence).toMatch(/heavy camera shake \(jitter 0\.19 % of the picture width per frame\)/)
    const other = explainSegment({ ...base, severities: { ringing: 0.9 }, evidence: {} }, { ringing: 'ringing around edges' })
    expect(other.sentence).toMatch(/severe ringing around edges/)
  })
})

describe('phrases', () => {
  it('read as English after every strength word: noun phrases, no article, no bare participle', () => {
    const evidence = { luma: 0.1, clipped_low: 0.3, clipped_high: 0.05, cast_cb: 0.05, cast_cr: 0.02, saturation: 0.02, repeated_frames: 0.5, black_frames: 0.5, shake: 0.4 }
    const ids = Object.keys(EVIDENCE_KEYS)
    expect(ids).toHaveLength(15)
    for (const id of ids) {
      for (const severity of [0.35, 0.5, 0.7, 0.9]) {
        const { findings, sentence } = explainSegment({ ...base, severities: { [id]: severity }, evidence })
        expect(findings.map((x) => x.distortion), id).toEqual([id])
        expect(sentence, sentence).toMatch(/^00:12–00:16: (slight|moderate|heavy|severe) /)
        expect(sentence, sentence).not.toMatch(/(slight|moderate|heavy|severe) (a|an|the) /)
        expect(sentence, sentence).not.toMatch(/(slight|moderate|heavy|severe) [a-z-]+ed[ ,]/)
      }
    }
  })
})

describe('findings inside a segment', () => {
  const part = (start: number, black: number, evidence: Record<string, number>) => ({ start, end: start + 1, severities: { black }, evidence })
  it('says when a short event is, quoting the part it is in, even when the segment as a whole is below the threshold', () => {
    const e = explainSegment({
      ...base,
      severities: { black: 0.2 },
      evidence: { black_frames: 0.12 },
      parts: [part(12, 0, { black_frames: 0 }), part(13, 0.9, { black_frames: 0.5 }), part(14, 0.05, { black_frames: 0 }), part(15, 0, { black_frames: 0 })]
    })
    expect(e.sentence).toBe('00:12–00:16: severe black or blank frames at 00:13–00:14 (50 % of the stretch).')
    expect(e.findings[0]!.ranges).toEqual([[13, 14]])
    expect(e.findings[0]!.evidence).toEqual({ black_frames: 0.5 })
    // The time goes before the measured values, after any other bracket in the phrase.
    const banding = explainSegment({
      ...base,
      severities: { banding: 0.1 },
      evidence: {},
      parts: [12, 13, 14, 15].map((t) => ({ start: t, end: t + 1, severities: { banding: t === 14 ? 0.7 : 0 }, evidence: { contours: 0.04, flat: 0.8 } }))
    })
    expect(banding.sentence).toBe('00:12–00:16: heavy banding (false contours) in smooth gradients at 00:14–00:15 (4 % contour steps).')
  })

  it('keeps the whole segment when the parts cover it, or when only the segment reaches the threshold', () => {
    const all = explainSegment({ ...base, severities: { black: 0.9 }, evidence: { black_frames: 1 }, parts: [12, 13, 14, 15].map((t) => part(t, 0.9, { black_frames: 1 })) })
    expect(all.sentence).toBe('00:12–00:16: severe black or blank frames (100 % of the stretch).')
    expect(all.findings[0]!.ranges).toBeUndefined()
    const thin = explainSegment({ ...base, severities: { black: 0.4 }, evidence: { black_frames: 0.2 }, parts: [12, 13, 14, 15].map((t) => part(t, 0.25, { black_frames: 0.2 })) })
    expect(thin.sentence).toBe('00:12–00:16: slight black or blank frames (20 % of the stretch).')
    // A segment strong as a whole keeps its finding whole, however one part compares with the others.
    const freeze = (v: number[]) => v.map((x, k) => ({ start: 12 + k, end: 13 + k, severities: { freeze: x }, evidence: { repeated_frames: 0.6 } }))
    const strong = explainSegment({ ...base, severities: { freeze: 0.9 }, evidence: { repeated_frames: 0.8 }, parts: freeze([0.31, 0.2, 0.2, 0.2]) })
    expect(strong.sentence).toBe('00:12–00:16: severe picture freeze (80 % of frames repeated).')
  })
})

describe('words and times', () => {
  it('maps numbers to words', () => {
    expect([0.3, 0.5, 0.7, 0.9].map(strengthOf)).toEqual(['slight', 'moderate', 'heavy', 'severe'])
    expect([1, 2.4, 2.6, 4.49, 5].map(levelWord)).toEqual(['bad', 'poor', 'fair', 'good', 'excellent'])
  })
})

describe('clip summary', () => {
  it('is in the <think>…</think><answer>…</answer> shape, and quotes the worst stretch', () => {
    const segs = ([
      { start: 0, end: 2, score: 4.2, severities: {}, evidence: {}, temporalValid: true },
      { start: 2, end: 4, score: 1.6, severities: { black: 0.95 }, evidence: { black_frames: 1 }, temporalValid: true }
    ] as ExplainInput[]).map((s) => ({ ...s, ...explainSegment(s) }))
    const text = clipSummary(segs, 2.25)
    expect(text).toMatch(/^<think>.*<\/think><answer>2\.25<\/answer>$/)
    expect(text).toContain('00:02–00:04: severe black or blank frames (100 % of the stretch)')
    expect(text).toContain('black in 1 of 2')
    // With the pack's labels, named as the timeline's lanes name them.
    expect(clipSummary(segs, 2.25, { black: 'Black frames' })).toContain('Most frequent: black frames in 1 of 2.')
    const answer = /<answer>([\d.]+)<\/answer>/.exec(text)
    expect(Number(answer?.[1])).toBe(2.25)
  })
})
