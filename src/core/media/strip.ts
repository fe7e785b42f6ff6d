/**
 * The timeline's thumbnail strip: STRIP_FRAMES frames across the clip side by side in one JPEG sprite, cached by
 * fingerprint. Each frame is its own seek (fast input seeking, one frame decoded), so a two-hour file costs the same
 * as a short one; the frames are then tiled by a second ffmpeg run over the still images.
 */
import { copyFile, mkdir, mkdtemp, rename, rm, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { STRIP_FRAMES, STRIP_FRAME_HEIGHT, STRIP_FRAME_WIDTH } from '../../shared/wire'
import { ffmpegInput, runTool, ToolError } from './run'

/** Pure. Frame i is taken in the middle of the i-th of `frames` equal stretches of the clip. */
export function stripTimes(duration: number | null, frames = STRIP_FRAMES): number[] {
  const d = duration && duration > 0 ? duration : 0
  return Array.from({ length: frames }, (_, i) => ((i + 0.5) * d) / frames)
}

/** Pure. One frame, letterboxed into the fixed tile so every tile of the sprite has the same size. */
export function stripFrameArgs(input: string, output: string, at: number): string[] {
  const w = STRIP_FRAME_WIDTH
  const h = STRIP_FRAME_HEIGHT
  return [
    ...ffmpegInput(input, at),
    '-an',
    '-sn',
    '-dn',
    '-frames:v',
    '1',
    '-vf',
    `scale=${w}:${h}:force_original_aspect_ratio=decrease:flags=bilinear,pad=${w}:${h}:(ow-iw)/2:(oh-ih)/2:color=black,setsar=1`,
    '-f',
    'image2',
    '-update',
    '1',
    `file:${output}`
  ]
}

/** Pure. Tiles numbered stills (frame-000.jpg …) into one row. */
export function stripTileArgs(pattern: string, output: string, frames = STRIP_FRAMES): string[] {
  return [
    '-hide_banner',
    '-nostdin',
    '-loglevel',
    'error',
    '-y',
    '-f',
    'image2',
    '-start_number',
    '0',
    '-i',
    `file:${pattern}`,
    '-vf',
    `tile=${frames}x1`,
    '-frames:v',
    '1',
    '-q:v',
    '5',
    '-f',
    'image2',
    '-update',
    '1',
    `file:${output}`
  ]
}

const inflight = new Map<string, Promise<string>>()

async function nonEmpty(p: string): Promise<boolean> {
  try {
    return (await stat(p)).size > 0
  } catch {
    return false
  }
}

export async function ensureStrip(
  ffmpeg: string,
  cacheDir: string,
  clip: { path: string; fingerprint: string; duration: number | null },
  signal?: AbortSignal
): Promise<string> {
  const out = join(cacheDir, `${clip.fingerprint}.strip.jpg`)
  if (await nonEmpty(out)) return out
  const pending = inflight.get(out)
  if (pending) return pending
  const job = (async () => {
    await mkdir(cacheDir, { recursive: true })
    const work = await mkdtemp(join(cacheDir, '.strip-'))
    try {
      const times = stripTimes(clip.duration)
      let previous: string | null = null
      for (let i = 0; i < times.length; i++) {
        const frame = join(work, `frame-${String(i).padStart(3, '0')}.jpg`)
        const opts = { timeoutMs: 30_000, ...(signal ? { signal } : {}) }
        const res = await runTool(ffmpeg, stripFrameArgs(clip.path, frame, times[i]!), opts)
        if (res.code !== 0 || !(await nonEmpty(frame))) {
          // A seek that lands past the last decodable frame: repeat the previous frame rather than leave a hole.
          if (!previous) throw new ToolError('ffmpeg could not read frames for the thumbnail strip', res.stderrTail, res.code)
          await copyFile(previous, frame)
        }
        previous = frame
      }
      const tmp = join(work, 'strip.jpg')
      const res = await runTool(ffmpeg, stripTileArgs(join(work, 'frame-%03d.jpg'), tmp), { timeoutMs: 60_000 })
      if (res.code !== 0 || !(await nonEmpty(tmp))) throw new ToolError('ffmpeg could not assemble the thumbnail strip', res.stderrTail, res.code)
      await rename(tmp, out)
      return out
    } finally {
      await rm(work, { recursive: true, force: true })
    }
  })().finally(() => inflight.delete(out))
  inflight.set(out, job)
  return job
}
