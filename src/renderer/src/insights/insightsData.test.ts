import { describe, expect, it } from 'vitest'
import { describeHistogram, distortionBars, distortionLabel, histogramBars } from './insightsData'

describe('insights data', () => {
  const histogram = Array.from({ length: 16 }, (_, i) => ({ from: 1 + i * 0.25, to: 1.25 + i * 0.25, count: i === 5 ? 3 : i === 13 ? 1 : 0 }))
  it('labels and colours histogram bins by the level of their middle', () => {
    const bars = histogramBars({ histogram })
    expect(bars[5]).toEqual({ range: '2.25–2.50', from: 2.25, mid: 2.375, count: 3, level: 'poor' })
    expect(bars[13]!.level).toBe('good')
    expect(bars[15]!.level).toBe('excellent')
    expect(describeHistogram(bars)).toBe('3 poor, 1 good of 4 scored clips.')
    expect(describeHistogram(histogramBars({ histogram: histogram.map((b) => ({ ...b, count: 0 })) }))).toBe('No scores yet.')
  })
  it('turns distortion counts into shares of the scored clips', () => {
    expect(distortionBars({ scored: 4, distortions: [{ id: 'noise', label: 'Noise', count: 2 }] })).toEqual([{ id: 'noise', label: 'Noise', count: 2, share: 0.5 }])
  })
  it('names a distortion by its label, falling back to its id in words', () => {
    const stats = { distortions: [{ id: 'black_frames', label: 'Black frames', count: 1 }] }
    expect(distortionLabel(stats, 'black_frames')).toBe('Black frames')
    expect(distortionLabel(stats, 'low_contrast')).toBe('low contrast')
  })
})
