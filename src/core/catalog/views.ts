/** Saved library views: a name and the table query (filters and sort) it restores. */
import type { SavedView } from '../../shared/contract'
import type { Db } from './database'

export function listViews(db: Db): SavedView[] {
  return (db.prepare('SELECT id, name, query_json, created_at AS createdAt FROM saved_views ORDER BY name COLLATE NOCASE').all() as Array<{
    id: number
    name: string
    query_json: string
    createdAt: number
  }>).map(({ query_json, ...v }) => ({ ...v, query: JSON.parse(query_json) as Record<string, unknown> }))
}

/** Saving under an existing name replaces that view (what "Save view" over a loaded view means). */
export function saveView(db: Db, name: string, query: Record<string, unknown>, now = Date.now()): SavedView {
  const row = db
    .prepare(
      `INSERT INTO saved_views (name, query_json, created_at) VALUES (?, ?, ?)
       ON CONFLICT(name) DO UPDATE SET query_json = excluded.query_json RETURNING id, created_at AS createdAt`
    )
    .get(name.trim(), JSON.stringify(query), now) as { id: number; createdAt: number }
  return { id: row.id, name: name.trim(), query, createdAt: row.createdAt }
}

export function deleteView(db: Db, id: number): boolean {
  return db.prepare('DELETE FROM saved_views WHERE id = ?').run(id).changes > 0
}
