/**
 * Where segments begin and end, as pure functions over what the decoder has delivered so far: each frame's
 * presentation time (real timestamps, so variable-frame-rate video gets true times) and whether it starts a new shot.
 *
 * A segment is nominally `L` seconds long. It ends at a scene cut instead when one falls between L/2 and 1.5·L from
 * its start, so a segment does not straddle two shots (its blur, noise and motion would be an average of both, and
 * the cut itself would read as a jump). Cuts closer than L/2 to the segment's start stay inside it: a montage of very
 * short shots would otherwise give segments too short to measure motion in. The clip's tail joins the last segment
 * when it is under L/2.
 */

/** Pure: the number of queued frames the next segment takes, or null to wait for more frames. */
export function nextSegmentLength(times: readonly number[], cuts: readonly boolean[], segmentSeconds: number, final: boolean, end?: number): number | null {
  const n = times.length
  if (n === 0) return null
  const L = segmentSeconds
  const t0 = times[0]!
  // Enough look-ahead to see a cut up to 1.5·L away, and to know the tail after a nominal boundary is ≥ L/2.
  if (!final && times[n - 1]! - t0 < 1.5 * L) return null
  const last = end ?? times[n - 1]!
  for (let i = 1; i < n; i++) {
    const dt = times[i]! - t0
    if (dt > 1.5 * L) break
    if (!cuts[i] || dt < L / 2) continue
    // A cut is only honoured once what follows it is known to be long enough to be its own segment (at the end of
    // the clip it may not be: then the tail stays with this segment).
    if (last - times[i]! >= L / 4) return i
    if (!final) return null
  }
  if (final && last - t0 < 1.5 * L) return n
  const i = times.findIndex((t) => t - t0 >= L - 1e-6)
  return i > 0 ? i : n
}

/**
 * Pure: ffmpeg's scene score (the `select` filter's `scene`, as media/scenes.ts uses it) between two frames of the
 * same size: the mean absolute difference in code values (mafd), and the score min(mafd, |mafd − previous mafd|) / 100
 * in [0, 1], which is high for one abrupt change and low for steady motion (where every difference is large).
 */
export function sceneScore(prev: Uint8Array, cur: Uint8Array, prevMafd: number | null): { mafd: number; score: number } {
  let sad = 0
  // Every 4th byte: a cut changes most of the picture, so a sparse sum sees it, at a quarter of the cost.
  let count = 0
  for (let i = 0; i < cur.length; i += 4) {
    sad += Math.abs(cur[i]! - prev[i]!)
    count++
  }
  const mafd = count ? sad / count : 0
  const diff = prevMafd === null ? mafd : Math.abs(mafd - prevMafd)
  return { mafd, score: Math.min(1, Math.max(0, Math.min(mafd, diff) / 100)) }
}

/**
 * Pure: one line of ffmpeg's framecrc output → the frame's presentation time and duration in seconds. Header
 * lines ("#tb 0: 1/12800") set the time base; they come first.
 */
export class FrameClock {
  private num = 1
  private den = 25
  private first: number | null = null

  /** Returns [pts, duration] relative to the first frame, or null for header and unreadable lines. */
  line(text: string): [number, number] | null {
    const tb = /^#tb \d+: (\d+)\/(\d+)/.exec(text)
    if (tb) {
      this.num = Number(tb[1])
      this.den = Number(tb[2]) || 1
      return null
    }
    if (text.startsWith('#')) return null
    const cols = text.split(',')
    if (cols.length < 4) return null
    const pts = Number(cols[2])
    const dur = Number(cols[3])
    if (!Number.isFinite(pts)) return null
    if (this.first === null) this.first = pts
    const s = this.num / this.den
    return [(pts - this.first) * s, Number.isFinite(dur) && dur > 0 ? dur * s : 0]
  }
}
