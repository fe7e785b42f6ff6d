/**
 * When inside a segment a distortion is. A segment is scored whole and, where the pack measures them, in parts (equal
 * stretches of its frames, scored on their own). A distortion is placed on the parts that reach the threshold; where
 * none does but the whole segment does (the distortion is spread thinly over it), on the whole segment. So a short
 * event is found even when it is diluted below the threshold over the whole segment, and a long one is not cut to
 * the segment grid. Shared: the core's findings and flags and the renderer's timeline lanes place distortions alike.
 */
export interface PartSeverities {
  start: number
  end: number
  severities: Readonly<Record<string, number>>
}

export interface Localisable extends PartSeverities {
  parts?: readonly PartSeverities[] | null
}

export interface Stretch {
  start: number
  end: number
  severity: number
  /** Index of the part, or null for the whole segment. */
  part: number | null
}

/**
 * Pure: `id`'s severity over `seg` as the stretches to show it on — its parts, or the whole segment when it has none
 * or when only the whole segment reaches `threshold`.
 */
export function severityStretches(seg: Localisable, id: string, threshold: number): Stretch[] {
  const whole: Stretch = { start: seg.start, end: seg.end, severity: seg.severities[id] ?? 0, part: null }
  if (!seg.parts?.length) return [whole]
  const parts = seg.parts.map((p, k) => ({ start: p.start, end: p.end, severity: p.severities[id] ?? 0, part: k }))
  if (!parts.some((p) => p.severity >= threshold) && whole.severity >= threshold) return [whole]
  return parts
}

/** Pure: the time ranges of `seg` where `id` is at `threshold` or more, merged, in order. */
export function distortionRanges(seg: Localisable, id: string, threshold: number): Array<[number, number]> {
  return mergeRanges(severityStretches(seg, id, threshold).filter((s) => s.severity >= threshold).map((s) => [s.start, s.end]))
}

/** Pure: the strongest severity of `id` in `seg`, over the segment and its parts. */
export function peakSeverity(seg: Localisable, id: string): number {
  return Math.max(seg.severities[id] ?? 0, ...(seg.parts ?? []).map((p) => p.severities[id] ?? 0))
}

/**
 * Stretches of one distortion less than this apart are one incident: black frames flashing every second, a freeze,
 * a second of movement and another freeze, a part in a blurred stretch that read just under the threshold. A
 * reviewer wants one flag per incident, not one per half second.
 */
export const INCIDENT_GAP_SECONDS = 1

/** Pure: the incidents of `id` over a clip's segments — its localised ranges, joined across gaps up to `gap`. */
export function incidents(segments: readonly Localisable[], id: string, threshold: number, gap = INCIDENT_GAP_SECONDS): Array<[number, number]> {
  return mergeRanges(segments.flatMap((s) => distortionRanges(s, id, threshold)), gap)
}

/** Pure: ranges sorted and joined where they touch, overlap, or are at most `gap` apart. */
export function mergeRanges(ranges: ReadonlyArray<readonly [number, number]>, gap = 0): Array<[number, number]> {
  const sorted = [...ranges].sort((a, b) => a[0] - b[0])
  const out: Array<[number, number]> = []
  for (const [s, e] of sorted) {
    const last = out[out.length - 1]
    if (last && s <= last[1] + gap + 1e-6) last[1] = Math.max(last[1], e)
    else out.push([s, e])
  }
  return out
}
