/**
 * The ffprobe adapter. `probeArgs` and `normaliseProbe` are pure (tested on captured JSON); `probeFile` is the only
 * part that spawns. Everything downstream sees `MediaInfo`, never ffprobe's own shapes.
 */
import { z } from 'zod'
import { open } from 'node:fs/promises'
import { runTool, ToolError, type RunOptions } from './run'

export interface AudioInfo {
  codec: string
  channels: number | null
  sampleRate: number | null
  language: string | null
}

export interface MediaInfo {
  container: string | null
  duration: number | null
  width: number
  height: number
  displayWidth: number
  displayHeight: number
  /** Clockwise degrees the player must turn the stored picture: 0, 90, 180 or 270. */
  rotation: number
  fps: number | null
  variableFrameRate: boolean
  frameCount: number | null
  codec: string
  profile: string | null
  pixelFormat: string | null
  bitDepth: number | null
  chromaSubsampling: string | null
  colorTransfer: string | null
  colorPrimaries: string | null
  /** Luma range of YUV video: limited ('tv', 16–235), full ('pc', 0–255), or 'unknown' where the file does not say
   *  (decoders and swscale then assume limited); null for RGB and gray, where it does not apply. */
  colorRange: 'tv' | 'pc' | 'unknown' | null
  hdr: 'PQ' | 'HLG' | null
  interlaced: boolean | null
  bitrate: number | null
  audio: AudioInfo[]
}

/** A file ffprobe can read but that is not a video we can score; the message is shown to the user as is. */
export class NotAVideoError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'NotAVideoError'
  }
}

export function probeArgs(file: string): string[] {
  // `file:` stops ffprobe from reading a name such as "http:x.mp4" or "-i" as a protocol or an option.
  return ['-v', 'error', '-hide_banner', '-print_format', 'json', '-show_format', '-show_streams', `file:${file}`]
}

const num = z.union([z.number(), z.string()]).optional()
const Stream = z
  .object({
    index: z.number().optional(),
    codec_type: z.string().optional(),
    codec_name: z.string().optional(),
    profile: z.string().optional(),
    width: z.number().optional(),
    height: z.number().optional(),
    pix_fmt: z.string().optional(),
    bits_per_raw_sample: num,
    color_transfer: z.string().optional(),
    color_primaries: z.string().optional(),
    color_range: z.string().optional(),
    field_order: z.string().optional(),
    r_frame_rate: z.string().optional(),
    avg_frame_rate: z.string().optional(),
    duration: num,
    nb_frames: num,
    bit_rate: num,
    channels: z.number().optional(),
    sample_rate: num,
    disposition: z.record(z.string(), z.number()).optional(),
    tags: z.record(z.string(), z.string()).optional(),
    side_data_list: z.array(z.record(z.string(), z.unknown())).optional()
  })
  .loose()
const ProbeJson = z
  .object({
    streams: z.array(Stream).default([]),
    format: z
      .object({
        format_name: z.string().optional(),
        duration: num,
        bit_rate: num,
        nb_streams: z.number().optional()
      })
      .loose()
      .optional()
  })
  .loose()
export type ProbeJson = z.input<typeof ProbeJson>

function toNumber(v: number | string | undefined): number | null {
  if (v === undefined || v === 'N/A' || v === '') return null
  const n = typeof v === 'number' ? v : Number(v)
  return Number.isFinite(n) ? n : null
}

export function parseRate(rate: string | undefined): number | null {
  if (!rate) return null
  const [a, b] = rate.split('/')
  const n = Number(a)
  const d = b === undefined ? 1 : Number(b)
  if (!Number.isFinite(n) || !Number.isFinite(d) || d === 0 || n <= 0) return null
  return n / d
}

export function bitDepthOf(pixFmt: string | null, rawBits: number | null): number | null {
  if (rawBits && rawBits > 0) return rawBits
  if (!pixFmt) return null
  const m = /(?:p|le|be)?(\d{2})(?:le|be)$/.exec(pixFmt) ?? /^p0(\d{2})/.exec(pixFmt)
  if (m?.[1]) return Number(m[1])
  if (/^(yuvj?4\d\dp|nv12|nv21|rgb24|bgr24|rgba|bgra|argb|abgr|gray|yuyv422|uyvy422)$/.test(pixFmt)) return 8
  return null
}

/** Pure: the luma range a stream declares — its color_range, or 'pc' for the JPEG-range yuvj formats, which say so
 *  by name (ffmpeg's H.264 and MJPEG decoders report full-range video that way); 'unknown' when it says nothing;
 *  null for RGB and gray. */
export function rangeOf(pixFmt: string | null, colorRange: string | null): 'tv' | 'pc' | 'unknown' | null {
  if (pixFmt && /^yuvj/.test(pixFmt)) return 'pc'
  const chroma = chromaOf(pixFmt)
  if (chroma === 'RGB' || chroma === '4:0:0' || pixFmt === 'pal8') return null
  return colorRange === 'tv' || colorRange === 'pc' ? colorRange : 'unknown'
}

export function chromaOf(pixFmt: string | null): string | null {
  if (!pixFmt) return null
  const m = /^yuva?j?(4\d\d)/.exec(pixFmt)
  if (m?.[1]) return `${m[1][0]}:${m[1][1]}:${m[1][2]}`
  if (/^(nv12|nv21|p010|p016)/.test(pixFmt)) return '4:2:0'
  if (/^(yuyv422|uyvy422|nv16|p210)/.test(pixFmt)) return '4:2:2'
  if (/^gray/.test(pixFmt)) return '4:0:0'
  if (/^(rgb|bgr|gbr|argb|abgr|rgba|bgra)/.test(pixFmt)) return 'RGB'
  return null
}

/** Display rotation, clockwise. ffprobe reports the display matrix counter-clockwise; the old `rotate` tag clockwise. */
export function rotationOf(sideData: Array<Record<string, unknown>> | undefined, tags: Record<string, string> | undefined): number {
  const matrix = sideData?.find((s) => typeof s['rotation'] === 'number')
  let deg: number | null = null
  if (matrix) deg = -(matrix['rotation'] as number)
  else if (tags?.['rotate'] !== undefined && Number.isFinite(Number(tags['rotate']))) deg = Number(tags['rotate'])
  if (deg === null) return 0
  const snapped = Math.round(deg / 90) * 90
  return ((snapped % 360) + 360) % 360
}

const CONTAINERS: Record<string, string> = {
  mov: 'MP4/MOV',
  matroska: 'Matroska/WebM',
  avi: 'AVI',
  mpegts: 'MPEG-TS',
  mpeg: 'MPEG-PS',
  flv: 'FLV',
  asf: 'ASF/WMV',
  mxf: 'MXF',
  ogg: 'Ogg',
  '3gp': '3GP',
  gif: 'GIF'
}

const STILL_FORMATS = /(^|,)(image2|png_pipe|jpeg_pipe|webp_pipe|bmp_pipe|tiff_pipe|gif_pipe)(,|$)/
const IMAGE_CODECS = new Set(['png', 'mjpeg', 'jpegls', 'bmp', 'tiff', 'webp', 'gif', 'jpeg2000'])

export function normaliseProbe(raw: unknown): MediaInfo {
  const parsed = ProbeJson.safeParse(raw)
  if (!parsed.success) throw new NotAVideoError('ffprobe returned output this app does not understand')
  const { streams, format } = parsed.data
  const video = streams.find((s) => s.codec_type === 'video' && !s.disposition?.['attached_pic'])
  const audio = streams
    .filter((s) => s.codec_type === 'audio')
    .map<AudioInfo>((s) => ({
      codec: s.codec_name ?? 'unknown',
      channels: s.channels ?? null,
      sampleRate: toNumber(s.sample_rate),
      language: s.tags?.['language'] && s.tags['language'] !== 'und' ? s.tags['language'] : null
    }))
  if (!video) {
    if (audio.length > 0) throw new NotAVideoError('Audio only: the file has no video stream')
    throw new NotAVideoError('No video stream: ffprobe found nothing playable in this file')
  }
  const width = video.width ?? 0
  const height = video.height ?? 0
  if (width <= 0 || height <= 0) throw new NotAVideoError('The video stream has no picture size (corrupt or unsupported codec)')

  const duration = toNumber(format?.duration) ?? toNumber(video.duration)
  const frameCount = toNumber(video.nb_frames)
  const formatName = format?.format_name ?? ''
  const codec = video.codec_name ?? 'unknown'
  if (STILL_FORMATS.test(formatName) || (IMAGE_CODECS.has(codec) && (frameCount === 1 || !duration || duration < 0.05))) {
    throw new NotAVideoError(`Still image (${codec}), not a video`)
  }

  const rotation = rotationOf(video.side_data_list, video.tags)
  const quarter = rotation === 90 || rotation === 270
  const avg = parseRate(video.avg_frame_rate)
  const base = parseRate(video.r_frame_rate)
  // r_frame_rate is the smallest rate that represents every timestamp, avg_frame_rate frames ÷ duration: in a
  // constant-rate file they agree; in variable-rate footage (phones, screen captures) they drift apart.
  const variableFrameRate = avg !== null && base !== null && Math.abs(avg - base) / base > 0.02
  const pixelFormat = video.pix_fmt ?? null
  const transfer = video.color_transfer ?? null
  const fieldOrder = video.field_order
  const firstFormat = formatName.split(',')[0] ?? ''

  return {
    container: CONTAINERS[firstFormat] ?? (formatName || null),
    duration,
    width,
    height,
    displayWidth: quarter ? height : width,
    displayHeight: quarter ? width : height,
    rotation,
    fps: avg ?? base,
    variableFrameRate,
    frameCount: frameCount === null ? null : Math.round(frameCount),
    codec,
    profile: video.profile ?? null,
    pixelFormat,
    bitDepth: bitDepthOf(pixelFormat, toNumber(video.bits_per_raw_sample)),
    chromaSubsampling: chromaOf(pixelFormat),
    colorTransfer: transfer,
    colorPrimaries: video.color_primaries ?? null,
    colorRange: rangeOf(pixelFormat, video.color_range ?? null),
    hdr: transfer === 'smpte2084' ? 'PQ' : transfer === 'arib-std-b67' ? 'HLG' : null,
    interlaced: !fieldOrder || fieldOrder === 'unknown' ? null : fieldOrder !== 'progressive',
    bitrate: toNumber(format?.bit_rate) ?? toNumber(video.bit_rate),
    audio
  }
}

/** Turns ffprobe's last stderr line into something a person can act on. */
export function explainProbeFailure(stderrTail: string): string {
  const s = stderrTail.toLowerCase()
  if (s.includes('moov atom not found')) return 'Truncated or unfinished MP4/MOV: its index (moov atom) is missing'
  if (s.includes('invalid data found when processing input')) return 'Not a media file, or damaged beyond reading'
  if (s.includes('permission denied')) return 'Permission denied: the app may not read this file'
  if (s.includes('no such file')) return 'The file disappeared while it was being read'
  if (s.includes('end of file')) return 'The file ends early (truncated)'
  const last = stderrTail.trim().split('\n').pop() ?? ''
  return last ? `ffprobe could not read it: ${last.replace(/^file:.*?:\s*/, '')}` : 'ffprobe could not read it'
}

/** Pure: keyframe times from `ffprobe -show_entries packet=pts_time,flags -of csv=p=0` output. */
export function parseKeyframes(csv: string): number[] {
  const out: number[] = []
  for (const line of csv.split('\n')) {
    const [t, flags] = line.trim().split(',')
    if (flags?.includes('K') && t && Number.isFinite(Number(t))) out.push(Number(t))
  }
  return out.sort((a, b) => a - b)
}

/** Keyframe times of the first video stream, read from packets (no decoding). */
export async function listKeyframes(ffprobe: string, file: string, opts: RunOptions = {}): Promise<number[]> {
  const res = await runTool(ffprobe, ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'packet=pts_time,flags', '-of', 'csv=p=0', `file:${file}`], {
    timeoutMs: 120_000,
    ...opts
  })
  if (res.code !== 0) return []
  return parseKeyframes(res.stdout.toString('utf8'))
}

/** Pure: do these first bytes start an ISO-BMFF (MP4/MOV) file? */
export function looksLikeIsoBmff(head: Uint8Array): boolean {
  if (head.length < 8) return false
  const type = String.fromCharCode(...head.subarray(4, 8))
  return ['ftyp', 'moov', 'mdat', 'free', 'wide', 'skip', 'pnot', 'uuid'].includes(type)
}

export async function probeFile(ffprobe: string, file: string, opts: RunOptions = {}): Promise<MediaInfo> {
  const res = await runTool(ffprobe, probeArgs(file), { timeoutMs: 30_000, ...opts })
  if (res.code !== 0) {
    let message = explainProbeFailure(res.stderrTail)
    // ffprobe says "moov atom not found" for anything named .mp4: a real but cut MP4 starts with MP4 boxes, a
    // misnamed text or image file does not.
    if (/moov atom not found/i.test(res.stderrTail)) {
      const head = new Uint8Array(12)
      try {
        const fh = await open(file, 'r')
        try {
          await fh.read(head, 0, 12, 0)
        } finally {
          await fh.close()
        }
        if (!looksLikeIsoBmff(head)) message = 'Not a media file: its content is not MP4/MOV (misnamed or damaged from the start)'
      } catch {
        // keep ffprobe's explanation
      }
    }
    throw new ToolError(message, res.stderrTail, res.code)
  }
  let json: unknown
  try {
    json = JSON.parse(res.stdout.toString('utf8'))
  } catch {
    throw new ToolError('ffprobe wrote output that is not JSON', res.stderrTail, res.code)
  }
  return normaliseProbe(json)
}
