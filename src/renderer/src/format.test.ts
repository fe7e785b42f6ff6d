import { describe, it, expect } from 'vitest'
import {
  UNKNOWN,
  describeHdr,
  describeInterlaced,
  describePrimaries,
  describeRange,
  describeTransfer,
  formatBitrate,
  formatBytes,
  formatChannels,
  formatCount,
  formatDateTime,
  formatDuration,
  formatEta,
  formatFps,
  formatInteger,
  formatResolution,
  formatSampleRate
} from './format'

describe('formatDuration', () => {
  it('uses m:ss under an hour', () => {
    expect(formatDuration(0)).toBe('0:00')
    expect(formatDuration(5)).toBe('0:05')
    expect(formatDuration(75)).toBe('1:15')
    expect(formatDuration(3599)).toBe('59:59')
  })
  it('uses h:mm:ss from an hour', () => {
    expect(formatDuration(3600)).toBe('1:00:00')
    expect(formatDuration(3725)).toBe('1:02:05')
    expect(formatDuration(36000 + 61)).toBe('10:01:01')
  })
  it('rounds to the nearest second, carrying into minutes', () => {
    expect(formatDuration(59.6)).toBe('1:00')
    expect(formatDuration(12.4)).toBe('0:12')
  })
  it('shows unknown for missing or nonsense values', () => {
    expect(formatDuration(null)).toBe(UNKNOWN)
    expect(formatDuration(undefined)).toBe(UNKNOWN)
    expect(formatDuration(Number.NaN)).toBe(UNKNOWN)
    expect(formatDuration(-1)).toBe(UNKNOWN)
  })
})

describe('formatBytes', () => {
  it('keeps small sizes in bytes', () => {
    expect(formatBytes(0)).toBe('0 B')
    expect(formatBytes(999)).toBe('999 B')
  })
  it('uses decimal units with up to three significant digits', () => {
    expect(formatBytes(1000)).toBe('1.0 KB')
    expect(formatBytes(1536)).toBe('1.5 KB')
    expect(formatBytes(12_345_678)).toBe('12.3 MB')
    expect(formatBytes(123_456_789)).toBe('123 MB')
    expect(formatBytes(1_500_000_000)).toBe('1.5 GB')
    expect(formatBytes(2.5e12)).toBe('2.5 TB')
  })
  it('promotes instead of showing 1000 of a unit', () => {
    expect(formatBytes(999_960)).toBe('1.0 MB')
    expect(formatBytes(999_400)).toBe('999 KB')
  })
  it('shows unknown for missing values', () => {
    expect(formatBytes(null)).toBe(UNKNOWN)
    expect(formatBytes(-5)).toBe(UNKNOWN)
  })
})

describe('formatBitrate', () => {
  it('uses kb/s below a megabit', () => {
    expect(formatBitrate(128_000)).toBe('128 kb/s')
    expect(formatBitrate(850_400)).toBe('850 kb/s')
  })
  it('uses Mb/s with one decimal below 100', () => {
    expect(formatBitrate(999_600)).toBe('1.0 Mb/s')
    expect(formatBitrate(12_480_000)).toBe('12.5 Mb/s')
    expect(formatBitrate(150_000_000)).toBe('150 Mb/s')
  })
  it('uses Gb/s for very high rates', () => {
    expect(formatBitrate(1_200_000_000)).toBe('1.20 Gb/s')
  })
  it('shows unknown for missing values', () => {
    expect(formatBitrate(null)).toBe(UNKNOWN)
  })
})

describe('formatEta', () => {
  it('uses seconds under a minute, rounding up', () => {
    expect(formatEta(0)).toBe('1 s')
    expect(formatEta(0.2)).toBe('1 s')
    expect(formatEta(44.1)).toBe('45 s')
  })
  it('uses minutes and seconds under ten minutes', () => {
    expect(formatEta(60)).toBe('1 min')
    expect(formatEta(185)).toBe('3 min 5 s')
  })
  it('drops seconds from ten minutes', () => {
    expect(formatEta(12 * 60 + 20)).toBe('12 min')
  })
  it('uses hours and minutes from an hour', () => {
    expect(formatEta(3600)).toBe('1 h')
    expect(formatEta(3900)).toBe('1 h 5 min')
    expect(formatEta(2 * 3600 - 10)).toBe('2 h')
  })
  it('is empty when unknown', () => {
    expect(formatEta(null)).toBe('')
    expect(formatEta(Number.POSITIVE_INFINITY)).toBe('')
  })
})

describe('formatResolution', () => {
  it('joins width and height', () => {
    expect(formatResolution(1920, 1080)).toBe('1920×1080')
  })
  it('needs both sides', () => {
    expect(formatResolution(null, 1080)).toBe(UNKNOWN)
    expect(formatResolution(1920, null)).toBe(UNKNOWN)
  })
})

describe('formatFps', () => {
  it('trims to what matters', () => {
    expect(formatFps(25)).toBe('25')
    expect(formatFps(30000 / 1001)).toBe('29.97')
    expect(formatFps(24000 / 1001)).toBe('23.976')
    expect(formatFps(60000 / 1001)).toBe('59.94')
  })
  it('shows unknown for missing or zero', () => {
    expect(formatFps(null)).toBe(UNKNOWN)
    expect(formatFps(0)).toBe(UNKNOWN)
  })
})

describe('formatInteger and formatCount', () => {
  it('groups thousands', () => {
    expect(formatInteger(0)).toBe('0')
    expect(formatInteger(999)).toBe('999')
    expect(formatInteger(1234)).toBe('1,234')
    expect(formatInteger(100000)).toBe('100,000')
    expect(formatInteger(-1234567)).toBe('-1,234,567')
  })
  it('picks singular or plural', () => {
    expect(formatCount(0, 'clip')).toBe('0 clips')
    expect(formatCount(1, 'clip')).toBe('1 clip')
    expect(formatCount(100000, 'clip')).toBe('100,000 clips')
    expect(formatCount(2, 'child', 'children')).toBe('2 children')
  })
})

describe('formatDateTime', () => {
  it('formats local time as YYYY-MM-DD HH:MM', () => {
    const ms = new Date(2024, 2, 5, 14, 7, 30).getTime()
    expect(formatDateTime(ms)).toBe('2024-03-05 14:07')
  })
  it('shows unknown for null', () => {
    expect(formatDateTime(null)).toBe(UNKNOWN)
  })
})

describe('audio formatting', () => {
  it('names channel layouts', () => {
    expect(formatChannels(1)).toBe('mono')
    expect(formatChannels(2)).toBe('stereo')
    expect(formatChannels(6)).toBe('5.1')
    expect(formatChannels(4)).toBe('4 ch')
    expect(formatChannels(null)).toBe(UNKNOWN)
  })
  it('shows sample rates in kHz', () => {
    expect(formatSampleRate(48000)).toBe('48 kHz')
    expect(formatSampleRate(44100)).toBe('44.1 kHz')
    expect(formatSampleRate(null)).toBe(UNKNOWN)
  })
})

describe('colour descriptions', () => {
  it('names common transfers and primaries, passing others through', () => {
    expect(describeTransfer('smpte2084')).toBe('PQ (SMPTE ST 2084)')
    expect(describeTransfer('arib-std-b67')).toBe('HLG (ARIB STD-B67)')
    expect(describeTransfer('bt709')).toBe('BT.709')
    expect(describeTransfer('something-new')).toBe('something-new')
    expect(describeTransfer(null)).toBe(UNKNOWN)
    expect(describeTransfer('unknown')).toBe(UNKNOWN)
    expect(describePrimaries('bt2020')).toBe('BT.2020')
    expect(describeRange('tv')).toBe('Limited (16–235, TV)')
    expect(describeRange('pc')).toBe('Full (0–255, PC)')
    expect(describeRange('unknown')).toBe('Not stated (read as limited)')
    expect(describeRange(null)).toBe(UNKNOWN)
  })
  it('describes HDR and scan type', () => {
    expect(describeHdr('PQ')).toBe('HDR (PQ)')
    expect(describeHdr('HLG')).toBe('HDR (HLG)')
    expect(describeHdr(null)).toBe('SDR')
    expect(describeInterlaced(true)).toBe('Interlaced')
    expect(describeInterlaced(false)).toBe('Progressive')
    expect(describeInterlaced(null)).toBe(UNKNOWN)
  })
})

describe('clock times', () => {
  it('write positions and ranges like the explanations do', async () => {
    const { formatTimecode, formatSpan } = await import('./format')
    expect(formatTimecode(0)).toBe('00:00')
    expect(formatTimecode(65.4)).toBe('01:05.4')
    expect(formatTimecode(3723)).toBe('1:02:03')
    expect(formatSpan(4, 8)).toBe('00:04–00:08')
    expect(formatSpan(4, 5.5)).toBe('00:04.0–00:05.5')
  })
})
