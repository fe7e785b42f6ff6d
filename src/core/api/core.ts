/**
 * The core: catalog, media, library and jobs composed into one object that implements the contract. Hosts
 * (Electron main, browser-mode server, CLI) create one and wire its handlers and events to their transport.
 * Nothing here imports Electron.
 */
import { existsSync, readFileSync, statSync } from 'node:fs'
import { opendir, realpath, stat } from 'node:fs/promises'
import { homedir, availableParallelism } from 'node:os'
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path'
import {
  ApiError,
  ClipQuery,
  type AppInfo,
  type EventName,
  type EventPayload,
  type Folder,
  type ModelPackInfo
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
import { detectHwDecode, parseHwDecode, type HwDecodePreference, type HwDecodeStatus } from '../media/hwaccel'
import { ensureThumbnail } from '../media/thumbnail'
import { createClipMedia } from './clip-media'
import { dataPaths, type DataPaths } from '../paths'
import type { Handlers } from './dispatch'
import { builtinPackDir } from '../engine/builtin'
import { OrtEngine, type ProviderPreference } from '../engine/ort'
import { loadPack, type LoadedPack } from '../engine/pack'
import { PRESETS, type FlagRules } from '../scoring/flags'
import { scoreClips } from '../scoring/scorer'
import { clipsInScope, ensureModelVersion, reflagBatch, scoresOfClip, type ScoreMode, type ScoreScope } from '../scoring/store'
import { libraryStats, reviewQueue, scoringModels } from '../catalog/review'
import { getSettings, setSettings } from '../catalog/settings'
import { deleteView, listViews, saveView } from '../catalog/views'
import { cudaProviderInstalled } from '../engine/ort'
import { importPack, listPacks } from '../engine/models'
import { addLabel, deleteLabel, LabelError, listLabels, restoreLabels, updateLabel } from '../labels/store'
import { exportLabels, importLabels } from '../labels/transfer'
import { datasetProblem, loadLabelledClips, splitClips } from '../training/dataset'
import { startWorker } from '../training/launch'
import { createRun, getRun, listRuns, updateRun, type RunRecord } from '../training/store'
import { rm } from 'node:fs/promises'
import { distortionName } from '../../shared/distortions'

/** How the host exposes media to its renderer: vqa-media:// in Electron, /media/… in browser mode. */
export interface MediaUrls {
  clip(id: number): string
  thumbnailBase: string
  /** Default: vqa-media://preview/<id> and vqa-media://strip/<id>, as the Electron host serves them. */
  preview?(id: number): string
  strip?(id: number): string
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
  /** The model pack to score with; overrides the one activated in Settings (default: the built-in vqa-default). */
  packDir?: string
  provider?: ProviderPreference
  /** Overrides the flag rules chosen in Settings (CLI). */
  flagRules?: FlagRules
  /** Clips scored at once. */
  scoreConcurrency?: number
  /** Hardware decoding for scoring (default: VQA_HWACCEL, else auto — used only after it passes a test decode). */
  hwDecode?: HwDecodePreference
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
  /** A catalogued clip's finished preview transcode, or null. */
  previewFile(id: number): Promise<string | null>
  /** A catalogued clip's timeline thumbnail strip (made on first request), or null. */
  stripFile(id: number): Promise<string | null>
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
  // Model calls run on their own thread: this one also serves the UI (IPC, the media protocol, the WebSocket).
  const engine = new OrtEngine(opts.provider ?? 'auto', undefined, { thread: true })
  // Checked when the first scoring job starts (or Settings asks): a test decode per candidate method, once per
  // preference. The command line and VQA_HWACCEL override the setting, so a script's choice is not undone by the UI.
  const hwDecodeChecks = new Map<HwDecodePreference, Promise<HwDecodeStatus>>()
  const hwDecodePreference = (): { preference: HwDecodePreference; source: 'settings' | 'environment' | 'command line' } =>
    opts.hwDecode !== undefined
      ? { preference: opts.hwDecode, source: 'command line' }
      : process.env['VQA_HWACCEL'] !== undefined
        ? { preference: parseHwDecode(process.env['VQA_HWACCEL']), source: 'environment' }
        : { preference: getSettings(db).hwDecode, source: 'settings' }
  const hwDecodeStatus = (preference: HwDecodePreference = hwDecodePreference().preference): Promise<HwDecodeStatus> => {
    let check = hwDecodeChecks.get(preference)
    if (!check) {
      check = detectHwDecode(ffmpeg.ffmpeg, preference).catch((err: unknown) => ({
        method: null,
        rejected: [{ method: 'auto', reason: err instanceof Error ? err.message : String(err) }]
      }))
      hwDecodeChecks.set(preference, check)
    }
    return check
  }
  const activePackDir = (): string => opts.packDir ?? getSettings(db).activeModel ?? builtinPackDir()
  let packPromise: Promise<LoadedPack> | null = null
  let packDir: string | null = null
  // Packs replaced by activating another: a job may still be running on one, so they are disposed at close.
  const retired: Array<Promise<LoadedPack>> = []
  const pack = (): Promise<LoadedPack> => {
    const dir = activePackDir()
    if (packPromise && packDir !== dir) {
      retired.push(packPromise.catch(() => null as unknown as LoadedPack))
      packPromise = null
    }
    packDir = dir
    packPromise ??= loadPack(dir, engine).catch((err: unknown) => {
      packPromise = null
      throw err
    })
    return packPromise
  }
  const packInfos = async (): Promise<ModelPackInfo[]> => {
    const active = activePackDir()
    return (await listPacks(paths.dataDir)).map((e) => ({
      dir: e.dir,
      origin: e.origin,
      name: e.manifest?.name ?? null,
      version: e.manifest?.version ?? null,
      title: e.manifest?.title ?? null,
      description: e.manifest?.description ?? null,
      licence: e.manifest?.licence ?? null,
      humanOpinionScores: e.manifest?.provenance.humanOpinionScores ?? null,
      provenance: e.manifest?.provenance.summary ?? null,
      distortions: e.manifest?.distortions.map((d) => ({ id: d.id, label: d.label, description: d.description })) ?? [],
      active: e.dir === active,
      error: e.error
    }))
  }
  const toTrainingRun = (r: RunRecord) => {
    const { baseDir: _b, split: _s, ...rest } = r
    return { ...rest, active: r.packDir !== null && r.packDir === activePackDir() }
  }
  const trainingReadiness = async () => {
    const p = await pack()
    const modelId = ensureModelVersion(db, p.manifest, p.dir)
    const headFile = join(p.dir, 'head.json')
    if (!existsSync(headFile)) {
      return { usable: 0, skipped: 0, problem: `${p.manifest.name} ${p.manifest.version} has no trainable head: only packs built by VQA Inspector can be fine-tuned.`, skippedReasons: [] }
    }
    const features = (JSON.parse(readFileSync(headFile, 'utf8')) as { spec: { inputs: string[] } }).spec.inputs.length
    const { clips, skipped } = loadLabelledClips(db, modelId, features)
    const split = splitClips(clips, 0.25, 1)
    return { usable: clips.length, skipped: skipped.length, problem: datasetProblem(split.train.length, split.validation.length), skippedReasons: skipped.slice(0, 20).map((s) => `${s.name}: ${s.reason}`) }
  }
  const labelOp = <T>(fn: () => T): T => {
    try {
      return fn()
    } catch (err) {
      if (err instanceof LabelError) throw new ApiError(err.code, err.message)
      throw err
    }
  }
  const labelsChanged = (clipIds: number[]): void => {
    emit('labels.onDidChange', { clipIds })
    // The table shows each clip's review state, so the library refetches too.
    libraryChanged([], 'labels')
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
        const hw = await hwDecodeStatus()
        const result = await scoreClips(db, p, modelId, params.clipIds, {
          hwaccel: hw.method,
          ffmpeg: ffmpeg.ffmpeg,
          ffprobe: ffmpeg.ffprobe,
          mode: params.mode,
          segmentSeconds,
          flagRules: opts.flagRules ?? getSettings(db).flagRules ?? PRESETS.standard,
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
        return `${parts.join(', ')} with ${p.manifest.name} ${p.manifest.version} (${engine.status().provider.toUpperCase()}, ${hw.method ? `${hw.method} decoding` : 'software decoding'})`
      },
      train: async (ctx) => {
        const { runId } = ctx.job.params as { runId: number }
        const run = getRun(db, runId)
        if (!run || run.state === 'discarded') return 'The run was discarded before it started'
        updateRun(db, runId, { jobId: ctx.job.id, state: 'preparing', error: null })
        const publish = (): void => {
          const r = getRun(db, runId)
          if (r) emit('training.onProgress', toTrainingRun(r))
        }
        const worker = startWorker(paths.dataDir, runId, ffmpeg.ffmpeg, (m) => {
          ctx.progress({ phase: m.phase, done: m.done, total: m.total })
          publish()
        })
        const onAbort = (): void => worker.cancel()
        ctx.signal.addEventListener('abort', onAbort, { once: true })
        try {
          const { version } = await worker.result
          updateRun(db, runId, { state: 'done', finishedAt: Date.now() })
          const r = getRun(db, runId)!
          return `New model version ${version}: validation SRCC ${r.before?.srcc.toFixed(3) ?? '?'} → ${r.after?.srcc.toFixed(3) ?? '?'}`
        } catch (err) {
          const aborted = (err as Error).name === 'AbortError'
          if (aborted && ctx.pausing()) updateRun(db, runId, { state: 'paused' })
          else updateRun(db, runId, { state: aborted ? 'cancelled' : 'failed', error: aborted ? null : (err as Error).message, finishedAt: Date.now() })
          throw err
        } finally {
          ctx.signal.removeEventListener('abort', onAbort)
          publish()
        }
      },
      reflag: async (ctx) => {
        const rules = opts.flagRules ?? getSettings(db).flagRules
        const total = (db.prepare('SELECT count(*) AS n FROM clips WHERE score_id IS NOT NULL').get() as { n: number }).n
        let after = 0
        let done = 0
        let changed = 0
        for (;;) {
          if (ctx.signal.aborted) throw new DOMException('Aborted', 'AbortError')
          const b = reflagBatch(db, rules, after)
          if (b.done === 0) break
          after = b.lastId
          done += b.done
          changed += b.changed
          ctx.progress({ phase: 'Applying flag rules', done, total })
          // Let the event loop breathe between batches: the UI's requests are served in between.
          await new Promise((r) => setImmediate(r))
        }
        libraryChanged([], 'flags')
        return `Flag rules applied to ${done} scored clip${done === 1 ? '' : 's'} (${changed} changed)`
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
  const stripUrl = (id: number): string => urls.strip?.(id) ?? `vqa-media://strip/${id}`
  const clipMedia = createClipMedia({
    db,
    ffmpeg,
    paths,
    emit,
    urls: { preview: (id) => urls.preview?.(id) ?? `vqa-media://preview/${id}`, strip: stripUrl }
  })

  const handlers: Handlers = {
    ...clipMedia.handlers,
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
      return { ...c, mediaUrl: urls.clip(id), thumbnailUrl: `${urls.thumbnailBase}${id}`, stripUrl: stripUrl(id) }
    },

    'clips.tree': async () => folderTree(db),
    'clips.codecs': async () => distinctCodecs(db),
    'scores.start': async ({ scope, folderId, clipIds, mode: askedMode, segmentSeconds: askedSeconds }) => {
      const settings = getSettings(db)
      const mode = askedMode ?? settings.mode
      const segmentSeconds = askedSeconds ?? settings.segmentSeconds ?? undefined
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
    'scores.models': async () => scoringModels(db),
    'jobs.list': async () => jobs.list(),
    'jobs.cancel': async ({ id }) => {
      const cancelled = jobs.cancel(id)
      // A paused fine-tuning run has no handler running to record its end.
      for (const r of listRuns(db)) {
        if (r.jobId === id && r.state === 'paused' && cancelled) {
          updateRun(db, r.id, { state: 'cancelled', finishedAt: Date.now() })
          emit('training.onProgress', toTrainingRun(getRun(db, r.id)!))
        }
      }
      return { cancelled }
    },
    'jobs.pause': async ({ id }) => ({ paused: jobs.pause(id) }),
    'jobs.resume': async ({ id }) => ({ resumed: jobs.resumeJob(id) }),

    'labels.list': async (q) => listLabels(db, q),
    'labels.add': async (input) => {
      const added = labelOp(() => addLabel(db, input))
      labelsChanged([added.label.clipId])
      return added
    },
    'labels.restore': async ({ labels }) => {
      const restored = labelOp(() => restoreLabels(db, labels))
      labelsChanged([...new Set(restored.map((l) => l.clipId))])
      return restored
    },
    'labels.update': async ({ id, ...patch }) => {
      const label = labelOp(() => updateLabel(db, id, patch))
      labelsChanged([label.clipId])
      return label
    },
    'labels.delete': async ({ id }) => {
      const label = labelOp(() => deleteLabel(db, id))
      labelsChanged([label.clipId])
      return label
    },
    'labels.import': async ({ format, text, scale }) => {
      const summary = importLabels(db, format, text, scale, `import:${format}`)
      if (summary.imported) labelsChanged([])
      return summary
    },
    'labels.export': async ({ format }) => exportLabels(db, format),

    'review.queue': async ({ include }) => reviewQueue(db, include),
    'stats.library': async () => {
      const labels = new Map<string, string>()
      try {
        for (const d of (await pack()).manifest.distortions) labels.set(d.id, d.label)
      } catch {
        // No loadable pack: the ids themselves are still readable.
      }
      return libraryStats(db, (id) => distortionName(id, labels.get(id)))
    },

    'views.list': async () => listViews(db),
    'views.save': async ({ name, query }) => saveView(db, name, query),
    'views.delete': async ({ id }) => ({ deleted: deleteView(db, id) }),

    'settings.get': async () => getSettings(db),
    'settings.set': async (patch) => {
      const before = getSettings(db)
      const next = setSettings(db, patch)
      emit('settings.onDidChange', next)
      // New rules re-flag the clips already scored (from their stored segments), in a job so the UI never waits.
      if (JSON.stringify(before.flagRules) !== JSON.stringify(next.flagRules) && !opts.flagRules) {
        jobs.enqueue('reflag', {}, 'Applying the new flag rules', () => true)
      }
      return next
    },

    'models.list': async () => packInfos(),
    'models.activate': async ({ dir }) => {
      const entry = (await listPacks(paths.dataDir)).find((e) => e.dir === dir)
      if (!entry) throw new ApiError('not_found', `No model pack at ${dir}`)
      if (entry.error) throw new ApiError('invalid_pack', `This pack cannot be used: ${entry.error}`)
      // The built-in default is stored as null so a moved app install keeps finding it.
      const next = setSettings(db, { activeModel: dir === builtinPackDir() ? null : dir })
      emit('settings.onDidChange', next)
      return packInfos()
    },
    'models.import': async ({ path }) => {
      try {
        await importPack(path, paths.dataDir, engine)
      } catch (err) {
        throw new ApiError('invalid_pack', (err as Error).message)
      }
      return packInfos()
    },
    'training.readiness': async () => trainingReadiness(),
    'training.start': async (params) => {
      const ready = await trainingReadiness()
      if (ready.problem) throw new ApiError('too_few_labels', ready.problem)
      const p = await pack()
      const runId = createRun(db, { model: `${p.manifest.name} ${p.manifest.version}`, dir: p.dir }, params)
      const jobId = jobs.enqueue('train', { runId }, `Fine-tuning ${p.manifest.name} ${p.manifest.version} on your labels (${params.method.toUpperCase()})`)
      updateRun(db, runId, { jobId })
      return { runId, jobId }
    },
    'training.list': async () => listRuns(db).map(toTrainingRun),
    'training.discard': async ({ id }) => {
      const run = getRun(db, id)
      if (!run) throw new ApiError('not_found', `No training run ${id}`)
      if (run.packDir && run.packDir === activePackDir()) throw new ApiError('active', 'This version is the active model: activate another one first.')
      if (run.state === 'queued' || run.state === 'preparing' || run.state === 'training') {
        if (run.jobId) jobs.cancel(run.jobId)
      }
      if (run.packDir) await rm(run.packDir, { recursive: true, force: true })
      updateRun(db, id, { state: 'discarded', finishedAt: run.finishedAt ?? Date.now() })
      return listRuns(db).map(toTrainingRun)
    },
    'engine.status': async () => {
      const st = engine.status()
      const { preference, source } = hwDecodePreference()
      const hw = await hwDecodeStatus(preference)
      return {
        requested: st.requested,
        provider: st.provider,
        warning: st.warnings.length ? st.warnings.join(' ') : null,
        cudaPackageInstalled: cudaProviderInstalled(),
        decode: { preference, source, method: hw.method, rejected: hw.rejected }
      }
    }
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
    previewFile: (id) => clipMedia.previewFile(id),
    stripFile: (id) => clipMedia.stripFile(id),
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
      await clipMedia.dispose()
      await jobs.close()
      for (const p of [...retired, ...(packPromise ? [packPromise] : [])]) await (await p.catch(() => null))?.dispose()
      listeners.clear()
      db.close()
    }
  }
}
