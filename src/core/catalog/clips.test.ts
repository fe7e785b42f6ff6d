import Database from 'better-sqlite3'
import { beforeAll, describe, expect, it } from 'vitest'
import { SortKey } from '../../shared/contract'
import { buildWhere, queryTable, tableSql, upsertProbed } from './clips'
import { migrate } from './migrations'

function plan(db: Database.Database, sql: string, params: unknown[]): string {
  return (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as Array<{ detail: string }>).map((r) => r.detail).join('\n')
}

describe('library table queries', () => {
  const db = new Database(':memory:')
  beforeAll(() => {
    migrate(db)
    db.prepare('INSERT INTO folders (id, path, added_at) VALUES (1, ?, 0), (2, ?, 0)').run('/a', '/b')
    const names = ['beach.mp4', 'Alpha.mov', 'zebra 100%.mkv', 'b_roll.mp4', 'city.mp4']
    names.forEach((name, i) => {
      upsertProbed(
        db,
        { folderId: i < 3 ? 1 : 2, path: `/x/${i}/${name}`, relDir: i === 1 ? 'day1/cam' : i === 2 ? 'day1' : '', name, size: 100 + i, mtimeMs: i, fingerprint: `f${i}` },
        i === 4
          ? { error: 'broken' }
          : {
              info: {
                container: 'MP4/MOV', duration: 10 - i, width: 100 * (i + 1), height: 100, displayWidth: 100 * (i + 1), displayHeight: 100,
                rotation: 0, fps: 25, variableFrameRate: false, frameCount: null, codec: i % 2 ? 'hevc' : 'h264', profile: null,
                pixelFormat: 'yuv420p', bitDepth: 8, chromaSubsampling: '4:2:0', colorTransfer: null, colorPrimaries: null, colorRange: 'tv', hdr: null,
                interlaced: false, bitrate: null, audio: []
              }
            }
      )
    })
  })

  const q = (extra: object) => queryTable(db, { offset: 0, limit: 100, sort: 'name', direction: 'asc', ...extra })

  it('sorts by name case-insensitively and pages stably', () => {
    expect(q({}).rows.map((r) => r.name)).toEqual(['Alpha.mov', 'b_roll.mp4', 'beach.mp4', 'city.mp4', 'zebra 100%.mkv'])
    expect(q({ direction: 'desc', limit: 2, offset: 1 }).rows.map((r) => r.name)).toEqual(['city.mp4', 'beach.mp4'])
  })

  it('filters by folder and sub-folder (including everything below it)', () => {
    expect(q({ folderId: 1 }).total).toBe(3)
    expect(q({ folderId: 1, dir: 'day1' }).rows.map((r) => r.name).sort()).toEqual(['Alpha.mov', 'zebra 100%.mkv'])
    expect(q({ folderId: 1, dir: 'day1/cam' }).rows.map((r) => r.name)).toEqual(['Alpha.mov'])
  })

  it('searches substrings with the trigram index, and short or special strings literally', () => {
    expect(q({ search: 'each' }).rows.map((r) => r.name)).toEqual(['beach.mp4'])
    expect(q({ search: 'DAY1' }).total).toBe(2) // matches the folder path too
    expect(q({ search: '%' }).rows.map((r) => r.name)).toEqual(['zebra 100%.mkv'])
    expect(q({ search: 'b_' }).rows.map((r) => r.name)).toEqual(['b_roll.mp4'])
    expect(q({ search: '"x' }).total).toBe(0)
  })

  it('filters by status and codec', () => {
    expect(q({ status: 'error' }).rows.map((r) => r.name)).toEqual(['city.mp4'])
    expect(q({ codec: 'hevc' }).total).toBe(2)
  })

  it.each(SortKey.options)('uses an index for sort %s (no temp b-tree over the whole table)', (sort) => {
    for (const direction of ['asc', 'desc'] as const) {
      // The page's ids come from the sort index alone; the outer query then reads only those rows.
      const { pageSql, params } = tableSql({ offset: 0, limit: 100, sort, direction })
      const p = plan(db, pageSql, [...params, 100, 0])
      expect(p).toMatch(/COVERING INDEX/)
      expect(p).toMatch(/USING (COVERING )?INDEX/)
      expect(p).not.toMatch(/USE TEMP B-TREE FOR ORDER BY/)
    }
  })

  it('uses the folder index for folder filters and the FTS index for search', () => {
    const folder = tableSql({ offset: 0, limit: 100, sort: 'name', direction: 'asc', folderId: 1, dir: 'day1' })
    expect(plan(db, folder.countSql, folder.params)).toMatch(/INDEX clips_folder/)
    const search = buildWhere({ search: 'beach' })
    expect(plan(db, `SELECT count(*) FROM clips ${search.sql}`, search.params)).toMatch(/VIRTUAL TABLE INDEX/)
  })
})
