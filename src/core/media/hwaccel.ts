/**
 * Hardware decoding: which ffmpeg hwaccel, if any, the scorer decodes with. Used when it works and never required —
 * a method is chosen only after it has decoded a small clip made here, and the sampler still falls back to software
 * for any file the method fails on (engine/sampler.ts).
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { runTool } from './run'

/** `auto`: the first method that works here; `off`: software only; or one ffmpeg hwaccel name. */
export type HwDecodePreference = 'auto' | 'off' | (string & {})

export interface HwDecodeStatus {
  /** The method in use, or null for software decoding. */
  method: string | null
  /** Why each method tried was not used. */
  rejected: Array<{ method: string; reason: string }>
}

/** Pure: the names `ffmpeg -hwaccels` lists. */
export function parseHwaccels(stdout: string): string[] {
  return stdout
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => /^[a-z0-9_]+$/.test(l))
}

/** Methods that decode to frames ffmpeg can download, most capable first, per platform. drm, opencl and vulkan are
 *  left out: on Linux they are a layer under VA-API rather than decoders one picks. */
const ORDER: Record<string, readonly string[]> = {
  linux: ['cuda', 'vaapi', 'qsv', 'vdpau'],
  darwin: ['videotoolbox'],
  win32: ['d3d11va', 'cuda', 'qsv', 'dxva2']
}

/** Pure: the methods to try, in order, for a preference. */
export function hwaccelCandidates(available: readonly string[], platform: string, pref: HwDecodePreference): string[] {
  if (pref === 'off') return []
  if (pref !== 'auto') return available.includes(pref) ? [pref] : []
  return (ORDER[platform] ?? []).filter((m) => available.includes(m))
}

/** Pure: the preference from a setting or environment value (unknown values mean software, said plainly). */
export function parseHwDecode(value: string | undefined): HwDecodePreference {
  const v = (value ?? 'auto').trim().toLowerCase()
  if (v === '' || v === 'auto') return 'auto'
  if (v === 'off' || v === 'none' || v === 'software' || v === '0') return 'off'
  return /^[a-z0-9_]+$/.test(v) ? v : 'off'
}

const PROBE_FRAMES = 12

/** Tries each candidate on a small H.264 clip; the first that decodes every frame is used. */
export async function detectHwDecode(ffmpeg: string, pref: HwDecodePreference, platform = process.platform): Promise<HwDecodeStatus> {
  const rejected: HwDecodeStatus['rejected'] = []
  if (pref === 'off') return { method: null, rejected }
  const listed = await runTool(ffmpeg, ['-hide_banner', '-hwaccels'], { timeoutMs: 10_000 })
  const candidates = hwaccelCandidates(listed.code === 0 ? parseHwaccels(listed.stdout.toString('utf8')) : [], platform, pref)
  if (pref !== 'auto' && candidates.length === 0) rejected.push({ method: pref, reason: 'this ffmpeg has no such hwaccel' })
  if (candidates.length === 0) return { method: null, rejected }
  const dir = await mkdtemp(join(tmpdir(), 'vqa-hw-'))
  try {
    const clip = join(dir, 'probe.mp4')
    const made = await runTool(ffmpeg, ['-hide_banner', '-loglevel', 'error', '-f', 'lavfi', '-i', 'testsrc2=s=320x180:r=25', '-frames:v', String(PROBE_FRAMES), '-pix_fmt', 'yuv420p', '-c:v', 'libx264', clip], { timeoutMs: 30_000 })
    if (made.code !== 0) return { method: null, rejected: candidates.map((method) => ({ method, reason: 'could not make a test clip to check it on' })) }
    for (const method of candidates) {
      const res = await runTool(ffmpeg, ['-hide_banner', '-loglevel', 'error', '-hwaccel', method, '-i', clip, '-f', 'framecrc', '-'], { timeoutMs: 30_000 })
      const frames = res.stdout.toString('utf8').split('\n').filter((l) => /^\s*0,/.test(l)).length
      if (res.code === 0 && frames === PROBE_FRAMES) return { method, rejected }
      const why = res.stderrTail.trim().split('\n').pop() ?? ''
      rejected.push({ method, reason: res.code !== 0 ? why || `ffmpeg exited with ${res.code}` : `decoded ${frames} of ${PROBE_FRAMES} frames` })
    }
    return { method: null, rejected }
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}
