/**
 * The clip page's media work: scene cuts (kept in the catalog per clip and content), preview transcodes for what the
 * renderer cannot play, and the timeline's thumbnail strip. Hosts serve the files through previewFile/stripFile,
 * which, like clipFile, only ever resolve catalogued clips.
 */
import { ApiError, type EventName, type EventPayload, type PreviewState } from '../../shared/contract'
import type { Db } from '../catalog/database'
import type { FfmpegTools } from '../media/locate'
import { PreviewService, type PreviewStatus } from '../media/preview'
import { detectSceneCuts } from '../media/scenes'
import { ensureStrip } from '../media/strip'
import type { DataPaths } from '../paths'
import type { Handlers } from './dispatch'

export interface ClipMediaUrls {
  preview(id: number): string
  strip(id: number): string
}

export interface ClipMediaOptions {
  db: Db
  ffmpeg: FfmpegTools
  paths: DataPaths
  emit<E extends EventName>(event: E, payload: EventPayload<E>): void
  urls: ClipMediaUrls
}

export interface ClipMedia {
  handlers: Pick<Handlers, 'clips.sceneCuts' | 'clips.preview'>
  /** The finished preview of a catalogued clip, or null (none yet, or not a catalogued clip). */
  previewFile(id: number): Promise<string | null>
  /** The clip's thumbnail strip, made on first request; null when the clip is not catalogued or ffmpeg fails. */
  stripFile(id: number): Promise<string | null>
  dispose(): Promise<void>
}

interface MediaRow {
  id: number
  path: string
  fingerprint: string
  duration: number | null
  status: string
}

export function createClipMedia({ db, ffmpeg, paths, emit, urls }: ClipMediaOptions): ClipMedia {
  const row = (id: number): MediaRow | null =>
    (db.prepare('SELECT id, path, fingerprint, duration, status FROM clips WHERE id = ?').get(id) as MediaRow | undefined) ?? null
  const okRow = (id: number): MediaRow | null => {
    const r = row(id)
    return r && r.status === 'ok' ? r : null
  }
  const requireClip = (id: number): MediaRow => {
    const r = row(id)
    if (!r) throw new ApiError('not_found', `No clip with id ${id}`)
    if (r.status !== 'ok') throw new ApiError('unavailable', 'This clip’s file is missing or could not be read, so it has no media to work on.')
    return r
  }

  const toState = (clipId: number, s: PreviewStatus): PreviewState => ({
    clipId,
    state: s.state,
    progress: s.state === 'working' ? s.progress : s.state === 'ready' ? 1 : null,
    url: s.state === 'ready' ? urls.preview(clipId) : null,
    error: s.state === 'failed' ? s.error : null
  })

  const previews = new PreviewService({
    ffmpeg: ffmpeg.ffmpeg,
    dir: paths.previews,
    onChange: (clipId, status) => emit('preview.onProgress', toState(clipId, status))
  })

  // One detection per clip at a time: the timeline and the review queue may both ask while the first is running.
  const cutsInflight = new Map<number, Promise<number[]>>()
  const aborter = new AbortController()

  const sceneCuts = async (id: number): Promise<number[]> => {
    const clip = requireClip(id)
    const cached = db.prepare('SELECT fingerprint, cuts_json AS cuts FROM scene_cuts WHERE clip_id = ?').get(id) as
      | { fingerprint: string; cuts: string }
      | undefined
    if (cached && cached.fingerprint === clip.fingerprint) return JSON.parse(cached.cuts) as number[]
    const pending = cutsInflight.get(id)
    if (pending) return pending
    const job = detectSceneCuts(ffmpeg.ffmpeg, clip.path, clip.duration, aborter.signal)
      .then((cuts) => {
        db.prepare(
          `INSERT INTO scene_cuts (clip_id, fingerprint, cuts_json) VALUES (?, ?, ?)
           ON CONFLICT (clip_id) DO UPDATE SET fingerprint = excluded.fingerprint, cuts_json = excluded.cuts_json`
        ).run(id, clip.fingerprint, JSON.stringify(cuts))
        return cuts
      })
      .catch((err: unknown) => {
        if (err instanceof Error && err.name === 'AbortError') throw err
        throw new ApiError('media_failed', err instanceof Error ? err.message : String(err))
      })
      .finally(() => cutsInflight.delete(id))
    cutsInflight.set(id, job)
    return job
  }

  return {
    handlers: {
      'clips.sceneCuts': async ({ id }) => ({ cuts: await sceneCuts(id) }),
      'clips.preview': async ({ id, start }) => {
        const clip = requireClip(id)
        const status = start ? await previews.start(clip) : await previews.status(clip)
        return toState(id, status)
      }
    },
    async previewFile(id) {
      const clip = okRow(id)
      return clip ? previews.cached(clip.fingerprint) : null
    },
    async stripFile(id) {
      const clip = okRow(id)
      if (!clip) return null
      try {
        return await ensureStrip(ffmpeg.ffmpeg, paths.previews, clip, aborter.signal)
      } catch {
        return null
      }
    },
    async dispose() {
      aborter.abort()
      await previews.dispose()
      await Promise.allSettled([...cutsInflight.values()])
    }
  }
}
