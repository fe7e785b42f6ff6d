/**
 * Issue #2's benchmarks.
 *  1. Import a folder of 1,000 small generated clips (made by one ffmpeg run with the segment muxer): files/s,
 *     first scan and a rescan with nothing changed.
 *  2. The library table's queries on a seeded catalog of 100,000 clips: p50/p95 for sort, filter and search,
 *     and whether each query plan uses an index.
 */
import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { availableParallelism } from 'node:os'
import { queryTable, tableSql, type TableQuery } from '../src/core/catalog/clips'
import { openCatalog } from '../src/core/catalog/database'
import { insertFolder } from '../src/core/catalog/folders'
import { locateFfmpeg } from '../src/core/media/locate'
import { scanFolder } from '../src/core/library/scan'
import { SortKey } from '../src/shared/contract'

export interface BenchLine {
  name: string
  value: string
  note?: string
}

function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? NaN
}

export async function benchImport(n = 1000): Promise<BenchLine[]> {
  const tools = locateFfmpeg()
  const dir = mkdtempSync(join(tmpdir(), 'vqa-bench-import-'))
  try {
    const clips = join(dir, 'clips')
    mkdirSync(clips)
    const seg = 0.2
    execFileSync(tools.ffmpeg, [
      '-hide_banner', '-loglevel', 'error', '-f', 'lavfi', '-i', `testsrc2=s=160x90:r=25`, '-t', String(n * seg),
      '-c:v', 'libx264', '-preset', 'ultrafast', '-g', '5', '-f', 'segment', '-segment_time', String(seg),
      '-reset_timestamps', '1', join(clips, 'clip%04d.mp4')
    ])
    const count = readdirSync(clips).length
    const db = openCatalog({ file: join(dir, 'catalog.sqlite') })
    const folder = { id: insertFolder(db, clips), path: clips }
    const concurrency = Math.min(8, Math.max(2, availableParallelism() * 2))
    const t0 = performance.now()
    const first = await scanFolder(db, folder, { ffprobe: tools.ffprobe, concurrency })
    const t1 = performance.now()
    const again = await scanFolder(db, folder, { ffprobe: tools.ffprobe, concurrency })
    const t2 = performance.now()
    db.close()
    return [
      { name: 'import: files', value: String(count), note: `${first.added} added, ${first.errors} errors` },
      { name: 'import: first scan', value: `${(count / ((t1 - t0) / 1000)).toFixed(1)} files/s`, note: `${((t1 - t0) / 1000).toFixed(2)} s, ffprobe ${tools.ffprobe}` },
      { name: 'import: rescan, nothing changed', value: `${(count / ((t2 - t1) / 1000)).toFixed(0)} files/s`, note: `${again.unchanged} unchanged` }
    ]
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

export function benchQueries(rows = 100_000): BenchLine[] {
  const dir = mkdtempSync(join(tmpdir(), 'vqa-bench-query-'))
  try {
    const db = openCatalog({ file: join(dir, 'catalog.sqlite') })
    const folders = Array.from({ length: 20 }, (_, i) => insertFolder(db, `/footage/project-${i}`))
    const codecs = ['h264', 'hevc', 'vp9', 'prores', 'av1', 'mpeg2video']
    const words = ['interview', 'broll', 'drone', 'street', 'beach', 'office', 'sunset', 'night', 'crowd', 'studio']
    let seed = 42
    const rnd = (): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31)
    const insert = db.prepare(
      `INSERT INTO clips (folder_id, path, rel_dir, name, size, mtime_ms, fingerprint, status, error, duration, width, height,
         display_width, display_height, pixels, fps, codec, added_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
    )
    const t0 = performance.now()
    db.transaction(() => {
      for (let i = 0; i < rows; i++) {
        const f = folders[i % folders.length]!
        const dirName = `day-${Math.floor(rnd() * 30)}/cam-${Math.floor(rnd() * 4)}`
        const name = `${words[Math.floor(rnd() * words.length)]}_${i.toString(36)}_${Math.floor(rnd() * 1e6)}.mp4`
        const error = rnd() < 0.03
        const [w, h] = ([[1920, 1080], [3840, 2160], [1280, 720], [640, 360]] as const)[Math.floor(rnd() * 4)]!
        insert.run(f, `/footage/project-${f}/${dirName}/${name}`, dirName, name, Math.floor(rnd() * 5e9), Date.now() - i * 1000,
          `fp${i}`, error ? 'error' : 'ok', error ? 'Truncated' : null, error ? null : rnd() * 3600, w, h, w, h, w * h, 25,
          codecs[Math.floor(rnd() * codecs.length)], Date.now() - i, Date.now())
      }
    })()
    // Scores, flags, distortions and review state as a scored and partly reviewed library has them.
    const distortions = ['blur', 'noise', 'blocking', 'banding', 'black', 'freeze', 'color_cast']
    const setScore = db.prepare("UPDATE clips SET score = ?, flagged = ?, flags_json = ?, top_distortion = ?, review = ?, label_count = ? WHERE id = ?")
    const addDist = db.prepare('INSERT INTO clip_distortions (clip_id, distortion, severity) VALUES (?, ?, ?)')
    db.transaction(() => {
      for (let id = 1; id <= rows; id++) {
        if (rnd() < 0.05) continue // not scored yet
        const score = 1 + rnd() * 4
        const flagged = score < 2.8 ? 1 : 0
        const d = rnd() < 0.3 ? distortions[Math.floor(rnd() * distortions.length)]! : null
        if (d) addDist.run(id, d, 0.3 + rnd() * 0.7)
        const review = flagged && rnd() < 0.2 ? (rnd() < 0.5 ? 'accepted' : 'rejected') : null
        setScore.run(score, flagged, flagged ? '[{"rule":"clip-score","message":"low","start":0,"end":4}]' : '[]', d, review, review ? 1 : 0, id)
      }
    })()
    const seeded = performance.now() - t0
    db.exec('ANALYZE')

    const timeQuery = (q: Partial<TableQuery>): number => {
      const full: TableQuery = { offset: 0, limit: 100, sort: 'name', direction: 'asc', ...q }
      const s = performance.now()
      queryTable(db, full)
      return performance.now() - s
    }
    const usesIndex = (q: Partial<TableQuery>): boolean => {
      const { pageSql, params } = tableSql({ offset: 0, limit: 100, sort: 'name', direction: 'asc', ...q })
      const plan = (db.prepare(`EXPLAIN QUERY PLAN ${pageSql}`).all(...params, 100, 0) as Array<{ detail: string }>).map((r) => r.detail).join(' | ')
      return /INDEX/.test(plan) && !/SCAN clips (?!USING)/.test(plan)
    }
    const cases: Record<string, Array<Partial<TableQuery>>> = { sort: [], filter: [], 'review filter': [], search: [] }
    for (let i = 0; i < 200; i++) {
      const sort = SortKey.options[i % SortKey.options.length]!
      const offset = Math.floor(rnd() * (rows - 100))
      cases['sort']!.push({ sort, direction: i % 2 ? 'desc' : 'asc', offset })
      const folderId = folders[Math.floor(rnd() * folders.length)]!
      const filters: Array<Partial<TableQuery>> = [
        { folderId },
        { folderId, dir: `day-${Math.floor(rnd() * 30)}` },
        { status: 'error' },
        { codec: codecs[Math.floor(rnd() * codecs.length)]! }
      ]
      cases['filter']!.push({ ...filters[i % filters.length]!, sort, direction: i % 2 ? 'desc' : 'asc', offset: Math.floor(rnd() * 100) })
      const review: Array<Partial<TableQuery>> = [
        { flagged: true },
        { scoreMin: 1.5, scoreMax: 2.4999 },
        { distortion: distortions[i % distortions.length]! },
        { labelState: 'unlabelled' },
        { labelState: 'rejected' },
        { flagged: true, labelState: 'unlabelled', folderId }
      ]
      cases['review filter']!.push({ ...review[i % review.length]!, sort: i % 3 ? 'score' : sort, direction: i % 2 ? 'desc' : 'asc', offset: Math.floor(rnd() * 100) })
      const term = [words[i % words.length]!, `_${Math.floor(rnd() * 1000).toString(36)}`, 'cam-2', 'x'][i % 4]!
      cases['search']!.push({ search: term, sort, offset: 0 })
    }
    const lines: BenchLine[] = [{ name: 'query: seeded catalog', value: `${rows} clips`, note: `seeded in ${(seeded / 1000).toFixed(1)} s` }]
    for (const [kind, qs] of Object.entries(cases)) {
      for (const q of qs.slice(0, 10)) timeQuery(q) // warm the page cache, as a running app has it
      const times = qs.map(timeQuery)
      const indexed = qs.filter(usesIndex).length
      lines.push({
        name: `query: ${kind}`,
        value: `p95 ${percentile(times, 95).toFixed(1)} ms`,
        note: `p50 ${percentile(times, 50).toFixed(1)} ms, max ${Math.max(...times).toFixed(1)} ms, ${indexed}/${qs.length} plans use an index`
      })
    }
    db.close()
    return lines
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}
