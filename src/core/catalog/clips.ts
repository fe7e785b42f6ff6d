/**
 * Clip rows: writes from the scanner, reads for the library table. The table's query is built from a whitelist
 * of sort columns and bound parameters only; every sort has an index (see migration 10).
 */
import type { ClipRow, ClipStatus, SortKey, TreeNode } from '../../shared/contract'
import type { MediaInfo, AudioInfo } from '../media/probe'
import type { Db } from './database'

export interface ClipFileFacts {
  folderId: number
  path: string
  relDir: string
  name: string
  size: number
  mtimeMs: number
  fingerprint: string
}

export interface StoredClip
  extends ClipRow,
    Pick<
      MediaInfo,
      | 'container'
      | 'profile'
      | 'pixelFormat'
      | 'bitDepth'
      | 'chromaSubsampling'
      | 'colorTransfer'
      | 'colorPrimaries'
      | 'colorRange'
      | 'hdr'
      | 'rotation'
      | 'variableFrameRate'
      | 'frameCount'
      | 'bitrate'
      | 'interlaced'
      | 'audio'
    > {
  path: string
  fingerprint: string
  probedAt: number | null
}

const ROW_COLUMNS = `id, folder_id AS folderId, name, rel_dir AS relDir, status, error, duration, width, height,
  display_width AS displayWidth, display_height AS displayHeight, codec, fps, size, mtime_ms AS mtimeMs, added_at AS addedAt,
  score, flagged, flags_json, score_error AS scoreError, top_distortion AS topDistortion, review, label_score AS labelScore,
  label_count AS labelCount`

type RawRow = Omit<ClipRow, 'flagged' | 'flags'> & { flagged: number; flags_json: string }

/** SQLite's integers and JSON text to the row the contract describes. */
export function toClipRow(r: RawRow): ClipRow {
  const { flagged, flags_json, ...rest } = r
  return { ...rest, flagged: flagged === 1, flags: JSON.parse(flags_json) as ClipRow['flags'] }
}

const DETAIL_COLUMNS = `${ROW_COLUMNS}, path, fingerprint, container, profile, pix_fmt AS pixelFormat, bit_depth AS bitDepth,
  chroma AS chromaSubsampling, color_transfer AS colorTransfer, color_primaries AS colorPrimaries, color_range AS colorRange, hdr, rotation,
  vfr, frame_count AS frameCount, bitrate, interlaced, audio_json, probed_at AS probedAt`

type DetailRow = Omit<StoredClip, 'variableFrameRate' | 'interlaced' | 'audio' | 'flagged' | 'flags'> & {
  vfr: number
  interlaced: number | null
  audio_json: string
  flagged: number
  flags_json: string
}

function toStored(r: DetailRow): StoredClip {
  const { vfr, interlaced, audio_json, flagged, flags_json, ...rest } = r
  return {
    ...rest,
    flagged: flagged === 1,
    flags: JSON.parse(flags_json) as ClipRow['flags'],
    variableFrameRate: vfr === 1,
    interlaced: interlaced === null ? null : interlaced === 1,
    audio: JSON.parse(audio_json) as AudioInfo[]
  }
}

export function getClip(db: Db, id: number): StoredClip | undefined {
  const r = db.prepare(`SELECT ${DETAIL_COLUMNS} FROM clips WHERE id = ?`).get(id) as DetailRow | undefined
  return r && toStored(r)
}

export interface KnownFile {
  id: number
  path: string
  size: number
  mtimeMs: number
  fingerprint: string
  status: ClipStatus
}

export function knownFilesInFolder(db: Db, folderId: number): KnownFile[] {
  return db
    .prepare('SELECT id, path, size, mtime_ms AS mtimeMs, fingerprint, status FROM clips WHERE folder_id = ?')
    .all(folderId) as KnownFile[]
}

export function clipsWithFingerprint(db: Db, fingerprint: string): Array<KnownFile & { folderPath: string }> {
  return db
    .prepare(
      `SELECT c.id, c.path, c.size, c.mtime_ms AS mtimeMs, c.fingerprint, c.status, f.path AS folderPath
       FROM clips c JOIN folders f ON f.id = c.folder_id WHERE c.fingerprint = ?`
    )
    .all(fingerprint) as Array<KnownFile & { folderPath: string }>
}

function mediaParams(info: MediaInfo | null) {
  return {
    container: info?.container ?? null,
    duration: info?.duration ?? null,
    width: info?.width ?? null,
    height: info?.height ?? null,
    display_width: info?.displayWidth ?? null,
    display_height: info?.displayHeight ?? null,
    pixels: info ? info.width * info.height : null,
    rotation: info?.rotation ?? 0,
    fps: info?.fps ?? null,
    vfr: info?.variableFrameRate ? 1 : 0,
    frame_count: info?.frameCount ?? null,
    codec: info?.codec ?? null,
    profile: info?.profile ?? null,
    pix_fmt: info?.pixelFormat ?? null,
    bit_depth: info?.bitDepth ?? null,
    chroma: info?.chromaSubsampling ?? null,
    color_transfer: info?.colorTransfer ?? null,
    color_primaries: info?.colorPrimaries ?? null,
    color_range: info?.colorRange ?? null,
    hdr: info?.hdr ?? null,
    interlaced: info?.interlaced === null || info?.interlaced === undefined ? null : info.interlaced ? 1 : 0,
    bitrate: info?.bitrate ?? null,
    audio_json: JSON.stringify(info?.audio ?? []),
    audio_count: info?.audio.length ?? 0
  }
}

const MEDIA_SET = `container = @container, duration = @duration, width = @width, height = @height,
  display_width = @display_width, display_height = @display_height, pixels = @pixels, rotation = @rotation, fps = @fps,
  vfr = @vfr, frame_count = @frame_count, codec = @codec, profile = @profile, pix_fmt = @pix_fmt, bit_depth = @bit_depth,
  chroma = @chroma, color_transfer = @color_transfer, color_primaries = @color_primaries, color_range = @color_range, hdr = @hdr,
  interlaced = @interlaced, bitrate = @bitrate, audio_json = @audio_json, audio_count = @audio_count`

/** Inserts or replaces what is known about the file at `facts.path`; returns the clip id. */
export function upsertProbed(
  db: Db,
  facts: ClipFileFacts,
  outcome: { info: MediaInfo } | { error: string },
  now = Date.now()
): number {
  const info = 'info' in outcome ? outcome.info : null
  const params = {
    folder_id: facts.folderId,
    path: facts.path,
    rel_dir: facts.relDir,
    name: facts.name,
    size: facts.size,
    mtime_ms: Math.round(facts.mtimeMs),
    fingerprint: facts.fingerprint,
    status: info ? 'ok' : 'error',
    error: 'error' in outcome ? outcome.error : null,
    now,
    ...mediaParams(info)
  }
  // One statement: another process (the CLI beside the app) may insert the same path between a SELECT and an INSERT.
  const row = db
    .prepare(
      `INSERT INTO clips (folder_id, path, rel_dir, name, size, mtime_ms, fingerprint, status, error, added_at, updated_at,
         probed_at, container, duration, width, height, display_width, display_height, pixels, rotation, fps, vfr,
         frame_count, codec, profile, pix_fmt, bit_depth, chroma, color_transfer, color_primaries, color_range, hdr, interlaced,
         bitrate, audio_json, audio_count)
       VALUES (@folder_id, @path, @rel_dir, @name, @size, @mtime_ms, @fingerprint, @status, @error, @now, @now, @now,
         @container, @duration, @width, @height, @display_width, @display_height, @pixels, @rotation, @fps, @vfr,
         @frame_count, @codec, @profile, @pix_fmt, @bit_depth, @chroma, @color_transfer, @color_primaries, @color_range, @hdr,
         @interlaced, @bitrate, @audio_json, @audio_count)
       ON CONFLICT(path) DO UPDATE SET folder_id = @folder_id, rel_dir = @rel_dir, name = @name, size = @size,
         mtime_ms = @mtime_ms, fingerprint = @fingerprint, status = @status, error = @error, updated_at = @now,
         probed_at = @now, ${MEDIA_SET}
       RETURNING id`
    )
    .get(params) as { id: number }
  return row.id
}

/** A file we already know turned up under another path: keep its id (and later its scores and labels). */
export function moveClip(db: Db, id: number, facts: ClipFileFacts, now = Date.now()): void {
  db.prepare(
    `UPDATE clips SET folder_id = ?, path = ?, rel_dir = ?, name = ?, size = ?, mtime_ms = ?,
       status = CASE WHEN status = 'missing' THEN CASE WHEN error IS NULL THEN 'ok' ELSE 'error' END ELSE status END,
       updated_at = ?
     WHERE id = ?`
  ).run(facts.folderId, facts.path, facts.relDir, facts.name, facts.size, Math.round(facts.mtimeMs), now, id)
}

/** Same content, new mtime (touched, copied back): no need to probe again. */
export function touchClip(db: Db, id: number, mtimeMs: number, now = Date.now()): void {
  db.prepare('UPDATE clips SET mtime_ms = ?, updated_at = ? WHERE id = ?').run(Math.round(mtimeMs), now, id)
}

export function markMissing(db: Db, ids: number[], now = Date.now()): void {
  const stmt = db.prepare("UPDATE clips SET status = 'missing', updated_at = ? WHERE id = ?")
  for (const id of ids) stmt.run(now, id)
}

export function restoreFromMissing(db: Db, id: number, now = Date.now()): void {
  db.prepare(
    "UPDATE clips SET status = CASE WHEN error IS NULL THEN 'ok' ELSE 'error' END, updated_at = ? WHERE id = ? AND status = 'missing'"
  ).run(now, id)
}

// ---------- the library table ----------

const SORT_COLUMN: Record<SortKey, string> = {
  name: 'name',
  duration: 'duration',
  resolution: 'pixels',
  codec: 'codec',
  status: 'status',
  size: 'size',
  addedAt: 'added_at',
  mtime: 'mtime_ms',
  score: 'score'
}

export interface TableQuery {
  offset: number
  limit: number
  sort: SortKey
  direction: 'asc' | 'desc'
  folderId?: number | undefined
  dir?: string | undefined
  status?: ClipStatus | undefined
  codec?: string | undefined
  search?: string | undefined
  flagged?: boolean | undefined
  scored?: boolean | undefined
  scoreMin?: number | undefined
  scoreMax?: number | undefined
  distortion?: string | undefined
  modelId?: number | undefined
  labelState?: 'labelled' | 'unlabelled' | 'accepted' | 'rejected' | undefined
}

/** Pure: a LIKE pattern (with ESCAPE '\\') matching text that contains `text` literally, '%' and '_' included. */
export function containsPattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`
}

/** Pure: the WHERE clause and its parameters. Exported so tests can check query plans. */
export function buildWhere(
  q: Omit<TableQuery, 'offset' | 'limit' | 'sort' | 'direction'>,
  purpose: 'count' | 'page' = 'count'
): { sql: string; params: unknown[] } {
  const where: string[] = []
  const params: unknown[] = []
  if (q.folderId !== undefined) {
    where.push('folder_id = ?')
    params.push(q.folderId)
    if (q.dir) {
      // The dir itself and everything below it. A range on rel_dir (not LIKE) so '%' and '_' in names are literal
      // and the (folder_id, rel_dir) index is used.
      where.push('(rel_dir = ? OR (rel_dir >= ? AND rel_dir < ?))')
      params.push(q.dir, `${q.dir}/`, `${q.dir}0`) // '0' sorts right after '/'
    }
  }
  if (q.status) {
    where.push('status = ?')
    params.push(q.status)
  } else {
    // Missing files are history, not library content, unless asked for.
    where.push("status != 'missing'")
  }
  if (q.codec) {
    where.push('codec = ?')
    params.push(q.codec)
  }
  if (q.flagged !== undefined) where.push(q.flagged ? 'flagged = 1' : 'flagged = 0')
  if (q.scored !== undefined) where.push(q.scored ? 'score IS NOT NULL' : 'score IS NULL')
  if (q.scoreMin !== undefined) {
    where.push('score >= ?')
    params.push(q.scoreMin)
  }
  if (q.scoreMax !== undefined) {
    where.push('score <= ?')
    params.push(q.scoreMax)
  }
  if (q.distortion) {
    where.push('id IN (SELECT clip_id FROM clip_distortions WHERE distortion = ?)')
    params.push(q.distortion)
  }
  if (q.modelId !== undefined) {
    where.push('score_id IN (SELECT id FROM clip_scores WHERE model_id = ?)')
    params.push(q.modelId)
  }
  switch (q.labelState) {
    case 'labelled':
      where.push('label_count > 0')
      break
    case 'unlabelled':
      where.push('label_count = 0')
      break
    case 'accepted':
    case 'rejected':
      where.push('review = ?')
      params.push(q.labelState)
      break
  }
  const search = q.search?.trim()
  if (search) {
    if ([...search].length >= 3) {
      // For a page, '+id' stops the planner from fetching every match by rowid and sorting them all: it walks the
      // sort index instead and stops after one page, which keeps common terms (thousands of matches) fast. A count
      // has to visit every match anyway, so it keeps the rowid lookups.
      where.push(`${purpose === 'page' ? '+id' : 'id'} IN (SELECT rowid FROM clips_fts WHERE clips_fts MATCH ?)`)
      params.push(`"${search.replace(/"/g, '""')}"`)
    } else {
      // The trigram index needs three characters; one or two are matched by a scan, which is quick at this size.
      where.push("(name LIKE ? ESCAPE '\\' OR rel_dir LIKE ? ESCAPE '\\')")
      const like = containsPattern(search)
      params.push(like, like)
    }
  }
  return { sql: where.length ? `WHERE ${where.join(' AND ')}` : '', params }
}

export function tableSql(q: TableQuery): { sql: string; pageSql: string; countSql: string; params: unknown[] } {
  const { sql: where, params } = buildWhere(q, 'page')
  const { sql: countWhere } = buildWhere(q, 'count')
  const col = SORT_COLUMN[q.sort]
  const dir = q.direction === 'desc' ? 'DESC' : 'ASC'
  // id breaks ties so paging is stable. NULLs (broken files) keep SQLite's order (first when ascending): asking for
  // "NULLS LAST" would stop the index from serving the sort, and 100,000 rows would be sorted on every scroll.
  const order = `ORDER BY ${col} ${dir}, id ${dir}`
  return {
    // A "deferred join": the inner query walks only the sort index to skip OFFSET rows (the index holds the sort
    // column, status and rowid, so it never touches the table), and the outer one reads just the page's rows.
    // Without it a page 50,000 rows deep cost ~80 ms on 100,000 clips; with it a few.
    sql: `SELECT ${ROW_COLUMNS} FROM clips WHERE id IN (SELECT id FROM clips ${where} ${order} LIMIT ? OFFSET ?) ${order}`,
    pageSql: `SELECT id FROM clips ${where} ${order} LIMIT ? OFFSET ?`,
    countSql: `SELECT count(*) AS n FROM clips ${countWhere}`,
    params
  }
}

export function queryTable(db: Db, q: TableQuery): { total: number; rows: ClipRow[] } {
  const { sql, countSql, params } = tableSql(q)
  const total = (db.prepare(countSql).get(...params) as { n: number }).n
  const rows = (db.prepare(sql).all(...params, q.limit, q.offset) as RawRow[]).map(toClipRow)
  return { total, rows }
}

export function folderTree(db: Db): TreeNode[] {
  return db
    .prepare(
      `SELECT folder_id AS folderId, rel_dir AS dir, count(*) AS clipCount FROM clips
       WHERE status != 'missing' GROUP BY folder_id, rel_dir ORDER BY folder_id, rel_dir`
    )
    .all() as TreeNode[]
}

export function distinctCodecs(db: Db): string[] {
  return (db.prepare("SELECT DISTINCT codec FROM clips WHERE codec IS NOT NULL ORDER BY codec").all() as Array<{ codec: string }>).map(
    (r) => r.codec
  )
}
