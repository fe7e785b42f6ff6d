/**
 * Scores in the catalog. A result is written in one transaction (clip score, its segments, the clip row's latest
 * score and flag), so a kill -9 leaves a clip either scored once or not at all — never half, never twice.
 */
import { ModelManifest } from '../../shared/model-pack'
import type { Db } from '../catalog/database'
import type { MediaInfo } from '../media/probe'
import type { SegmentResult } from '../engine/analyze'
import { distortionLabels } from '../engine/explain'
import { evaluateFlags, type FlagReason, type FlagRules } from './flags'

export type ScoreMode = 'full' | 'fast'

export type SegmentRecord = Pick<SegmentResult, 'start' | 'end' | 'score' | 'levels' | 'severities' | 'evidence'> & {
  explanation: string
  /** The trainable stage's inputs (see trainableInputs), kept for fine-tuning. */
  inputs?: Float32Array | null
  /** The segment's parts (engine/analyze.ts), without their measurements; null when it was not measured in parts. */
  parts?: StoredPart[] | null
}

export interface StoredPart {
  start: number
  end: number
  score: number
  severities: Record<string, number>
}

/**
 * Pure: parts as stored — times to the millisecond and values to three places, which is all a timeline shows. The
 * scorer flags from these same values, so re-applying flag rules later (from the catalog) gives the same flags.
 * A value that was not measured is left out (JSON has no NaN), which reads as absent.
 */
export function storedParts(parts: ReadonlyArray<StoredPart> | null | undefined): StoredPart[] | null {
  if (!parts?.length) return null
  const r = (v: number, d: number): number => Math.round(v * 10 ** d) / 10 ** d
  return parts.map((p) => ({
    start: r(p.start, 3),
    end: r(p.end, 3),
    score: r(p.score, 3),
    severities: Object.fromEntries(Object.entries(p.severities).filter(([, v]) => Number.isFinite(v)).map(([k, v]) => [k, r(v, 3)]))
  }))
}

export function compactParts(parts: ReadonlyArray<StoredPart> | null | undefined): string | null {
  const stored = storedParts(parts)
  return stored ? JSON.stringify(stored) : null
}

function readParts(json: unknown): StoredPart[] | null {
  return typeof json === 'string' ? (JSON.parse(json) as StoredPart[]) : null
}

export interface ScoreRecord {
  clipId: number
  modelId: number
  fingerprint: string
  mode: ScoreMode
  segmentSeconds: number
  score: number
  levels: number[] | null
  /** Per distortion, the strongest severity over the clip. */
  severities: Record<string, number>
  summary: string
  flags: FlagReason[]
  /** Silent stretches of the first audio track (≥ 1 s); null when the clip has no audio or it was not checked. */
  silences?: Array<{ start: number; end: number }> | null
  /** Scene cuts found while decoding (full mode); kept as the clip's cuts, so the timeline marks the cuts its
   *  segments were snapped to. Undefined: leave the clip's stored cuts alone. */
  sceneCuts?: number[]
  provider: string
  wallMs: number
  modelMs: number
  segments: SegmentRecord[]
}

/** A clip "has" a distortion for the library's filter and charts when its strongest severity reaches this (the
 *  explanations' reporting threshold). */
export const DISTORTION_PRESENT = 0.3

export function ensureModelVersion(db: Db, manifest: ModelManifest, dir: string, now = Date.now()): number {
  const found = db.prepare('SELECT id FROM model_versions WHERE name = ? AND version = ?').get(manifest.name, manifest.version) as { id: number } | undefined
  if (found) return found.id
  return Number(
    db
      .prepare('INSERT INTO model_versions (name, version, dir, manifest_json, added_at) VALUES (?, ?, ?, ?, ?)')
      .run(manifest.name, manifest.version, dir, JSON.stringify(manifest), now).lastInsertRowid
  )
}

export function saveScore(db: Db, r: ScoreRecord, now = Date.now()): number {
  return db.transaction(() => {
    // A rescore of the same content with the same model and mode replaces the old one (explicit re-score).
    db.prepare('DELETE FROM clip_scores WHERE clip_id = ? AND model_id = ? AND mode = ? AND fingerprint = ?').run(r.clipId, r.modelId, r.mode, r.fingerprint)
    const id = Number(
      db
        .prepare(
          `INSERT INTO clip_scores (clip_id, model_id, fingerprint, mode, segment_seconds, score, levels_json, severities_json, summary,
             flags_json, provider, wall_ms, model_ms, scored_at, silences_json)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
        )
        .run(r.clipId, r.modelId, r.fingerprint, r.mode, r.segmentSeconds, r.score, r.levels ? JSON.stringify(r.levels) : null,
          JSON.stringify(r.severities), r.summary, JSON.stringify(r.flags), r.provider, Math.round(r.wallMs), Math.round(r.modelMs), now,
          r.silences ? JSON.stringify(r.silences) : null).lastInsertRowid
    )
    if (r.sceneCuts)
      db.prepare(
        `INSERT INTO scene_cuts (clip_id, fingerprint, cuts_json) VALUES (?, ?, ?)
         ON CONFLICT (clip_id) DO UPDATE SET fingerprint = excluded.fingerprint, cuts_json = excluded.cuts_json`
      ).run(r.clipId, r.fingerprint, JSON.stringify(r.sceneCuts.map((t) => Math.round(t * 1000) / 1000)))
    const seg = db.prepare(
      `INSERT INTO segment_scores (score_id, idx, start, end, score, levels_json, severities_json, evidence_json, explanation, inputs, parts_json)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
    )
    r.segments.forEach((s, i) =>
      seg.run(id, i, s.start, s.end, s.score, s.levels ? JSON.stringify(s.levels) : null, JSON.stringify(s.severities), JSON.stringify(s.evidence), s.explanation,
        s.inputs ? Buffer.from(s.inputs.buffer, s.inputs.byteOffset, s.inputs.byteLength) : null, compactParts(s.parts))
    )
    const present = Object.entries(r.severities)
      .filter(([, v]) => v >= DISTORTION_PRESENT)
      .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    db.prepare('DELETE FROM clip_distortions WHERE clip_id = ?').run(r.clipId)
    const dist = db.prepare('INSERT INTO clip_distortions (clip_id, distortion, severity) VALUES (?, ?, ?)')
    for (const [d, v] of present) dist.run(r.clipId, d, v)
    db.prepare('UPDATE clips SET score = ?, score_id = ?, flagged = ?, flags_json = ?, top_distortion = ?, score_error = NULL WHERE id = ?').run(
      r.score,
      id,
      r.flags.length ? 1 : 0,
      JSON.stringify(r.flags),
      present[0]?.[0] ?? null,
      r.clipId
    )
    return id
  })()
}

export function saveScoreError(db: Db, clipId: number, message: string): void {
  db.prepare('UPDATE clips SET score_error = ? WHERE id = ?').run(message, clipId)
}

export interface ClipToScore {
  id: number
  path: string
  fingerprint: string
  displayWidth: number
  displayHeight: number
  fps: number | null
  duration: number | null
  hdr: 'PQ' | 'HLG' | null
  pixelFormat: string | null
  colorRange: MediaInfo['colorRange']
  audioCount: number
}

/** Clips that still need a score with this model version and mode (for their current content). */
export function unscoredAmong(db: Db, clipIds: readonly number[], modelId: number, mode: ScoreMode): ClipToScore[] {
  const stmt = db.prepare(
    `SELECT c.id, c.path, c.fingerprint, c.display_width AS displayWidth, c.display_height AS displayHeight, c.fps, c.duration, c.hdr,
       c.pix_fmt AS pixelFormat, c.color_range AS colorRange, c.audio_count AS audioCount
     FROM clips c
     WHERE c.id = ? AND c.status = 'ok'
       AND NOT EXISTS (SELECT 1 FROM clip_scores s WHERE s.clip_id = c.id AND s.model_id = ? AND s.mode = ? AND s.fingerprint = c.fingerprint)`
  )
  return clipIds.map((id) => stmt.get(id, modelId, mode) as ClipToScore | undefined).filter((c): c is ClipToScore => c !== undefined)
}

export type ScoreScope =
  | { kind: 'folder'; folderId: number }
  | { kind: 'clips'; clipIds: number[] }
  | { kind: 'unscored' }
  | { kind: 'outdated' }

/** Pure-ish: the clip ids a scope covers, in library order (folder, then path). */
export function clipsInScope(db: Db, scope: ScoreScope, modelId: number): number[] {
  const ids = (sql: string, ...params: unknown[]): number[] => (db.prepare(sql).all(...params) as Array<{ id: number }>).map((r) => r.id)
  switch (scope.kind) {
    case 'folder':
      return ids("SELECT id FROM clips WHERE folder_id = ? AND status = 'ok' ORDER BY path", scope.folderId)
    case 'clips':
      return scope.clipIds
    case 'unscored':
      return ids("SELECT id FROM clips WHERE status = 'ok' AND score_id IS NULL ORDER BY path")
    case 'outdated':
      return ids(
        `SELECT c.id FROM clips c JOIN clip_scores s ON s.id = c.score_id WHERE c.status = 'ok' AND s.model_id != ? ORDER BY c.path`,
        modelId
      )
  }
}

export interface StoredScore extends Omit<ScoreRecord, 'segments' | 'silences'> {
  id: number
  silences: Array<{ start: number; end: number }> | null
  model: string
  scoredAt: number
  segments: Array<SegmentRecord & { parts: StoredPart[] | null }>
}

export function scoresOfClip(db: Db, clipId: number): StoredScore[] {
  const rows = db
    .prepare(
      `SELECT s.*, m.name || ' ' || m.version AS model FROM clip_scores s JOIN model_versions m ON m.id = s.model_id
       WHERE s.clip_id = ? ORDER BY s.scored_at DESC, s.id DESC`
    )
    .all(clipId) as Array<Record<string, unknown>>
  const segStmt = db.prepare('SELECT * FROM segment_scores WHERE score_id = ? ORDER BY idx')
  return rows.map((r) => ({
    id: r['id'] as number,
    clipId,
    modelId: r['model_id'] as number,
    model: r['model'] as string,
    fingerprint: r['fingerprint'] as string,
    mode: r['mode'] as ScoreMode,
    segmentSeconds: r['segment_seconds'] as number,
    score: r['score'] as number,
    levels: r['levels_json'] ? (JSON.parse(r['levels_json'] as string) as number[]) : null,
    severities: JSON.parse(r['severities_json'] as string) as Record<string, number>,
    summary: r['summary'] as string,
    flags: JSON.parse(r['flags_json'] as string) as FlagReason[],
    provider: r['provider'] as string,
    wallMs: r['wall_ms'] as number,
    modelMs: r['model_ms'] as number,
    scoredAt: r['scored_at'] as number,
    silences: r['silences_json'] ? (JSON.parse(r['silences_json'] as string) as Array<{ start: number; end: number }>) : null,
    segments: (segStmt.all(r['id']) as Array<Record<string, unknown>>).map((s) => ({
      start: s['start'] as number,
      end: s['end'] as number,
      score: s['score'] as number,
      levels: s['levels_json'] ? (JSON.parse(s['levels_json'] as string) as number[]) : null,
      severities: JSON.parse(s['severities_json'] as string) as Record<string, number>,
      evidence: JSON.parse(s['evidence_json'] as string) as Record<string, number>,
      explanation: s['explanation'] as string,
      parts: readParts(s['parts_json'])
    }))
  }))
}

/**
 * Re-applies flag rules to the latest score of every scored clip (after the user changed the rules): the segments are
 * stored, so no clip is decoded again. Works in batches so a job can report progress and be cancelled between them.
 */
export function reflagBatch(db: Db, rules: FlagRules, afterClipId: number, batch = 500): { lastId: number; done: number; changed: number } {
  const rows = db
    .prepare(
      'SELECT c.id, c.score_id AS scoreId, s.score, s.silences_json AS silences, s.model_id AS modelId FROM clips c JOIN clip_scores s ON s.id = c.score_id WHERE c.id > ? ORDER BY c.id LIMIT ?'
    )
    .all(afterClipId, batch) as Array<{ id: number; scoreId: number; score: number; silences: string | null; modelId: number }>
  // Reasons name distortions as the pack that scored the clip does.
  const labelsOf = new Map<number, Record<string, string>>()
  const modelStmt = db.prepare('SELECT manifest_json AS manifest FROM model_versions WHERE id = ?')
  const labels = (modelId: number): Record<string, string> => {
    let l = labelsOf.get(modelId)
    if (!l) {
      const row = modelStmt.get(modelId) as { manifest: string } | undefined
      const parsed = row ? ModelManifest.safeParse(JSON.parse(row.manifest)) : null
      l = parsed?.success ? distortionLabels(parsed.data) : {}
      labelsOf.set(modelId, l)
    }
    return l
  }
  const segStmt = db.prepare('SELECT start, end, score, severities_json, evidence_json, parts_json FROM segment_scores WHERE score_id = ? ORDER BY idx')
  const updScore = db.prepare('UPDATE clip_scores SET flags_json = ? WHERE id = ?')
  const updClip = db.prepare('UPDATE clips SET flags_json = ?, flagged = ? WHERE id = ? AND (flags_json != ? OR flagged != ?)')
  let changed = 0
  db.transaction(() => {
    for (const r of rows) {
      const segments = (segStmt.all(r.scoreId) as Array<{ start: number; end: number; score: number; severities_json: string; evidence_json: string; parts_json: string | null }>).map((s) => ({
        start: s.start,
        end: s.end,
        score: s.score,
        severities: JSON.parse(s.severities_json) as Record<string, number>,
        evidence: JSON.parse(s.evidence_json) as Record<string, number>,
        parts: readParts(s.parts_json)
      }))
      const silences = r.silences ? (JSON.parse(r.silences) as Array<{ start: number; end: number }>) : []
      const flags = JSON.stringify(evaluateFlags(rules, r.score, segments, silences, labels(r.modelId)))
      const flagged = flags === '[]' ? 0 : 1
      updScore.run(flags, r.scoreId)
      changed += updClip.run(flags, flagged, r.id, flags, flagged).changes
    }
  })()
  return { lastId: rows[rows.length - 1]?.id ?? afterClipId, done: rows.length, changed }
}
