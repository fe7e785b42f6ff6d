import { describe, expect, it } from 'vitest'
import { datasetProblem, segmentTags, splitClips } from './dataset'

describe('fine-tuning dataset', () => {
  it('maps tagged ranges onto the segments they cover', () => {
    const bounds = [{ start: 0, end: 4 }, { start: 4, end: 8 }, { start: 8, end: 12 }]
    expect(segmentTags(bounds, [{ distortion: 'noise', start: 3.5, end: 12 }, { distortion: 'blur', start: 5, end: 6 }])).toEqual([
      { segment: 1, distortions: ['blur', 'noise'] },
      { segment: 2, distortions: ['noise'] }
    ])
    expect(segmentTags(bounds, [])).toEqual([])
  })

  it('splits by clip, stratified by level, deterministically', () => {
    const clips = Array.from({ length: 50 }, (_, i) => ({ id: i + 1, label: 1 + (i % 5) }))
    const a = splitClips(clips, 0.2, 7)
    expect(a.train.length + a.validation.length).toBe(50)
    expect(a.validation).toHaveLength(10)
    expect(new Set(a.validation.map((c) => c.label)).size).toBe(5)
    expect(splitClips(clips, 0.2, 7)).toEqual(a)
    expect(splitClips(clips, 0.2, 8).validation).not.toEqual(a.validation)
    const ids = new Set(a.train.map((c) => c.id))
    for (const v of a.validation) expect(ids.has(v.id)).toBe(false)
  })

  it('refuses too little data and says how much is needed', () => {
    expect(datasetProblem(40, 10)).toBeNull()
    expect(datasetProblem(5, 2)).toMatch(/Too few labelled clips to learn from: 7 usable \(need at least 22/)
  })
})
