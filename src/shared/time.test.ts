import { describe, expect, it } from 'vitest'
import { formatSpan, formatTime, formatTimeTenths, formatTimecode } from './time'

describe('times as text', () => {
  it('writes whole seconds, tenths, positions and stretches', () => {
    expect(formatTime(75.4)).toBe('01:15')
    expect(formatTime(3725)).toBe('1:02:05')
    expect(formatTime(-3)).toBe('00:00')
    expect(formatTimeTenths(12.46)).toBe('00:12.5')
    expect(formatTimeTenths(59.96)).toBe('01:00.0')
    expect(formatTimecode(0)).toBe('00:00')
    expect(formatTimecode(65.4)).toBe('01:05.4')
    expect(formatTimecode(3723)).toBe('1:02:03')
    expect(formatSpan(4, 8)).toBe('00:04–00:08')
    // Both ends to the tenth when either is not on the second: "00:04.0–00:05.5", never "00:04–00:05.5".
    expect(formatSpan(4, 5.5)).toBe('00:04.0–00:05.5')
    expect(formatSpan(2.4999, 4)).toBe('00:02.5–00:04.0')
    // 60 frames at 29.97 fps end at 2.002 s: that is "00:02", not "00:02.0".
    expect(formatSpan(0, 2.002)).toBe('00:00–00:02')
    expect(formatTimecode(59.96)).toBe('01:00')
  })
})
