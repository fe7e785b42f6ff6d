/**
 * Where ffmpeg and ffprobe come from, in the documented order:
 * FFMPEG_PATH / FFPROBE_PATH, then the ffmpeg-static / ffprobe-static packages, then PATH.
 * The static packages are optional dependencies: their binaries download at install time and are simply
 * absent on a machine without internet, which is why PATH (e.g. Debian's ffmpeg) is the last resort.
 */
import { execFileSync } from 'node:child_process'
import { accessSync, constants, existsSync } from 'node:fs'
import { createRequire } from 'node:module'
import { delimiter, join } from 'node:path'

export interface FfmpegTools {
  ffmpeg: string
  ffprobe: string
  /** First line of `ffmpeg -version`, for the about box and bug reports. */
  version: string
}

export class FfmpegMissingError extends Error {
  constructor(tool: 'ffmpeg' | 'ffprobe', tried: string[]) {
    super(
      `${tool} was not found (looked at: ${tried.join(', ')}). ` +
        `Install it — Debian/Ubuntu: "sudo apt-get install ffmpeg", macOS: "brew install ffmpeg", ` +
        `Windows: "winget install ffmpeg" — or set ${tool === 'ffmpeg' ? 'FFMPEG_PATH' : 'FFPROBE_PATH'} to its full path.`
    )
    this.name = 'FfmpegMissingError'
  }
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK)
    return true
  } catch {
    return false
  }
}

/** Pure: the candidate list for one tool, in priority order. */
export function candidates(
  tool: 'ffmpeg' | 'ffprobe',
  env: NodeJS.ProcessEnv,
  staticPath: string | null,
  platform: NodeJS.Platform = process.platform
): string[] {
  const envVar = env[tool === 'ffmpeg' ? 'FFMPEG_PATH' : 'FFPROBE_PATH']
  const exe = platform === 'win32' ? `${tool}.exe` : tool
  const fromPath = (env['PATH'] ?? '')
    .split(delimiter)
    .filter(Boolean)
    .map((dir) => join(dir, exe))
  return [...(envVar ? [envVar] : []), ...(staticPath ? [staticPath] : []), ...fromPath]
}

function staticBinary(tool: 'ffmpeg' | 'ffprobe'): string | null {
  const require = createRequire(import.meta.url)
  try {
    if (tool === 'ffmpeg') {
      const p = require('ffmpeg-static') as string | null
      return typeof p === 'string' ? p : null
    }
    const mod = require('ffprobe-static') as { path?: string }
    return typeof mod.path === 'string' ? mod.path : null
  } catch {
    return null
  }
}

function pick(tool: 'ffmpeg' | 'ffprobe', env: NodeJS.ProcessEnv): string {
  const list = candidates(tool, env, staticBinary(tool))
  const envVar = env[tool === 'ffmpeg' ? 'FFMPEG_PATH' : 'FFPROBE_PATH']
  // An explicit override that does not work is an error, not something to silently route around.
  if (envVar && !(existsSync(envVar) && isExecutable(envVar))) {
    throw new FfmpegMissingError(tool, [envVar])
  }
  const found = list.find((p) => existsSync(p) && isExecutable(p))
  if (!found) throw new FfmpegMissingError(tool, list.length ? list : ['PATH'])
  return found
}

let cached: FfmpegTools | null = null

export function locateFfmpeg(env: NodeJS.ProcessEnv = process.env): FfmpegTools {
  if (cached && env === process.env) return cached
  const ffmpeg = pick('ffmpeg', env)
  const ffprobe = pick('ffprobe', env)
  let version = 'unknown'
  try {
    version = execFileSync(ffmpeg, ['-hide_banner', '-version'], { encoding: 'utf8', timeout: 10_000 }).split('\n')[0] ?? version
  } catch (err) {
    throw new Error(`ffmpeg at ${ffmpeg} does not run: ${(err as Error).message}`)
  }
  const tools = { ffmpeg, ffprobe, version }
  if (env === process.env) cached = tools
  return tools
}
