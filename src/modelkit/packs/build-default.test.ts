import { describe, expect, it } from 'vitest'
import { DISTORTION_IDS } from '../dataset/distortions'
import type { ClipRecord, DatasetFile } from '../dataset/generate'
import { toSamples, type MeasuredSegment } from './build-default'

const seg = (start: number, quality: number, severities: Partial<Record<string, number>> = {}): ClipRecord['segments'][number] => ({ start, end: start + 2, quality, severities: severities as ClipRecord['segments'][number]['severities'], ssim: 1, psnr: 100 })
const clip = (id: string, segments: ClipRecord['segments'], series?: ClipRecord['series'], distortions: ClipRecord['distortions'] = []): ClipRecord =>
  ({ id, file: `clips/${id}.mp4`, fps: 25, source: { file: 'photo.jpg', package: 'p', width: 100, height: 100 }, segments, distortions, ...(series ? { series } : {}) }) as ClipRecord
const measured = (c: ClipRecord, v: number): [string, MeasuredSegment[]] => [c.file, c.segments.map((s, index) => ({ clip: c.id, index, start: s.start, end: s.end, x: [v, v] }))]

describe('training samples', () => {
  const clean = clip('clean', [seg(0, 5), seg(2, 5)], { group: 'g', distortion: 'noise', level: 0, window: false })
  const noisy = clip('noisy', [seg(0, 3, { noise: 1 }), seg(2, 3, { noise: 1 })], { group: 'g', distortion: 'noise', level: 4, window: false }, [{ id: 'noise', level: 4, start: 0, end: 4, params: {} }])
  const ds = { clips: [clean, noisy] } as unknown as DatasetFile

  it('gives fast-mode measurements the whole segment\'s targets, marked fast, ranked only among themselves', () => {
    const full = toSamples(ds, new Map([measured(clean, 1), measured(noisy, 2)]))
    const fast = toSamples(ds, new Map([measured(clean, 10), measured(noisy, 20)]), 'fast')
    expect(full).toHaveLength(4)
    expect(fast.map((s) => [s.x[0], s.quality, s.fast])).toEqual([[10, 5, true], [10, 5, true], [20, 3, true], [20, 3, true]])
    expect(full.every((s) => s.fast === undefined)).toBe(true)
    expect(fast[2]!.severities[DISTORTION_IDS.indexOf('noise')]).toBe(1)
    const fullGroups = new Set(full.flatMap((s) => s.rank!.groups))
    expect(fast.flatMap((s) => s.rank!.groups).some((g) => fullGroups.has(g))).toBe(false)
    expect(fast[0]!.rank!.groups).toEqual(['g|noise|0|fast'])
  })

  it('makes part samples from what was applied inside each part, for the severities unless told otherwise', () => {
    // A freeze whose recorded run covers frames 0–24 at 25 fps: the first of the first segment's four half-second parts.
    const frozen = clip('frozen', [seg(0, 4, { freeze: 0.25 })], undefined, [{ id: 'freeze', level: 1, start: 0, end: 2, params: { runs: [0, 11] } }])
    const parts = [0, 0.5, 1, 1.5].map((t) => ({ start: t, end: t + 0.5, x: [t, t] }))
    const m = new Map<string, MeasuredSegment[]>([[frozen.file, [{ clip: 'frozen', index: 0, start: 0, end: 2, x: [9, 9], parts }]]])
    const samples = toSamples({ clips: [frozen] } as unknown as DatasetFile, m, 'full', 1, 0.25)
    const partSamples = samples.filter((x) => x.part)
    expect(partSamples.map((x) => x.weight)).toEqual([0.25, 0.25, 0.25, 0.25])
    const freeze = DISTORTION_IDS.indexOf('freeze')
    expect(partSamples.map((x) => x.severities[freeze])).toEqual([0.25, 0, 0, 0])
    expect(partSamples[1]!.quality).toBe(5)
    expect(samples.filter((x) => !x.part).map((x) => x.x)).toEqual([[9, 9]])
    // No parts unless asked.
    expect(toSamples({ clips: [frozen] } as unknown as DatasetFile, m).some((x) => x.part)).toBe(false)
  })

  it('ranks part samples within their series only when they train the score too', () => {
    const withParts = (c: ClipRecord, v: number): [string, MeasuredSegment[]] => {
      const [file, segs] = measured(c, v)
      return [file, segs.map((s) => ({ ...s, parts: [0, 1, 2, 3].map((k) => ({ start: s.start + k / 2, end: s.start + (k + 1) / 2, x: [v, v] })) }))]
    }
    const m = new Map([withParts(clean, 1), withParts(noisy, 2)])
    expect(toSamples(ds, m, 'full', 1, 0.25).filter((x) => x.part).some((x) => x.rank)).toBe(false)
    const ranked = toSamples(ds, m, 'full', 1, 0.25, true).filter((x) => x.part)
    expect(ranked).toHaveLength(16)
    expect(ranked.every((x) => /\|p\d$/.test(x.rank?.groups[0] ?? ''))).toBe(true)
  })

  it('ties each full-mode segment and its parts by one key, a different one per segment, and no key in fast mode', () => {
    const withParts = (c: ClipRecord, v: number): [string, MeasuredSegment[]] => {
      const [file, segs] = measured(c, v)
      return [file, segs.map((s) => ({ ...s, parts: [0, 1, 2, 3].map((k) => ({ start: s.start + k / 2, end: s.start + (k + 1) / 2, x: [v, v] })) }))]
    }
    const full = toSamples(ds, new Map([withParts(clean, 1), withParts(noisy, 2)]), 'full', 1, 0.25)
    const keys = full.filter((x) => !x.part).map((x) => x.segment)
    expect(keys).toEqual(['clips/clean.mp4#0', 'clips/clean.mp4#1', 'clips/noisy.mp4#0', 'clips/noisy.mp4#1'])
    for (const k of keys) expect(full.filter((x) => x.part && x.segment === k)).toHaveLength(4)
    const fast = toSamples(ds, new Map([withParts(clean, 1)]), 'fast', 1, 0.25)
    expect(fast.every((x) => x.segment === undefined && x.fast)).toBe(true)
  })

  it('drops segments whose measurement is missing or off the target grid', () => {
    const [file, segs] = measured(noisy, 2)
    const shifted = segs.map((s, i) => (i === 1 ? { ...s, start: 3 } : s))
    expect(toSamples({ clips: [noisy] } as unknown as DatasetFile, new Map([[file, shifted]]))).toHaveLength(1)
    expect(toSamples({ clips: [noisy] } as unknown as DatasetFile, new Map())).toHaveLength(0)
  })
})

describe('default manifest', () => {
  const validation = { segments: 10, srcc: 0.6, plcc: 0.6, rmse: 0.9, severityAuc: 0.87, top1: 0.776, seriesSrcc: -0.812 }
  const summary = { trainingClips: 5, trainingSegments: 10, validation, created: '2026-12-06', seed: 1 }

  it('says in its recipe how the severities were calibrated, and says nothing of it when they were not', async () => {
    const { defaultManifest } = await import('./default-pack')
    const plain = defaultManifest('9.9.9', summary, 29).provenance.recipe
    expect(plain).not.toMatch(/shifts each severity/)
    const calibration = { shifts: { blur: -0.4, noise: 0.65, black: 1 }, f1Before: 0.573, f1After: 0.672 }
    const cal = defaultManifest('9.9.9', { ...summary, calibration }, 29).provenance.recipe
    expect(cal).toMatch(/shifts each severity's bias \(by -0\.40 to 1\.00 logits, capped\)/)
    expect(cal).toMatch(/0\.573 → 0\.672/)
    // The manifest stays honest about what the model learned from, calibrated or not.
    expect(defaultManifest('9.9.9', { ...summary, calibration }, 29).provenance.humanOpinionScores).toBe(false)
  })

  it('gives the benchmark-shaped validation figures and the share of soft clips when it has them', async () => {
    const { defaultManifest } = await import('./default-pack')
    const m = defaultManifest('9.9.9', { ...summary, softClips: 3 }, 29).provenance
    expect(m.recipe).toMatch(/top-1 attribution 77\.6 %, series SRCC -0\.812/)
    expect(m.trainingData).toMatch(/3 of them from pictures shrunk first/)
    const none = defaultManifest('9.9.9', { ...summary, validation: { ...validation, top1: NaN, seriesSrcc: NaN } }, 29).provenance
    expect(none.recipe).not.toMatch(/top-1|series SRCC/)
    expect(none.trainingData).toMatch(/some of them from pictures shrunk first/)
    // The second set of pictures is named only when the pack was trained on it.
    expect(none.trainingData).not.toMatch(/second set/)
    expect(defaultManifest('9.9.9', { ...summary, moreClips: 2 }, 29).provenance.trainingData).toMatch(/2 of them from a second set of wallpaper photographs and digital paintings: lomiri-wallpapers-16\.04, lomiri-wallpapers-20\.04, ukui-wallpapers\)/)
  })
})
