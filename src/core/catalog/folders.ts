import type { Db } from './database'

export interface FolderRecord {
  id: number
  path: string
  addedAt: number
  lastScanAt: number | null
  clipCount: number
  errorCount: number
}

export function listFolders(db: Db): FolderRecord[] {
  return db
    .prepare(
      `SELECT f.id, f.path, f.added_at AS addedAt, f.last_scan_at AS lastScanAt,
              (SELECT count(*) FROM clips c WHERE c.folder_id = f.id AND c.status != 'missing') AS clipCount,
              (SELECT count(*) FROM clips c WHERE c.folder_id = f.id AND c.status = 'error') AS errorCount
       FROM folders f ORDER BY f.path`
    )
    .all() as FolderRecord[]
}

export function getFolder(db: Db, id: number): FolderRecord | undefined {
  return listFolders(db).find((f) => f.id === id)
}

export function findFolderByPath(db: Db, path: string): { id: number } | undefined {
  return db.prepare('SELECT id FROM folders WHERE path = ?').get(path) as { id: number } | undefined
}

export function insertFolder(db: Db, path: string, now = Date.now()): number {
  const existing = findFolderByPath(db, path)
  if (existing) return existing.id
  return Number(db.prepare('INSERT INTO folders (path, added_at) VALUES (?, ?)').run(path, now).lastInsertRowid)
}

export function deleteFolder(db: Db, id: number): boolean {
  return db.prepare('DELETE FROM folders WHERE id = ?').run(id).changes > 0
}

export function markScanned(db: Db, id: number, now = Date.now()): void {
  db.prepare('UPDATE folders SET last_scan_at = ? WHERE id = ?').run(now, id)
}
