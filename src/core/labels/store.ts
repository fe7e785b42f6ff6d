/**
 * Reviewers' labels in the catalog. Every write also refreshes the clip row's summary of its labels (verdict, clip
 * score label, count) in the same transaction, so the library table filters by label state through an index.
 */
import type { Label, LabelInput, LabelKind, LabelRow } from '../../shared/contract'
import { containsPattern } from '../catalog/clips'
import type { Db } from '../catalog/database'

const COLUMNS = `l.id, l.clip_id AS clipId, l.kind, l.score, l.verdict, l.distortion, l.start, l.end, l.comment, l.model,
  l.source, l.created_at AS createdAt, l.updated_at AS updatedAt`

export class LabelError extends Error {
  constructor(
    readonly code: 'not_found' | 'invalid_input',
    message: string
  ) {
    super(message)
    this.name = 'LabelError'
  }
}

type Fields = Omit<LabelInput, 'clipId' | 'kind'>

/** Pure: what a label of this kind must and must not carry. Returns the problem in words, or null. */
export function labelProblem(kind: LabelKind, f: Fields): string | null {
  const hasRange = f.start !== undefined && f.start !== null
  const hasEnd = f.end !== undefined && f.end !== null
  if (hasRange !== hasEnd) return 'a time range needs both a start and an end'
  if (hasRange && (f.end as number) < (f.start as number)) return 'the range ends before it starts'
  switch (kind) {
    case 'score':
      return typeof f.score === 'number' ? null : 'a score label needs a score from 1 to 5'
    case 'verdict':
      return f.verdict ? (hasRange ? 'a verdict is about the whole clip, without a time range' : null) : 'a verdict must be accept or reject'
    case 'distortion':
      if (!f.distortion) return 'a distortion tag needs the distortion'
      return hasRange ? null : 'a distortion tag needs a time range'
    case 'comment':
      return f.comment?.trim() ? null : 'a comment needs some text'
  }
}

export function getLabel(db: Db, id: number): Label | undefined {
  return db.prepare(`SELECT ${COLUMNS} FROM labels l WHERE l.id = ?`).get(id) as Label | undefined
}

/** The clip row's summary of its labels: latest verdict, latest whole-clip score label, count. */
export function refreshClipLabels(db: Db, clipId: number): void {
  db.prepare(
    `UPDATE clips SET
       review = (SELECT CASE verdict WHEN 'accept' THEN 'accepted' ELSE 'rejected' END FROM labels
                 WHERE clip_id = clips.id AND kind = 'verdict' ORDER BY updated_at DESC, id DESC LIMIT 1),
       label_score = (SELECT score FROM labels WHERE clip_id = clips.id AND kind = 'score' AND start IS NULL
                      ORDER BY updated_at DESC, id DESC LIMIT 1),
       label_count = (SELECT count(*) FROM labels WHERE clip_id = clips.id)
     WHERE id = ?`
  ).run(clipId)
}

/** Labels a new one of this kind replaces: one verdict and one whole-clip score per clip. */
function replacedBy(db: Db, input: Pick<LabelInput, 'clipId' | 'kind' | 'start'>): Label[] {
  if (input.kind === 'verdict') return db.prepare(`SELECT ${COLUMNS} FROM labels l WHERE l.clip_id = ? AND l.kind = 'verdict'`).all(input.clipId) as Label[]
  if (input.kind === 'score' && (input.start ?? null) === null)
    return db.prepare(`SELECT ${COLUMNS} FROM labels l WHERE l.clip_id = ? AND l.kind = 'score' AND l.start IS NULL`).all(input.clipId) as Label[]
  return []
}

function removeReplaced(db: Db, replaced: readonly Label[]): void {
  const del = db.prepare('DELETE FROM labels WHERE id = ?')
  for (const r of replaced) del.run(r.id)
}

/**
 * Saves a label. A verdict or whole-clip score replaces the clip's previous one; the replaced rows are returned
 * whole, so an undo can put back exactly what was there (`restoreLabels`), even if the caller never loaded them.
 */
export function addLabel(db: Db, input: LabelInput & { source?: string }, now = Date.now()): { label: Label; replaced: Label[] } {
  const problem = labelProblem(input.kind, input)
  if (problem) throw new LabelError('invalid_input', `Cannot save this label: ${problem}`)
  return db.transaction(() => {
    if (!db.prepare('SELECT 1 FROM clips WHERE id = ?').get(input.clipId)) throw new LabelError('not_found', `No clip with id ${input.clipId}`)
    const replaced = replacedBy(db, input)
    removeReplaced(db, replaced)
    const id = Number(
      db
        .prepare(
          `INSERT INTO labels (clip_id, kind, score, verdict, distortion, start, end, comment, model, source, created_at, updated_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
        )
        .run(
          input.clipId,
          input.kind,
          input.score ?? null,
          input.verdict ?? null,
          input.distortion ?? null,
          input.start ?? null,
          input.end ?? null,
          input.comment?.trim() || null,
          input.model ?? null,
          input.source ?? 'user',
          now,
          now
        ).lastInsertRowid
    )
    refreshClipLabels(db, input.clipId)
    return { label: getLabel(db, id) as Label, replaced }
  })()
}

/**
 * Undo: puts deleted or replaced labels back as they were — same id where it is still free, same source and times — and
 * removes whatever now holds their one-per-clip place. Labels of clips that no longer exist are skipped.
 */
export function restoreLabels(db: Db, labels: readonly Label[]): Label[] {
  return db.transaction(() => {
    const restored: Label[] = []
    const clipExists = db.prepare('SELECT 1 FROM clips WHERE id = ?')
    const holder = db.prepare('SELECT clip_id AS clipId, kind, created_at AS createdAt FROM labels WHERE id = ?')
    const insert = db.prepare(
      `INSERT INTO labels (id, clip_id, kind, score, verdict, distortion, start, end, comment, model, source, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
    )
    for (const l of labels) {
      const problem = labelProblem(l.kind, l)
      if (problem) throw new LabelError('invalid_input', `Cannot restore this label: ${problem}`)
      if (!clipExists.get(l.clipId)) continue
      const there = holder.get(l.id) as { clipId: number; kind: string; createdAt: number } | undefined
      // Already back (restoring twice is a no-op) — unless SQLite gave the freed id to a newer label meanwhile.
      if (there && there.clipId === l.clipId && there.kind === l.kind && there.createdAt === l.createdAt) continue
      removeReplaced(db, replacedBy(db, l))
      const id = Number(
        insert.run(there ? null : l.id, l.clipId, l.kind, l.score, l.verdict, l.distortion, l.start, l.end, l.comment, l.model, l.source, l.createdAt, l.updatedAt).lastInsertRowid
      )
      refreshClipLabels(db, l.clipId)
      restored.push(getLabel(db, id) as Label)
    }
    return restored
  })()
}

export function updateLabel(db: Db, id: number, patch: Fields, now = Date.now()): Label {
  return db.transaction(() => {
    const old = getLabel(db, id)
    if (!old) throw new LabelError('not_found', `No label with id ${id}`)
    const next = {
      score: patch.score !== undefined ? patch.score : old.score,
      verdict: patch.verdict !== undefined ? patch.verdict : old.verdict,
      distortion: patch.distortion !== undefined ? patch.distortion : old.distortion,
      start: patch.start !== undefined ? patch.start : old.start,
      end: patch.end !== undefined ? patch.end : old.end,
      comment: patch.comment !== undefined ? patch.comment?.trim() || null : old.comment,
      model: patch.model !== undefined ? patch.model : old.model
    }
    const problem = labelProblem(old.kind, next)
    if (problem) throw new LabelError('invalid_input', `Cannot save this label: ${problem}`)
    db.prepare(
      'UPDATE labels SET score = ?, verdict = ?, distortion = ?, start = ?, end = ?, comment = ?, model = ?, updated_at = ? WHERE id = ?'
    ).run(next.score, next.verdict, next.distortion, next.start, next.end, next.comment, next.model, now, id)
    refreshClipLabels(db, old.clipId)
    return getLabel(db, id) as Label
  })()
}

export function deleteLabel(db: Db, id: number): Label {
  return db.transaction(() => {
    const old = getLabel(db, id)
    if (!old) throw new LabelError('not_found', `No label with id ${id}`)
    db.prepare('DELETE FROM labels WHERE id = ?').run(id)
    refreshClipLabels(db, old.clipId)
    return old
  })()
}

export interface LabelListQuery {
  clipId?: number | undefined
  kind?: LabelKind | undefined
  search?: string | undefined
  offset: number
  limit: number
}

export function listLabels(db: Db, q: LabelListQuery): { total: number; rows: LabelRow[] } {
  const where: string[] = []
  const params: unknown[] = []
  if (q.clipId !== undefined) {
    where.push('l.clip_id = ?')
    params.push(q.clipId)
  }
  if (q.kind) {
    where.push('l.kind = ?')
    params.push(q.kind)
  }
  const search = q.search?.trim()
  if (search) {
    const like = containsPattern(search)
    where.push("(c.name LIKE ? ESCAPE '\\' OR c.rel_dir LIKE ? ESCAPE '\\' OR l.comment LIKE ? ESCAPE '\\' OR l.distortion LIKE ? ESCAPE '\\')")
    params.push(like, like, like, like)
  }
  const w = where.length ? `WHERE ${where.join(' AND ')}` : ''
  const total = (db.prepare(`SELECT count(*) AS n FROM labels l JOIN clips c ON c.id = l.clip_id ${w}`).get(...params) as { n: number }).n
  const rows = db
    .prepare(
      `SELECT ${COLUMNS}, c.name AS clipName, c.rel_dir AS relDir, c.path AS clipPath FROM labels l JOIN clips c ON c.id = l.clip_id ${w}
       ORDER BY l.updated_at DESC, l.id DESC LIMIT ? OFFSET ?`
    )
    .all(...params, q.limit, q.offset) as LabelRow[]
  return { total, rows }
}
