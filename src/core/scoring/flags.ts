/**
 * Flag rules: which scored clips a reviewer should look at, and why (rule + time range). Pure: a rule set and a
 * clip's segments in, reasons out.
 */
import { z } from 'zod'
import type { SegmentResult } from '../engine/analyze'
import { formatSpan } from '../../shared/time'
import { distortionName } from '../../shared/distortions'
import { distortionIds, incidents, type Localisable } from '../../shared/localise'
import { FLAG_PRESETS, type PresetName } from '../../shared/flag-presets'

export const FlagRules = z.object({
  /** Flag when the pooled clip score is below this. */
  clipBelow: z.number().min(1).max(5).nullable(),
  /** Flag when any segment scores below this. */
  segmentBelow: z.number().min(1).max(5).nullable(),
  /** Flag when a distortion's severity stays at or above `severity` for at least `seconds` (one incident: stretches
   *  under a second apart count as one, shared/localise.ts). */
  distortion: z.object({ severity: z.number().min(0).max(1), seconds: z.number().min(0) }).nullable(),
  /** Flag black or frozen stretches at least this long (seconds), whatever the score. */
  blackOrFrozenSeconds: z.number().min(0).nullable(),
  /** Flag silent stretches (first audio track) at least this long. */
  silentSeconds: z.number().min(0.5).nullable().optional()
})
export type FlagRules = z.infer<typeof FlagRules>

export const PRESETS: Readonly<Record<PresetName, FlagRules>> = FLAG_PRESETS

export interface FlagReason {
  rule: 'clip-score' | 'segment-score' | 'distortion' | 'black' | 'frozen' | 'silent'
  message: string
  start: number
  end: number
  distortion?: string
}

export type FlagSegment = Pick<SegmentResult, 'start' | 'end' | 'score' | 'severities' | 'evidence'> & { parts?: Localisable['parts'] }


/** Pure: merged runs of consecutive segments for which `pred` holds. */
/**
 * A score shown next to the limit it broke: two decimals, or three when two would round it up to the limit
 * ("2.80 is below 2.8" reads as a bug; "2.797 is below 2.8" does not).
 */
export function below(score: number, limit: number): string {
  for (let digits = 2; digits < 6; digits++) if (Number(score.toFixed(digits)) < limit) return score.toFixed(digits)
  return score.toFixed(6)
}

export function runs(segments: readonly FlagSegment[], pred: (s: FlagSegment) => boolean): Array<{ start: number; end: number; segments: FlagSegment[] }> {
  const out: Array<{ start: number; end: number; segments: FlagSegment[] }> = []
  for (const s of segments) {
    if (!pred(s)) continue
    const last = out[out.length - 1]
    if (last && Math.abs(last.end - s.start) < 1e-6) {
      last.end = s.end
      last.segments.push(s)
    } else out.push({ start: s.start, end: s.end, segments: [s] })
  }
  return out
}

/** Silence is detected down to this length, whatever the rule says, so a later, stricter rule can re-flag from it. */
export const MIN_SILENCE_SECONDS = 1

export function evaluateFlags(
  rules: FlagRules,
  clipScore: number,
  segments: readonly FlagSegment[],
  silences: ReadonlyArray<{ start: number; end: number }> = [],
  /** The pack's names for its distortion ids (explain.ts distortionLabels), so a reason reads like the timeline's lanes. */
  labels: Readonly<Record<string, string>> = {}
): FlagReason[] {
  const reasons: FlagReason[] = []
  const measured: FlagReason[] = []
  const end = segments.length ? segments[segments.length - 1]!.end : 0
  if (rules.clipBelow !== null && clipScore < rules.clipBelow) {
    reasons.push({ rule: 'clip-score', message: `clip score ${below(clipScore, rules.clipBelow)} is below ${rules.clipBelow}`, start: 0, end })
  }
  if (rules.segmentBelow !== null) {
    const limit = rules.segmentBelow
    for (const r of runs(segments, (s) => s.score < limit)) {
      const worst = Math.min(...r.segments.map((s) => s.score))
      reasons.push({ rule: 'segment-score', message: `${formatSpan(r.start, r.end)} scores ${below(worst, limit)} (below ${limit})`, start: r.start, end: r.end })
    }
  }
  if (rules.blackOrFrozenSeconds !== null) {
    const min = rules.blackOrFrozenSeconds
    // Measured, not inferred: the share of black / repeated frames in each segment, as seconds.
    const stretch = (share: (s: FlagSegment) => number, rule: 'black' | 'frozen', word: string): void => {
      for (const r of runs(segments, (s) => share(s) >= 0.5)) {
        const secs = r.segments.reduce((a, s) => a + share(s) * (s.end - s.start), 0)
        if (secs + 1e-6 < min || secs === 0) continue
        measured.push({ rule, message: `${word} for about ${secs.toFixed(1)} s (${formatSpan(r.start, r.end)})`, start: r.start, end: r.end })
      }
    }
    const black = (s: FlagSegment): number => s.evidence['black_frames'] ?? 0
    stretch(black, 'black', 'black frames')
    // Black frames repeat each other exactly, so they read as repeated frames too: a frozen picture is the repeats
    // that are not black, and a stretch of black is flagged once, as black.
    stretch((s) => Math.max(0, (s.evidence['repeated_frames'] ?? 0) - black(s)), 'frozen', 'frozen picture')
  }
  if (rules.distortion) {
    const { severity, seconds } = rules.distortion
    for (const id of distortionIds(segments).sort()) {
      // Its incidents (shared/localise.ts): timed by the segments' parts, one flag for stretches a second or less apart.
      for (const { start, end: stop, seconds: secs } of incidents(segments, id, severity)) {
        // The time it is there, not the span: bridged gaps do not count toward "lasting at least".
        if (secs + 1e-6 < seconds) continue
        // Black frames and freezes are also flagged from their measured share (above): where that flag already
        // covers the incident, a second line saying the same from the severity adds nothing.
        const kind = id === 'black' ? 'black' : id === 'freeze' ? 'frozen' : null
        if (kind && measured.some((m) => m.rule === kind && m.start < stop - 1e-6 && m.end > start + 1e-6)) continue
        const long = `${secs.toFixed(secs < 9.95 ? 1 : 0)} s`
        const gaps = stop - start - secs > 0.05 ? ', with gaps' : ''
        reasons.push({ rule: 'distortion', distortion: id, message: `${distortionName(id, labels[id])} ≥ ${severity} for ${long} (${formatSpan(start, stop)}${gaps})`, start, end: stop })
      }
    }
  }
  reasons.push(...measured)
  if (rules.silentSeconds !== null && rules.silentSeconds !== undefined) {
    for (const s of silences) {
      const secs = s.end - s.start
      if (secs + 1e-6 < rules.silentSeconds) continue
      reasons.push({ rule: 'silent', message: `silent audio for ${secs.toFixed(1)} s (${formatSpan(s.start, s.end)})`, start: s.start, end: s.end })
    }
  }
  return reasons
}
