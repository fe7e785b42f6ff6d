/**
 * The core: catalog, media, library and jobs composed into one object that implements the contract. Hosts
 * (Electron main, browser-mode server, CLI) create one and wire its handlers and events to their transport.
 * Nothing here imports Electron.
 */
import { existsSync, statSync } from 'node:fs'
import { opendir, realpath, stat } from 'node:fs/promises'
import { homedir, availableParallelism } from 'node:os'
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path'
import {
  ApiError,
  ClipQuery,
  type AppInfo,
  type EventName,
  type EventPayload,
  type Folder
} from '../../shared/contract'
import { distinctCodecs, folderTree, getClip, queryTable } from '../catalog/clips'
import { openCatalog, type Db } from '../catalog/database'
import { deleteFolder, getFolder, insertFolder, listFolders, type FolderRecord } from '../catalog/folders'
import { JobRunner } from '../jobs/runner'
import { unfinishedJobs } from '../catalog/jobs'
import { scanFolder, summarise } from '../library/scan'
import { createFolderWatcher, type FolderWatcher } from '../library/watch'
import { describeFsError, isVideoName } from '../library/walk'
import { locateFfmpeg, type FfmpegTools } from '../media/locate'
import { ensureThumbnail } from '../media/thumbnail'
import { dataPaths, type DataPaths } from '../paths'
import type { Handlers } from './dispatch'
import { builtinPackDir } from '../engine/builtin'
import { OrtEngine, type ProviderPreference } from '../engine/ort'
import { loadPack, type LoadedPack } from '../engine/pack'
import { PRESETS, type FlagRules } from '../scoring/flags'
import { scoreClips } from '../scoring/scorer'
import { clipsInScope, ensureModelVersion, scoresOfClip, type ScoreMode, type ScoreScope } from '../scoring/store'

/** How the host exposes media to its renderer: vqa-media:// in Electron, /media/… in browser mode. */
export interface MediaUrls {
  clip(id: number): string
  thumbnailBase: string
}

export interface CoreOptions {
  dataDir: string
  host: AppInfo['host'] | 'cli'
  version: string
  urls?: MediaUrls
  /** Watch catalogued folders for changes (app hosts; not the one-shot CLI). */
  watch?: boolean
  /** Native folder picker (Electron only). */
  pickFolder?: () => Promise<string | null>
  ffmpeg?: FfmpegTools
  scanConcurrency?: number
  /** Take over jobs a dead process left behind (hosts that run jobs; not one-shot read commands). Default true. */
  resumeJobs?: boolean
  /** The model pack to score with (default: the built-in vqa-default). */
  packDir?: string
  provider?: ProviderPreference
  flagRules?: FlagRules
  /** Clips scored at once. */
  scoreConcurrency?: number
}

type Listener = <E extends EventName>(event: E, payload: EventPayload<E>) => void

export interface Core {
  readonly handlers: Handlers
  readonly db: Db
  readonly paths: DataPaths
  readonly ffmpeg: FfmpegTools
  readonly jobs: JobRunner
  subscribe(listener: Listener): () => void
  /** The file behind a clip id, for the hosts' media routes; only catalogued files are ever served. */
  clipFile(id: number): string | null
  thumbnailFile(id: number): Promise<string | null>
  close(): Promise<void>
}

function toFolder(f: FolderRecord): Folder {
  return { ...f, available: existsSync(f.path) }
}

/** Pure: is `child` the same as or inside `parent`? */
export function isInside(parent: string, child: string): boolean {
  const rel = relative(parent, child)
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel))
}

export function createCore(opts: CoreOptions): Core {
  const ffmpeg = opts.ffmpeg ?? locateFfmpeg()
  const paths = dataPaths(opts.dataDir)
  const db = openCatalog({ file: paths.catalog })
  const listeners = new Set<Listener>()
  const emit: Listener = (event, payload) => {
    for (const l of listeners) l(event, payload)
  }
  const libraryChanged = (folderIds: number[], reason: string): void => emit('library.onDidChange', { folderIds, reason })
  const concurrency = opts.scanConcurrency ?? Math.min(8, Math.max(2, availableParallelism() * 2))

  // The engine and the pack are loaded on first use: listing a library needs neither.
  const engine = new OrtEngine(opts.provider ?? 'auto')
  let packPromise: Promise<LoadedPack> | null = null
  const pack = (): Promise<LoadedPack> => {
    packPromise ??= loadPack(opts.packDir ?? builtinPackDir(), engine).catch((err: unknown) => {
      packPromise = null
      throw err
    })
    return packPromise
  }

  const jobs = new JobRunner({
    db,
    emit: (p) => emit('jobs.onProgress', p),
    handlers: {
      score: async (ctx) => {
        const params = ctx.job.params as { clipIds: number[]; mode: ScoreMode; segmentSeconds: number | null }
        const p = await pack()
        const modelId = ensureModelVersion(db, p.manifest, p.dir)
        const segmentSeconds = params.segmentSeconds ?? p.manifest.segmentSeconds
        let lastChange = 0
        const result = await scoreClips(db, p, modelId, params.clipIds, {
          ffmpeg: ffmpeg.ffmpeg,
          ffprobe: ffmpeg.ffprobe,
          mode: params.mode,
          segmentSeconds,
          flagRules: opts.flagRules ?? PRESETS.standard,
          provider: engine.status().provider,
          concurrency: opts.scoreConcurrency ?? 1,
          signal: ctx.signal,
          onProgress: (pr) => {
            ctx.progress({ phase: `Scoring (${params.mode})`, done: pr.done, total: pr.total, current: pr.current })
            if (pr.current === null && Date.now() - lastChange > 1000) {
              lastChange = Date.now()
              libraryChanged([], 'scores')
            }
          }
        })
        libraryChanged([], 'scores-finished')
        const parts = [`${result.scored} scored`, result.failed && `${result.failed} failed`, result.skipped && `${result.skipped} already scored`].filter(Boolean)
        return `${parts.join(', ')} with ${p.manifest.name} ${p.manifest.version} (${engine.status().provider.toUpperCase()})`
      },
      scan: async (ctx) => {
        const { folderId } = ctx.job.params as { folderId: number }
        const folder = getFolder(db, folderId)
        if (!folder) return 'Folder was removed before it could be scanned'
        const counts = await scanFolder(db, folder, {
          ffprobe: ffmpeg.ffprobe,
          signal: ctx.signal,
          concurrency,
          onProgress: (p) =>
            ctx.progress({
              phase: p.phase === 'walking' ? 'Looking for videos' : 'Reading metadata',
              done: p.done,
              total: p.total,
              current: p.current
            }),
          onChange: () => libraryChanged([folderId], 'scan')
        })
        libraryChanged([folderId], 'scan-finished')
        return summarise(counts)
      }
    }
  })

  // From the catalog's unfinished jobs (not the recent-jobs list, which is capped) with their parsed params.
  const cancelFolderJobs = (folderId: number): void => {
    for (const j of unfinishedJobs(db)) {
      if (j.kind === 'scan' && (j.params as { folderId?: number }).folderId === folderId) jobs.cancel(j.id)
    }
  }

  const enqueueScan = (folder: { id: number; path: string }): number =>
    jobs.enqueue('scan', { folderId: folder.id }, `Scanning ${folder.path}`, (p) => (p as { folderId: number }).folderId === folder.id)

  let watcher: FolderWatcher | null = null
  const refreshWatcher = (): void => watcher?.set(listFolders(db).filter((f) => existsSync(f.path)))
  if (opts.watch) {
    watcher = createFolderWatcher((folderId) => {
      const f = getFolder(db, folderId)
      if (f) enqueueScan(f)
    })
    refreshWatcher()
  }
  if (opts.resumeJobs !== false) jobs.resume()

  const urls: MediaUrls = opts.urls ?? { clip: (id) => `vqa-media://clip/${id}`, thumbnailBase: 'vqa-media://thumb/' }

  const handlers: Handlers = {
    'app.info': async () => ({
      version: opts.version,
      host: opts.host === 'electron' ? 'electron' : 'browser',
      nativeFolderPicker: Boolean(opts.pickFolder),
      dataDir: paths.dataDir,
      catalogPath: paths.catalog,
      ffmpeg,
      homeDir: homedir()
    }),

    'folders.list': async () => listFolders(db).map(toFolder),

    'folders.add': async ({ path }) => {
      let real: string
      try {
        real = await realpath(resolve(path))
      } catch (err) {
        throw new ApiError('not_found', `Cannot add ${path}: ${describeFsError(err)}`)
      }
      if (!(await stat(real)).isDirectory()) throw new ApiError('not_a_folder', `${path} is a file, not a folder`)
      const existing = listFolders(db)
      const parent = existing.find((f) => isInside(f.path, real))
      if (parent) {
        // Already covered (the same folder, or one inside a catalogued folder): scan it again rather than duplicate.
        return { folder: toFolder(parent), jobId: enqueueScan(parent) }
      }
      const id = db.transaction(() => {
        const newId = insertFolder(db, real)
        // Catalogued folders inside the new one are folded into it, keeping their clips (and their ids).
        for (const inner of existing.filter((f) => isInside(real, f.path))) {
          cancelFolderJobs(inner.id)
          const prefix = relative(real, inner.path).split(sep).join('/')
          db.prepare(
            `UPDATE clips SET folder_id = ?, rel_dir = CASE WHEN rel_dir = '' THEN ? ELSE ? || '/' || rel_dir END WHERE folder_id = ?`
          ).run(newId, prefix, prefix, inner.id)
          deleteFolder(db, inner.id)
        }
        return newId
      })()
      const folder = getFolder(db, id) as FolderRecord
      refreshWatcher()
      libraryChanged([id], 'folder-added')
      return { folder: toFolder(folder), jobId: enqueueScan(folder) }
    },

    'folders.remove': async ({ id }) => {
      cancelFolderJobs(id)
      const removed = deleteFolder(db, id)
      refreshWatcher()
      if (removed) libraryChanged([id], 'folder-removed')
      return { removed }
    },

    'folders.rescan': async ({ id }) => {
      const folders = id === undefined ? listFolders(db) : listFolders(db).filter((f) => f.id === id)
      if (id !== undefined && folders.length === 0) throw new ApiError('not_found', `No folder with id ${id}`)
      return { jobIds: folders.map(enqueueScan) }
    },

    'folders.pickNative': async () => ({ path: opts.pickFolder ? await opts.pickFolder() : null }),

    'fs.browse': async ({ path }) => {
      const target = resolve(path ?? homedir())
      const parent = dirname(target) === target ? null : dirname(target)
      const entries: Array<{ name: string; path: string }> = []
      let videoFileCount = 0
      try {
        const dir = await opendir(target)
        for await (const e of dir) {
          if (e.name.startsWith('.')) continue
          let isDir = e.isDirectory()
          if (e.isSymbolicLink()) {
            try {
              isDir = statSync(join(target, e.name)).isDirectory()
            } catch {
              continue
            }
          }
          if (isDir) entries.push({ name: e.name, path: join(target, e.name) })
          else if (e.isFile() && isVideoName(e.name)) videoFileCount++
        }
      } catch (err) {
        return { path: target, parent, entries: [], videoFileCount: 0, error: describeFsError(err) }
      }
      entries.sort((a, b) => a.name.localeCompare(b.name))
      return { path: target, parent, entries, videoFileCount, error: null }
    },

    'clips.query': async (input) => {
      const q = ClipQuery.parse(input)
      const page = queryTable(db, q)
      return { ...page, offset: q.offset, thumbnailBase: urls.thumbnailBase }
    },

    'clips.get': async ({ id }) => {
      const c = getClip(db, id)
      if (!c) throw new ApiError('not_found', `No clip with id ${id}`)
      return { ...c, mediaUrl: urls.clip(id), thumbnailUrl: `${urls.thumbnailBase}${id}` }
    },

    'clips.tree': async () => folderTree(db),
    'clips.codecs': async () => distinctCodecs(db),
    'scores.start': async ({ scope, folderId, clipIds, mode, segmentSeconds }) => {
      const p = await pack()
      const modelId = ensureModelVersion(db, p.manifest, p.dir)
      let s: ScoreScope
      if (scope === 'folder') {
        if (folderId === undefined) throw new ApiError('invalid_input', 'scope "folder" needs folderId')
        s = { kind: 'folder', folderId }
      } else if (scope === 'clips') {
        if (!clipIds?.length) throw new ApiError('invalid_input', 'scope "clips" needs clipIds')
        s = { kind: 'clips', clipIds }
      } else s = { kind: scope }
      const ids = clipsInScope(db, s, modelId)
      if (ids.length === 0) return { jobId: null, clips: 0 }
      const title = `Scoring ${ids.length} clip${ids.length === 1 ? '' : 's'} (${mode})`
      return { jobId: jobs.enqueue('score', { clipIds: ids, mode, segmentSeconds: segmentSeconds ?? null }, title), clips: ids.length }
    },
    'clips.scores': async ({ id }) => scoresOfClip(db, id).map(({ clipId: _c, modelId: _m, fingerprint: _f, ...s }) => s),
    'jobs.list': async () => jobs.list(),
    'jobs.cancel': async ({ id }) => ({ cancelled: jobs.cancel(id) })
  }

  return {
    handlers,
    db,
    paths,
    ffmpeg,
    jobs,
    subscribe(listener) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
    clipFile(id) {
      const row = db.prepare("SELECT path FROM clips WHERE id = ? AND status = 'ok'").get(id) as { path: string } | undefined
      return row?.path ?? null
    },
    async thumbnailFile(id) {
      const c = getClip(db, id)
      if (!c || c.status !== 'ok') return null
      try {
        return await ensureThumbnail(ffmpeg.ffmpeg, paths.thumbnails, c)
      } catch {
        return null
      }
    },
    async close() {
      await watcher?.close()
      await jobs.close()
      if (packPromise) await (await packPromise.catch(() => null))?.dispose()
      listeners.clear()
      db.close()
    }
  }
}
