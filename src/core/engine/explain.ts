/**
 * Explanations, generated from the measurements — never invented. Each finding names a distortion the head rated
 * as present, its strength in words, and the measured values behind it; the clip summary is written in
 * VQAThinker's shape, `<think>…</think><answer>x.xx</answer>`, so results compare with that model's.
 */
import { distortionName } from '../../shared/distortions'
import { EVIDENCE_KEYS } from '../../shared/evidence'
import { LEVEL_BANDS, qualityLevel } from '../../shared/quality'
import { formatSpan, formatTime } from '../../shared/time'
import type { ModelManifest } from '../../shared/model-pack'
import { poolClip } from './pooling'
import { distortionIds, mergeRanges, peakSeverity, severityStretches, withinSegment } from '../../shared/localise'

export interface Finding {
  distortion: string
  severity: number
  /** slight | moderate | heavy | severe */
  strength: string
  /** The measurements quoted, by name. */
  evidence: Record<string, number>
  phrase: string
  /** Where inside the segment, when the segment's parts place it on less than the whole segment. */
  ranges?: Array<[number, number]>
}

export interface SegmentExplanation {
  findings: Finding[]
  sentence: string
}

export interface ExplainInput {
  start: number
  end: number
  score: number
  severities: Record<string, number>
  evidence: Record<string, number>
  temporalValid: boolean
  /** The segment's parts, scored on their own (engine/analyze.ts), with their own measurements where the pack gives them. */
  parts?: ReadonlyArray<{ start: number; end: number; severities: Record<string, number>; evidence?: Record<string, number> }> | null
}

/** Severity below this is not reported: the head is not sure enough that a person would see it. */
export const REPORT_THRESHOLD = 0.3
export { LEVEL_WORDS } from '../../shared/quality'

const TEMPORAL = new Set(['freeze', 'stutter', 'flicker', 'shake'])

export function strengthOf(severity: number): string {
  if (severity >= 0.85) return 'severe'
  if (severity >= 0.65) return 'heavy'
  if (severity >= 0.45) return 'moderate'
  return 'slight'
}

export function levelWord(score: number): string {
  if (!Number.isFinite(score)) return 'unknown'
  return qualityLevel(score)
}

const pct = (v: number | undefined): string => `${Math.round((v ?? 0) * 100)} %`
/** Shares under 1 % keep a decimal: "0.4 %", not "0 %". */
const finePct = (v: number | undefined): string => ((v ?? 0) < 0.01 ? `${((v ?? 0) * 100).toFixed(1)} %` : pct(v))
/** Share of the picture near white (clipped_high) from which a dark picture is said to have lights in it: 0.1 %, 14
 *  pixels of the 160×90 view. Few, but lowered exposure leaves none (0 in every underexposed training segment). */
const LIT_SHARE = 0.001
const f = (v: number | undefined, d = 2): string => (v === undefined || !Number.isFinite(v) ? '?' : v.toFixed(d))
/** Global motion (shake, pan) is measured in pixels of the default pack's 160-pixel-wide global view
 *  (modelkit/measure/graph.ts GLOBAL_W): "0.3 px" there is about 2.4 px of a 1280-wide picture. A share of the width
 *  reads the same at every resolution. */
const MOTION_VIEW_WIDTH = 160

/** Chroma offsets with both axes strong read as the colour people call them: Cr and Cb up together is magenta. */
const MIXED_CASTS: Readonly<Record<string, string>> = { 'red-blue': 'magenta', 'red-yellow': 'orange', 'green-blue': 'cyan', 'green-yellow': 'yellow-green' }

function castDirection(cb: number, cr: number): string {
  const parts: string[] = []
  if (Math.abs(cr) >= Math.abs(cb) * 0.5) parts.push(cr > 0 ? 'red' : 'green')
  if (Math.abs(cb) >= Math.abs(cr) * 0.5) parts.push(cb > 0 ? 'blue' : 'yellow')
  const name = parts.join('-')
  return MIXED_CASTS[name] ?? name
}

interface Describer {
  phrase(e: Record<string, number>): string
  /** The measurements must bear the claim out, or it is not made: the head's severity alone is not evidence. */
  supports?(e: Record<string, number>): boolean
}

/**
 * Per distortion: how it reads (the measurements it quotes are shared/evidence.ts EVIDENCE_KEYS). Unknown distortions
 * (imported packs) use the id. Each phrase is a noun phrase without an article: the sentence puts the strength
 * before it ("heavy picture freeze", "slight underexposure, shadows crushed").
 */
const DESCRIBE: Record<string, Describer> = {
  blur: { phrase: (e) => `blur, fine detail lost (edge loss ${f(e['blur'])}, detail ${f(e['detail'], 1)})` },
  noise: { phrase: (e) => `noise or grain (σ ≈ ${f(e['noise'], 1)} on 0–255)` },
  blocking: {
    phrase: (e) =>
      `blocking typical of low-bitrate compression${(e['motion'] ?? 0) > 0.04 ? ' during fast motion' : ''} (block-edge ratio ${f(e['blocking'])}×)`
  },
  banding: { phrase: (e) => `banding (false contours) in smooth gradients (${pct(e['contours'])} contour steps)` },
  underexposure: {
    // Lowered exposure lowers the whites with everything else: no underexposed training segment (189, levels 1–4) has a
    // pixel near white. A dark picture whose lights still reach white — street lamps, fireworks, a stage — is more
    // likely a night or low-key scene than a badly exposed one, and the sentence says so with the share it measured.
    phrase: (e) =>
      `underexposure, shadows crushed (mean luma ${f(e['luma'])}, ${pct(e['clipped_low'])} near black` +
      `${(e['clipped_high'] ?? 0) >= LIT_SHARE ? `; yet lights reach white in ${finePct(e['clipped_high'])} of the picture — a night or low-key scene can be dark by design` : ''})`,
    supports: (e) => (e['luma'] ?? 1) < 0.4 || (e['clipped_low'] ?? 0) > 0.05
  },
  overexposure: {
    phrase: (e) => `overexposure, highlights clipped (${pct(e['clipped_high'])} near white, mean luma ${f(e['luma'])})`,
    supports: (e) => (e['luma'] ?? 0) > 0.6 || (e['clipped_high'] ?? 0) > 0.02
  },
  low_contrast: { phrase: (e) => `low contrast, a flat picture (luma spread ${f(e['contrast'])})` },
  color_cast: {
    // The mean offset says which way; tinted blacks or whites (packs from 1.3.0) say it is a cast, not the scene's colours.
    supports: (e) => Math.hypot(e['cast_cb'] ?? 0, e['cast_cr'] ?? 0) > 0.015 || Math.max(e['black_tint'] ?? 0, e['white_tint'] ?? 0) > 0.02,
    phrase: (e) =>
      `${castDirection(e['cast_cb'] ?? 0, e['cast_cr'] ?? 0)} colour cast (chroma offset ${f(Math.hypot(e['cast_cb'] ?? 0, e['cast_cr'] ?? 0), 3)}` +
      `${'black_tint' in e ? `; blacks tinted ${f(e['black_tint'], 3)}, whites ${f(e['white_tint'], 3)}` : ''})`
  },
  saturation: {
    phrase: (e) =>
      `${(e['saturation'] ?? 0) < 0.05 ? 'desaturation, washed-out colour' : 'oversaturation'} (chroma ${f(e['saturation'], 3)}` +
      `${(e['gamut_clip'] ?? 0) >= 0.01 ? `, ${pct(e['gamut_clip'])} of mid-tones clipped in a channel` : ''})`
  },
  interlacing: { phrase: (e) => `interlacing (combing on moving edges, line ratio ${f(e['combing'])})` },
  freeze: { phrase: (e) => `picture freeze (${pct(e['repeated_frames'])} of frames repeated)`, supports: (e) => (e['repeated_frames'] ?? 0) > 0.1 },
  stutter: { phrase: (e) => `stutter: jerky motion from dropped or doubled frames (judder ${f(e['judder'])})` },
  flicker: { phrase: (e) => `brightness flicker (frame-to-frame jumps ${f((e['flicker'] ?? 0) * 255, 1)} levels)` },
  shake: { phrase: (e) => `camera shake (jitter ${f(((e['shake'] ?? NaN) / MOTION_VIEW_WIDTH) * 100)} % of the picture width per frame)` },
  black: { phrase: (e) => `black or blank frames (${pct(e['black_frames'])} of the stretch)`, supports: (e) => (e['black_frames'] ?? 0) > 0.02 }
}

/**
 * Where and how strong one distortion is in a segment (shared/localise.ts): on the parts that reach the reporting
 * threshold, quoting the strongest part's own measurements, or on the whole segment with the segment's.
 */
function locate(seg: ExplainInput, id: string): { severity: number; evidence: Record<string, number>; ranges?: Array<[number, number]> } | null {
  const stretches = severityStretches(seg, id, REPORT_THRESHOLD).filter((x) => x.flagged)
  if (stretches.length === 0) return null
  // The segment's own severity, or a placed part's where that is higher.
  const severity = Math.max(peakSeverity({ ...seg, parts: null }, id), ...stretches.map((x) => x.severity))
  const ranges = withinSegment(seg, mergeRanges(stretches.map((x) => [x.start, x.end])))
  // Placed on the whole segment: the segment's measurements say it. On parts: the strongest part's own.
  if (!ranges) return { severity, evidence: seg.evidence }
  const strongest = stretches.reduce((a, b) => (b.severity > a.severity ? b : a))
  return { severity, evidence: (strongest.part !== null ? seg.parts?.[strongest.part]?.evidence : undefined) ?? seg.evidence, ranges }
}

/** The distortions a segment can speak of: motion ones only where there were frames enough to measure motion. */
function speakable(seg: ExplainInput): string[] {
  return distortionIds([seg]).filter((id) => seg.temporalValid || !TEMPORAL.has(id))
}

export function explainSegment(seg: ExplainInput, labels: Record<string, string> = {}): SegmentExplanation {
  const findings: Finding[] = speakable(seg)
    .map((id) => [id, locate(seg, id)] as const)
    .filter((x): x is readonly [string, NonNullable<ReturnType<typeof locate>>] => x[1] !== null)
    .filter(([id, at]) => DESCRIBE[id]?.supports?.(at.evidence) ?? true)
    // Black frames are identical to each other: the repeats they cause are not a second finding.
    .filter(([id, at]) => !(id === 'freeze' && (at.evidence['black_frames'] ?? 0) > 0.5))
    .sort((a, b) => b[1].severity - a[1].severity || a[0].localeCompare(b[0]))
    .slice(0, 3)
    .map(([id, at]) => {
      const d = DESCRIBE[id]
      const keys = EVIDENCE_KEYS[id] ?? []
      const evidence = Object.fromEntries(keys.filter((k) => k in at.evidence).map((k) => [k, at.evidence[k]!]))
      const where = at.ranges ? ` at ${at.ranges.map(([a, b]) => formatSpan(a, b)).join(', ')}` : ''
      // The time goes before the measured values in brackets at the end ("banding (false contours) in smooth
      // gradients at 00:13.5–00:14.0 (4 % contour steps)"), or last where there are none.
      const text = d ? d.phrase(at.evidence) : (labels[id] ?? id)
      const cut = text.endsWith(')') ? text.lastIndexOf(' (') : -1
      const phrase = cut >= 0 ? `${text.slice(0, cut)}${where}${text.slice(cut)}` : `${text}${where}`
      return { distortion: id, severity: at.severity, strength: strengthOf(at.severity), evidence, phrase, ...(at.ranges ? { ranges: at.ranges } : {}) }
    })
  const when = formatSpan(seg.start, seg.end)
  const sentence = findings.length
    ? `${when}: ${findings.map((x) => `${x.strength} ${x.phrase}`).join('; ')}.`
    : seg.score < GOOD_SCORE
      ? `${when}: ${f(seg.score)} (${levelWord(seg.score)}) with no distortion clear enough to name; ${weakSigns(seg, labels)}.`
      : `${when}: no clear defect (${f(seg.score)}, ${levelWord(seg.score)}).`
  return { findings, sentence }
}

/** Where "good" starts: a segment below it with no finding says what it does read, however weakly. */
const GOOD_SCORE = LEVEL_BANDS.good.min
/** Severities under this are not even worth quoting as weak signs. */
const WEAK_SIGN = 0.1

/**
 * A fair or poor segment with no finding would otherwise say nothing about why it scores low: the strongest severities
 * the model gave, under the reporting threshold, are what it has to say — quoted as the numbers they are.
 */
function weakSigns(seg: ExplainInput, labels: Record<string, string>): string {
  const signs = speakable(seg)
    .map((id) => [id, peakSeverity(seg, id)] as const)
    .filter(([, v]) => v >= WEAK_SIGN)
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .slice(0, 3)
  if (signs.length === 0) return `no distortion it names reads above ${f(WEAK_SIGN)}`
  const list = signs.map(([id, v]) => `${distortionName(id, labels[id]).toLowerCase()} ${f(v)}`).join(', ')
  return `the strongest signs, under the reporting threshold of ${f(REPORT_THRESHOLD, 1)}: ${list}`
}

/** Distortion labels of a pack, as explanations use them for distortions they have no phrase for. */
export function distortionLabels(manifest: Pick<ModelManifest, 'distortions'>): Record<string, string> {
  return Object.fromEntries(manifest.distortions.map((d) => [d.id, d.label.toLowerCase()]))
}

/** A clip's segments explained, its pooled score and its `<think>…</think><answer>…</answer>` summary, in one place. */
export function explainClip<S extends ExplainInput>(
  segments: readonly S[],
  labels: Record<string, string>
): { segments: Array<S & SegmentExplanation>; score: number; summary: string } {
  const explained = segments.map((s) => ({ ...s, ...explainSegment(s, labels) }))
  const score = poolClip(segments)
  return { segments: explained, score, summary: clipSummary(explained, score, labels) }
}

/** The clip's reasoning and answer, from its segments and pooled score; distortions named by the pack's `labels`
 *  (as the timeline's lanes name them), else by their ids. */
export function clipSummary(segments: readonly (ExplainInput & { sentence: string; findings: Finding[] })[], clipScore: number, labels: Readonly<Record<string, string>> = {}): string {
  if (segments.length === 0) return `<think>No segment could be measured.</think><answer>${f(clipScore)}</answer>`
  const scores = segments.map((s) => s.score)
  const duration = segments[segments.length - 1]!.end - segments[0]!.start
  const mean = scores.reduce((a, b) => a + b, 0) / scores.length
  const worst = segments.reduce((a, b) => (b.score < a.score ? b : a))
  const counts = new Map<string, number>()
  for (const s of segments) for (const x of s.findings) counts.set(x.distortion, (counts.get(x.distortion) ?? 0) + 1)
  const common = [...counts.entries()].sort((a, b) => b[1] - a[1])
  const parts = [
    `${segments.length} segment${segments.length === 1 ? '' : 's'} over ${formatTime(duration)}; segment scores ${f(Math.min(...scores))}–${f(Math.max(...scores))}, mean ${f(mean)}.`,
    common.length
      ? `Most frequent: ${common
          .slice(0, 3)
          .map(([id, n]) => `${distortionName(id, labels[id]).toLowerCase()} in ${n} of ${segments.length}`)
          .join(', ')}.`
      : 'No distortion stands out in any segment.',
    `Worst stretch ${worst.sentence}`,
    `The clip score weighs the worst quarter of the clip as much as the whole: ${f(clipScore)} (${levelWord(clipScore)}).`
  ]
  return `<think>${parts.join(' ')}</think><answer>${f(clipScore)}</answer>`
}
