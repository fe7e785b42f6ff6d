import { describe, expect, it } from 'vitest'
import { DISTORTION_IDS } from './distortions'
import { isMoreTrainingClip, isSoftTrainingClip, pairAllowed, planHeldout, planTrain, planTrainSeries, planTrainSoft, shrunkSource, SOFT_UPSCALE, type PlannedSource } from './plan'
import { planFor } from './generate'
import { renderArgs } from './render'
import { pictureKey } from './sources'

const sources: PlannedSource[] = [
  { file: 'a/big.jpg', package: 'p', width: 5120, height: 2880, input: { kind: 'image', path: '/x/big.jpg', hasAlpha: false } },
  { file: 'a/mid.jpg', package: 'p', width: 1920, height: 1200, input: { kind: 'image', path: '/x/mid.jpg', hasAlpha: false } },
  { file: 'a/small.png', package: 'p', width: 1024, height: 681, input: { kind: 'image', path: '/x/small.png', hasAlpha: true } }
]

describe('training series', () => {
  it('are clean + levels 1–4 of one distortion on one pristine render, distortions in turn, stable as the count grows', () => {
    const plan = planTrainSeries(sources, 5, 30)
    expect(plan).toHaveLength(150)
    expect(planTrainSeries(sources, 5, 60).slice(0, 150)).toEqual(plan)
    for (let k = 0; k < 30; k++) {
      const series = plan.slice(k * 5, k * 5 + 5)
      expect(new Set(series.map((c) => c.pristineKey)).size).toBe(1)
      expect(series.map((c) => c.series!.level)).toEqual([0, 1, 2, 3, 4])
      expect(series[0]!.distortions).toEqual([])
      expect(series.slice(1).map((c) => c.distortions.map((d) => [d.id, d.level, d.start, d.end]))).toEqual(
        [1, 2, 3, 4].map((l) => [[DISTORTION_IDS[k % DISTORTION_IDS.length], l, 0, 4]])
      )
      expect(new Set(series.map((c) => c.series!.distortion))).toEqual(new Set([DISTORTION_IDS[k % DISTORTION_IDS.length]]))
    }
  })
})

describe('a second set of training pictures', () => {
  const more: PlannedSource[] = [
    { file: 'b/macro.jpg', package: 'q', width: 4224, height: 3168, input: { kind: 'image', path: '/y/macro.jpg', hasAlpha: false } },
    { file: 'b/paint.png', package: 'q', width: 3640, height: 2400, input: { kind: 'image', path: '/y/paint.png', hasAlpha: false } }
  ]
  it('is planned in a stream of its own: its own clip ids and series groups, drawn only from its pictures', () => {
    const clips = planTrain(more, 5, 12, 4, 8, 'more')
    expect(clips.map((c) => c.id).slice(0, 2)).toEqual(['train-more-00000', 'train-more-00001'])
    expect(new Set(clips.map((c) => c.source.file))).toEqual(new Set(['b/macro.jpg', 'b/paint.png']))
    // Not the first set's draws under new names: the stream is forked, so kinds and cameras differ.
    expect(clips.map((c) => c.camera)).not.toEqual(planTrain(more, 5, 12).map((c) => c.camera))
    const series = planTrainSeries(more, 5, 2, 4, false, 'more')
    expect(series.map((c) => c.id)).toEqual([0, 1, 2, 3, 4].map((l) => `train-more-s0000-${l}`).concat([0, 1, 2, 3, 4].map((l) => `train-more-s0001-${l}`)))
    expect(new Set(series.map((c) => c.series!.group))).toEqual(new Set(['more-s0000', 'more-s0001']))
    expect([...clips, ...series].some((c) => isSoftTrainingClip(c.id))).toBe(false)
    // The pack's provenance counts them by id.
    expect([...clips, ...series].every((c) => isMoreTrainingClip(c.id))).toBe(true)
    expect([...planTrain(sources, 5, 5), ...planTrainSeries(sources, 5, 1), ...planTrainSoft(sources, 5, 2)].some((c) => isMoreTrainingClip(c.id))).toBe(false)
    // None asked for: nothing planned, and no pictures needed.
    expect(planTrain([], 5, 0, 4, 8, 'more')).toEqual([])
    expect(() => planTrainSeries(more, 5, 1, 4, true, 'more')).toThrow(/first set/)
  })

  it('comes after the first set, whose plan (and so its rendered clips) is the same with or without it', async () => {
    const base = { outDir: '/nonexistent', split: 'train' as const, seed: 7, count: 20, series: 2, soft: 4, softSeries: 1, sources }
    const without = await planFor(base)
    const withMore = await planFor({ ...base, more: 6, moreSeries: 1, moreSources: more })
    expect(withMore.slice(0, without.length)).toEqual(without)
    expect(withMore.slice(without.length).map((c) => c.id)).toEqual([
      ...[0, 1, 2, 3, 4, 5].map((i) => `train-more-0000${i}`),
      ...[0, 1, 2, 3, 4].map((l) => `train-more-s0000-${l}`)
    ])
  })
})

describe('soft training clips', () => {
  it('shrink the picture so the clip is a 1.2–2× upscale of it, and render the shrink first', () => {
    const plan = planTrainSoft(sources, 5, 40)
    expect(plan).toHaveLength(40)
    expect(planTrainSoft(sources, 5, 60).slice(0, 40)).toEqual(plan)
    for (const c of plan) {
      expect(c.upscale).toBeGreaterThanOrEqual(SOFT_UPSCALE[0] - 0.02)
      expect(c.upscale).toBeLessThanOrEqual(SOFT_UPSCALE[1] + 0.02)
      const input = c.source.input
      expect(input.kind === 'image' && input.shrink).toEqual({ width: c.source.width, height: c.source.height })
      // Upscaled once to the supersampled canvas, not moved over a picture-sized one.
      expect(c.canvas.width).toBeGreaterThan(c.source.width)
      const graph = renderArgs(input, c.geo, c.canvas, c.camera, null, 'o.mp4').join(' ')
      expect(graph).toContain(`scale=${c.source.width}:${c.source.height}:flags=area,scale=${c.canvas.width}:${c.canvas.height}`)
    }
    expect(new Set(plan.map((c) => c.kind))).toEqual(new Set(['clean', 'single', 'window', 'pair']))
  })

  it('leave the plain plan alone, and soft series are their own groups', () => {
    expect(planTrainSeries(sources, 5, 10)).toEqual(planTrainSeries(sources, 5, 10, 4, false))
    const soft = planTrainSeries(sources, 5, 3, 4, true)
    expect(soft.map((c) => c.series!.group)).toEqual(['ss0000', 'ss0000', 'ss0000', 'ss0000', 'ss0000', 'ss0001', 'ss0001', 'ss0001', 'ss0001', 'ss0001', 'ss0002', 'ss0002', 'ss0002', 'ss0002', 'ss0002'])
    expect(soft.every((c) => c.upscale > 1)).toBe(true)
    // The pack's provenance counts them by id: soft clips and soft series are, plain clips and series are not.
    expect([...soft, ...planTrainSoft(sources, 5, 5)].every((c) => isSoftTrainingClip(c.id))).toBe(true)
    expect([...planTrainSeries(sources, 5, 3), ...planTrain(sources, 5, 20)].some((c) => isSoftTrainingClip(c.id))).toBe(false)
    // A source already smaller than asked for is used as it is.
    expect(shrunkSource(sources[2]!, 640, 0.5).width).toBe(1024)
  })
})

describe('training plan', () => {
  it('is identical for the same seed and different for another', () => {
    expect(JSON.stringify(planTrain(sources, 11, 50))).toBe(JSON.stringify(planTrain(sources, 11, 50)))
    expect(JSON.stringify(planTrain(sources, 11, 50))).not.toBe(JSON.stringify(planTrain(sources, 12, 50)))
  })

  it('keeps clip i unchanged when the count grows', () => {
    expect(planTrain(sources, 3, 40).slice(0, 20)).toEqual(planTrain(sources, 3, 20))
  })

  it('follows the documented mix and uses every distortion', () => {
    const plan = planTrain(sources, 1, 2000)
    const share = (k: string): number => plan.filter((c) => c.kind === k).length / plan.length
    expect(share('clean')).toBeCloseTo(0.1, 1)
    expect(share('single')).toBeCloseTo(0.6, 1)
    expect(share('window')).toBeCloseTo(0.15, 1)
    expect(share('pair')).toBeCloseTo(0.15, 1)
    const used = new Set(plan.flatMap((c) => c.distortions.map((d) => d.id)))
    expect([...used].sort()).toEqual([...DISTORTION_IDS].sort())
    for (const c of plan) {
      if (c.kind === 'window') {
        expect(c.geo.seconds).toBe(8)
        const [d] = c.distortions
        expect(d && d.start >= 0.5 && d.end <= 7.5 && d.end > d.start).toBe(true)
      } else expect(c.geo.seconds).toBe(4)
      if (c.kind === 'pair') expect(pairAllowed(c.distortions[0]!.id, c.distortions[1]!.id)).toBe(true)
      // The small picture never gets sizes it would have to upscale.
      if (c.source.file === 'a/small.png') expect(c.geo.width).toBe(640)
    }
  })

  it('refuses contradictory pairs', () => {
    expect(pairAllowed('underexposure', 'overexposure')).toBe(false)
    expect(pairAllowed('black', 'blur')).toBe(false)
    expect(pairAllowed('blur', 'noise')).toBe(true)
  })
})

describe('held-out plan', () => {
  it('has, per source, a clean clip, four levels per distortion, and one windowed 8 s clip per distortion', () => {
    const plan = planHeldout(sources, 1, 2)
    expect(plan).toHaveLength(2 * (1 + DISTORTION_IDS.length * 5))
    const windows = plan.filter((c) => c.kind === 'series-window')
    expect(windows).toHaveLength(2 * DISTORTION_IDS.length)
    for (const w of windows) expect(w.geo.seconds).toBe(8)
    // Each source's series share one pristine reference per clip length.
    const group = plan.filter((c) => c.series?.group === plan[0]?.series?.group && c.geo.seconds === 4)
    expect(new Set(group.map((c) => c.pristineKey)).size).toBe(1)
    expect(JSON.stringify(planHeldout(sources, 1, 2))).toBe(JSON.stringify(plan))
  })
})

describe('source selection', () => {
  it('keeps one file per picture and skips screenshots and docs', () => {
    expect(pictureKey('usr/share/wallpapers/Altai/contents/images/5120x2880.png')).toBe('Altai/images')
    expect(pictureKey('usr/share/wallpapers/Kay/contents/images_dark/1080x1920.png')).toBe('Kay/images_dark')
    expect(pictureKey('usr/share/wallpapers/Altai/contents/screenshot.png')).toBeNull()
    expect(pictureKey('usr/share/backgrounds/mate/abstract/Elephants_3840x2160.jpg')).toBe(pictureKey('usr/share/backgrounds/mate/abstract/Elephants.jpg'))
    expect(pictureKey('usr/share/doc/HTML/en/palapeli/puzzletable1.png')).toBeNull()
    expect(pictureKey('usr/share/backgrounds/mate/desktop/x.svg')).toBeNull()
  })
})
