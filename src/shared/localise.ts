/**
 * When inside a segment a distortion is. A segment is scored whole and, where the pack measures them, in parts
 * (stretches of its frames, scored on their own). Parts see a quarter of the frames, so they read noisier than the
 * whole segment, and the two are combined:
 * - a segment that reaches the threshold as a whole keeps the distortion on every part that shows at least half of
 *   it — only clearly clean parts are left out (a flagged segment never loses its finding to a part that reads a
 *   little higher than the rest);
 * - a segment below the threshold as a whole still has it where a part reaches the threshold: a short event is
 *   found even when it is diluted below the threshold over the whole segment.
 * Shared: the core's findings and flags, the HTML report and the renderer's timeline lanes place distortions alike.
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
  /** Whether the distortion is placed here at this threshold. */
  flagged: boolean
}

/** A severity as a number: undefined or not finite (a part that could not be measured) reads as absent. */
function sev(severities: Readonly<Record<string, number>>, id: string): number {
  const v = severities[id]
  return v !== undefined && Number.isFinite(v) ? v : 0
}

/** Pure: `id` over `seg` as the stretches to show it on (its parts, else the whole segment), each flagged or not. */
export function severityStretches(seg: Localisable, id: string, threshold: number): Stretch[] {
  const whole = sev(seg.severities, id)
  if (!seg.parts?.length) return [{ start: seg.start, end: seg.end, severity: whole, part: null, flagged: whole >= threshold }]
  const bar = whole >= threshold ? threshold / 2 : threshold
  const parts = seg.parts.map((p, k) => {
    const s = sev(p.severities, id)
    return { start: p.start, end: p.end, severity: s, part: k, flagged: s >= bar }
  })
  // A segment flagged as a whole whose every part reads under half the threshold: the parts cannot say where.
  if (whole >= threshold && !parts.some((p) => p.flagged)) return [{ start: seg.start, end: seg.end, severity: whole, part: null, flagged: true }]
  return parts
}

/** Pure: the time ranges of `seg` where `id` is placed at `threshold`, merged, in order. */
export function distortionRanges(seg: Localisable, id: string, threshold: number): Array<[number, number]> {
  return mergeRanges(severityStretches(seg, id, threshold).filter((s) => s.flagged).map((s) => [s.start, s.end]))
}

/** Pure: every distortion `segments` give a severity for, in a segment or in one of its parts, in first-seen order. */
export function distortionIds(segments: readonly Pick<Localisable, 'severities' | 'parts'>[]): string[] {
  return [...new Set(segments.flatMap((s) => [...Object.keys(s.severities), ...(s.parts ?? []).flatMap((p) => Object.keys(p.severities))]))]
}

/** Pure: `ranges` inside `seg` when they place a distortion on less than the whole segment; null when they cover it
 *  (or are empty): then the segment as a whole is where it is, and no time inside it is worth saying. */
export function withinSegment(seg: { start: number; end: number }, ranges: Array<[number, number]>): Array<[number, number]> | null {
  if (ranges.length === 0) return null
  const whole = ranges.length === 1 && ranges[0]![0] <= seg.start + 1e-6 && ranges[0]![1] >= seg.end - 1e-6
  return whole ? null : ranges
}

/** Pure: the strongest severity of `id` in `seg`, over the segment and its parts (unmeasured parts left out). */
export function peakSeverity(seg: Localisable, id: string): number {
  return Math.max(sev(seg.severities, id), ...(seg.parts ?? []).map((p) => sev(p.severities, id)))
}

/**
 * Stretches of one distortion at most this far apart are one incident: black frames flashing every second, a
 * freeze, a second of movement and another freeze, a part in a blurred stretch that read just under the threshold.
 * A reviewer wants one flag per incident, not one per half second.
 */
export const INCIDENT_GAP_SECONDS = 1

export interface Incident {
  start: number
  end: number
  /** Seconds of it where the distortion is placed (the span less the gaps that were bridged). */
  seconds: number
}

/** Pure: the incidents of `id` over a clip's segments — its localised ranges, joined across gaps up to `gap`. */
export function incidents(segments: readonly Localisable[], id: string, threshold: number, gap = INCIDENT_GAP_SECONDS): Incident[] {
  const ranges = mergeRanges(segments.flatMap((s) => distortionRanges(s, id, threshold)))
  const out: Incident[] = []
  for (const [s, e] of ranges) {
    const last = out[out.length - 1]
    if (last && s - last.end <= gap + 1e-6) {
      last.end = Math.max(last.end, e)
      last.seconds += e - s
    } else out.push({ start: s, end: e, seconds: e - s })
  }
  return out
}

/** Pure: ranges sorted and joined where they touch or overlap. */
export function mergeRanges(ranges: ReadonlyArray<readonly [number, number]>): Array<[number, number]> {
  const sorted = [...ranges].sort((a, b) => a[0] - b[0])
  const out: Array<[number, number]> = []
  for (const [s, e] of sorted) {
    const last = out[out.length - 1]
    if (last && s <= last[1] + 1e-6) last[1] = Math.max(last[1], e)
    else out.push([s, e])
  }
  return out
}
