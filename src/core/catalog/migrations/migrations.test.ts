import Database from 'better-sqlite3'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { openCatalog } from '../database'
import { CatalogTooNewError, LATEST_VERSION, migrate, migrations, schemaVersion } from './index'

const dirs: string[] = []
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
})

describe('migrations', () => {
  it('are numbered upward in steps of 10', () => {
    migrations.forEach((m, i) => expect(m.version).toBe((i + 1) * 10))
  })

  it('bring an empty catalog to the latest version', () => {
    const db = new Database(':memory:')
    expect(migrate(db)).toBe(LATEST_VERSION)
    expect(schemaVersion(db)).toBe(LATEST_VERSION)
    // Running again is a no-op.
    expect(migrate(db)).toBe(LATEST_VERSION)
  })

  it.each(migrations.map((m) => [m.version, m.name] as const))('migration %i (%s) applies on top of the one before', (version) => {
    const db = new Database(':memory:')
    migrate(db, version - 10)
    expect(schemaVersion(db)).toBe(version - 10)
    migrate(db, version)
    expect(schemaVersion(db)).toBe(version)
  })

  it('migration 10 keeps the search index in step with clip names', () => {
    const db = new Database(':memory:')
    migrate(db, 10)
    db.prepare('INSERT INTO folders (id, path, added_at) VALUES (1, ?, 0)').run('/f')
    const insert = db.prepare(
      `INSERT INTO clips (folder_id, path, rel_dir, name, size, mtime_ms, fingerprint, status, added_at, updated_at)
       VALUES (1, ?, '', ?, 1, 0, 'x', 'ok', 0, 0)`
    )
    insert.run('/f/Holiday Beach.mp4', 'Holiday Beach.mp4')
    insert.run('/f/office.mov', 'office.mov')
    const find = (q: string) =>
      (db.prepare('SELECT rowid FROM clips_fts WHERE clips_fts MATCH ?').all(`"${q}"`) as unknown[]).length
    expect(find('beach')).toBe(1)
    db.prepare("UPDATE clips SET name = 'sunset.mp4' WHERE name = 'Holiday Beach.mp4'").run()
    expect(find('beach')).toBe(0)
    expect(find('sunset')).toBe(1)
    db.prepare("DELETE FROM clips WHERE name = 'office.mov'").run()
    expect(find('office')).toBe(0)
  })

  it('migration 30 copies existing scores\' flags and distortions to the clip rows', () => {
    const db = new Database(':memory:')
    migrate(db, 20)
    db.prepare('INSERT INTO folders (id, path, added_at) VALUES (1, ?, 0)').run('/f')
    db.prepare(
      `INSERT INTO clips (id, folder_id, path, rel_dir, name, size, mtime_ms, fingerprint, status, added_at, updated_at)
       VALUES (1, 1, '/f/a.mp4', '', 'a.mp4', 1, 0, 'x', 'ok', 0, 0), (2, 1, '/f/b.mp4', '', 'b.mp4', 1, 0, 'y', 'ok', 0, 0)`
    ).run()
    db.prepare("INSERT INTO model_versions (id, name, version, dir, manifest_json, added_at) VALUES (1, 'm', '1', '/m', '{}', 0)").run()
    const flags = JSON.stringify([{ rule: 'clip-score', message: 'low', start: 0, end: 4 }])
    db.prepare(
      `INSERT INTO clip_scores (id, clip_id, model_id, fingerprint, mode, segment_seconds, score, severities_json, summary, flags_json,
         provider, wall_ms, model_ms, scored_at) VALUES (7, 1, 1, 'x', 'full', 4, 2.1, ?, 's', ?, 'cpu', 1, 1, 0)`
    ).run(JSON.stringify({ blur: 0.2, noise: 0.8, blocking: 0.5 }), flags)
    db.prepare('UPDATE clips SET score = 2.1, score_id = 7, flagged = 1 WHERE id = 1').run()
    migrate(db, 30)
    const rows = db.prepare('SELECT id, flags_json, top_distortion, label_count FROM clips ORDER BY id').all()
    expect(rows).toEqual([
      { id: 1, flags_json: flags, top_distortion: 'noise', label_count: 0 },
      { id: 2, flags_json: '[]', top_distortion: null, label_count: 0 }
    ])
    expect(db.prepare('SELECT distortion, severity FROM clip_distortions ORDER BY distortion').all()).toEqual([
      { distortion: 'blocking', severity: 0.5 },
      { distortion: 'noise', severity: 0.8 }
    ])
  })

  it('migration 70 gives segments a place for their parts, empty for the scores before it', () => {
    const db = new Database(':memory:')
    migrate(db, 60)
    const columns = (): string[] => (db.prepare('PRAGMA table_info(segment_scores)').all() as Array<{ name: string }>).map((c) => c.name)
    expect(columns()).not.toContain('parts_json')
    migrate(db, 70)
    expect(columns()).toContain('parts_json')
  })

  it('migration 80 gives clips a colour range, unknown for those probed before it', () => {
    const db = new Database(':memory:')
    migrate(db, 70)
    db.prepare(`INSERT INTO folders (id, path, added_at) VALUES (1, '/v', 0)`).run()
    db.prepare(
      `INSERT INTO clips (folder_id, path, rel_dir, name, size, mtime_ms, fingerprint, status, added_at, updated_at)
       VALUES (1, '/v/a.mp4', '', 'a.mp4', 1, 0, 'x', 'ok', 0, 0)`
    ).run()
    migrate(db, 80)
    expect(db.prepare('SELECT color_range AS r FROM clips').get()).toEqual({ r: null })
  })

  it('refuse a catalog from a newer version and leave it untouched', () => {
    const db = new Database(':memory:')
    db.pragma(`user_version = ${LATEST_VERSION + 10}`)
    expect(() => migrate(db)).toThrow(CatalogTooNewError)
    expect(schemaVersion(db)).toBe(LATEST_VERSION + 10)
  })

  it('roll back every step when one fails', () => {
    const db = new Database(':memory:')
    db.exec('CREATE TABLE folders (x)') // collides with migration 10
    expect(() => migrate(db)).toThrow()
    expect(schemaVersion(db)).toBe(0)
    expect(db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE name = 'clips'").get()).toEqual({ n: 0 })
  })

  it('open an on-disk catalog in WAL mode, migrated', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vqa-cat-'))
    dirs.push(dir)
    const file = join(dir, 'sub', 'catalog.sqlite')
    const db = openCatalog({ file })
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal')
    expect(schemaVersion(db)).toBe(LATEST_VERSION)
    db.close()
    const again = openCatalog({ file })
    expect(schemaVersion(again)).toBe(LATEST_VERSION)
    again.close()
  })
})
