import { describe, expect, it } from 'vitest'
import { attribution, windowIouCeiling, type VideoResult } from './harness'

type Truth = NonNullable<VideoResult['truth']>
const video = (file: string, pred: number, truth: Truth, severities: Array<Record<string, number>> = [{}]): VideoResult => ({
  file,
  pred,
  gt: 5,
  error: null,
  truth,
  seconds: truth.seconds,
  segments: severities.map((sev, i) => ({ start: i * 2, end: i * 2 + 2, score: pred, severities: sev }))
})
const level = (source: string, distortion: string | null, l: number, pred: number, sev: Record<string, number> = {}): VideoResult =>
  video(`${source}-${distortion}-${l}`, pred, {
    source,
    seconds: 4,
    distortions: distortion && l > 0 ? [{ id: distortion, level: l, start: 0, end: 4 }] : [],
    series: { source, distortion, level: l }
  }, [sev, sev])

describe('attribution report', () => {
  it('starts every series of a source at its clean clip, and leaves windowed clips out of the series', () => {
    const videos = [
      level('a', null, 0, 4.5),
      ...[1, 2, 3, 4].map((l) => level('a', 'noise', l, 4.4 - l * 0.5, { noise: l / 4 })),
      // Blur is monotone from level 1 on, but level 1 scores above the clean clip: the series is not perfect.
      ...[1, 2, 3, 4].map((l) => level('a', 'blur', l, 5.2 - l * 0.5, { blur: l / 4 })),
      // A windowed clip at level 3 with a high score must not break the noise series.
      video('a-noise-window', 4.9, { source: 'a', seconds: 8, distortions: [{ id: 'noise', level: 3, start: 2, end: 6 }] }, [{}, { noise: 0.8 }, { noise: 0.8 }, {}])
    ]
    const r = attribution(videos)!
    expect(r.seriesSrcc.byDistortion['noise']).toBeCloseTo(-1, 9)
    expect(r.seriesSrcc.byDistortion['blur']).toBeCloseTo(-0.9, 9)
    expect(r.seriesSrcc.n).toBe(2)
    expect(r.clean).toEqual({ mean: 4.5, min: 4.5, n: 1 })
    // The window 2–6 s flagged exactly on the 2–4 and 4–6 segments.
    expect(r.windowIou).toEqual({ mean: 1, n: 1, ceiling: 1, byDistortion: { noise: 1 } })
    // Level ≥ 2 singles (and the windowed clip): the strongest severity where it was applied is the right one.
    expect(r.top1.accuracy).toBe(1)
  })

  it('times flagged stretches by the parts of segments, and joins stretches under a second apart', () => {
    // Window 1.5–3.5 s: its parts 1.5–2 (segment 0) and 2–3.5 (segment 1) are flagged, with one quiet part at 2.5–3
    // that is bridged; the whole-segment flag of segment 1 alone would give IoU 0.6.
    const parts = (start: number, sev: number[]) => sev.map((v, k) => ({ start: start + k * 0.5, end: start + (k + 1) * 0.5, score: 3, severities: { blur: v } }))
    const v: VideoResult = {
      ...video('a-blur-window', 3, { source: 'a', seconds: 6, distortions: [{ id: 'blur', level: 3, start: 1.5, end: 3.5 }] }),
      segments: [
        { start: 0, end: 2, score: 3, severities: { blur: 0.2 }, parts: parts(0, [0, 0, 0, 0.8]) },
        { start: 2, end: 4, score: 3, severities: { blur: 0.6 }, parts: parts(2, [0.7, 0.1, 0.8, 0]) },
        { start: 4, end: 6, score: 3, severities: {}, parts: parts(4, [0, 0, 0, 0]) }
      ]
    }
    const r = attribution([v])!
    expect(r.windowIou.mean).toBeCloseTo(1, 9)
    expect(r.windowIou.ceiling).toBeCloseTo(1, 9)
  })

  it('breaks the window IoU down by distortion, so a distortion that is never found shows as 0 beside the others', () => {
    const found = video('a-noise-window', 3, { source: 'a', seconds: 6, distortions: [{ id: 'noise', level: 3, start: 2, end: 4 }] }, [{}, { noise: 0.8 }, {}])
    const missed = video('a-cast-window', 3, { source: 'a', seconds: 6, distortions: [{ id: 'color_cast', level: 3, start: 2, end: 4 }] }, [{}, { color_cast: 0.1 }, {}])
    const r = attribution([found, missed])!
    expect(r.windowIou.byDistortion).toEqual({ color_cast: 0, noise: 1 })
    expect(r.windowIou.mean).toBeCloseTo(0.5, 9)
  })

  it('knows the best IoU whole segments can reach when the window does not sit on segment edges', () => {
    const grid = [0, 2, 4, 6].map((t) => ({ start: t, end: t + 2 }))
    expect(windowIouCeiling(grid, [2, 6])).toBe(1)
    // 1.5–3.5 s: the 2–4 segment alone (1.5 of 2.5 s) beats 0–4 (2 of 4 s).
    expect(windowIouCeiling(grid, [1.5, 3.5])).toBeCloseTo(0.6, 12)
    // 3–5 s straddles an edge: 2–6 (2 of 4 s) beats either half (1 of 3 s).
    expect(windowIouCeiling(grid, [3, 5])).toBeCloseTo(0.5, 12)
    expect(windowIouCeiling([], [3, 5])).toBe(0)
  })
})
