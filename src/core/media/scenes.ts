/**
 * Scene cuts: ffmpeg's scene score between consecutive frames (select + metadata print), on a small decode.
 * Pure argument builder and parser; the catalog keeps the result per clip and fingerprint (clip-media.ts).
 */
import { runTool, ToolError } from './run'

/** A cut is a frame whose scene score (0–1, luma difference to the previous frame) is above this. */
export const SCENE_THRESHOLD = 0.3
/** Above this length only keyframes are decoded: cuts then land on keyframes, which encoders usually put at cuts. */
export const KEYFRAMES_ONLY_AFTER_SECONDS = 600

/**
 * Pure. Timestamps are rebased to the first frame (MPEG-TS/PS start at arbitrary times) so they match the
 * player's currentTime; frames are shrunk before the comparison because the score needs no detail.
 */
export function sceneCutArgs(input: string, duration: number | null, threshold = SCENE_THRESHOLD): string[] {
  const keyframesOnly = duration !== null && duration > KEYFRAMES_ONLY_AFTER_SECONDS
  return [
    '-hide_banner',
    '-nostdin',
    '-loglevel',
    'error',
    ...(keyframesOnly ? ['-skip_frame', 'nokey'] : []),
    '-i',
    `file:${input}`,
    '-map',
    '0:v:0',
    '-an',
    '-sn',
    '-dn',
    '-vf',
    `setpts=PTS-STARTPTS,scale=160:-2:flags=fast_bilinear,select='gt(scene,${threshold})',metadata=mode=print:file=-`,
    '-f',
    'null',
    '-'
  ]
}

/**
 * Pure. metadata=print writes "frame:N pts:P pts_time:T" then the frame's keys; every printed frame is a cut.
 * Sorted, de-duplicated, rounded to the millisecond; a cut at 0 is the first frame, not a cut.
 */
export function parseSceneCuts(text: string, minGap = 0.04): number[] {
  const times: number[] = []
  for (const m of text.matchAll(/pts_time:\s*(-?[\d.]+(?:e[-+]?\d+)?)/gi)) {
    const t = Number(m[1])
    if (Number.isFinite(t) && t > 0) times.push(Math.round(t * 1000) / 1000)
  }
  times.sort((a, b) => a - b)
  const out: number[] = []
  for (const t of times) if (out.length === 0 || t - out[out.length - 1]! >= minGap) out.push(t)
  return out
}

export async function detectSceneCuts(ffmpeg: string, input: string, duration: number | null, signal?: AbortSignal): Promise<number[]> {
  const res = await runTool(ffmpeg, sceneCutArgs(input, duration), {
    ...(signal ? { signal } : {}),
    // Roughly real time at worst for a full decode of a long 4K file; keyframes-only beyond ten minutes.
    timeoutMs: 30 * 60 * 1000,
    maxStdout: 8 * 1024 * 1024
  })
  if (res.code !== 0) throw new ToolError('ffmpeg could not look for scene cuts in this clip', res.stderrTail, res.code)
  return parseSceneCuts(res.stdout.toString('utf8'))
}
