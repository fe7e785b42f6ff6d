// Integration: the core as the hosts use it, on a real on-disk catalog and real clips.
import { spawn } from 'node:child_process'
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { JobProgress } from '../../shared/contract'
import { makeClip } from '../testing/media-fixtures'
import { killWhen } from '../testing/child-events'
import { createCore, isInside } from './core'

let dir: string
let folder: string
const N = 60

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'vqa-core-'))
  folder = join(dir, 'footage')
  mkdirSync(folder)
  // Sixty files from three real clips: copies share a fingerprint, which the scanner must still catalogue as
  // separate clips (a copy is not a move while the original is still there).
  const seeds = await Promise.all([0, 1, 2].map((i) => makeClip(join(dir, `seed${i}.mp4`), { seconds: 0.4 + i * 0.2 })))
  for (let i = 0; i < N; i++) {
    const sub = join(folder, `cam${i % 6}`)
    mkdirSync(sub, { recursive: true })
    copyFileSync(seeds[i % seeds.length]!, join(sub, `take ${i}.mp4`))
  }
})

afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('core', () => {
  it('resumes a scan killed with SIGKILL and catalogues every clip exactly once', async () => {
    const dataDir = join(dir, 'data-crash')
    const child = spawn(process.execPath, ['--import', 'tsx', join(__dirname, '..', 'testing', 'core-child.ts'), dataDir, folder], {
      stdio: ['ignore', 'pipe', 'inherit']
    })
    // Kill once a third of the files are done: mid-job, with rows written.
    await killWhen(child, (p) => p.phase === 'Reading metadata' && p.done >= N / 3)

    const core = createCore({ dataDir, host: 'cli', version: 'test' })
    try {
      const before = (core.db.prepare('SELECT count(*) AS n FROM clips').get() as { n: number }).n
      expect(before).toBeGreaterThan(0)
      expect(before).toBeLessThan(N)
      await core.jobs.idle()
      const jobs = await core.handlers['jobs.list']({})
      expect(jobs).toHaveLength(1)
      expect(jobs[0]?.state).toBe('done')
      const rows = core.db.prepare("SELECT path, count(*) AS n FROM clips GROUP BY path HAVING n > 1").all()
      expect(rows).toEqual([])
      expect((core.db.prepare("SELECT count(*) AS n FROM clips WHERE status = 'ok'").get() as { n: number }).n).toBe(N)
    } finally {
      await core.close()
    }
  })

  it('cancels a scan on request and keeps what it had done', async () => {
    const core = createCore({ dataDir: join(dir, 'data-cancel'), host: 'cli', version: 'test', scanConcurrency: 1 })
    try {
      let first: number | null = null
      const cancelled = new Promise<JobProgress>((resolve) => {
        core.subscribe((event, payload) => {
          const p = payload as JobProgress
          if (event !== 'jobs.onProgress') return
          if (first === null) first = p.id
          if (p.id !== first) return
          if (p.state === 'running' && p.done >= 5) void core.handlers['jobs.cancel']({ id: p.id })
          if (p.state === 'cancelled') resolve(p)
        })
      })
      await core.handlers['folders.add']({ path: folder })
      const p = await cancelled
      expect(p.phase).toBe('Cancelled')
      const n = (core.db.prepare('SELECT count(*) AS n FROM clips').get() as { n: number }).n
      expect(n).toBeGreaterThanOrEqual(5)
      expect(n).toBeLessThan(N)
      // A rescan finishes the job.
      await core.handlers['folders.rescan']({})
      await core.jobs.idle()
      expect((core.db.prepare('SELECT count(*) AS n FROM clips').get() as { n: number }).n).toBe(N)
    } finally {
      await core.close()
    }
  })

  it('folds a catalogued sub-folder into a parent folder added later, keeping clip ids', async () => {
    const core = createCore({ dataDir: join(dir, 'data-nest'), host: 'cli', version: 'test' })
    try {
      const inner = await core.handlers['folders.add']({ path: join(folder, 'cam1') })
      await core.jobs.idle()
      const ids = (core.db.prepare('SELECT id FROM clips ORDER BY id').all() as Array<{ id: number }>).map((r) => r.id)
      const outer = await core.handlers['folders.add']({ path: folder })
      expect(outer.folder.id).not.toBe(inner.folder.id)
      await core.jobs.idle()
      const folders = await core.handlers['folders.list']({})
      expect(folders.map((f) => f.path)).toEqual([folder])
      const kept = core.db.prepare(`SELECT id, rel_dir AS relDir FROM clips WHERE id IN (${ids.join(',')})`).all() as Array<{ relDir: string }>
      expect(kept).toHaveLength(ids.length)
      expect(new Set(kept.map((k) => k.relDir))).toEqual(new Set(['cam1']))
      // Adding a folder inside a catalogued one rescans the parent instead of duplicating.
      const again = await core.handlers['folders.add']({ path: join(folder, 'cam2') })
      expect(again.folder.id).toBe(outer.folder.id)
      await expect(core.handlers['folders.add']({ path: join(folder, 'cam1', 'take 1.mp4') })).rejects.toThrow(/not a folder/)
    } finally {
      await core.close()
    }
  })

  it('knows when a path is inside another', () => {
    expect(isInside('/a/b', '/a/b')).toBe(true)
    expect(isInside('/a/b', '/a/b/c')).toBe(true)
    expect(isInside('/a/b', '/a/bc')).toBe(false)
    expect(isInside('/a/b', '/a')).toBe(false)
    expect(isInside('/a/b', '/a/b/..hidden')).toBe(true)
  })
})
