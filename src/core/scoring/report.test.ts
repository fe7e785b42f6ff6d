import { describe, expect, it } from 'vitest'
import { renderHtmlReport, scoreColour } from './report'
import type { StoredScore } from './store'

const score: StoredScore = {
  id: 1, clipId: 1, modelId: 1, model: 'vqa-default 1.0.0', fingerprint: 'f', mode: 'full', segmentSeconds: 2, score: 2.1, levels: null,
  severities: { black: 0.9 }, summary: '<think>Worst stretch 00:02–00:04: severe black frames.</think><answer>2.10</answer>',
  flags: [{ rule: 'black', message: 'black frames for about 2.0 s (00:02–00:04)', start: 2, end: 4 }], provider: 'cpu', wallMs: 1, modelMs: 1, scoredAt: 0, silences: null,
  segments: [
    { start: 0, end: 2, score: 4.2, levels: null, severities: {}, evidence: {}, explanation: '00:00–00:02: no clear defect (4.20, good).', parts: null },
    { start: 2, end: 4, score: 1.3, levels: null, severities: { black: 0.9 }, evidence: {}, explanation: '00:02–00:04: severe black <frames>.', parts: null },
    {
      start: 4, end: 6, score: 3.1, levels: null, severities: { noise: 0.2 }, evidence: {}, explanation: '00:04–00:06: slight noise at 00:05.0–00:05.5.',
      parts: [4, 4.5, 5, 5.5].map((t) => ({ start: t, end: t + 0.5, score: 3, severities: { noise: t === 5 ? 0.6 : 0.1 } }))
    }
  ]
}

describe('HTML report', () => {
  it('is self-contained, escaped, worst first, with the timeline drawn', () => {
    const html = renderHtmlReport(
      [
        { path: '/a/good.mp4', name: 'good.mp4', duration: 4, score: { ...score, score: 4.5, flags: [] }, error: null },
        { path: '/a/<bad>.mp4', name: '<bad>.mp4', duration: 4, score, error: null },
        { path: '/a/broken.mp4', name: 'broken.mp4', duration: null, score: null, error: 'Not a media file' }
      ],
      'Footage'
    )
    expect(html).not.toMatch(/<script|https?:\/\//)
    expect(html).toContain('&lt;bad&gt;.mp4')
    expect(html).toContain('severe black &lt;frames&gt;.')
    expect(html.indexOf('broken.mp4')).toBeLessThan(html.indexOf('&lt;bad&gt;.mp4'))
    expect(html.indexOf('&lt;bad&gt;.mp4')).toBeLessThan(html.indexOf('good.mp4'))
    expect(html).toContain('⚑ black frames for about 2.0 s (00:02–00:04)')
    expect(html).toMatch(/<svg[^>]*aria-label="Timeline"/)
    // A distortion found in a part has its lane, drawn on that part.
    expect(html).toContain('<title>noise 0.60 at 00:05.0–00:05.5</title>')
    expect(html).toContain('not on human opinion scores')
  })
  it('colours scores red to green', () => {
    expect(scoreColour(1)).toBe('hsl(0, 70%, 45%)')
    expect(scoreColour(5)).toBe('hsl(120, 70%, 45%)')
  })
})
