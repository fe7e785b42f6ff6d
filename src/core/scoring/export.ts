/**
 * Exports of the catalog's scores. `jsonl` is VQAThinker's training format (one video per line, the rating question
 * and a float answer), so a user with GPUs can train the full model on what this app produced.
 */
import { relative } from 'node:path'
import type { Db } from '../catalog/database'
import { levelWord } from '../engine/explain'

export const VQATHINKER_QUESTION =
  'You are doing the video quality assessment task. Here is the question: What is your overall rating on the quality of this video? ' +
  'The rating should be a float between 1 and 5, rounded to two decimal places, with 1 representing very poor quality and 5 representing excellent quality.'

export interface ExportRow {
  id: number
  path: string
  folder: string
  name: string
  duration: number | null
  width: number | null
  height: number | null
  codec: string | null
  score: number | null
  flagged: number
  flags_json: string | null
  summary: string | null
  model: string | null
  mode: string | null
  scored_at: number | null
  score_error: string | null
  /** The reviewer's clip score, where there is one. */
  label_score: number | null
}

export function exportRows(db: Db, folderPath?: string): ExportRow[] {
  return db
    .prepare(
      `SELECT c.id, c.path, f.path AS folder, c.name, c.duration, c.display_width AS width, c.display_height AS height, c.codec, c.score, c.flagged,
         s.flags_json, s.summary, m.name || ' ' || m.version AS model, s.mode, s.scored_at, c.score_error, c.label_score
       FROM clips c JOIN folders f ON f.id = c.folder_id
       LEFT JOIN clip_scores s ON s.id = c.score_id LEFT JOIN model_versions m ON m.id = s.model_id
       WHERE c.status = 'ok' ${folderPath ? 'AND (c.path = ? OR substr(c.path, 1, length(?) + 1) = ? || \'/\')' : ''}
       ORDER BY c.path`
    )
    .all(...(folderPath ? [folderPath, folderPath, folderPath] : [])) as ExportRow[]
}

const csvCell = (v: unknown): string => {
  const s = v === null || v === undefined ? '' : String(v)
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s
}

/** Pure. */
export function toCsv(rows: readonly ExportRow[]): string {
  const head = ['path', 'name', 'duration', 'width', 'height', 'codec', 'score', 'level', 'flagged', 'flags', 'model', 'mode', 'scored_at', 'error', 'label_score']
  const lines = rows.map((r) =>
    [
      r.path, r.name, r.duration?.toFixed(3), r.width, r.height, r.codec, r.score?.toFixed(4), r.score === null ? '' : levelWord(r.score), r.flagged,
      r.flags_json ? (JSON.parse(r.flags_json) as Array<{ message: string }>).map((f) => f.message).join('; ') : '', r.model, r.mode,
      r.scored_at ? new Date(r.scored_at).toISOString() : '', r.score_error, r.label_score
    ].map(csvCell).join(',')
  )
  return [head.join(','), ...lines].join('\n') + '\n'
}

/**
 * Pure: the seed's training JSONL. Paths are relative to each clip's library folder, as the format expects. A clip's
 * label (the reviewer's score) is the answer where there is one — that is what training should learn — else the
 * model's score.
 */
export function toVqaThinkerJsonl(rows: readonly ExportRow[]): string {
  return (
    rows
      .filter((r) => r.score !== null || r.label_score !== null)
      .map((r, i) =>
        JSON.stringify({
          id: i,
          dataset_name: 'vqa-inspector',
          image: [relative(r.folder, r.path).split('\\').join('/')],
          conversations: [
            { from: 'human', value: VQATHINKER_QUESTION },
            { from: 'gpt', value: Math.round((r.label_score ?? r.score!) * 1e6) / 1e6 }
          ]
        })
      )
      .join('\n') + '\n'
  )
}
