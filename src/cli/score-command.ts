/**
 * `vqa score <folder|files…>`: the main job without a display. Adds what is not in the library yet, scans it, scores
 * it, and prints the clips worst first with their flags. Exit codes: 0 all scored and none flagged, 1 some files could
 * not be read or scored, 4 all scored but some were flagged (so scripts can gate on quality).
 */
import { statSync } from 'node:fs'
import { dirname, resolve, sep } from 'node:path'
import type { Core } from '../core/api/core'
import { levelWord } from '../core/engine/explain'
import type { JobProgress } from '../shared/contract'

export interface ScoreArgs {
  targets: string[]
  /** Default: the mode chosen in Settings (full unless changed). */
  mode?: 'full' | 'fast' | undefined
  segmentSeconds?: number | undefined
  json: boolean
}

interface Row {
  id: number
  path: string
  score: number | null
  flagged: number
  score_error: string | null
  error: string | null
  status: string
  flags_json: string | null
}

export async function scoreCommand(core: Core, args: ScoreArgs, wait: (ids: number[]) => Promise<JobProgress[]>, out: NodeJS.WriteStream, err: NodeJS.WriteStream): Promise<number> {
  const folders = new Set<string>()
  const files = new Set<string>()
  for (const t of args.targets) {
    const p = resolve(t)
    let isDir: boolean
    try {
      isDir = statSync(p).isDirectory()
    } catch {
      err.write(`✗ ${t}: not found\n`)
      return 2
    }
    if (isDir) folders.add(p)
    else {
      files.add(p)
      folders.add(dirname(p))
    }
  }
  const scanJobs: number[] = []
  for (const f of folders) scanJobs.push((await core.handlers['folders.add']({ path: f })).jobId)
  const scans = await wait(scanJobs)
  const failedScan = scans.find((j) => j.state === 'failed')
  if (failedScan) {
    err.write(`✗ ${failedScan.title}: ${failedScan.error}\n`)
    return 3
  }
  const under = (path: string, dir: string): boolean => path === dir || path.startsWith(dir.endsWith(sep) ? dir : dir + sep)
  const candidates = core.db.prepare("SELECT id, path FROM clips WHERE status != 'missing'").all() as Array<{ id: number; path: string }>
  const targetFolders = [...folders].filter((f) => args.targets.some((t) => resolve(t) === f))
  const chosen = candidates.filter((c) => files.has(c.path) || targetFolders.some((f) => under(c.path, f)))
  const ids = chosen.map((c) => c.id)
  if (ids.length === 0) {
    out.write('No video files found.\n')
    return 0
  }
  const { jobId } = await core.handlers['scores.start']({ scope: 'clips', clipIds: ids, ...(args.mode ? { mode: args.mode } : {}), ...(args.segmentSeconds ? { segmentSeconds: args.segmentSeconds } : {}) })
  if (jobId !== null) {
    const [job] = await wait([jobId])
    if (job?.state === 'failed') {
      err.write(`✗ scoring failed: ${job.error}\n`)
      return 3
    }
    if (job?.state === 'cancelled') return 130
  }
  const rows = core.db
    .prepare(
      `SELECT c.id, c.path, c.score, c.flagged, c.score_error, c.error, c.status, s.flags_json FROM clips c
       LEFT JOIN clip_scores s ON s.id = c.score_id WHERE c.id IN (${ids.map(() => '?').join(',')})
       ORDER BY c.score IS NULL DESC, c.score ASC, c.path`
    )
    .all(...ids) as Row[]
  if (args.json) {
    out.write(
      `${JSON.stringify(
        rows.map((r) => ({ path: r.path, score: r.score, level: r.score === null ? null : levelWord(r.score), flags: r.flags_json ? JSON.parse(r.flags_json) : [], error: r.score_error ?? r.error })),
        null,
        2
      )}\n`
    )
  } else {
    out.write(`\n${'score'.padStart(5)}  ${'level'.padEnd(9)}  clip\n`)
    for (const r of rows) {
      const problem = r.status !== 'ok' ? r.error : r.score_error
      if (problem) {
        out.write(`${'—'.padStart(5)}  ${'error'.padEnd(9)}  ${r.path}\n${' '.repeat(18)}${problem}\n`)
        continue
      }
      out.write(`${r.score!.toFixed(2).padStart(5)}  ${levelWord(r.score!).padEnd(9)}  ${r.path}\n`)
      for (const f of (r.flags_json ? (JSON.parse(r.flags_json) as Array<{ message: string }>) : [])) out.write(`${' '.repeat(18)}⚑ ${f.message}\n`)
    }
    const flagged = rows.filter((r) => r.flagged).length
    const failed = rows.filter((r) => r.score_error || r.status !== 'ok').length
    out.write(`\n${rows.length - failed} scored, ${flagged} flagged, ${failed} could not be scored\n`)
  }
  if (rows.some((r) => r.score_error || r.status !== 'ok')) return 1
  return rows.some((r) => r.flagged) ? 4 : 0
}
