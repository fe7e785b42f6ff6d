import { execFile } from 'node:child_process'
import { promises as fs } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  clipArgs,
  displayMatrix,
  ffmpegVersion,
  makeBadInputCorpus,
  makeClip,
  mp4Boxes,
  parseEncoders,
  resolveClipSpec,
  setMp4Rotation,
  type CorpusEntry,
  type VideoCodec
} from './media-fixtures'

// Shared prefix of every generated command: quiet, never prompts, never reads stdin.
const HEAD = ['-hide_banner', '-nostdin', '-loglevel', 'error', '-y']
const X264 = ['-c:v', 'libx264', '-preset', 'ultrafast']

describe('clipArgs', () => {
  it('defaults to a 1 s 160x90 25 fps H.264 MP4 from testsrc2', () => {
    expect(clipArgs('/out/a.mp4')).toEqual([
      ...HEAD,
      '-f', 'lavfi', '-t', '1', '-i', 'testsrc2=size=160x90:rate=25',
      '-map', '0:v:0',
      ...X264,
      '-pix_fmt', 'yuv420p',
      '-f', 'mp4', 'file:/out/a.mp4'
    ])
  })

  it('appends the codec’s container when the name sets none, and keeps one the name sets', () => {
    expect(clipArgs('/out/clip', { codec: 'vp9' }).slice(-3)).toEqual(['-f', 'webm', 'file:/out/clip.webm'])
    expect(clipArgs('/out/clip', { codec: 'prores' }).slice(-3)).toEqual(['-f', 'mov', 'file:/out/clip.mov'])
    expect(clipArgs('/out/clip', { codec: 'hevc' }).slice(-3)).toEqual(['-f', 'matroska', 'file:/out/clip.mkv'])
    expect(clipArgs('/out/clip.tmp', { codec: 'mpeg4' }).slice(-3)).toEqual(['-f', 'avi', 'file:/out/clip.tmp.avi'])
    expect(clipArgs('/out/x.MKV', { codec: 'h264' }).slice(-3)).toEqual(['-f', 'matroska', 'file:/out/x.MKV'])
    expect(resolveClipSpec('/out/clip', { codec: 'mjpeg' }).outPath).toBe('/out/clip.avi')
  })

  it('keeps awkward names as one argv element (no shell quoting needed)', () => {
    const name = `/tmp/it's "quoted" ünï 日本.mp4`
    expect(clipArgs(name).at(-1)).toBe(`file:${name}`)
  })

  it('builds 10-bit HEVC PQ with colour tags and HDR10 metadata', () => {
    expect(clipArgs('/o/hdr.mkv', { hdr: 'pq', seconds: 0.5, fps: 30 })).toEqual([
      ...HEAD,
      '-f', 'lavfi', '-t', '0.5', '-i', 'testsrc2=size=160x90:rate=30',
      '-map', '0:v:0',
      '-c:v', 'libx265', '-preset', 'ultrafast',
      '-x265-params',
      'log-level=error:hdr10=1:master-display=G(13250,34500)B(7500,3000)R(34000,16000)WP(15635,16450)L(10000000,1):max-cll=1000,400',
      '-pix_fmt', 'yuv420p10le',
      '-color_primaries', 'bt2020', '-color_trc', 'smpte2084', '-colorspace', 'bt2020nc', '-color_range', 'tv',
      '-f', 'matroska', 'file:/o/hdr.mkv'
    ])
  })

  it('builds HLG on VP9 and tags HEVC as hvc1 in MP4', () => {
    const hlg = clipArgs('/o/hlg.webm', { codec: 'vp9', hdr: 'hlg' })
    expect(hlg).toContain('libvpx-vp9')
    expect(hlg.slice(hlg.indexOf('-pix_fmt'), hlg.indexOf('-pix_fmt') + 10)).toEqual([
      '-pix_fmt', 'yuv420p10le',
      '-color_primaries', 'bt2020', '-color_trc', 'arib-std-b67', '-colorspace', 'bt2020nc', '-color_range', 'tv'
    ])
    expect(clipArgs('/o/h.mp4', { codec: 'hevc' }).slice(-5)).toEqual(['-tag:v', 'hvc1', '-f', 'mp4', 'file:/o/h.mp4'])
    expect(clipArgs('/o/h.mkv', { codec: 'hevc' })).not.toContain('-tag:v')
  })

  it('builds VFR by dropping frames and passing timestamps through', () => {
    expect(clipArgs('/o/v.mp4', { vfr: true, source: 'smptebars' })).toEqual([
      ...HEAD,
      '-f', 'lavfi', '-t', '1', '-i', 'smptebars=size=160x90:rate=25',
      '-map', '0:v:0',
      '-vf', String.raw`select='not(between(mod(n\,5)\,1\,2))'`,
      '-fps_mode', 'passthrough',
      ...X264,
      '-pix_fmt', 'yuv420p',
      '-f', 'mp4', 'file:/o/v.mp4'
    ])
  })

  it('adds a sine track: AAC, or Opus in WebM', () => {
    expect(clipArgs('/o/a.mov', { audio: true, source: 'noise', width: 32, height: 32 })).toEqual([
      ...HEAD,
      '-f', 'lavfi', '-t', '1', '-i', 'color=c=gray:size=32x32:rate=25,noise=alls=60:allf=t+u',
      '-f', 'lavfi', '-t', '1', '-i', 'sine=frequency=440:sample_rate=48000',
      '-map', '0:v:0', '-map', '1:a:0',
      ...X264,
      '-pix_fmt', 'yuv420p',
      '-c:a', 'aac', '-b:a', '64k', '-ac', '1',
      '-f', 'mov', 'file:/o/a.mov'
    ])
    const webm = clipArgs('/o/a.webm', { codec: 'vp9', audio: true })
    expect(webm.slice(webm.indexOf('-c:a'), webm.indexOf('-c:a') + 2)).toEqual(['-c:a', 'libopus'])
  })

  it('builds top-field-first interlaced H.264', () => {
    expect(clipArgs('/o/i.mp4', { interlaced: true, height: 96, source: 'mandelbrot' })).toEqual([
      ...HEAD,
      '-f', 'lavfi', '-t', '1', '-i', 'mandelbrot=size=160x96:rate=25',
      '-map', '0:v:0',
      '-vf', 'setfield=tff',
      ...X264,
      '-pix_fmt', 'yuv420p',
      '-flags', '+ildct+ilme', '-field_order', 'tt',
      '-f', 'mp4', 'file:/o/i.mp4'
    ])
  })

  it('leaves rotation out of the arguments (makeClip patches the track header instead)', () => {
    expect(clipArgs('/o/r.mp4', { rotation: 90 })).toEqual(clipArgs('/o/r.mp4'))
  })

  it('uses codec-specific defaults for pixel format', () => {
    const pix = (codec: VideoCodec): string | undefined => {
      const a = clipArgs('/o/x', { codec })
      return a[a.indexOf('-pix_fmt') + 1]
    }
    expect(pix('prores')).toBe('yuv422p10le')
    expect(pix('mjpeg')).toBe('yuvj420p')
    expect(pix('mpeg4')).toBe('yuv420p')
    expect(clipArgs('/o/x.mkv', { codec: 'hevc', pixFmt: 'yuv420p10le' })).toContain('yuv420p10le')
  })

  it('rejects specs ffmpeg would fail on, with a reason', () => {
    expect(() => clipArgs('/o/x.webm', { codec: 'h264' })).toThrow(/webm cannot hold h264/)
    expect(() => clipArgs('/o/x.mp4', { codec: 'prores' })).toThrow(/mp4 cannot hold prores/)
    expect(() => clipArgs('/o/x.mkv', { rotation: 90 })).toThrow(/rotation/)
    expect(() => clipArgs('/o/x.mp4', { hdr: 'pq', codec: 'h264' })).toThrow(/hdr needs codec/)
    expect(() => clipArgs('/o/x.mkv', { hdr: 'pq', pixFmt: 'yuv420p' })).toThrow(/10\/12-bit/)
    expect(() => clipArgs('/o/x.mp4', { interlaced: true })).toThrow(/divisible by 4/)
    expect(() => clipArgs('/o/x.mkv', { interlaced: true, codec: 'hevc', height: 96 })).toThrow(/interlaced needs/)
    expect(() => clipArgs('/o/x.mp4', { width: 161 })).toThrow(/even dimensions/)
    expect(() => clipArgs('/o/x.mp4', { width: 0 })).toThrow(/integer >= 2/)
    expect(() => clipArgs('/o/x.mp4', { seconds: 0 })).toThrow(/> 0/)
  })
})

// ---------- MP4 boxes, built by hand so the patcher is tested without ffmpeg ----------

function box(type: string, ...children: Uint8Array[]): Uint8Array {
  const size = 8 + children.reduce((n, c) => n + c.length, 0)
  const out = new Uint8Array(size)
  new DataView(out.buffer).setUint32(0, size)
  out.set(Buffer.from(type, 'latin1'), 4)
  let at = 8
  for (const c of children) {
    out.set(c, at)
    at += c.length
  }
  return out
}

/** A tkhd with an identity matrix: version 0 has 32-bit times (84-byte body), version 1 64-bit (96). */
function tkhd(version: 0 | 1): Uint8Array {
  const body = new Uint8Array(version === 1 ? 96 : 84)
  body[0] = version
  const matrixAt = version === 1 ? 52 : 40
  const view = new DataView(body.buffer)
  displayMatrix(0).forEach((v, i) => view.setInt32(matrixAt + i * 4, v))
  return box('tkhd', body)
}

function hdlr(handler: string): Uint8Array {
  const body = new Uint8Array(25) // version/flags, pre_defined, handler type, 3 reserved words, empty name
  body.set(Buffer.from(handler, 'latin1'), 8)
  return box('hdlr', body)
}

function matrixOf(buf: Uint8Array, tkhdStart: number, version: 0 | 1): number[] {
  const view = new DataView(buf.buffer, buf.byteOffset)
  const at = tkhdStart + 8 + (version === 1 ? 52 : 40)
  return Array.from({ length: 9 }, (_, i) => view.getInt32(at + i * 4))
}

describe('setMp4Rotation', () => {
  const file = (): Uint8Array =>
    Buffer.concat([
      box('ftyp', Buffer.from('isom')),
      box('mdat', new Uint8Array(16)),
      box(
        'moov',
        box('trak', tkhd(0), box('mdia', hdlr('soun'))),
        box('trak', tkhd(1), box('mdia', hdlr('vide')))
      )
    ])

  it('writes the phone-style matrix into video tracks only, without changing the length', () => {
    const buf = file()
    const before = buf.length
    expect(setMp4Rotation(buf, 90)).toBe(1)
    expect(buf.length).toBe(before)
    const moov = mp4Boxes(buf).find((b) => b.type === 'moov')
    const traks = mp4Boxes(buf, moov?.contentStart, moov?.end)
    const [audio, video] = traks.map((t) => mp4Boxes(buf, t.contentStart, t.end)[0]?.start ?? -1)
    expect(matrixOf(buf, audio ?? -1, 0)).toEqual(displayMatrix(0))
    // iPhone portrait: {0, 1, 0, -1, 0, 0, 0, 0, 1} in 16.16 / 2.30 fixed point.
    expect(matrixOf(buf, video ?? -1, 1)).toEqual([0, 0x10000, 0, -0x10000, 0, 0, 0, 0, 0x40000000])
  })

  it('reports 0 when there is no video track', () => {
    expect(setMp4Rotation(Buffer.concat([box('ftyp'), box('moov', box('trak', tkhd(0), box('mdia', hdlr('soun'))))]), 90)).toBe(0)
  })

  it('gives rotations that compose: 90 twice is 180', () => {
    const m = (r: 0 | 90 | 180 | 270): number[][] => {
      const d = displayMatrix(r).map((v) => v / 0x10000)
      return [[d[0] ?? 0, d[1] ?? 0], [d[3] ?? 0, d[4] ?? 0]]
    }
    const mul = (a: number[][], b: number[][]): number[][] =>
      [0, 1].map((i) => [0, 1].map((j) => (a[i]?.[0] ?? 0) * (b[0]?.[j] ?? 0) + (a[i]?.[1] ?? 0) * (b[1]?.[j] ?? 0) + 0))
    expect(mul(m(90), m(90))).toEqual(m(180))
    expect(mul(m(90), m(270))).toEqual(m(0))
  })
})

describe('mp4Boxes', () => {
  it('reads 64-bit largesize boxes and rejects sizes past the end', () => {
    const large = new Uint8Array(24)
    const view = new DataView(large.buffer)
    view.setUint32(0, 1)
    large.set(Buffer.from('mdat', 'latin1'), 4)
    view.setBigUint64(8, 24n)
    expect(mp4Boxes(Buffer.concat([large, box('moov')])).map((b) => [b.type, b.start, b.contentStart, b.end])).toEqual([
      ['mdat', 0, 16, 24],
      ['moov', 24, 32, 32]
    ])
    const bad = box('moov')
    new DataView(bad.buffer).setUint32(0, 99)
    expect(() => mp4Boxes(bad)).toThrow(/bad moov box size/)
  })
})

describe('parseEncoders', () => {
  it('lists encoder names after the legend', () => {
    const text = [
      'Encoders:',
      ' V..... = Video',
      ' A..... = Audio',
      ' ------',
      ' V....D libx264              libx264 H.264 / AVC',
      ' VFS... mjpeg                MJPEG (Motion JPEG)',
      ' A..... aac                  AAC (Advanced Audio Coding)'
    ].join('\n')
    expect([...parseEncoders(text)]).toEqual(['libx264', 'mjpeg', 'aac'])
  })
})

// ---------- integration: real ffmpeg, checked with ffprobe ----------

const FFPROBE = process.env.FFPROBE_PATH ?? 'ffprobe'
const ffmpegLine = await ffmpegVersion()
if (ffmpegLine === null) {
  console.warn(`[media-fixtures] SKIPPING integration tests: ffmpeg not runnable at '${process.env.FFMPEG_PATH ?? 'ffmpeg'}' (set FFMPEG_PATH)`)
}

interface SideData {
  side_data_type?: string
  rotation?: number
}
interface ProbeStream {
  codec_type?: string
  codec_name?: string
  width?: number
  height?: number
  pix_fmt?: string
  bits_per_raw_sample?: string
  r_frame_rate?: string
  avg_frame_rate?: string
  nb_frames?: string
  field_order?: string
  color_transfer?: string
  color_primaries?: string
  side_data_list?: SideData[]
}
interface ProbeResult {
  streams?: ProbeStream[]
  format?: { format_name?: string; duration?: string }
}
type Probed = { ok: true; data: ProbeResult } | { ok: false; stderr: string }

function ffprobe(file: string): Promise<Probed> {
  const args = ['-v', 'error', '-print_format', 'json', '-show_streams', '-show_format', file]
  return new Promise((resolve) => {
    execFile(FFPROBE, args, { maxBuffer: 8 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) resolve({ ok: false, stderr: stderr || error.message })
      else resolve({ ok: true, data: JSON.parse(stdout) as ProbeResult })
    })
  })
}

function firstFrameInterlaced(file: string): Promise<boolean> {
  const args = ['-v', 'error', '-select_streams', 'v:0', '-read_intervals', '%+#1', '-show_entries', 'frame=interlaced_frame', '-of', 'csv=p=0', file]
  return new Promise((resolve, reject) => {
    execFile(FFPROBE, args, (error, stdout) => (error ? reject(error) : resolve(stdout.trim().startsWith('1'))))
  })
}

function video(p: Probed): ProbeStream | undefined {
  return p.ok ? p.data.streams?.find((s) => s.codec_type === 'video') : undefined
}

/** ffprobe 5.1 gives no bits_per_raw_sample for HEVC; the pixel format name carries the depth. */
function bitDepth(s: ProbeStream): number {
  const raw = Number(s.bits_per_raw_sample)
  if (raw > 0) return raw
  return Number(/p(\d+)(?:le|be)$/.exec(s.pix_fmt ?? '')?.[1] ?? 8)
}

function displayRotation(s: ProbeStream): number | undefined {
  return s.side_data_list?.find((d) => d.side_data_type === 'Display Matrix')?.rotation
}

describe.skipIf(ffmpegLine === null)(`makeBadInputCorpus with ${ffmpegLine ?? 'no ffmpeg'}`, () => {
  let dir = ''
  let entries: CorpusEntry[] = []
  const byName = (name: string): CorpusEntry => {
    const e = entries.find((x) => x.name === name)
    if (!e) throw new Error(`no corpus entry ${name}`)
    return e
  }

  beforeAll(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'vqa-corpus-'))
    const started = performance.now()
    entries = await makeBadInputCorpus(dir)
    console.info(`[media-fixtures] corpus of ${entries.length} entries in ${((performance.now() - started) / 1000).toFixed(2)} s`)
  }, 60_000)

  afterAll(async () => {
    // rm removes the mode-000 file (deleting needs only the directory's permission) and does not follow the loop symlink.
    if (dir) await fs.rm(dir, { recursive: true, force: true })
  })

  it('creates every entry at its path', async () => {
    expect(entries.map((e) => e.name)).toContain('ünïcødé-日本語.mp4')
    for (const e of entries) {
      expect(path.join(dir, e.name)).toBe(e.path)
      await expect(fs.lstat(e.path)).resolves.toBeTruthy()
    }
  })

  it('ok entries probe to their expected metadata', async () => {
    const ok = entries.filter((e) => e.expect === 'ok')
    expect(ok.length).toBeGreaterThanOrEqual(15)
    for (const e of ok) {
      const probed = await ffprobe(e.path)
      const v = video(probed)
      const c = e.check ?? {}
      const where = `${e.name}: ${JSON.stringify(v)}`
      expect(v, where).toBeDefined()
      if (!v) continue
      if (c.width !== undefined) expect(v.width, where).toBe(c.width)
      if (c.height !== undefined) expect(v.height, where).toBe(c.height)
      if (c.codec !== undefined) expect(v.codec_name, where).toBe(c.codec)
      if (c.bitDepth !== undefined) expect(bitDepth(v), where).toBe(c.bitDepth)
      const rotation = displayRotation(v)
      if (c.rotation) {
        // ffprobe reports the display matrix counter-clockwise: a 90° clockwise phone clip reads -90.
        expect(rotation, where).toBeDefined()
        expect((((rotation ?? 0) + c.rotation) % 360 + 360) % 360, where).toBe(0)
      } else {
        expect(rotation ?? 0, where).toBe(0)
      }
      if (c.hdr) {
        expect(v.color_transfer, where).toBe(c.hdr === 'pq' ? 'smpte2084' : 'arib-std-b67')
        expect(v.color_primaries, where).toBe('bt2020')
      }
      if (c.vfr !== undefined) expect(v.r_frame_rate !== v.avg_frame_rate, where).toBe(c.vfr)
      if (c.interlaced) {
        // ffprobe 5.1 reports field_order 'tt'; 4.0 (ffprobe-static) omits it for H.264 in MP4, so fall back to the frame flag.
        if (v.field_order !== undefined) expect(['tt', 'tb', 'bt', 'bb'], where).toContain(v.field_order)
        else expect(await firstFrameInterlaced(e.path), where).toBe(true)
      }
      if (c.hasAudio !== undefined) {
        expect(probed.ok && probed.data.streams?.some((s) => s.codec_type === 'audio'), where).toBe(c.hasAudio)
      }
    }
  })

  it('pins the raw ffprobe fields the normaliser relies on', async () => {
    const phone = video(await ffprobe(byName('rotated phone.mp4').path))
    expect(displayRotation(phone ?? {})).toBe(-90)
    const vfr = video(await ffprobe(byName('vfr.mp4').path))
    expect([vfr?.r_frame_rate, vfr?.avg_frame_rate]).toEqual(['25/1', '15/1'])
    const pq = video(await ffprobe(byName('hdr-pq.mkv').path))
    expect(pq?.pix_fmt).toBe('yuv420p10le')
  })

  it('error entries fail to probe, have no video, or are a single frame', async () => {
    const errors = entries.filter((e) => e.expect === 'error')
    expect(errors.map((e) => e.failure).sort()).toEqual(['empty', 'no-video', 'not-media', 'still-image', 'truncated', 'unreadable'])
    for (const e of errors) {
      const probed = await ffprobe(e.path)
      const v = video(probed)
      switch (e.failure) {
        case 'empty':
        case 'truncated':
        case 'not-media':
          expect(probed.ok, e.name).toBe(false)
          break
        case 'no-video':
          expect(probed.ok, e.name).toBe(true)
          expect(v, e.name).toBeUndefined()
          break
        case 'still-image':
          expect(v?.nb_frames, e.name).toBe('1')
          break
        case 'unreadable':
          // Root reads mode-000 files; then the entry is simply a valid clip.
          expect(probed.ok, `${e.name} unreadableEffective=${String(e.unreadableEffective)}`).toBe(!e.unreadableEffective)
          break
        default:
          throw new Error(`unexpected failure kind for ${e.name}`)
      }
    }
    expect((await fs.stat(byName('empty.mp4').path)).size).toBe(0)
  })

  it('skip entries are an image and a symlink loop', async () => {
    const png = await ffprobe(byName('photo.png').path)
    expect(png.ok && png.data.format?.format_name).toBe('png_pipe')
    const link = byName('loop/again').path
    expect((await fs.lstat(link)).isSymbolicLink()).toBe(true)
    expect(await fs.readlink(link)).toBe('..')
    expect(await fs.realpath(link)).toBe(await fs.realpath(dir))
  })

  it('flags the vanishing clip', () => {
    expect(entries.filter((e) => e.deleteDuringScan).map((e) => e.name)).toEqual(['vanishing.mp4'])
  })

  it('refuses to build over a non-empty directory', async () => {
    await expect(makeBadInputCorpus(dir)).rejects.toThrow(/empty directory/)
  })

  it('makeClip encodes every codec in its default container, with audio, and applies 180/270 rotation', async () => {
    const codecs: VideoCodec[] = ['h264', 'hevc', 'vp9', 'mpeg4', 'prores', 'mjpeg']
    for (const codec of codecs) {
      const out = await makeClip(path.join(dir, 'extra', `c-${codec}`), { codec, audio: true, seconds: 0.2 })
      expect(path.extname(out)).toBe(path.extname(resolveClipSpec(out, { codec }).outPath))
      const probed = await ffprobe(out)
      expect(video(probed)?.codec_name, out).toBe(codec)
      const audio = probed.ok ? probed.data.streams?.find((s) => s.codec_type === 'audio')?.codec_name : undefined
      expect(audio, out).toBe(codec === 'vp9' ? 'opus' : 'aac')
    }
    for (const rotation of [180, 270] as const) {
      const out = await makeClip(path.join(dir, 'extra', `r${rotation}.mov`), { rotation, seconds: 0.2 })
      const r = displayRotation(video(await ffprobe(out)) ?? {})
      expect(((((r ?? 0) + rotation) % 360) + 360) % 360).toBe(0)
    }
  }, 60_000)

  it('never runs more than 2 ffmpeg processes at once', async () => {
    if (process.platform === 'win32') return // the wrapper below is a POSIX shell script
    const work = await fs.mkdtemp(path.join(os.tmpdir(), 'vqa-concurrency-'))
    try {
      // A wrapper that logs start/end around the real ffmpeg; the log's running count is the concurrency.
      const log = path.join(work, 'log')
      const wrapper = path.join(work, 'ffmpeg-wrapper.sh')
      const q = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`
      const real = process.env.FFMPEG_PATH ?? 'ffmpeg'
      await fs.writeFile(wrapper, `#!/bin/sh\necho + >> ${q(log)}\n${q(real)} "$@"\nrc=$?\necho - >> ${q(log)}\nexit $rc\n`, { mode: 0o755 })
      await makeBadInputCorpus(path.join(work, 'corpus'), { ffmpeg: wrapper })
      let running = 0
      let peak = 0
      for (const mark of (await fs.readFile(log, 'utf8')).split('\n')) {
        running += mark === '+' ? 1 : mark === '-' ? -1 : 0
        peak = Math.max(peak, running)
      }
      expect(running).toBe(0)
      expect(peak).toBe(2)
    } finally {
      await fs.rm(work, { recursive: true, force: true })
    }
  })

  it('reports a missing binary clearly', async () => {
    await expect(makeClip(path.join(dir, 'extra', 'never.mp4'), {}, { ffmpeg: '/nonexistent/ffmpeg' })).rejects.toThrow(
      /not found \(set FFMPEG_PATH/
    )
  })
})
