/**
 * The fine-tuning dataset, from the catalog: every clip with a whole-clip score label whose latest score by the base
 * model kept its head inputs per segment (scores made since catalog schema 30 do). Distortion tags become per-segment
 * targets for the attribution reward. Split train/validation by clip, stratified by label level, seeded.
 */
import type { Db } from '../catalog/database'
import { qualityLevel } from '../../shared/quality'
import { seededRandom } from './rewards'
import type { TrainClip } from './grpo'

/** Below this many labelled clips a fine-tune learns noise; validation needs a few clips of its own too. */
export const MIN_TRAIN_CLIPS = 16
export const MIN_VALIDATION_CLIPS = 6

export interface LabelledClip extends TrainClip {
  path: string
  fingerprint: string
  fps: number | null
  width: number
  height: number
  hdr: 'PQ' | 'HLG' | null
  segmentSeconds: number
}

export interface DatasetReport {
  clips: LabelledClip[]
  /** Labelled clips that cannot be used, and why (not scored with the base model, scored before inputs were kept). */
  skipped: Array<{ clipId: number; name: string; reason: string }>
}

export function loadLabelledClips(db: Db, modelId: number, featureCount: number): DatasetReport {
  const rows = db
    .prepare(
      `SELECT c.id, c.name, c.path, c.fingerprint, c.fps, c.display_width AS width, c.display_height AS height, c.hdr, c.label_score AS label,
         (SELECT s.id FROM clip_scores s WHERE s.clip_id = c.id AND s.model_id = ? AND s.fingerprint = c.fingerprint
          ORDER BY (s.mode = 'full') DESC, s.scored_at DESC LIMIT 1) AS scoreId
       FROM clips c WHERE c.label_score IS NOT NULL AND c.status = 'ok' ORDER BY c.id`
    )
    .all(modelId) as Array<{ id: number; name: string; path: string; fingerprint: string; fps: number | null; width: number; height: number; hdr: 'PQ' | 'HLG' | null; label: number; scoreId: number | null }>
  const segStmt = db.prepare('SELECT start, end, inputs FROM segment_scores WHERE score_id = ? ORDER BY idx')
  const secStmt = db.prepare('SELECT segment_seconds AS s FROM clip_scores WHERE id = ?')
  const tagStmt = db.prepare("SELECT distortion, start, end FROM labels WHERE clip_id = ? AND kind = 'distortion'")
  const clips: LabelledClip[] = []
  const skipped: DatasetReport['skipped'] = []
  for (const r of rows) {
    if (r.scoreId === null) {
      skipped.push({ clipId: r.id, name: r.name, reason: 'not scored with the base model (score it first)' })
      continue
    }
    const segs = segStmt.all(r.scoreId) as Array<{ start: number; end: number; inputs: Buffer | null }>
    if (!segs.length || segs.some((s) => !s.inputs || s.inputs.byteLength !== featureCount * 4)) {
      skipped.push({ clipId: r.id, name: r.name, reason: 'scored before the catalog kept model inputs (re-score it)' })
      continue
    }
    const segments = segs.map((s) => Array.from(new Float32Array(s.inputs!.buffer.slice(s.inputs!.byteOffset, s.inputs!.byteOffset + s.inputs!.byteLength))))
    const bounds = segs.map((s) => ({ start: s.start, end: s.end }))
    const tags = segmentTags(bounds, tagStmt.all(r.id) as Array<{ distortion: string; start: number; end: number }>)
    clips.push({
      id: r.id, path: r.path, fingerprint: r.fingerprint, fps: r.fps, width: r.width, height: r.height, hdr: r.hdr, label: r.label, segments, bounds, tags,
      segmentSeconds: (secStmt.get(r.scoreId) as { s: number }).s
    })
  }
  return { clips, skipped }
}

/** Pure: which segments each tagged range covers (any overlap of at least half the segment, or the segment it sits in). */
export function segmentTags(bounds: ReadonlyArray<{ start: number; end: number }>, tags: ReadonlyArray<{ distortion: string; start: number; end: number }>): Array<{ segment: number; distortions: string[] }> {
  const by = new Map<number, Set<string>>()
  for (const t of tags) {
    bounds.forEach((b, i) => {
      const overlap = Math.min(b.end, t.end) - Math.max(b.start, t.start)
      const inside = t.start >= b.start && t.end <= b.end
      if (overlap >= (b.end - b.start) / 2 || (inside && overlap > 0)) {
        const set = by.get(i) ?? new Set<string>()
        set.add(t.distortion)
        by.set(i, set)
      }
    })
  }
  return [...by.entries()].sort((a, b) => a[0] - b[0]).map(([segment, d]) => ({ segment, distortions: [...d].sort() }))
}

/**
 * Pure: a train/validation split by clip, stratified by the label's level so both halves span the user's range,
 * deterministic for a seed. At least one validation clip per level that has two or more clips.
 */
export function splitClips<T extends { id: number; label: number }>(clips: readonly T[], validationFraction: number, seed: number): { train: T[]; validation: T[] } {
  const random = seededRandom(seed)
  const train: T[] = []
  const validation: T[] = []
  const levels = new Map<string, T[]>()
  for (const c of [...clips].sort((a, b) => a.id - b.id)) {
    const k = qualityLevel(c.label)
    levels.set(k, [...(levels.get(k) ?? []), c])
  }
  for (const group of levels.values()) {
    const shuffled = group.map((c) => [random(), c] as const).sort((a, b) => a[0] - b[0]).map((p) => p[1])
    const n = group.length < 2 ? 0 : Math.max(1, Math.round(group.length * validationFraction))
    validation.push(...shuffled.slice(0, n))
    train.push(...shuffled.slice(n))
  }
  return { train, validation }
}

/** Pure: whether there is enough to learn from, and if not, the sentence that says how much is needed. */
export function datasetProblem(trainCount: number, validationCount: number): string | null {
  if (trainCount >= MIN_TRAIN_CLIPS && validationCount >= MIN_VALIDATION_CLIPS) return null
  const have = trainCount + validationCount
  const need = Math.max(MIN_TRAIN_CLIPS + MIN_VALIDATION_CLIPS, have + 1)
  return `Too few labelled clips to learn from: ${have} usable (need at least ${need}, with scores spread over the range; ` +
    `${MIN_TRAIN_CLIPS} to train on and ${MIN_VALIDATION_CLIPS} to check the result). Give more clips a score in the Review queue (keys 1–5).`
}
