/**
 * Scanning one folder: find video files, recognise what is unchanged, changed, moved or gone, and probe what is
 * new. One bad file is recorded with its error and never stops the scan.
 */
import { createHash } from 'node:crypto'
import { existsSync } from 'node:fs'
import { stat } from 'node:fs/promises'
import { basename, dirname, relative, sep } from 'node:path'
import {
  clipsWithFingerprint,
  knownFilesInFolder,
  markMissing,
  moveClip,
  restoreFromMissing,
  touchClip,
  upsertProbed,
  type ClipFileFacts
} from '../catalog/clips'
import type { Db } from '../catalog/database'
import { markScanned } from '../catalog/folders'
import { probeFile } from '../media/probe'
import { isAbortError, ToolError } from '../media/run'
import { fingerprintFile } from './fingerprint'
import { describeFsError, walkVideos } from './walk'

export interface ScanProgress {
  phase: 'walking' | 'probing'
  done: number
  total: number | null
  current: string | null
}

export interface ScanCounts {
  found: number
  added: number
  changed: number
  moved: number
  unchanged: number
  missing: number
  errors: number
  ignored: number
  problems: Array<{ path: string; message: string }>
}

export interface ScanOptions {
  ffprobe: string
  signal?: AbortSignal
  concurrency?: number
  onProgress?: (p: ScanProgress) => void
  /** Called when rows changed, so views can refresh while a long scan runs. */
  onChange?: () => void
  /** Test hook: runs before each file is looked at. */
  beforeFile?: (path: string) => Promise<void> | void
}

export class FolderUnavailableError extends Error {
  constructor(path: string, reason: string) {
    super(`The folder ${path} cannot be read: ${reason}. Is the drive connected?`)
    this.name = 'FolderUnavailableError'
  }
}

/** Pure: the folder-relative directory of a file, with '/' separators on every platform. */
export function relDirOf(root: string, file: string): string {
  const rel = relative(root, dirname(file))
  return rel === '' ? '' : rel.split(sep).join('/')
}

export function summarise(c: ScanCounts): string {
  const parts = [
    `${c.found} video file${c.found === 1 ? '' : 's'}`,
    c.added && `${c.added} new`,
    c.changed && `${c.changed} changed`,
    c.moved && `${c.moved} moved`,
    c.missing && `${c.missing} missing`,
    c.errors && `${c.errors} with errors`,
    c.unchanged && `${c.unchanged} unchanged`,
    c.ignored && `${c.ignored} other file${c.ignored === 1 ? '' : 's'} ignored`
  ].filter(Boolean)
  return parts.join(', ')
}

function unreadableFingerprint(path: string): string {
  return `unreadable:${createHash('sha256').update(path).digest('hex').slice(0, 24)}`
}

export async function scanFolder(db: Db, folder: { id: number; path: string }, opts: ScanOptions): Promise<ScanCounts> {
  const { signal, onProgress, onChange, beforeFile } = opts
  const concurrency = Math.max(1, opts.concurrency ?? 4)
  try {
    const s = await stat(folder.path)
    if (!s.isDirectory()) throw new FolderUnavailableError(folder.path, 'it is not a folder')
  } catch (err) {
    if (err instanceof FolderUnavailableError) throw err
    throw new FolderUnavailableError(folder.path, describeFsError(err).toLowerCase())
  }

  onProgress?.({ phase: 'walking', done: 0, total: null, current: folder.path })
  const walked = await walkVideos(folder.path, signal)
  const counts: ScanCounts = {
    found: walked.files.length,
    added: 0,
    changed: 0,
    moved: 0,
    unchanged: 0,
    missing: 0,
    errors: 0,
    ignored: walked.ignored,
    problems: walked.problems
  }
  const known = new Map(knownFilesInFolder(db, folder.id).map((k) => [k.path, k]))
  const walkedSet = new Set(walked.files)
  let done = 0
  let dirty = false
  let lastChange = Date.now()
  const changed = (): void => {
    dirty = true
    if (Date.now() - lastChange > 1000) {
      lastChange = Date.now()
      dirty = false
      onChange?.()
    }
  }

  const handle = async (path: string): Promise<void> => {
    await beforeFile?.(path)
    const name = basename(path)
    const base = { folderId: folder.id, path, relDir: relDirOf(folder.path, path), name }
    let st
    try {
      st = await stat(path)
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return // deleted while we scanned: the sweep below handles it
      upsertProbed(db, { ...base, size: 0, mtimeMs: 0, fingerprint: unreadableFingerprint(path) }, { error: describeFsError(err) })
      counts.errors++
      changed()
      return
    }
    const prior = known.get(path)
    const mtimeMs = Math.round(st.mtimeMs)
    // Files that failed before are read again on every scan (the failure may have been a busy machine's timeout).
    if (prior && prior.size === st.size && prior.mtimeMs === mtimeMs && prior.status !== 'error') {
      if (prior.status === 'missing') {
        restoreFromMissing(db, prior.id)
        changed()
      }
      counts.unchanged++
      return
    }
    let fingerprint: string
    try {
      fingerprint = await fingerprintFile(path, st.size)
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return
      upsertProbed(db, { ...base, size: st.size, mtimeMs, fingerprint: unreadableFingerprint(path) }, { error: describeFsError(err) })
      counts.errors++
      changed()
      return
    }
    const facts: ClipFileFacts = { ...base, size: st.size, mtimeMs, fingerprint }
    if (prior && prior.fingerprint === fingerprint && prior.status !== 'error') {
      touchClip(db, prior.id, mtimeMs)
      if (prior.status === 'missing') restoreFromMissing(db, prior.id)
      counts.unchanged++
      return
    }
    if (!prior) {
      // Renamed or moved: the same content is catalogued under a path that no longer exists.
      // Not from a folder whose root is gone (an unplugged drive): those files are away, not moved.
      const movedFrom = clipsWithFingerprint(db, fingerprint).find(
        (c) => c.path !== path && !walkedSet.has(c.path) && !existsSync(c.path) && (c.status === 'missing' || existsSync(c.folderPath))
      )
      if (movedFrom) {
        moveClip(db, movedFrom.id, facts)
        counts.moved++
        changed()
        return
      }
    }
    if (st.size === 0) {
      upsertProbed(db, facts, { error: 'Empty file (0 bytes)' })
      counts.errors++
    } else {
      try {
        const info = await probeFile(opts.ffprobe, path, signal ? { signal } : {})
        upsertProbed(db, facts, { info })
      } catch (err) {
        if (isAbortError(err)) throw err
        const message = err instanceof ToolError || err instanceof Error ? err.message : String(err)
        upsertProbed(db, facts, { error: message })
        counts.errors++
      }
    }
    if (prior && prior.status === 'error' && prior.fingerprint === fingerprint) counts.unchanged++ // a retry, not a change
    else if (prior) counts.changed++
    else counts.added++
    changed()
  }

  const started = Date.now()
  const queue = [...walked.files]
  const worker = async (): Promise<void> => {
    for (;;) {
      if (signal?.aborted) throw new DOMException('Aborted', 'AbortError')
      const path = queue.shift()
      if (path === undefined) return
      onProgress?.({ phase: 'probing', done, total: walked.files.length, current: path })
      await handle(path)
      done++
    }
  }
  await Promise.all(Array.from({ length: concurrency }, worker))
  onProgress?.({ phase: 'probing', done, total: walked.files.length, current: null })

  // Whatever we knew in this folder and did not see is gone — unless it sits under a directory we could not read,
  // in which case we do not know, and leave it be.
  const unreadableDirs = walked.problems.map((p) => p.path)
  const gone = knownFilesInFolder(db, folder.id).filter(
    (k) =>
      k.status !== 'missing' &&
      !walkedSet.has(k.path) &&
      !unreadableDirs.some((d) => k.path.startsWith(d + sep)) &&
      !existsSync(k.path)
  )
  if (gone.length) {
    markMissing(
      db,
      gone.map((g) => g.id)
    )
    counts.missing = gone.length
    dirty = true
  }
  markScanned(db, folder.id, started)
  if (dirty || counts.added || counts.changed) onChange?.()
  return counts
}
