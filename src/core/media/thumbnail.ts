/**
 * Thumbnails: one JPEG per clip content (keyed by fingerprint, so a moved file keeps its thumbnail), made by ffmpeg
 * on first request and cached on disk.
 */
import { mkdir, rename, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { ffmpegInput, runTool, ToolError } from './run'

export const THUMB_WIDTH = 320

/** Pure. Seeks before the input (fast, keyframe-accurate enough for a thumbnail) and scales by width only. */
export function thumbnailArgs(input: string, output: string, atSeconds: number): string[] {
  return [
    ...ffmpegInput(input, atSeconds),
    '-frames:v',
    '1',
    // Even height and square pixels; rotation metadata is applied by ffmpeg's autorotate before this filter.
    '-vf',
    `scale=${THUMB_WIDTH}:-2:flags=bilinear,setsar=1`,
    '-q:v',
    '5',
    '-f',
    'image2',
    '-update',
    '1',
    `file:${output}`
  ]
}

/** A frame a tenth of the way in avoids the black leaders and fades most clips start with. */
export function thumbnailTime(duration: number | null): number {
  if (!duration || duration <= 0) return 0
  return Math.min(duration * 0.1, 10)
}

const inflight = new Map<string, Promise<string>>()
/** Content that ffmpeg could not make a thumbnail of: not retried every time the row scrolls into view. */
const failed = new Set<string>()
/** At most this many ffmpeg thumbnail processes at once, however fast the table is scrolled. */
const MAX_CONCURRENT = 2
let running = 0
const waiting: Array<() => void> = []

async function slot<T>(work: () => Promise<T>): Promise<T> {
  if (running >= MAX_CONCURRENT) await new Promise<void>((r) => waiting.push(r))
  running++
  try {
    return await work()
  } finally {
    running--
    waiting.shift()?.()
  }
}

export async function ensureThumbnail(
  ffmpeg: string,
  cacheDir: string,
  clip: { path: string; fingerprint: string; duration: number | null }
): Promise<string> {
  const out = join(cacheDir, `${clip.fingerprint}.jpg`)
  try {
    await stat(out)
    return out
  } catch {
    // not cached yet
  }
  const pending = inflight.get(out)
  if (pending) return pending
  if (failed.has(clip.fingerprint)) throw new ToolError('ffmpeg could not make a thumbnail (earlier attempt)', '', null)
  const job = slot(async () => {
    await mkdir(cacheDir, { recursive: true })
    const tmp = `${out}.${process.pid}.tmp.jpg`
    let res = await runTool(ffmpeg, thumbnailArgs(clip.path, tmp, thumbnailTime(clip.duration)), { timeoutMs: 30_000 })
    if (res.code !== 0 || !(await exists(tmp))) {
      // Seeking past the end of a short or oddly-indexed file yields no frame; the first frame always exists.
      res = await runTool(ffmpeg, thumbnailArgs(clip.path, tmp, 0), { timeoutMs: 30_000 })
    }
    if (res.code !== 0 || !(await exists(tmp))) {
      failed.add(clip.fingerprint)
      throw new ToolError('ffmpeg could not make a thumbnail', res.stderrTail, res.code)
    }
    await rename(tmp, out)
    return out
  }).finally(() => inflight.delete(out))
  inflight.set(out, job)
  return job
}

async function exists(p: string): Promise<boolean> {
  try {
    return (await stat(p)).size > 0
  } catch {
    return false
  }
}
