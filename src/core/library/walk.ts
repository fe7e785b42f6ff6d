/**
 * Walks a folder tree for candidate video files. Follows symbolic links (footage libraries use them) but visits
 * each real directory once, so a link back up the tree cannot loop. Unreadable directories are reported, not fatal.
 */
import { open, opendir, realpath, stat } from 'node:fs/promises'
import { extname, join } from 'node:path'

/** Containers worth handing to ffprobe. Anything else is counted as ignored, not as an error. */
export const VIDEO_EXTENSIONS = new Set([
  '.mp4', '.m4v', '.mov', '.qt', '.mkv', '.webm', '.avi', '.wmv', '.asf', '.flv', '.f4v', '.mpg', '.mpeg', '.m2v',
  '.mpe', '.vob', '.ts', '.mts', '.m2ts', '.tod', '.mxf', '.3gp', '.3g2', '.ogv', '.dv', '.rm', '.rmvb', '.y4m', '.h264',
  '.264', '.h265', '.265', '.hevc', '.ivf', '.divx', '.xvid', '.mjpeg', '.mjpg', '.braw', '.r3d', '.insv', '.lrv'
])

export function isVideoName(name: string): boolean {
  return VIDEO_EXTENSIONS.has(extname(name).toLowerCase())
}

/** `.ts` is also TypeScript. A transport stream has its sync byte 0x47 every 188 bytes (192 in M2TS, after a 4-byte
 *  timestamp); source code does not. */
export function looksLikeTransportStream(head: Uint8Array): boolean {
  const at = (offset: number, stride: number): boolean => head.length > offset + stride && head[offset] === 0x47 && head[offset + stride] === 0x47
  return at(0, 188) || at(4, 192)
}

async function isTransportStream(path: string): Promise<boolean> {
  try {
    const handle = await open(path, 'r')
    try {
      const buf = new Uint8Array(400)
      const { bytesRead } = await handle.read(buf, 0, 400, 0)
      // Too short to tell: let ffprobe decide (and explain).
      return bytesRead < 200 || looksLikeTransportStream(buf.subarray(0, bytesRead))
    } finally {
      await handle.close()
    }
  } catch {
    return true
  }
}

export interface WalkResult {
  files: string[]
  ignored: number
  problems: Array<{ path: string; message: string }>
}

export async function walkVideos(root: string, signal?: AbortSignal): Promise<WalkResult> {
  const result: WalkResult = { files: [], ignored: 0, problems: [] }
  const seenDirs = new Set<string>()
  const stack: string[] = [root]
  while (stack.length > 0) {
    if (signal?.aborted) throw new DOMException('Aborted', 'AbortError')
    const dir = stack.pop() as string
    let real: string
    try {
      real = await realpath(dir)
    } catch (err) {
      result.problems.push({ path: dir, message: describeFsError(err) })
      continue
    }
    if (seenDirs.has(real)) continue
    seenDirs.add(real)
    let handle
    try {
      handle = await opendir(dir)
    } catch (err) {
      result.problems.push({ path: dir, message: describeFsError(err) })
      continue
    }
    const subdirs: string[] = []
    try {
    for await (const entry of handle) {
      if (entry.name.startsWith('.')) continue // hidden files and macOS "._" resource forks
      const full = join(dir, entry.name)
      let isDir = entry.isDirectory()
      let isFile = entry.isFile()
      if (entry.isSymbolicLink()) {
        try {
          const s = await stat(full)
          isDir = s.isDirectory()
          isFile = s.isFile()
        } catch {
          result.problems.push({ path: full, message: 'Broken symbolic link' })
          continue
        }
      }
      if (isDir) subdirs.push(full)
      else if (isFile) {
        const ext = extname(entry.name).toLowerCase()
        if (isVideoName(entry.name) && (ext !== '.ts' || (await isTransportStream(full)))) result.files.push(full)
        else result.ignored++
      }
    }
    } catch (err) {
      // A read error half-way through a directory (network drive, EIO) loses that directory, not the scan.
      result.problems.push({ path: dir, message: describeFsError(err) })
    }
    // Sorted, reversed onto the stack: files come out in a stable, human order.
    subdirs.sort().reverse()
    stack.push(...subdirs)
  }
  result.files.sort()
  return result
}

export function describeFsError(err: unknown): string {
  const code = (err as NodeJS.ErrnoException | undefined)?.code
  switch (code) {
    case 'EACCES':
    case 'EPERM':
      return 'Permission denied'
    case 'ENOENT':
      return 'Not found (moved or deleted)'
    case 'ELOOP':
      return 'Symbolic link loop'
    case 'ENOTDIR':
      return 'Not a folder'
    case 'EIO':
      return 'Input/output error (disk or network drive problem)'
    default:
      return (err as Error | undefined)?.message ?? 'Unknown file system error'
  }
}
