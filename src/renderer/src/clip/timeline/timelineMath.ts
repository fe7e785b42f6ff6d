/**
 * The timeline's geometry, kept pure so it is tested without a DOM. A view is the visible window of the clip in
 * seconds ({start, span}); the lane's pixel width maps it linearly. Zoom and pan only ever produce clamped views, so
 * the component never has to repair one.
 */
import { formatTimecode, formatSpan } from '../../format'

export interface TimeView {
  /** First visible second. */
  start: number
  /** Visible seconds; equals the duration when the whole clip fits. */
  span: number
}

export interface TimeRange {
  start: number
  end: number
}

/** Closest zoom: this many seconds across the lane, or the whole clip if it is shorter. */
export const MIN_SPAN_SECONDS = 1

export function fitView(duration: number): TimeView {
  return { start: 0, span: Math.max(duration, 0) }
}

export function minSpan(duration: number): number {
  return Math.min(MIN_SPAN_SECONDS, Math.max(duration, 0))
}

/** Span within [minSpan, duration], start within [0, duration − span]. */
export function clampView(view: TimeView, duration: number): TimeView {
  const d = Math.max(duration, 0)
  if (!Number.isFinite(view.span) || !Number.isFinite(view.start)) return fitView(d)
  const span = Math.min(d, Math.max(minSpan(d), view.span))
  const start = Math.min(Math.max(0, view.start), d - span)
  return { start, span }
}

export function timeToX(t: number, view: TimeView, width: number): number {
  if (view.span <= 0) return 0
  return ((t - view.start) / view.span) * width
}

export function xToTime(x: number, view: TimeView, width: number): number {
  if (width <= 0) return view.start
  return view.start + (x / width) * view.span
}

/** Pixel x clamped to the lane, then as a time clamped to the clip. */
export function xToClipTime(x: number, view: TimeView, width: number, duration: number): number {
  return Math.min(duration, Math.max(0, xToTime(Math.min(width, Math.max(0, x)), view, width)))
}

/**
 * Zoom by `factor` (> 1 zooms in) keeping `anchor` (a time, usually under the pointer or the playhead) at the same
 * pixel, as every editor does; the result is clamped, so the anchor may move at the clip's ends.
 */
export function zoomAt(view: TimeView, factor: number, anchor: number, duration: number): TimeView {
  if (!(factor > 0)) return clampView(view, duration)
  const span = Math.min(duration, Math.max(minSpan(duration), view.span / factor))
  const fraction = view.span > 0 ? (anchor - view.start) / view.span : 0
  return clampView({ start: anchor - fraction * span, span }, duration)
}

export function panBy(view: TimeView, seconds: number, duration: number): TimeView {
  return clampView({ start: view.start + seconds, span: view.span }, duration)
}

/** Scrolls just enough to bring `t` into view (with a margin), for a playhead that runs off the edge. */
export function followTime(view: TimeView, t: number, duration: number, margin = 0.05): TimeView {
  const pad = view.span * margin
  if (t >= view.start + pad && t <= view.start + view.span - pad) return view
  // Page forward so the playhead lands near the left edge rather than creeping one frame at a time.
  return clampView({ start: t - pad, span: view.span }, duration)
}

export function visibleRange(view: TimeView): TimeRange {
  return { start: view.start, end: view.start + view.span }
}

/** How far in the clip is zoomed: 1 when it all fits. */
export function zoomLevel(view: TimeView, duration: number): number {
  return view.span > 0 ? duration / view.span : 1
}

const NICE_STEPS = [0.1, 0.2, 0.5, 1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200]

/** The smallest readable step that leaves at least `minPx` between ticks. */
export function tickStep(span: number, width: number, minPx = 64): number {
  if (span <= 0 || width <= 0) return 1
  const minSeconds = (span * minPx) / width
  return NICE_STEPS.find((s) => s >= minSeconds) ?? Math.ceil(minSeconds / 3600) * 3600
}

/** Tick times inside the view, at multiples of the step (no float drift: computed from integers). */
export function ticks(view: TimeView, width: number, minPx = 64): number[] {
  const step = tickStep(view.span, width, minPx)
  const first = Math.ceil(view.start / step - 1e-9)
  const last = Math.floor((view.start + view.span) / step + 1e-9)
  const out: number[] = []
  for (let i = first; i <= last; i++) out.push(Number((i * step).toFixed(3)))
  return out
}

/**
 * Whether a tick's label fits to the right of its line inside a lane `width` pixels wide. The ruler's labels are
 * 10 px monospace (about 6.5 px a character) after 4 px of padding; one that would run past the edge (the clip's
 * end tick, in a fitted view) is drawn on the left of its line instead of being cut off.
 */
export function tickLabelFitsRight(x: number, label: string, width: number, charPx = 6.5, padPx = 6): boolean {
  return x + padPx + label.length * charPx <= width
}

/**
 * Index of the segment containing `t` (segments sorted, contiguous or not): start ≤ t < end, the last one including
 * its end so the final frame still has a segment. −1 in a gap or outside.
 */
export function segmentIndexAt(segments: readonly TimeRange[], t: number): number {
  let lo = 0
  let hi = segments.length - 1
  while (lo <= hi) {
    const mid = (lo + hi) >> 1
    const s = segments[mid]!
    if (t < s.start) hi = mid - 1
    else if (t >= s.end && !(mid === segments.length - 1 && t === s.end)) lo = mid + 1
    else return mid
  }
  return -1
}

/** The lowest-scoring segment (the first of equals), or −1. */
export function worstSegmentIndex(segments: readonly { score: number }[]): number {
  let worst = -1
  for (let i = 0; i < segments.length; i++) if (worst < 0 || segments[i]!.score < segments[worst]!.score) worst = i
  return worst
}

/**
 * A drag between two pixel positions as a time range, or null when it moved too little to be a drag (then it is a
 * click that seeks). Either direction; clamped to the clip.
 */
export function dragRange(x0: number, x1: number, view: TimeView, width: number, duration: number, minPx = 4): TimeRange | null {
  if (Math.abs(x1 - x0) < minPx) return null
  const a = xToClipTime(x0, view, width, duration)
  const b = xToClipTime(x1, view, width, duration)
  const range = { start: Math.min(a, b), end: Math.max(a, b) }
  return range.end > range.start ? range : null
}

/** Distortions worth a lane: those whose severity reaches `threshold` somewhere (in a segment or one of its parts),
 *  strongest first. */
export function distortionLanes(
  segments: readonly { severities: Readonly<Record<string, number>>; parts?: ReadonlyArray<{ severities: Readonly<Record<string, number>> }> | null }[],
  threshold = 0.3
): string[] {
  const peak = new Map<string, number>()
  for (const s of segments) {
    for (const sev of [s.severities, ...(s.parts ?? []).map((p) => p.severities)])
      for (const [id, v] of Object.entries(sev)) if (v > (peak.get(id) ?? -1)) peak.set(id, v)
  }
  return [...peak.entries()]
    .filter(([, v]) => v >= threshold)
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .map(([id]) => id)
}

/** Scrollbar geometry: the thumb's left and width in pixels of a track `trackWidth` wide. */
export function scrollThumb(view: TimeView, duration: number, trackWidth: number, minThumbPx = 24): { left: number; width: number } {
  if (duration <= 0) return { left: 0, width: trackWidth }
  const width = Math.min(trackWidth, Math.max(minThumbPx, (view.span / duration) * trackWidth))
  const free = trackWidth - width
  const maxStart = duration - view.span
  return { left: maxStart > 0 ? (view.start / maxStart) * free : 0, width }
}

/** The view start that puts the scrollbar thumb's left edge at `left` px (inverse of scrollThumb). */
export function startFromThumb(left: number, view: TimeView, duration: number, trackWidth: number, minThumbPx = 24): number {
  const { width } = scrollThumb(view, duration, trackWidth, minThumbPx)
  const free = trackWidth - width
  const maxStart = duration - view.span
  if (free <= 0 || maxStart <= 0) return 0
  return Math.min(maxStart, Math.max(0, (left / free) * maxStart))
}

/**
 * Thumbnail strip: the sprite holds `frames` frames, frame i taken at (i + ½)·duration/frames. The lane shows as
 * many whole thumbnails as fit, each the frame nearest to its slot's middle, so zooming never stretches a picture.
 */
export function thumbSlots(view: TimeView, width: number, thumbWidth: number, frames: number, duration: number): Array<{ x: number; frame: number }> {
  if (width <= 0 || thumbWidth <= 0 || frames <= 0 || duration <= 0) return []
  const count = Math.ceil(width / thumbWidth)
  const out: Array<{ x: number; frame: number }> = []
  for (let i = 0; i < count; i++) {
    const mid = xToTime((i + 0.5) * thumbWidth, view, width)
    const frame = Math.min(frames - 1, Math.max(0, Math.round((mid / duration) * frames - 0.5)))
    out.push({ x: i * thumbWidth, frame })
  }
  return out
}

/** One way to write times and ranges across the app (format.ts); the timeline takes its ranges as objects. */
export { formatTimecode }
export function formatRange(r: TimeRange): string {
  return formatSpan(r.start, r.end)
}
