import { describe, expect, it } from 'vitest'
import { clipMatcher, labelsToCsv, labelsToJsonl, labelsToMetaJson, parseCsv, parseCsvRows, parseJsonl, parseMetaJson, rescale, type ExportableLabel } from './formats'

const label = (over: Partial<ExportableLabel>): ExportableLabel => ({
  id: 1, clipId: 1, kind: 'score', score: 3.5, verdict: null, distortion: null, start: null, end: null, comment: null,
  model: 'vqa-default 1.0.0', source: 'user', createdAt: Date.UTC(2026, 10, 25), updatedAt: 0, relPath: 'day1/a.mp4', ...over
})

describe('label formats', () => {
  it('rescale maps a native scale onto 1–5 and clamps', () => {
    expect(rescale(63.2, { min: 0, max: 100 })).toBeCloseTo(3.528, 3)
    expect(rescale(3.25)).toBe(3.25)
    expect(rescale(120, { min: 0, max: 100 })).toBe(5)
    expect(rescale(-1, { min: 0, max: 100 })).toBe(1)
  })

  it('reads the seed training JSONL, numbers and <answer> strings, and reports bad lines', () => {
    const text = [
      '{"id": 0, "dataset_name": "LSVQ", "image": ["a/b.mp4"], "conversations": [{"from": "human", "value": "q"}, {"from": "gpt", "value": 2.611842}]}',
      '',
      '{"image": ["c.mp4"], "conversations": [{"from": "gpt", "value": "<think>soft</think><answer>4.10</answer>"}]}',
      '{"image": ["d.mp4"]}',
      'not json'
    ].join('\n')
    const r = parseJsonl(text)
    expect(r.labels.map((l) => [l.path, l.score])).toEqual([['a/b.mp4', 2.6118], ['c.mp4', 4.1]])
    expect(r.errors).toHaveLength(2)
    expect(r.errors[0]).toMatch(/^line 4/)
  })

  it('reads the seed meta JSON on its native scale', () => {
    const r = parseMetaJson('{"annotations": [{"image_id": "x.mp4", "ann_type": "score", "score": "63.2"}, {"image_id": 3}]}', { min: 0, max: 100 })
    expect(r.labels).toHaveLength(1)
    expect(r.labels[0]!.score).toBeCloseTo(3.528, 3)
    expect(r.errors).toHaveLength(1)
    expect(parseMetaJson('[').errors[0]).toMatch(/not JSON/)
  })

  it('parses RFC 4180 CSV: quotes, doubled quotes, commas and newlines in fields, CRLF', () => {
    expect(parseCsvRows('a,b\r\n"x, y","say ""hi""\nthere"\n\n1,2')).toEqual([['a', 'b'], ['x, y', 'say "hi"\nthere'], ['1', '2']])
  })

  it('round-trips its own CSV and reads a results CSV (filename, pred_score, gt_score)', () => {
    const labels = [
      label({}),
      label({ id: 2, kind: 'distortion', score: null, distortion: 'noise', start: 4, end: 8, comment: 'grain, heavy' }),
      label({ id: 3, kind: 'verdict', score: null, verdict: 'reject' })
    ]
    const back = parseCsv(labelsToCsv(labels))
    expect(back.errors).toEqual([])
    expect(back.labels.map((l) => [l.kind, l.score, l.distortion, l.start, l.end, l.verdict, l.comment])).toEqual([
      ['score', 3.5, null, null, null, null, null],
      ['distortion', null, 'noise', 4, 8, null, 'grain, heavy'],
      ['verdict', null, null, null, null, 'reject', null]
    ])
    const results = parseCsv('filename,pred_score,gt_score\nv1.mp4,3.1,4.2\nv2.mp4,2,\n')
    expect(results.labels.map((l) => [l.path, l.score])).toEqual([['v1.mp4', 4.2]])
    expect(results.errors).toEqual(['row 3: no score'])
    expect(parseCsv('score\n3').errors[0]).toMatch(/no path column/)
  })

  it('writes only whole-clip scores to the seed formats', () => {
    const labels = [label({}), label({ id: 2, start: 0, end: 4, score: 2 }), label({ id: 3, kind: 'comment', score: null, comment: 'x' })]
    const lines = labelsToJsonl(labels).trim().split('\n')
    expect(lines).toHaveLength(1)
    const o = JSON.parse(lines[0]!) as { image: string[]; conversations: Array<{ from: string; value: unknown }> }
    expect(o.image).toEqual(['day1/a.mp4'])
    expect(o.conversations[1]).toEqual({ from: 'gpt', value: 3.5 })
    expect(JSON.parse(labelsToMetaJson(labels))).toEqual({ annotations: [{ image_id: 'day1/a.mp4', ann_type: 'score', score: '3.50' }] })
    expect(parseJsonl(labelsToJsonl(labels)).labels[0]).toMatchObject({ path: 'day1/a.mp4', score: 3.5 })
  })

  it('matches imported paths to clips, and refuses ambiguous ones', () => {
    const match = clipMatcher([
      { id: 1, path: '/lib/day1/a.mp4', relPath: 'day1/a.mp4', name: 'a.mp4' },
      { id: 2, path: '/lib/day2/a.mp4', relPath: 'day2/a.mp4', name: 'a.mp4' },
      { id: 3, path: '/other/b.mp4', relPath: 'b.mp4', name: 'b.mp4' }
    ])
    expect(match('/lib/day2/a.mp4')).toBe(2)
    expect(match('day1/a.mp4')).toBe(1)
    expect(match('./day1\\a.mp4')).toBe(1)
    expect(match('lib/day1/a.mp4')).toBe(1)
    expect(match('a.mp4')).toBeNull()
    expect(match('B.mp4')).toBeNull()
    expect(match('somewhere/b.mp4')).toBe(3)
    expect(match('nothing.mp4')).toBeNull()
  })
})
