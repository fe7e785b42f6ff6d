/**
 * Test media generated with ffmpeg at test time.
 *
 * We never commit media binaries: they bloat the repository, and a fixture whose recipe is code can be
 * regenerated, varied and reviewed. Integration tests, e2e tests and benchmarks all build their inputs here.
 *
 * Split, as everywhere in the app: pure functions build ffmpeg argument arrays (unit-tested by comparing
 * arrays, no process spawned) and a thin layer spawns them. Processes are started with argv arrays,
 * never a shell string, so file names with spaces, quotes or non-ASCII characters need no escaping.
 */
import { execFile } from 'node:child_process'
import { promises as fs } from 'node:fs'
import path from 'node:path'

// ---------- clip specification ----------

export type VideoCodec = 'h264' | 'hevc' | 'vp9' | 'mpeg4' | 'prores' | 'mjpeg'
export type Container = 'mp4' | 'mov' | 'matroska' | 'webm' | 'avi'
export type ClipSource = 'testsrc2' | 'mandelbrot' | 'smptebars' | 'noise'
/** Clockwise degrees a player must turn the stored picture to show it upright (the legacy `rotate` tag's meaning). */
export type Rotation = 0 | 90 | 180 | 270

export interface ClipSpec {
  /** Stored (coded) size. Defaults 160x90: tiny, so a clip encodes in well under a second. */
  width?: number
  height?: number
  /** Default 25. */
  fps?: number
  /** Default 1. */
  seconds?: number
  /** Default 'h264', or 'hevc' when `hdr` is set. */
  codec?: VideoCodec
  /** ffmpeg pix_fmt, e.g. 'yuv420p10le' for 10-bit. Default depends on the codec (see CODECS). */
  pixFmt?: string
  /** Adds a 440 Hz sine track: Opus in WebM, AAC elsewhere. */
  audio?: boolean
  /**
   * Display rotation, written as a display matrix in the MP4/MOV track header like a phone does
   * (iPhone portrait = 90). Only MP4/MOV carry it. ffprobe reports the opposite sign: rotation 90 shows
   * up as side_data_list[].rotation = -90.
   */
  rotation?: Rotation
  /**
   * Genuinely variable frame timing: frames are dropped in a 5-frame pattern (keep, drop, drop, keep,
   * keep) and the remaining timestamps kept, so deltas alternate 3,1,1 frame periods. ffprobe then
   * reports r_frame_rate = fps but avg_frame_rate = fps * 3/5, over the same `seconds`.
   */
  vfr?: boolean
  /** 10-bit, BT.2020, with PQ (smpte2084, plus HDR10 mastering/CLL SEI) or HLG (arib-std-b67) transfer. */
  hdr?: 'pq' | 'hlg'
  /** lavfi source. Default 'testsrc2' (moving, so encoders do real work but still cheaply). */
  source?: ClipSource
  /** Top-field-first interlaced coding (h264 or mpeg4 only; 4:2:0 then needs height divisible by 4). */
  interlaced?: boolean
}

interface CodecRecipe {
  /** Encoder selection and speed settings. */
  encoder: readonly string[]
  /** Default pix_fmt. Set explicitly because ffmpeg would otherwise pick e.g. yuv444p for libx264 from an RGB source, which few players decode. */
  pixFmt: string
  /** Container used when the output name does not choose one. */
  container: Container
}

const CODECS: Record<VideoCodec, CodecRecipe> = {
  h264: { encoder: ['-c:v', 'libx264', '-preset', 'ultrafast'], pixFmt: 'yuv420p', container: 'mp4' },
  // Matroska by default: no hvc1/hev1 tag question, and it is where HEVC files usually turn up.
  hevc: { encoder: ['-c:v', 'libx265', '-preset', 'ultrafast'], pixFmt: 'yuv420p', container: 'matroska' },
  // realtime + cpu-used 8 is libvpx's fastest mode; constant quality (-b:v 0 -crf) avoids a bitrate guess.
  vp9: {
    encoder: ['-c:v', 'libvpx-vp9', '-deadline', 'realtime', '-cpu-used', '8', '-b:v', '0', '-crf', '40'],
    pixFmt: 'yuv420p',
    container: 'webm'
  },
  mpeg4: { encoder: ['-c:v', 'mpeg4', '-q:v', '5'], pixFmt: 'yuv420p', container: 'avi' },
  // Profile 0 = ProRes Proxy, the smallest; ProRes is always 4:2:2 10-bit at least.
  prores: { encoder: ['-c:v', 'prores_ks', '-profile:v', '0'], pixFmt: 'yuv422p10le', container: 'mov' },
  // yuvj420p (full range) is what the MJPEG encoder accepts without -strict.
  mjpeg: { encoder: ['-c:v', 'mjpeg', '-q:v', '5'], pixFmt: 'yuvj420p', container: 'avi' }
}

const EXTENSIONS: Record<string, Container> = {
  '.mp4': 'mp4',
  '.m4v': 'mp4',
  '.mov': 'mov',
  '.mkv': 'matroska',
  '.webm': 'webm',
  '.avi': 'avi'
}
const DEFAULT_EXTENSION: Record<Container, string> = {
  mp4: '.mp4',
  mov: '.mov',
  matroska: '.mkv',
  webm: '.webm',
  avi: '.avi'
}
/** What each muxer accepts among our codecs; checked up front so a bad combination fails with a clear message, not ffmpeg's. */
const CONTAINER_CODECS: Record<Container, readonly VideoCodec[]> = {
  mp4: ['h264', 'hevc', 'vp9', 'mpeg4', 'mjpeg'],
  mov: ['h264', 'hevc', 'vp9', 'mpeg4', 'prores', 'mjpeg'],
  matroska: ['h264', 'hevc', 'vp9', 'mpeg4', 'prores', 'mjpeg'],
  webm: ['vp9'],
  avi: ['h264', 'mpeg4', 'mjpeg']
}

/** The spec with every default filled in; what the argument builder actually works from. */
export interface ResolvedClipSpec {
  width: number
  height: number
  fps: number
  seconds: number
  codec: VideoCodec
  pixFmt: string
  audio: boolean
  rotation: Rotation
  vfr: boolean
  hdr: 'pq' | 'hlg' | null
  source: ClipSource
  interlaced: boolean
  container: Container
  /** outPath, with the container's extension appended when the name did not choose a container. */
  outPath: string
}

/** Fills defaults, picks the container and validates combinations. Pure; throws RangeError on a spec ffmpeg would reject. */
export function resolveClipSpec(outPath: string, spec: ClipSpec = {}): ResolvedClipSpec {
  const width = spec.width ?? 160
  const height = spec.height ?? 90
  const fps = spec.fps ?? 25
  const seconds = spec.seconds ?? 1
  const hdr = spec.hdr ?? null
  const codec = spec.codec ?? (hdr ? 'hevc' : 'h264')
  const recipe = CODECS[codec]
  const pixFmt = spec.pixFmt ?? (hdr ? 'yuv420p10le' : recipe.pixFmt)
  const rotation = spec.rotation ?? 0

  for (const [name, value] of [['width', width], ['height', height]] as const) {
    if (!Number.isInteger(value) || value < 2) throw new RangeError(`${name} must be an integer >= 2, got ${value}`)
  }
  if (!(fps > 0) || !(seconds > 0)) throw new RangeError(`fps and seconds must be > 0, got ${fps} and ${seconds}`)
  // 4:2:0 and 4:2:2 halve the chroma width (and 4:2:0 the height); encoders refuse odd sizes.
  if (/^yuvj?4[02]/.test(pixFmt) && (width % 2 !== 0 || (pixFmt.includes('420') && height % 2 !== 0))) {
    throw new RangeError(`${pixFmt} needs even dimensions, got ${width}x${height}`)
  }
  if (![0, 90, 180, 270].includes(rotation)) throw new RangeError(`rotation must be 0, 90, 180 or 270, got ${rotation}`)
  if (hdr) {
    if (codec !== 'hevc' && codec !== 'vp9') throw new RangeError(`hdr needs codec hevc or vp9, got ${codec}`)
    if (!/p1[02]/.test(pixFmt)) throw new RangeError(`hdr needs a 10/12-bit pixFmt, got ${pixFmt}`)
  }
  if (spec.interlaced) {
    if (codec !== 'h264' && codec !== 'mpeg4') throw new RangeError(`interlaced needs codec h264 or mpeg4, got ${codec}`)
    // Each field is half the frame height, and a 4:2:0 field still needs an even chroma height.
    if (pixFmt.includes('420') && height % 4 !== 0) {
      throw new RangeError(`interlaced 4:2:0 needs a height divisible by 4, got ${height} (try height: 96)`)
    }
  }

  const named = EXTENSIONS[path.extname(outPath).toLowerCase()]
  const container = named ?? recipe.container
  const resolvedPath = named ? outPath : outPath + DEFAULT_EXTENSION[container]
  if (!CONTAINER_CODECS[container].includes(codec)) {
    throw new RangeError(`${container} cannot hold ${codec} (output ${resolvedPath})`)
  }
  if (rotation !== 0 && container !== 'mp4' && container !== 'mov') {
    throw new RangeError(`rotation is only written for .mp4/.mov outputs, got ${container}`)
  }

  return {
    width,
    height,
    fps,
    seconds,
    codec,
    pixFmt,
    audio: spec.audio ?? false,
    rotation,
    vfr: spec.vfr ?? false,
    hdr,
    source: spec.source ?? 'testsrc2',
    interlaced: spec.interlaced ?? false,
    container,
    outPath: resolvedPath
  }
}

/** lavfi graph for the picture source. */
export function sourceGraph(source: ClipSource, width: number, height: number, fps: number): string {
  const size = `${width}x${height}`
  switch (source) {
    case 'testsrc2':
    case 'smptebars':
    case 'mandelbrot':
      return `${source}=size=${size}:rate=${fps}`
    case 'noise':
      // lavfi has no noise source; temporal+uniform noise over flat grey is the worst case for an encoder.
      return `color=c=gray:size=${size}:rate=${fps},noise=alls=60:allf=t+u`
  }
}

/**
 * ffmpeg arguments (without the binary) that encode `spec` to `outPath`. Pure.
 *
 * Display rotation is not in these arguments: ffmpeg's CLI has changed how it writes rotation across
 * versions (5.1 writes `-metadata:s:v rotate=N` inverted on stream copy and ignores it when encoding;
 * 6.0+ replaced it with -display_rotation), so `makeClip` patches the track header's matrix afterwards
 * with `setMp4Rotation`, which gives the same bytes whatever the ffmpeg version.
 */
export function clipArgs(outPath: string, spec: ClipSpec = {}): string[] {
  const s = resolveClipSpec(outPath, spec)
  const recipe = CODECS[s.codec]
  const seconds = String(s.seconds)
  const args = ['-hide_banner', '-nostdin', '-loglevel', 'error', '-y']
  // -t before -i bounds the (otherwise endless) lavfi input, whatever options the source supports.
  args.push('-f', 'lavfi', '-t', seconds, '-i', sourceGraph(s.source, s.width, s.height, s.fps))
  if (s.audio) args.push('-f', 'lavfi', '-t', seconds, '-i', 'sine=frequency=440:sample_rate=48000')
  args.push('-map', '0:v:0')
  if (s.audio) args.push('-map', '1:a:0')

  const filters: string[] = []
  // Dropping frames while keeping their timestamps gives deltas of 3,1,1 periods; commas inside the
  // expression are escaped because the filtergraph would split on them.
  if (s.vfr) filters.push(String.raw`select='not(between(mod(n\,5)\,1\,2))'`)
  // Mark frames as top-field-first so the encoder codes fields and the stream says so.
  if (s.interlaced) filters.push('setfield=tff')
  if (filters.length > 0) args.push('-vf', filters.join(','))
  // passthrough keeps the source timestamps; the default (auto -> cfr for mp4) would duplicate frames back to constant rate.
  if (s.vfr) args.push('-fps_mode', 'passthrough')

  args.push(...recipe.encoder)
  if (s.codec === 'hevc') args.push('-x265-params', x265Params(s.hdr))
  args.push('-pix_fmt', s.pixFmt)
  if (s.hdr) {
    // Container/codec-level colour tags; libx265 and libvpx also copy them into the bitstream (VUI / colour config),
    // so they survive a remux.
    args.push(
      '-color_primaries', 'bt2020',
      '-color_trc', s.hdr === 'pq' ? 'smpte2084' : 'arib-std-b67',
      '-colorspace', 'bt2020nc',
      '-color_range', 'tv'
    )
  }
  if (s.interlaced) args.push('-flags', '+ildct+ilme', '-field_order', 'tt')
  // Apple players only accept HEVC in MP4/MOV under the hvc1 tag (ffmpeg defaults to hev1).
  if (s.codec === 'hevc' && (s.container === 'mp4' || s.container === 'mov')) args.push('-tag:v', 'hvc1')
  if (s.audio) {
    args.push('-c:a', s.container === 'webm' ? 'libopus' : 'aac', '-b:a', '64k', '-ac', '1')
  }
  // An explicit muxer makes the container independent of the file name; the `file:` prefix stops ffmpeg
  // from reading a name that starts with '-' as an option or one like 'concat:x.mp4' as a protocol.
  args.push('-f', s.container, `file:${s.outPath}`)
  return args
}

function x265Params(hdr: 'pq' | 'hlg' | null): string {
  const params = ['log-level=error']
  if (hdr === 'pq') {
    // HDR10 static metadata (SMPTE ST 2086 mastering display, P3 primaries at 1000 nits; MaxCLL/MaxFALL),
    // which real PQ content carries and ffprobe -show_frames reports as frame side data.
    params.push(
      'hdr10=1',
      'master-display=G(13250,34500)B(7500,3000)R(34000,16000)WP(15635,16450)L(10000000,1)',
      'max-cll=1000,400'
    )
  }
  return params.join(':')
}

// ---------- MP4/MOV display matrix ----------

/**
 * The 3x3 display matrix of an ISO BMFF track header ({a, b, u, c, d, v, x, y, w}; 16.16 fixed point,
 * u/v/w 2.30) for a clockwise display rotation. 90 is the matrix an iPhone writes for a portrait clip.
 */
export function displayMatrix(rotation: Rotation): number[] {
  const one = 0x10000
  const w = 0x40000000
  switch (rotation) {
    case 0:
      return [one, 0, 0, 0, one, 0, 0, 0, w]
    case 90:
      return [0, one, 0, -one, 0, 0, 0, 0, w]
    case 180:
      return [-one, 0, 0, 0, -one, 0, 0, 0, w]
    case 270:
      return [0, -one, 0, one, 0, 0, 0, 0, w]
  }
}

export interface Mp4Box {
  type: string
  /** Offset of the box header. */
  start: number
  /** Offset of the first byte after the header. */
  contentStart: number
  /** Offset of the first byte after the box. */
  end: number
}

/** The boxes directly inside buf[start, end). Pure; throws on a size that does not fit. */
export function mp4Boxes(buf: Uint8Array, start = 0, end = buf.length): Mp4Box[] {
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength)
  const boxes: Mp4Box[] = []
  let at = start
  while (at + 8 <= end) {
    let size = view.getUint32(at)
    const type = String.fromCharCode(buf[at + 4] ?? 0, buf[at + 5] ?? 0, buf[at + 6] ?? 0, buf[at + 7] ?? 0)
    let header = 8
    if (size === 1) {
      // 64-bit largesize follows the type (mdat of big files).
      size = Number(view.getBigUint64(at + 8))
      header = 16
    } else if (size === 0) {
      size = end - at // "extends to the end of the file"
    }
    if (size < header || at + size > end) throw new RangeError(`bad ${type} box size ${size} at ${at}`)
    boxes.push({ type, start: at, contentStart: at + header, end: at + size })
    at += size
  }
  return boxes
}

/**
 * Writes the clockwise display `rotation` into the track header of every video track of an MP4/MOV
 * file held in `buf` (modified in place, same length, so no offsets move). Pure apart from that
 * mutation; returns how many tracks were patched (0 means no video track was found).
 */
export function setMp4Rotation(buf: Uint8Array, rotation: Rotation): number {
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength)
  const child = (parent: Mp4Box, type: string): Mp4Box | undefined =>
    mp4Boxes(buf, parent.contentStart, parent.end).find((b) => b.type === type)
  let patched = 0
  for (const moov of mp4Boxes(buf).filter((b) => b.type === 'moov')) {
    for (const trak of mp4Boxes(buf, moov.contentStart, moov.end).filter((b) => b.type === 'trak')) {
      const mdia = child(trak, 'mdia')
      const hdlr = mdia && child(mdia, 'hdlr')
      const tkhd = child(trak, 'tkhd')
      // hdlr: version/flags (4), pre_defined (4), then the handler type.
      if (!hdlr || !tkhd || ascii(buf, hdlr.contentStart + 8, 4) !== 'vide') continue
      // tkhd: version/flags (4); times and ids are 20 bytes in version 0, 32 in version 1;
      // then reserved (8), layer, alternate_group, volume, reserved (2 each): matrix follows.
      const version = buf[tkhd.contentStart] ?? 0
      const matrixAt = tkhd.contentStart + 4 + (version === 1 ? 32 : 20) + 8 + 8
      if (matrixAt + 36 > tkhd.end) throw new RangeError('tkhd too short for a matrix')
      displayMatrix(rotation).forEach((value, i) => view.setInt32(matrixAt + i * 4, value))
      patched++
    }
  }
  return patched
}

function ascii(buf: Uint8Array, at: number, length: number): string {
  return String.fromCharCode(...buf.subarray(at, at + length))
}

// ---------- running ffmpeg ----------

export interface FfmpegOptions {
  /** ffmpeg binary; default process.env.FFMPEG_PATH ?? 'ffmpeg'. */
  ffmpeg?: string
  /** Kill ffmpeg after this long (ms) so a wedged encode fails the test instead of hanging it. Default 60 000. */
  timeoutMs?: number
}

export function ffmpegPath(opts: FfmpegOptions = {}): string {
  return opts.ffmpeg ?? process.env.FFMPEG_PATH ?? 'ffmpeg'
}

interface RunResult {
  stdout: string
  stderr: string
}

/** execFile with argv (no shell); rejects with the command line and ffmpeg's stderr, which is where it explains itself. */
function run(bin: string, args: readonly string[], timeoutMs: number): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    execFile(bin, args, { timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024, windowsHide: true }, (error, stdout, stderr) => {
      if (!error) return resolve({ stdout, stderr })
      const code = (error as NodeJS.ErrnoException).code
      const what = code === 'ENOENT' ? `not found (set FFMPEG_PATH or pass { ffmpeg })` : `failed: ${error.message.split('\n')[0]}`
      reject(new Error(`${bin} ${what}\n  argv: ${JSON.stringify(args)}\n  stderr: ${stderr.trim().slice(-2000)}`, { cause: error }))
    })
  })
}

/** ffmpeg's version line, or null if the binary cannot be run; lets tests skip cleanly instead of failing. */
export async function ffmpegVersion(opts: FfmpegOptions = {}): Promise<string | null> {
  try {
    const { stdout } = await run(ffmpegPath(opts), ['-hide_banner', '-version'], opts.timeoutMs ?? 10_000)
    return stdout.split('\n')[0]?.trim() ?? ''
  } catch {
    return null
  }
}

const encoderCache = new Map<string, Promise<Set<string>>>()

/** Encoder names this ffmpeg was built with (e.g. 'libx265'); cached per binary. Builds differ (LGPL builds lack x264/x265). */
export function ffmpegEncoders(opts: FfmpegOptions = {}): Promise<Set<string>> {
  const bin = ffmpegPath(opts)
  let cached = encoderCache.get(bin)
  if (!cached) {
    cached = run(bin, ['-hide_banner', '-encoders'], opts.timeoutMs ?? 10_000).then(({ stdout }) => parseEncoders(stdout))
    // Do not cache a failure: a later call with the binary installed should succeed.
    cached.catch(() => encoderCache.delete(bin))
    encoderCache.set(bin, cached)
  }
  return cached
}

/** Parses `ffmpeg -encoders` output (" V....D libx264  description"). Pure. */
export function parseEncoders(text: string): Set<string> {
  const names = new Set<string>()
  let inTable = false
  for (const line of text.split('\n')) {
    if (/^\s*-{3,}\s*$/.test(line)) {
      inTable = true // the legend ends with a " ------" line
      continue
    }
    const m = inTable ? /^\s*[VAS][A-Z.]{5}\s+(\S+)/.exec(line) : null
    if (m?.[1]) names.add(m[1])
  }
  return names
}

/** Runs ffmpeg with prepared arguments (see clipArgs). */
export async function runFfmpeg(args: readonly string[], opts: FfmpegOptions = {}): Promise<void> {
  await run(ffmpegPath(opts), args, opts.timeoutMs ?? 60_000)
}

/**
 * Encodes a clip and returns its path (outPath, plus an extension if the name did not choose a container).
 * Creates the parent directory.
 */
export async function makeClip(outPath: string, spec: ClipSpec = {}, opts: FfmpegOptions = {}): Promise<string> {
  const resolved = resolveClipSpec(outPath, spec)
  await fs.mkdir(path.dirname(resolved.outPath), { recursive: true })
  await runFfmpeg(clipArgs(outPath, spec), opts)
  if (resolved.rotation !== 0) {
    const bytes = await fs.readFile(resolved.outPath)
    if (setMp4Rotation(bytes, resolved.rotation) === 0) throw new Error(`no video track to rotate in ${resolved.outPath}`)
    await fs.writeFile(resolved.outPath, bytes)
  }
  return resolved.outPath
}

/** A single still frame as an image file (format from the extension, e.g. .png/.jpg). */
export function imageArgs(outPath: string, opts: { width?: number; height?: number; source?: ClipSource } = {}): string[] {
  const graph = sourceGraph(opts.source ?? 'testsrc2', opts.width ?? 160, opts.height ?? 90, 25)
  // -update 1 writes one file rather than an image sequence pattern, so '%' in names is harmless.
  return ['-hide_banner', '-nostdin', '-loglevel', 'error', '-y', '-f', 'lavfi', '-i', graph, '-frames:v', '1', '-update', '1', `file:${outPath}`]
}

/** One PNG frame inside an MP4: a still image wearing a video extension. */
export function stillMp4Args(outPath: string): string[] {
  return [
    '-hide_banner', '-nostdin', '-loglevel', 'error', '-y',
    '-f', 'lavfi', '-i', sourceGraph('testsrc2', 160, 90, 25),
    '-frames:v', '1', '-c:v', 'png', '-f', 'mp4', `file:${outPath}`
  ]
}

/** An audio-only file: AAC in MP4 (what a voice memo looks like). */
export function audioOnlyArgs(outPath: string, seconds = 1): string[] {
  return [
    '-hide_banner', '-nostdin', '-loglevel', 'error', '-y',
    '-f', 'lavfi', '-t', String(seconds), '-i', 'sine=frequency=440:sample_rate=48000',
    '-c:a', 'aac', '-b:a', '64k', '-f', 'mp4', `file:${outPath}`
  ]
}

// ---------- the bad-input corpus ----------

/** Why an 'error' entry must fail, so a test can assert the right kind of failure. */
export type FailureKind = 'empty' | 'truncated' | 'not-media' | 'no-video' | 'still-image' | 'unreadable'

/** Metadata an 'ok' entry must probe to. Sizes are as stored (ffprobe's stream width/height, before rotation). */
export interface ClipCheck {
  width?: number
  height?: number
  /** ffprobe codec_name of the video stream. */
  codec?: string
  /** Clockwise display rotation (ffprobe 5.1 reports side_data rotation = -this, e.g. -90 for 90). */
  rotation?: Rotation
  bitDepth?: number
  hdr?: 'pq' | 'hlg'
  /** r_frame_rate differs from avg_frame_rate. */
  vfr?: boolean
  hasAudio?: boolean
  interlaced?: boolean
}

export interface CorpusEntry {
  /** Path relative to the corpus directory, '/'-separated. */
  name: string
  /** Absolute path. */
  path: string
  /** ok: a scanner must index it; error: index it as failed; skip: not a video, ignore it. */
  expect: 'ok' | 'error' | 'skip'
  note: string
  failure?: FailureKind
  check?: ClipCheck
  /**
   * Only on unreadable.mp4: true if opening it for reading really fails. Root (as in CI containers)
   * reads mode-000 files anyway, in which case it is just a valid clip and tests should adapt.
   */
  unreadableEffective?: boolean
  /** Only on vanishing.mp4: a valid clip that the test deletes from a scan hook. */
  deleteDuringScan?: boolean
}

export interface CorpusOptions extends FfmpegOptions {
  /** Most ffmpeg processes at once. Default 2, so the corpus does not starve a 2-core CI runner. */
  concurrency?: number
}

/**
 * Runs tasks with at most `limit` in flight, keeping result order. After a failure no new task starts,
 * and it waits for those in flight before rejecting, so no ffmpeg is still writing into a directory
 * the caller is about to delete.
 */
async function mapLimited<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length)
  let next = 0
  let failed = false
  const worker = async (): Promise<void> => {
    while (!failed && next < items.length) {
      const i = next++
      try {
        results[i] = await fn(items[i] as T)
      } catch (error) {
        failed = true
        throw error
      }
    }
  }
  const settled = await Promise.allSettled(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker))
  const rejection = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected')
  if (rejection) throw rejection.reason
  return results
}

type Job = { kind: 'clip'; spec: ClipSpec } | { kind: 'args'; args: (outPath: string) => string[] }

interface Recipe {
  entry: Omit<CorpusEntry, 'path'>
  /** How to produce the file with ffmpeg, if at all. */
  job?: Job
  /** fs-only work done after every ffmpeg job finished (truncating, chmod, links…). */
  finish?: (file: string, entry: CorpusEntry) => Promise<void>
}

/**
 * Builds the bad-input corpus in `dir` (created if missing) and returns its entries in a stable order.
 * About 1.5 s of ffmpeg work on a 2-core machine; without libx265 the HEVC entries fall back to VP9
 * profile 2 (names kept so tests can look them up; `check.codec` tells the truth).
 */
export async function makeBadInputCorpus(dir: string, opts: CorpusOptions = {}): Promise<CorpusEntry[]> {
  const root = path.resolve(dir)
  await fs.mkdir(root, { recursive: true })
  // A rerun over an old corpus would trip over its mode-000 file and existing symlink; insist on a fresh directory.
  if ((await fs.readdir(root)).length > 0) throw new Error(`makeBadInputCorpus needs an empty directory: ${root}`)
  await fs.mkdir(path.join(root, 'loop'))
  const hevc: VideoCodec = (await ffmpegEncoders(opts)).has('libx265') ? 'hevc' : 'vp9'
  const recipes = corpusRecipes(hevc)

  await mapLimited(recipes, opts.concurrency ?? 2, async ({ entry, job }) => {
    const file = path.join(root, entry.name)
    if (job?.kind === 'clip') await makeClip(file, job.spec, opts)
    else if (job?.kind === 'args') await runFfmpeg(job.args(file), opts)
  })

  const entries: CorpusEntry[] = []
  for (const { entry, finish } of recipes) {
    const full: CorpusEntry = { ...entry, path: path.join(root, entry.name) }
    if (finish) await finish(full.path, full)
    entries.push(full)
  }
  return entries
}

function corpusRecipes(hevc: VideoCodec): Recipe[] {
  const ok = (name: string, note: string, spec: ClipSpec, check: ClipCheck = {}): Recipe => {
    const r = resolveClipSpec(name, spec)
    return {
      entry: { name, expect: 'ok', note, check: { width: r.width, height: r.height, codec: r.codec, ...check } },
      job: { kind: 'clip', spec }
    }
  }
  const hevcNote = hevc === 'hevc' ? '' : ' (libx265 missing: VP9 profile 2 stands in)'
  return [
    {
      entry: { name: 'empty.mp4', expect: 'error', failure: 'empty', note: 'zero bytes' },
      finish: (file) => fs.writeFile(file, new Uint8Array(0))
    },
    {
      entry: { name: 'truncated.mp4', expect: 'error', failure: 'truncated', note: 'valid MP4 cut to 40%: the moov atom (at the end) is gone' },
      job: { kind: 'clip', spec: {} },
      finish: truncateKeepingNoMoov
    },
    {
      entry: { name: 'notes.mp4', expect: 'error', failure: 'not-media', note: 'a text file with a video extension' },
      finish: (file) => fs.writeFile(file, 'Meeting notes\n- this is not a video\n- ffprobe must reject it\n')
    },
    {
      entry: { name: 'audio-only.mp4', expect: 'error', failure: 'no-video', note: 'AAC audio, no video stream' },
      job: { kind: 'args', args: (f) => audioOnlyArgs(f) }
    },
    {
      entry: { name: 'still.mp4', expect: 'error', failure: 'still-image', note: 'one PNG frame in an MP4: a still image, not a video' },
      job: { kind: 'args', args: stillMp4Args }
    },
    {
      entry: { name: 'photo.png', expect: 'skip', note: 'a real PNG image; not a video extension' },
      job: { kind: 'args', args: (f) => imageArgs(f) }
    },
    ok('hevc-10bit.mkv', `10-bit HEVC${hevcNote}`, { codec: hevc, pixFmt: 'yuv420p10le' }, { bitDepth: 10 }),
    ok('hdr-pq.mkv', `10-bit HEVC, BT.2020 + PQ with HDR10 metadata${hevcNote}`, { codec: hevc, hdr: 'pq' }, { bitDepth: 10, hdr: 'pq' }),
    ok('hdr-hlg.mkv', `10-bit HEVC, BT.2020 + HLG${hevcNote}`, { codec: hevc, hdr: 'hlg' }, { bitDepth: 10, hdr: 'hlg' }),
    ok(
      'rotated phone.mp4',
      'portrait phone clip: stored 160x96 landscape with a 90° clockwise display matrix, AAC audio',
      { width: 160, height: 96, rotation: 90, audio: true },
      { rotation: 90, hasAudio: true }
    ),
    ok('vfr.mp4', 'variable frame rate: frame deltas 3,1,1 periods (r_frame_rate 25, avg 15)', { vfr: true }, { vfr: true }),
    ok('tiny-16x16.mp4', 'smallest plausible video', { width: 16, height: 16 }),
    ok('uhd-4k.mp4', '3840x2160, 2 frames', { width: 3840, height: 2160, fps: 5, seconds: 0.4 }),
    ok('with space.mp4', 'space in the name', { source: 'smptebars' }),
    ok(`it's "quoted".mp4`, 'single and double quotes in the name', { source: 'mandelbrot' }),
    ok('ünïcødé-日本語.mp4', 'non-ASCII name (NFC)', { source: 'noise' }),
    ok('interlaced.mp4', 'top-field-first interlaced H.264', { height: 96, interlaced: true }, { interlaced: true }),
    ok('prores.mov', 'ProRes 422 Proxy: browsers cannot play it', { codec: 'prores' }, { bitDepth: 10 }),
    ok('legacy.avi', 'MPEG-4 Part 2 in AVI', { codec: 'mpeg4' }),
    {
      ...ok('unreadable.mp4', '', {}),
      // `check` stays: when the mode is ignored (root), this is simply a valid 160x90 H.264 clip.
      entry: {
        ...ok('unreadable.mp4', '', {}).entry,
        expect: 'error',
        failure: 'unreadable',
        note: 'valid clip with mode 000 (readable anyway as root)'
      },
      finish: async (file, entry) => {
        await fs.chmod(file, 0o000)
        // Probe the way a scanner would rather than guessing from the uid: root, CAP_DAC_OVERRIDE and
        // some network filesystems all ignore the mode.
        entry.unreadableEffective = await fs.open(file, 'r').then(
          async (handle) => {
            await handle.close()
            return false
          },
          () => true
        )
      }
    },
    ok('loop/inner.mp4', 'clip inside a directory that contains a symlink loop', {}),
    {
      entry: { name: 'loop/again', expect: 'skip', note: 'symlink to its own parent (loop/again -> ..): a scanner must not follow it forever' },
      finish: (file) => fs.symlink('..', file, 'dir')
    },
    (() => {
      const vanishing = ok('vanishing.mp4', 'valid clip; the test deletes it during the scan', {})
      vanishing.entry.deleteDuringScan = true
      return vanishing
    })()
  ]
}

/** Cuts a freshly written MP4 to 40% and proves the moov atom went with the cut. */
async function truncateKeepingNoMoov(file: string): Promise<void> {
  const bytes = await fs.readFile(file)
  const cut = Math.floor(bytes.length * 0.4)
  const moov = mp4Boxes(bytes).find((b) => b.type === 'moov')
  // ffmpeg writes moov last unless -movflags +faststart; if that ever changes, this entry would silently become valid.
  if (!moov || moov.start < cut) throw new Error(`truncated.mp4: moov at ${moov?.start ?? 'nowhere'} would survive a cut at ${cut}`)
  await fs.truncate(file, cut)
}
