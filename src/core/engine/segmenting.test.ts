import { describe, expect, it } from 'vitest'
import { FrameClock, nextSegmentLength, sceneScore } from './segmenting'

/** Frame times at `fps` from `t0`, `n` frames. */
const at = (n: number, fps: number, t0 = 0): number[] => Array.from({ length: n }, (_, i) => t0 + i / fps)
const cutsAt = (n: number, ...idx: number[]): boolean[] => Array.from({ length: n }, (_, i) => idx.includes(i))

describe('segment boundaries', () => {
  it('waits for 1.5 segments of look-ahead, then cuts on the plain grid', () => {
    expect(nextSegmentLength([], [], 2, false)).toBeNull()
    expect(nextSegmentLength(at(74, 25), [], 2, false)).toBeNull() // 2.92 s: a cut could still come before 3 s
    expect(nextSegmentLength(at(76, 25), [], 2, false)).toBe(50)
  })
  it('ends a segment at a cut between L/2 and 1.5·L, the first such cut', () => {
    expect(nextSegmentLength(at(80, 25), cutsAt(80, 68), 2, false)).toBeNull() // 2.72 s: too little known after it yet
    expect(nextSegmentLength(at(90, 25), cutsAt(90, 68), 2, false)).toBe(68)
    expect(nextSegmentLength(at(80, 25), cutsAt(80, 30, 68), 2, false)).toBe(30)
    // Too early (a flash of a shot) or too late (the next segment's business): the grid.
    expect(nextSegmentLength(at(80, 25), cutsAt(80, 10), 2, false)).toBe(50)
    expect(nextSegmentLength(at(80, 25), cutsAt(80, 78), 2, false)).toBe(50)
  })
  it('joins a short tail to the last segment, unless a cut leaves it long enough to stand alone', () => {
    expect(nextSegmentLength(at(70, 25), [], 2, true, 2.8)).toBe(70)
    expect(nextSegmentLength(at(100, 25), [], 2, true, 4)).toBe(50)
    expect(nextSegmentLength(at(70, 25), cutsAt(70, 30), 2, true, 2.8)).toBe(30)
    expect(nextSegmentLength(at(70, 25), cutsAt(70, 65), 2, true, 2.8)).toBe(70) // 0.2 s after the cut: too short
    // Before the end is known, a late cut waits until enough follows it (it might be a sliver before the end).
    expect(nextSegmentLength(at(91, 30), cutsAt(91, 87), 2, false)).toBeNull()
    expect(nextSegmentLength(at(93, 30), cutsAt(93, 87), 2, true, 3.1)).toBe(60) // then a 1.1 s tail, cut ignored
    expect(nextSegmentLength(at(110, 30), cutsAt(110, 87), 2, false)).toBe(87)
  })
  it('measures time, not frames: variable frame rate', () => {
    // 25 fps for 1 s, then 10 fps: 2 s is frame 35, not 50.
    const times = [...at(25, 25), ...at(30, 10, 1)]
    expect(nextSegmentLength(times, [], 2, false)).toBe(35)
  })
})

describe('scene score', () => {
  it('is high for one abrupt change and low for steady motion', () => {
    const flat = (v: number): Uint8Array => new Uint8Array(64).fill(v)
    const cut = sceneScore(flat(20), flat(200), 2)
    expect(cut.mafd).toBe(180)
    expect(cut.score).toBe(1)
    // Steady large differences (fast pans) every frame: the change in mafd is small.
    expect(sceneScore(flat(100), flat(140), 38).score).toBeCloseTo(0.02, 5)
    expect(sceneScore(flat(100), flat(100), null).score).toBe(0)
  })
})

describe('frame clock', () => {
  it('reads framecrc lines as seconds from the first frame', () => {
    const c = new FrameClock()
    expect(c.line('#tb 0: 1/1000')).toBeNull()
    expect(c.line('#media_type 0: video')).toBeNull()
    expect(c.line('0,       1400,       1400,       40,       64, 0xe0261f98')).toEqual([0, 0.04])
    expect(c.line('0,       1480,       1480,       80,       64, 0xdf1c1f8e')).toEqual([0.08, 0.08])
    expect(c.line('garbage')).toBeNull()
  })
})
