/**
 * HTTP range requests for local media, shared by Electron's protocol handler and the browser-mode server:
 * a <video> element seeks by asking for byte ranges, and answers without 206 make seeking impossible.
 */
import { createReadStream } from 'node:fs'
import { stat } from 'node:fs/promises'
import { extname } from 'node:path'
import type { Readable } from 'node:stream'

export type ByteRange = { start: number; end: number }

/** Pure. Returns null for no/ignorable header, 'unsatisfiable' for a range past the end. Only single ranges. */
export function parseRange(header: string | null | undefined, size: number): ByteRange | null | 'unsatisfiable' {
  if (!header) return null
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim())
  if (!m) return null
  const [, a = '', b = ''] = m
  if (a === '' && b === '') return null
  let start: number
  let end: number
  if (a === '') {
    // suffix range: the last N bytes
    const n = Number(b)
    if (n === 0) return 'unsatisfiable'
    start = Math.max(0, size - n)
    end = size - 1
  } else {
    start = Number(a)
    end = b === '' ? size - 1 : Math.min(Number(b), size - 1)
  }
  if (start >= size || start > end) return 'unsatisfiable'
  return { start, end }
}

const MIME: Record<string, string> = {
  '.mp4': 'video/mp4',
  '.m4v': 'video/mp4',
  '.mov': 'video/quicktime',
  '.webm': 'video/webm',
  '.mkv': 'video/x-matroska',
  '.avi': 'video/x-msvideo',
  '.ts': 'video/mp2t',
  '.mts': 'video/mp2t',
  '.m2ts': 'video/mp2t',
  '.mpg': 'video/mpeg',
  '.mpeg': 'video/mpeg',
  '.ogv': 'video/ogg',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg'
}

export function mimeOf(path: string): string {
  return MIME[extname(path).toLowerCase()] ?? 'application/octet-stream'
}

export interface FileResponse {
  status: 200 | 206 | 416
  headers: Record<string, string>
  body: Readable | null
}

export async function fileResponse(path: string, rangeHeader: string | null | undefined): Promise<FileResponse> {
  const { size } = await stat(path)
  const headers: Record<string, string> = {
    'Content-Type': mimeOf(path),
    'Accept-Ranges': 'bytes',
    'Cache-Control': 'no-cache',
    'X-Content-Type-Options': 'nosniff'
  }
  const range = parseRange(rangeHeader, size)
  if (range === 'unsatisfiable') {
    return { status: 416, headers: { ...headers, 'Content-Range': `bytes */${size}` }, body: null }
  }
  if (range === null) {
    return { status: 200, headers: { ...headers, 'Content-Length': String(size) }, body: createReadStream(path) }
  }
  return {
    status: 206,
    headers: {
      ...headers,
      'Content-Length': String(range.end - range.start + 1),
      'Content-Range': `bytes ${range.start}-${range.end}/${size}`
    },
    body: createReadStream(path, { start: range.start, end: range.end })
  }
}
