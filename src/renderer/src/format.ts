/**
 * Pure formatting for what the user reads. No DOM and no locale-dependent output (apart from
 * `formatDateTime`, which reads local time on purpose), so it is tested in Node.
 */
import type { ClipDetail } from '../../shared/contract'

/** Shown where a value is unknown; a dash reads as "nothing here" without shouting. */
export const UNKNOWN = '—'

const pad2 = (n: number): string => String(n).padStart(2, '0')

/** 75 → "1:15", 3725 → "1:02:05"; fractions round to the nearest second. */
export function formatDuration(seconds: number | null | undefined): string {
  if (seconds == null || !Number.isFinite(seconds) || seconds < 0) return UNKNOWN
  const total = Math.round(seconds)
  const h = Math.floor(total / 3600)
  const m = Math.floor((total % 3600) / 60)
  const s = total % 60
  return h > 0 ? `${h}:${pad2(m)}:${pad2(s)}` : `${m}:${pad2(s)}`
}

const BYTE_UNITS = ['B', 'KB', 'MB', 'GB', 'TB', 'PB'] as const

/**
 * Decimal units (1 KB = 1000 B), as Finder and most camera software show sizes.
 * Three significant digits at most: "1.5 GB", "12.3 MB", "123 MB".
 */
export function formatBytes(bytes: number | null | undefined): string {
  if (bytes == null || !Number.isFinite(bytes) || bytes < 0) return UNKNOWN
  if (bytes < 1000) return `${Math.round(bytes)} B`
  let unit = 0
  let value = bytes
  // Promote before rounding so 999,960 B reads "1.0 MB", not "1000 KB".
  while (unit < BYTE_UNITS.length - 1 && value >= 999.5) {
    value /= 1000
    unit++
  }
  const digits = value < 99.95 ? 1 : 0
  return `${value.toFixed(digits)} ${BYTE_UNITS[unit]}`
}

/** Bits per second → "850 kb/s", "12.5 Mb/s", "1.20 Gb/s". */
export function formatBitrate(bitsPerSecond: number | null | undefined): string {
  if (bitsPerSecond == null || !Number.isFinite(bitsPerSecond) || bitsPerSecond < 0) return UNKNOWN
  if (bitsPerSecond < 1e6 - 500) return `${Math.round(bitsPerSecond / 1000)} kb/s`
  if (bitsPerSecond < 1e9 - 5e5) {
    const mb = bitsPerSecond / 1e6
    return `${mb < 99.95 ? mb.toFixed(1) : Math.round(mb)} Mb/s`
  }
  return `${(bitsPerSecond / 1e9).toFixed(2)} Gb/s`
}

/**
 * A remaining time for a progress bar: "45 s", "3 min 5 s", "12 min", "1 h 5 min".
 * Rounds up, so a running job never claims "0 s" left.
 */
export function formatEta(seconds: number | null | undefined): string {
  if (seconds == null || !Number.isFinite(seconds) || seconds < 0) return ''
  const total = Math.max(1, Math.ceil(seconds))
  if (total < 60) return `${total} s`
  if (total < 600) {
    const m = Math.floor(total / 60)
    const s = total % 60
    return s === 0 ? `${m} min` : `${m} min ${s} s`
  }
  if (total < 3600) return `${Math.round(total / 60)} min`
  const h = Math.floor(total / 3600)
  const m = Math.round((total % 3600) / 60)
  if (m === 60) return `${h + 1} h`
  return m === 0 ? `${h} h` : `${h} h ${m} min`
}

/** "1920×1080" with the typographic multiplication sign; unknown if either side is missing. */
export function formatResolution(width: number | null | undefined, height: number | null | undefined): string {
  if (width == null || height == null) return UNKNOWN
  return `${width}×${height}`
}

/** 29.97002997 → "29.97", 25 → "25", 23.976023976 → "23.976". */
export function formatFps(fps: number | null | undefined): string {
  if (fps == null || !Number.isFinite(fps) || fps <= 0) return UNKNOWN
  return String(Number(fps.toFixed(3)))
}

/** 1234 → "1,234"; grouping is fixed (not the OS locale) so counts read the same in every test and screenshot. */
export function formatInteger(n: number): string {
  const sign = n < 0 ? '-' : ''
  const digits = String(Math.trunc(Math.abs(n)))
  return sign + digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',')
}

/** formatCount(1, 'clip') → "1 clip", formatCount(1200, 'clip') → "1,200 clips". */
export function formatCount(n: number, singular: string, plural = `${singular}s`): string {
  return `${formatInteger(n)} ${n === 1 ? singular : plural}`
}

/** Local time as "2024-03-05 14:07", sortable by eye and unambiguous across locales. */
export function formatDateTime(ms: number | null | undefined): string {
  if (ms == null || !Number.isFinite(ms)) return UNKNOWN
  const d = new Date(ms)
  return `${d.getFullYear()}-${pad2(d.getMonth() + 1)}-${pad2(d.getDate())} ${pad2(d.getHours())}:${pad2(d.getMinutes())}`
}

/** Channel count → the name an editor uses. */
export function formatChannels(channels: number | null | undefined): string {
  switch (channels) {
    case null:
    case undefined:
      return UNKNOWN
    case 1:
      return 'mono'
    case 2:
      return 'stereo'
    case 6:
      return '5.1'
    case 8:
      return '7.1'
    default:
      return `${channels} ch`
  }
}

/** 48000 → "48 kHz", 44100 → "44.1 kHz". */
export function formatSampleRate(hz: number | null | undefined): string {
  if (hz == null || !Number.isFinite(hz) || hz <= 0) return UNKNOWN
  return `${Number((hz / 1000).toFixed(3))} kHz`
}

/** Transfer characteristics as ffprobe names them → what a colourist calls them. */
const TRANSFERS: Record<string, string> = {
  smpte2084: 'PQ (SMPTE ST 2084)',
  'arib-std-b67': 'HLG (ARIB STD-B67)',
  bt709: 'BT.709',
  'bt2020-10': 'BT.2020 (10-bit)',
  'bt2020-12': 'BT.2020 (12-bit)',
  smpte170m: 'SMPTE 170M (BT.601)',
  bt470bg: 'BT.470 BG',
  bt470m: 'BT.470 M',
  linear: 'Linear',
  'iec61966-2-1': 'sRGB',
  'iec61966-2-4': 'xvYCC',
  smpte240m: 'SMPTE 240M'
}

const PRIMARIES: Record<string, string> = {
  bt709: 'BT.709',
  bt2020: 'BT.2020',
  smpte170m: 'SMPTE 170M (BT.601 NTSC)',
  bt470bg: 'BT.470 BG (BT.601 PAL)',
  bt470m: 'BT.470 M',
  smpte432: 'Display P3 (SMPTE 432)',
  smpte431: 'DCI-P3 (SMPTE 431)',
  smpte240m: 'SMPTE 240M',
  film: 'Film'
}

export function describeTransfer(value: string | null | undefined): string {
  if (!value || value === 'unknown') return UNKNOWN
  return TRANSFERS[value] ?? value
}

export function describePrimaries(value: string | null | undefined): string {
  if (!value || value === 'unknown') return UNKNOWN
  return PRIMARIES[value] ?? value
}

/** A YUV video's luma range. */
export function describeRange(value: ClipDetail['colorRange'] | undefined): string {
  if (value === 'tv') return 'Limited (16–235, TV)'
  if (value === 'pc') return 'Full (0–255, PC)'
  // Players and ffmpeg read an unstated range as limited.
  if (value === 'unknown') return 'Not stated (read as limited)'
  return UNKNOWN
}

export function describeHdr(hdr: 'PQ' | 'HLG' | null | undefined): string {
  if (hdr === 'PQ') return 'HDR (PQ)'
  if (hdr === 'HLG') return 'HDR (HLG)'
  return 'SDR'
}

export function describeInterlaced(interlaced: boolean | null | undefined): string {
  if (interlaced == null) return UNKNOWN
  return interlaced ? 'Interlaced' : 'Progressive'
}

/** Positions and stretches of a clip are written as the explanations write them (shared/time.ts). */
export { formatSpan, formatTimecode } from '../../shared/time'
