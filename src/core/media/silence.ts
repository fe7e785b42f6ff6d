/**
 * Silent stretches in a clip's first audio track, found by ffmpeg's silencedetect: an audio-only decode, cheap next
 * to the video. Arguments and the log parser are pure; `detectSilence` runs it.
 */
import { runTool } from './run'

/** Below −50 dBFS for at least the given time counts as silence (room tone in a quiet take sits above it). */
export const SILENCE_DB = -50

export function silenceArgs(file: string, minSeconds: number, noiseDb = SILENCE_DB): string[] {
  return ['-hide_banner', '-nostats', '-loglevel', 'info', '-i', `file:${file}`, '-map', '0:a:0', '-vn', '-sn', '-dn',
    '-af', `silencedetect=n=${noiseDb}dB:d=${minSeconds}`, '-f', 'null', '-']
}

/**
 * Pure: silence ranges from silencedetect's log. A silence still open at the end of the file ends at `duration`
 * (silencedetect only reports an end when sound resumes).
 */
export function parseSilence(log: string, duration: number | null): Array<{ start: number; end: number }> {
  const out: Array<{ start: number; end: number }> = []
  let open: number | null = null
  for (const m of log.matchAll(/silence_(start|end): (-?\d+(?:\.\d+)?)/g)) {
    const t = Math.max(0, Number(m[2]))
    if (m[1] === 'start') open = t
    else if (open !== null) {
      out.push({ start: open, end: t })
      open = null
    }
  }
  if (open !== null && duration !== null && duration > open) out.push({ start: open, end: duration })
  return out
}

export async function detectSilence(ffmpeg: string, file: string, minSeconds: number, duration: number | null, signal?: AbortSignal): Promise<Array<{ start: number; end: number }>> {
  let log = ''
  await runTool(ffmpeg, silenceArgs(file, minSeconds), {
    ...(signal ? { signal } : {}),
    timeoutMs: 30 * 60_000,
    maxStdout: 0,
    // Only the lines that matter are kept, so a two-hour file's log does not grow memory.
    onStderr: (chunk) => {
      for (const line of chunk.toString('utf8').split('\n')) if (line.includes('silence_')) log += `${line}\n`
    }
  })
  return parseSilence(log, duration)
}
