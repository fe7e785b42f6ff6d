/**
 * Import and export of label files against the catalog: parse (formats.ts), match each path to a clip, write all
 * labels in one transaction (an import is all or nothing on the database side; per-row problems are reported).
 */
import { relative } from 'node:path'
import type { Label, LabelFormat } from '../../shared/contract'
import type { Db } from '../catalog/database'
import { clipMatcher, labelsToCsv, labelsToJsonl, labelsToMetaJson, parseCsv, parseJsonl, parseMetaJson, type ExportableLabel, type IndexedClip, type Scale } from './formats'
import { addLabel, labelProblem } from './store'

function indexedClips(db: Db): IndexedClip[] {
  const rows = db
    .prepare("SELECT c.id, c.path, c.name, f.path AS folder FROM clips c JOIN folders f ON f.id = c.folder_id WHERE c.status != 'missing'")
    .all() as Array<{ id: number; path: string; name: string; folder: string }>
  return rows.map((r) => ({ id: r.id, path: r.path, name: r.name, relPath: relative(r.folder, r.path).split('\\').join('/') }))
}

export interface ImportSummary {
  imported: number
  /** Paths that named no clip (or more than one), first 50. */
  unmatched: string[]
  errors: string[]
}

export function importLabels(db: Db, format: LabelFormat, text: string, scale: Scale | undefined, source: string, now = Date.now()): ImportSummary {
  const parsed = format === 'jsonl' ? parseJsonl(text, scale) : format === 'meta-json' ? parseMetaJson(text, scale) : parseCsv(text, scale)
  const match = clipMatcher(indexedClips(db))
  const unmatched: string[] = []
  const errors = parsed.errors.slice(0, 50)
  let imported = 0
  db.transaction(() => {
    for (const l of parsed.labels) {
      const clipId = match(l.path)
      if (clipId === null) {
        if (unmatched.length < 50) unmatched.push(l.path)
        continue
      }
      const problem = labelProblem(l.kind, l)
      if (problem) {
        if (errors.length < 50) errors.push(`${l.path}: ${problem}`)
        continue
      }
      addLabel(db, { clipId, kind: l.kind, score: l.score, verdict: l.verdict, distortion: l.distortion, start: l.start, end: l.end, comment: l.comment, source }, now)
      imported++
    }
  })()
  return { imported, unmatched, errors }
}

export function exportLabels(db: Db, format: LabelFormat, now = new Date()): { text: string; filename: string; count: number } {
  const rows = db
    .prepare(
      `SELECT l.id, l.clip_id AS clipId, l.kind, l.score, l.verdict, l.distortion, l.start, l.end, l.comment, l.model, l.source,
         l.created_at AS createdAt, l.updated_at AS updatedAt, c.path, f.path AS folder
       FROM labels l JOIN clips c ON c.id = l.clip_id JOIN folders f ON f.id = c.folder_id ORDER BY c.path, l.kind, l.start, l.id`
    )
    .all() as Array<Label & { path: string; folder: string }>
  const labels: ExportableLabel[] = rows.map(({ path, folder, ...l }) => ({ ...l, relPath: relative(folder, path).split('\\').join('/') }))
  const stamp = now.toISOString().slice(0, 10)
  switch (format) {
    case 'jsonl':
      return { text: labelsToJsonl(labels), filename: `vqa-labels-${stamp}.jsonl`, count: labels.filter((l) => l.kind === 'score' && l.start === null).length }
    case 'meta-json':
      return { text: labelsToMetaJson(labels), filename: `vqa-labels-${stamp}.json`, count: labels.filter((l) => l.kind === 'score' && l.start === null).length }
    case 'csv':
      return { text: labelsToCsv(labels), filename: `vqa-labels-${stamp}.csv`, count: labels.length }
  }
}
