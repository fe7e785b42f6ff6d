import { describe, expect, it } from 'vitest'
import {
  clampView,
  distortionLanes,
  dragRange,
  fitView,
  followTime,
  formatRange,
  formatTimecode,
  panBy,
  scrollThumb,
  segmentIndexAt,
  startFromThumb,
  thumbSlots,
  tickLabelFitsRight,
  tickStep,
  ticks,
  timeToX,
  visibleRange,
  worstSegmentIndex,
  xToClipTime,
  xToTime,
  zoomAt,
  zoomLevel
} from './timelineMath'

describe('time ↔ pixel', () => {
  it('maps the whole clip across the lane when fitted', () => {
    const v = fitView(60)
    expect(timeToX(0, v, 600)).toBe(0)
    expect(timeToX(30, v, 600)).toBe(300)
    expect(timeToX(60, v, 600)).toBe(600)
    expect(xToTime(150, v, 600)).toBe(15)
  })

  it('round-trips inside a zoomed view', () => {
    const v = { start: 12, span: 6 }
    for (const t of [12, 13.25, 17.9]) expect(xToTime(timeToX(t, v, 900), v, 900)).toBeCloseTo(t, 9)
    expect(timeToX(11, v, 900)).toBeLessThan(0)
  })

  it('clamps pointer positions outside the lane to the clip', () => {
    const v = { start: 0, span: 10 }
    expect(xToClipTime(-20, v, 100, 10)).toBe(0)
    expect(xToClipTime(500, v, 100, 10)).toBe(10)
  })

  it('is safe with a zero width or span', () => {
    expect(xToTime(10, { start: 3, span: 5 }, 0)).toBe(3)
    expect(timeToX(3, { start: 0, span: 0 }, 100)).toBe(0)
  })
})

describe('zoom and pan', () => {
  it('keeps the anchor under the same pixel while zooming in', () => {
    const v0 = fitView(100)
    const v1 = zoomAt(v0, 4, 40, 100)
    expect(v1.span).toBe(25)
    expect(timeToX(40, v1, 1000)).toBeCloseTo(timeToX(40, v0, 1000), 9)
    expect(zoomLevel(v1, 100)).toBe(4)
  })

  it('clamps at the clip edges and to the limits of zoom', () => {
    expect(zoomAt({ start: 80, span: 20 }, 0.5, 90, 100)).toEqual({ start: 60, span: 40 })
    expect(zoomAt({ start: 20, span: 10 }, 0.01, 25, 100)).toEqual({ start: 0, span: 100 })
    expect(zoomAt(fitView(100), 1e6, 50, 100).span).toBe(1)
    // A clip shorter than the closest zoom just fits.
    expect(zoomAt(fitView(0.4), 10, 0.2, 0.4)).toEqual({ start: 0, span: 0.4 })
  })

  it('pans within the clip', () => {
    const v = { start: 10, span: 20 }
    expect(panBy(v, 5, 100)).toEqual({ start: 15, span: 20 })
    expect(panBy(v, -50, 100)).toEqual({ start: 0, span: 20 })
    expect(panBy(v, 500, 100)).toEqual({ start: 80, span: 20 })
  })

  it('repairs views that are out of range', () => {
    expect(clampView({ start: -5, span: 500 }, 60)).toEqual({ start: 0, span: 60 })
    expect(clampView({ start: Number.NaN, span: 5 }, 60)).toEqual({ start: 0, span: 60 })
    expect(visibleRange({ start: 4, span: 2 })).toEqual({ start: 4, end: 6 })
  })

  it('follows the playhead by paging, not creeping', () => {
    const v = { start: 0, span: 10 }
    expect(followTime(v, 5, 100)).toBe(v)
    expect(followTime(v, 12, 100)).toEqual({ start: 11.5, span: 10 })
    expect(followTime(v, 99, 100)).toEqual({ start: 90, span: 10 })
  })
})

describe('ticks', () => {
  it('picks a readable step for the space available', () => {
    expect(tickStep(60, 600)).toBe(10)
    expect(tickStep(10, 1000)).toBe(1)
    expect(tickStep(3600, 800)).toBe(300)
    expect(tickStep(2, 1000)).toBe(0.2)
  })

  it('lists ticks inside the view without float drift', () => {
    expect(ticks({ start: 0, span: 60 }, 600)).toEqual([0, 10, 20, 30, 40, 50, 60])
    expect(ticks({ start: 0.3, span: 1.5 }, 600)).toEqual([0.4, 0.6, 0.8, 1, 1.2, 1.4, 1.6, 1.8])
  })

  it('puts the label of a tick at the right edge of the lane on the left of its line', () => {
    // The fitted view's last tick is the clip's end, at the very edge: its label has no room on the right.
    const v = fitView(8)
    const last = ticks(v, 788, 72).at(-1)!
    expect(last).toBe(8)
    expect(tickLabelFitsRight(timeToX(last, v, 788), formatTimecode(last), 788)).toBe(false)
    expect(tickLabelFitsRight(timeToX(7, v, 788), formatTimecode(7), 788)).toBe(true)
    expect(tickLabelFitsRight(760, '00:08', 788)).toBe(false)
    expect(tickLabelFitsRight(740, '00:08', 788)).toBe(true)
  })
})

describe('segments', () => {
  const segs = [
    { start: 0, end: 2, score: 4.1 },
    { start: 2, end: 4, score: 2.2 },
    { start: 4, end: 5, score: 2.2 }
  ]
  it('finds the segment at a time, the last including its end', () => {
    expect(segmentIndexAt(segs, 0)).toBe(0)
    expect(segmentIndexAt(segs, 1.99)).toBe(0)
    expect(segmentIndexAt(segs, 2)).toBe(1)
    expect(segmentIndexAt(segs, 5)).toBe(2)
    expect(segmentIndexAt(segs, 5.1)).toBe(-1)
    expect(segmentIndexAt(segs, -1)).toBe(-1)
    expect(segmentIndexAt([], 1)).toBe(-1)
  })

  it('finds the worst segment (the first of equals)', () => {
    expect(worstSegmentIndex(segs)).toBe(1)
    expect(worstSegmentIndex([])).toBe(-1)
  })

  it('gives a lane to each distortion that reaches the threshold, strongest first', () => {
    const lanes = distortionLanes([
      { severities: { blur: 0.1, noise: 0.35 } },
      { severities: { blur: 0.8, flicker: 0.29 } }
    ])
    expect(lanes).toEqual(['blur', 'noise'])
    // A short event found only in a part of its segment still gets its lane.
    expect(distortionLanes([{ severities: { black: 0.2 }, parts: [{ severities: { black: 0.9 } }, { severities: { black: 0 } }] }])).toEqual(['black'])
  })
})

describe('drag to range', () => {
  const v = { start: 10, span: 10 }
  it('turns a drag into a range in either direction', () => {
    expect(dragRange(100, 300, v, 1000, 60)).toEqual({ start: 11, end: 13 })
    expect(dragRange(300, 100, v, 1000, 60)).toEqual({ start: 11, end: 13 })
  })
  it('treats a tiny movement as a click', () => {
    expect(dragRange(100, 102, v, 1000, 60)).toBeNull()
  })
  it('clamps a drag that leaves the lane', () => {
    expect(dragRange(900, 1400, v, 1000, 60)).toEqual({ start: 19, end: 20 })
  })
})

describe('scrollbar', () => {
  it('sizes and places the thumb, and inverts it', () => {
    const v = { start: 25, span: 25 }
    const thumb = scrollThumb(v, 100, 400)
    expect(thumb).toEqual({ left: 100, width: 100 })
    expect(startFromThumb(thumb.left, v, 100, 400)).toBe(25)
    expect(startFromThumb(9999, v, 100, 400)).toBe(75)
    expect(scrollThumb(fitView(100), 100, 400)).toEqual({ left: 0, width: 400 })
  })
})

describe('thumbnail slots', () => {
  it('shows whole thumbnails, each the nearest sprite frame', () => {
    const slots = thumbSlots(fitView(24), 240, 80, 24, 24)
    expect(slots).toEqual([
      { x: 0, frame: 4 },
      { x: 80, frame: 12 },
      { x: 160, frame: 20 }
    ])
    expect(thumbSlots(fitView(24), 0, 80, 24, 24)).toEqual([])
  })
})

describe('timecodes', () => {
  it('reads as mm:ss, with tenths only when needed', () => {
    expect(formatTimecode(4)).toBe('00:04')
    expect(formatTimecode(4.5)).toBe('00:04.5')
    expect(formatTimecode(3725)).toBe('1:02:05')
    expect(formatRange({ start: 4, end: 8 })).toBe('00:04–00:08')
  })
})
