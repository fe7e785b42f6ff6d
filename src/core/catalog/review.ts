/** What the review queue and the Insights page read: flagged clips in review order, and library-wide statistics. */
import type { LibraryStats, QueueItem } from '../../shared/contract'
import type { Db } from './database'

export function reviewQueue(db: Db, include: 'unreviewed' | 'all', limit = 5000): QueueItem[] {
  // Unreviewed first, then worst first: the clips most likely to need attention come up next.
  const rows = db
    .prepare(
      `SELECT id, name, rel_dir AS relDir, score, flags_json, review, label_score AS labelScore FROM clips
       WHERE flagged = 1 AND status = 'ok' ${include === 'unreviewed' ? 'AND review IS NULL' : ''}
       ORDER BY review IS NOT NULL, score, id LIMIT ?`
    )
    .all(limit) as Array<Omit<QueueItem, 'flags'> & { flags_json: string }>
  return rows.map(({ flags_json, ...r }) => ({ ...r, flags: JSON.parse(flags_json) as QueueItem['flags'] }))
}

export const HISTOGRAM_BIN = 0.25

export function libraryStats(db: Db, distortionLabel: (id: string) => string): LibraryStats {
  const counts = db
    .prepare(
      `SELECT count(*) AS clips, count(score) AS scored, coalesce(sum(flagged), 0) AS flagged,
         coalesce(sum(label_count > 0), 0) AS labelled,
         (SELECT count(*) FROM clips WHERE status = 'error') AS unreadable
       FROM clips WHERE status = 'ok'`
    )
    .get() as { clips: number; scored: number; flagged: number; labelled: number; unreadable: number }
  const bins = Math.round(4 / HISTOGRAM_BIN)
  const histogram = Array.from({ length: bins }, (_, i) => ({ from: 1 + i * HISTOGRAM_BIN, to: 1 + (i + 1) * HISTOGRAM_BIN, count: 0 }))
  const binRows = db
    .prepare(
      `SELECT min(${bins - 1}, max(0, CAST((score - 1) / ${HISTOGRAM_BIN} AS INTEGER))) AS bin, count(*) AS n
       FROM clips WHERE status = 'ok' AND score IS NOT NULL GROUP BY bin`
    )
    .all() as Array<{ bin: number; n: number }>
  for (const r of binRows) histogram[r.bin]!.count = r.n
  const distortions = (
    db
      .prepare(
        `SELECT d.distortion AS id, count(*) AS count FROM clip_distortions d JOIN clips c ON c.id = d.clip_id
         WHERE c.status = 'ok' GROUP BY d.distortion ORDER BY count DESC, d.distortion`
      )
      .all() as Array<{ id: string; count: number }>
  ).map((d) => ({ ...d, label: distortionLabel(d.id) }))
  const worst = db
    .prepare(
      `SELECT id, name, score, top_distortion AS topDistortion FROM clips
       WHERE status = 'ok' AND score IS NOT NULL ORDER BY score, id LIMIT 10`
    )
    .all() as LibraryStats['worst']
  // Every score each version made (not just the latest per clip): that is what "compare model versions" needs.
  const models = db
    .prepare(
      `SELECT m.id, m.name || ' ' || m.version AS model, count(DISTINCT s.clip_id) AS clips, avg(s.score) AS mean,
         coalesce((SELECT count(*) FROM clips c JOIN clip_scores s2 ON s2.id = c.score_id WHERE s2.model_id = m.id), 0) AS latest
       FROM model_versions m JOIN clip_scores s ON s.model_id = m.id GROUP BY m.id ORDER BY m.id`
    )
    .all() as LibraryStats['models']
  return { ...counts, histogram, distortions, worst, models }
}

export function scoringModels(db: Db): Array<{ id: number; model: string }> {
  return db
    .prepare(
      `SELECT m.id, m.name || ' ' || m.version AS model FROM model_versions m
       WHERE EXISTS (SELECT 1 FROM clip_scores s WHERE s.model_id = m.id) ORDER BY m.id`
    )
    .all() as Array<{ id: number; model: string }>
}
