/**
 * Scoring clips of the catalog with a pack: analyse, explain, pool, flag, and store — one transaction per clip.
 * Clips already scored with this model, mode and content are skipped, which is what makes a resumed job finish the
 * work without doing any clip twice. A failure on one clip is stored on that clip (with ffmpeg's last words) and the
 * job goes on.
 */
import type { Db } from '../catalog/database'
import { analyzeFile } from '../engine/analyze'
import { distortionLabels, explainClip } from '../engine/explain'
import { peakSeverity } from '../../shared/localise'
import { trainableInputs, type LoadedPack } from '../engine/pack'
import { DecodeError, sourceGeometry } from '../engine/sampler'
import { isAbortError } from '../media/run'
import { listKeyframes } from '../media/probe'
import { FAST_WINDOW_SECONDS } from '../engine/analyze'
import { detectSilence } from '../media/silence'
import { evaluateFlags, MIN_SILENCE_SECONDS, type FlagRules } from './flags'
import { saveScore, saveScoreError, storedParts, unscoredAmong, type ScoreMode } from './store'

export interface ScoreOptions {
  ffmpeg: string
  ffprobe: string
  mode: ScoreMode
  segmentSeconds: number
  flagRules: FlagRules
  provider: string
  /** Clips scored at once (each runs its own ffmpeg). */
  concurrency?: number
  /** Hardware decoding method that passed its check (media/hwaccel.ts), or null/absent for software. */
  hwaccel?: string | null
  signal?: AbortSignal
  onProgress?: (p: { done: number; total: number; current: string | null; failed: number }) => void
}

export interface ScoreSummary {
  scored: number
  failed: number
  skipped: number
}

export async function scoreClips(db: Db, pack: LoadedPack, modelId: number, clipIds: readonly number[], opts: ScoreOptions): Promise<ScoreSummary> {
  const todo = unscoredAmong(db, clipIds, modelId, opts.mode)
  const summary: ScoreSummary = { scored: 0, failed: 0, skipped: clipIds.length - todo.length }
  const labels = distortionLabels(pack.manifest)
  let next = 0
  let done = 0
  const report = (current: string | null): void => opts.onProgress?.({ done, total: todo.length, current, failed: summary.failed })
  report(null)

  const worker = async (): Promise<void> => {
    for (;;) {
      if (opts.signal?.aborted) throw new DOMException('Aborted', 'AbortError')
      const clip = todo[next++]
      if (!clip) return
      report(clip.path)
      const t0 = performance.now()
      let modelMs = 0
      try {
        const geometry = sourceGeometry(clip)
        const timedPack: LoadedPack = {
          ...pack,
          run: async (views) => {
            const s = performance.now()
            try {
              return await pack.run(views)
            } finally {
              modelMs += performance.now() - s
            }
          }
        }
        let sceneCuts: number[] | undefined
        const segs = await analyzeFile(timedPack, opts.ffmpeg, clip.path, geometry, {
          segmentSeconds: opts.segmentSeconds,
          onSceneCuts: (cuts) => (sceneCuts = cuts),
          ...(opts.signal ? { signal: opts.signal } : {}),
          ...(opts.mode === 'fast' && clip.duration
            ? { fast: { windowSeconds: FAST_WINDOW_SECONDS, duration: clip.duration, keyframes: await listKeyframes(opts.ffprobe, clip.path, opts.signal ? { signal: opts.signal } : {}) } }
            : {}),
          // Two clips at once share the cores; one at a time lets ffmpeg use them all.
          threads: (opts.concurrency ?? 1) > 1 ? 1 : 0,
          hwaccel: opts.hwaccel ?? null
        })
        // The first audio track's silent stretches, for the silence flag (an audio-only decode; a failure only
        // means no silence flag for this clip).
        const silences = clip.audioCount > 0
          ? await detectSilence(opts.ffmpeg, clip.path, MIN_SILENCE_SECONDS, clip.duration, opts.signal).catch((err: unknown) => {
              if (isAbortError(err)) throw err
              return null
            })
          : null
        const { segments: explained, score, summary: reasoning } = explainClip(segs, labels)
        const severities: Record<string, number> = {}
        // The strongest over segments and their parts: a short event found in a part is the clip's too.
        for (const s of segs) for (const k of Object.keys(s.severities)) severities[k] = Math.max(severities[k] ?? 0, peakSeverity(s, k))
        const levels = segs[0]?.levels
          ? segs[0].levels.map((_, k) => segs.reduce((a, s) => a + (s.levels?.[k] ?? 0) * (s.end - s.start), 0) / Math.max(1e-9, segs.reduce((a, s) => a + s.end - s.start, 0)))
          : null
        saveScore(db, {
          clipId: clip.id,
          modelId,
          fingerprint: clip.fingerprint,
          mode: opts.mode,
          segmentSeconds: opts.segmentSeconds,
          score,
          levels,
          severities,
          summary: reasoning,
          // From the parts as the catalog keeps them, so a later re-flag (store.ts reflagBatch) agrees.
          flags: evaluateFlags(opts.flagRules, score, segs.map((s) => ({ ...s, parts: storedParts(s.parts) })), silences ?? [], labels),
          silences,
          ...(sceneCuts ? { sceneCuts } : {}),
          provider: opts.provider,
          wallMs: performance.now() - t0,
          modelMs,
          segments: explained.map((s, i) => ({
            inputs: segs[i] ? trainableInputs(pack.manifest, segs[i].values) : null,
            start: s.start,
            end: s.end,
            score: s.score,
            levels: s.levels,
            severities: s.severities,
            evidence: s.evidence,
            explanation: s.sentence,
            parts: s.parts
          }))
        })
        summary.scored++
      } catch (err) {
        if (isAbortError(err)) throw err
        const tail = err instanceof DecodeError ? err.stderrTail.trim().split('\n').slice(-3).join(' | ') : ''
        saveScoreError(db, clip.id, `${(err as Error).message}${tail && !(err as Error).message.includes(tail) ? ` (ffmpeg: ${tail})` : ''}`)
        summary.failed++
      }
      done++
      report(null)
    }
  }
  await Promise.all(Array.from({ length: Math.max(1, opts.concurrency ?? 1) }, worker))
  return summary
}
