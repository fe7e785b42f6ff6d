/** Pure: LibraryStats into what the Insights charts draw. */
import type { LibraryStats } from '../../../shared/contract'
import { distortionName } from '../../../shared/distortions'
import { qualityLevel, type QualityLevel } from '../quality'

export interface HistogramBar {
  /** "2.25–2.50" */
  range: string
  from: number
  /** Where the bar stands on the 1–5 axis, so the axis ticks are scores and not bin indexes. */
  mid: number
  count: number
  level: QualityLevel
}

export function histogramBars(stats: Pick<LibraryStats, 'histogram'>): HistogramBar[] {
  return stats.histogram.map((b) => ({
    range: `${b.from.toFixed(2)}–${b.to.toFixed(2)}`,
    from: b.from,
    mid: (b.from + b.to) / 2,
    count: b.count,
    // A bin is coloured by the level of its middle.
    level: qualityLevel((b.from + b.to) / 2)
  }))
}

/** Share of scored clips per distortion, largest first. */
export function distortionBars(stats: Pick<LibraryStats, 'distortions' | 'scored'>): Array<{ id: string; label: string; count: number; share: number }> {
  return stats.distortions.map((d) => ({ ...d, share: stats.scored ? d.count / stats.scored : 0 }))
}

/** One sentence for screen readers: where most scores fall. */
export function describeHistogram(bars: readonly HistogramBar[]): string {
  const total = bars.reduce((a, b) => a + b.count, 0)
  if (!total) return 'No scores yet.'
  const byLevel = new Map<QualityLevel, number>()
  for (const b of bars) byLevel.set(b.level, (byLevel.get(b.level) ?? 0) + b.count)
  return [...byLevel.entries()].filter(([, n]) => n > 0).map(([l, n]) => `${n} ${l}`).join(', ') + ` of ${total} scored clips.`
}

/** Pure: a distortion id as its words, from the pack's labels in the statistics; ids the pack no longer has keep their id. */
export function distortionLabel(stats: Pick<LibraryStats, 'distortions'>, id: string): string {
  return distortionName(id, stats.distortions.find((d) => d.id === id)?.label)
}
