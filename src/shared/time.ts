/**
 * Times and stretches of a clip as text, one way everywhere: the core's explanations, flags and HTML report, and the
 * renderer's clock, timeline, labels and evidence. Shared so that "00:04.0–00:05.5" in a sentence and on the timeline
 * beside it are written alike.
 */

/** Whole seconds: "00:04", "01:15", "1:02:05" (a time is rounded to the nearest second). */
export function formatTime(seconds: number): string {
  const s = Math.max(0, Math.round(seconds))
  const h = Math.floor(s / 3600)
  const m = Math.floor((s % 3600) / 60)
  const ss = String(s % 60).padStart(2, '0')
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${String(m).padStart(2, '0')}:${ss}`
}

/** To the tenth of a second, for stretches inside a segment: "00:12.5". */
export function formatTimeTenths(seconds: number): string {
  const tenths = Math.max(0, Math.round(seconds * 10))
  return `${formatTime(Math.floor(tenths / 10))}.${tenths % 10}`
}

/** On the second as far as a tenth can tell: a 29.97 fps segment of 60 frames ends at 2.002 s, and reads "00:02". */
const isWhole = (t: number): boolean => Math.abs(t - Math.round(t)) < 0.05

/** One position: whole seconds where it is on the second ("00:04"), else to the tenth ("00:04.5"). */
export function formatTimecode(seconds: number): string {
  return isWhole(seconds) ? formatTime(seconds) : formatTimeTenths(seconds)
}

/**
 * A stretch: whole seconds where both ends are whole ("00:12–00:14"), else both to the tenth ("00:02.0–00:04.5") —
 * segments that end at a scene cut, and parts, are not on the second, and the two ends read alike.
 */
export function formatSpan(start: number, end: number): string {
  return isWhole(start) && isWhole(end) ? `${formatTime(start)}–${formatTime(end)}` : `${formatTimeTenths(start)}–${formatTimeTenths(end)}`
}
