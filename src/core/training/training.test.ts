// Integration: fine-tuning through the core as a host runs it — real clips scored by the built-in pack into an on-disk
// catalog, labels by a "user" with a taste of their own, a training job in a worker process, the new pack version
// written, loadable, activatable, and its record with before/after numbers and curves.
import { execFileSync, spawn } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { JobProgress, TrainingRun } from '../../shared/contract'
import { createCore, type Core } from '../api/core'
import { builtinPackDir } from '../engine/builtin'
import { locateFfmpeg } from '../media/locate'
import { killWhen } from '../testing/child-events'

const { ffmpeg } = locateFfmpeg()
let dir: string
let core: Core
const N = 26

function finished(c: Core, kind: JobProgress['kind']): Promise<JobProgress> {
  return new Promise((resolve) => {
    const off = c.subscribe((event, payload) => {
      const p = payload as JobProgress
      if (event === 'jobs.onProgress' && p.kind === kind && ['done', 'failed', 'cancelled'].includes(p.state)) {
        off()
        resolve(p)
      }
    })
  })
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'vqa-train-'))
  mkdirSync(join(dir, 'lib'))
  // Noise and blur at graded strengths; this user minds noise and does not notice blur.
  for (let i = 0; i < N; i++) {
    const noise = (i % 6) * 12
    const blur = Math.floor(i / 6) % 4
    const vf = [`noise=alls=${noise}:allf=t`, blur ? `boxblur=${blur * 2}` : 'null'].join(',')
    execFileSync(ffmpeg, ['-hide_banner', '-loglevel', 'error', '-f', 'lavfi', '-i', 'testsrc2=s=192x108:r=25', '-vf', vf, '-t', '2', '-c:v', 'libx264', '-crf', '16', '-pix_fmt', 'yuv420p', join(dir, 'lib', `n${noise}-b${blur}-${i}.mp4`)])
  }
  core = createCore({ dataDir: join(dir, 'data'), host: 'cli', version: 'test' })
  const scanned = finished(core, 'scan')
  await core.handlers['folders.add']({ path: join(dir, 'lib') })
  await scanned
  const scored = finished(core, 'score')
  await core.handlers['scores.start']({ scope: 'unscored', mode: 'full', segmentSeconds: 1 })
  expect((await scored).state).toBe('done')
}, 240_000)

afterAll(async () => {
  await core?.close()
  rmSync(dir, { recursive: true, force: true })
})

describe('fine-tuning on local labels', () => {
  it('refuses with the number needed when there are too few labels', async () => {
    const ready = await core.handlers['training.readiness']({})
    expect(ready.usable).toBe(0)
    await expect(core.handlers['training.start']({ method: 'grpo', rewards: ['reg'], epochs: 1, group: 4, beta: 0.04, learningRate: 0.002, batchSize: 8, validationFraction: 0.25, seed: 1 })).rejects.toThrow(/Too few labelled clips to learn from: 0 usable \(need at least 22/)
  })

  it('trains a new version in a worker, with curves and before/after numbers, and it loads and activates', async () => {
    const clips = core.db.prepare('SELECT id, name FROM clips ORDER BY id').all() as Array<{ id: number; name: string }>
    for (const c of clips) {
      const noise = Number(/^n(\d+)/.exec(c.name)![1])
      await core.handlers['labels.add']({ clipId: c.id, kind: 'score', score: Math.max(1, 4.8 - noise / 16) })
    }
    expect((await core.handlers['training.readiness']({})).problem).toBeNull()
    const events: TrainingRun[] = []
    core.subscribe((e, p) => e === 'training.onProgress' && events.push(p as TrainingRun))
    const done = finished(core, 'train')
    const { runId } = await core.handlers['training.start']({ method: 'grpo', rewards: ['reg', 'rank', 'temporal'], epochs: 6, group: 4, beta: 0.04, learningRate: 0.003, batchSize: 8, validationFraction: 0.25, seed: 3 })
    const job = await done
    expect(job.state, job.error ?? '').toBe('done')
    expect(job.summary).toMatch(/^New model version \d+\.\d+\.\d+-ft\.\d+: validation SRCC/)

    const [run] = await core.handlers['training.list']({})
    expect(run).toMatchObject({ id: runId, state: 'done', trainClips: 20, validationClips: 6, modelVersion: expect.stringMatching(/^vqa-default \d+\.\d+\.\d+-ft\./) })
    expect(run!.curves.length).toBe(6 * Math.ceil(20 / 8))
    expect(run!.curves.every((p) => Number.isFinite(p.loss) && p.reg !== null && p.temporal !== null)).toBe(true)
    expect(run!.curves.filter((p) => p.valSrcc !== null)).toHaveLength(6)
    expect(run!.before!.points).toHaveLength(6)
    expect(run!.after!.points).toHaveLength(6)
    expect(events.length).toBeGreaterThan(3)

    const manifest = JSON.parse(readFileSync(join(run!.packDir!, 'manifest.json'), 'utf8')) as { provenance: { basedOn: unknown; humanOpinionScores: boolean; summary: string } }
    const builtin = (JSON.parse(readFileSync(join(builtinPackDir(), 'manifest.json'), 'utf8')) as { version: string }).version
    expect(manifest.provenance.basedOn).toEqual({ name: 'vqa-default', version: builtin })
    expect(manifest.provenance.summary.startsWith(`Fine-tuned from vqa-default ${builtin} on 20 clip scores given by the user`)).toBe(true)
    expect(existsSync(join(run!.packDir!, 'training.json'))).toBe(true)

    // It is a pack like any other: listed, activatable, and it scores.
    const packs = await core.handlers['models.activate']({ dir: run!.packDir! })
    expect(packs.find((p) => p.dir === run!.packDir)?.active).toBe(true)
    const rescored = finished(core, 'score')
    const started = await core.handlers['scores.start']({ scope: 'outdated', mode: 'full', segmentSeconds: 1 })
    expect(started.clips).toBe(N)
    expect((await rescored).summary).toMatch(/^26 scored with vqa-default \d+\.\d+\.\d+-ft\./)
    await expect(core.handlers['training.discard']({ id: runId })).rejects.toThrow(/active model/)
    await core.handlers['models.activate']({ dir: (await core.handlers['models.list']({})).find((p) => p.origin === 'builtin')!.dir })
    const after = await core.handlers['training.discard']({ id: runId })
    expect(after[0]!.state).toBe('discarded')
    expect(existsSync(run!.packDir!)).toBe(false)
  }, 300_000)

  it('survives a kill -9 of the app mid-run: the next start resumes from the last epoch and finishes', async () => {
    await core.close()
    const dataDir = join(dir, 'data')
    const child = spawn(process.execPath, ['--import', 'tsx', join(__dirname, '..', 'testing', 'core-child.ts'), dataDir, '-', 'train', '{"epochs": 16}'], {
      stdio: ['ignore', 'pipe', 'inherit']
    })
    // Progress is throttled, so not every epoch is seen: any epoch from the third on is "mid-run".
    const at = await killWhen(child, (p) => p.kind === 'train' && Number(/^Epoch (\d+) of/.exec(p.phase)?.[1] ?? 0) >= 3)
    expect(at).not.toBeNull()
    core = createCore({ dataDir, host: 'cli', version: 'test' })
    const resumed = await new Promise<JobProgress>((resolve) => {
      const check = async (): Promise<void> => {
        const j = (await core.handlers['jobs.list']({})).find((x) => x.kind === 'train' && x.id === at!.id)
        if (j && ['done', 'failed', 'cancelled'].includes(j.state)) resolve(j)
        else setTimeout(() => void check(), 500)
      }
      void check()
    })
    expect(resumed.state, resumed.error ?? '').toBe('done')
    const run = (await core.handlers['training.list']({})).find((r) => r.jobId === at!.id)!
    expect(run.state).toBe('done')
    // Every epoch exactly once: the partial epoch at the kill was dropped and redone from the checkpoint.
    expect(run.curves.filter((p) => p.valSrcc !== null).map((p) => p.epoch)).toEqual([...Array(16).keys()])
    expect(run.curves.map((p) => p.step)).toEqual(run.curves.map((_, i) => i + 1))
    expect(existsSync(run.packDir!)).toBe(true)
  }, 300_000)

  it('pauses a run and resumes it from its last epoch', async () => {
    let jobId = 0
    const paused = new Promise<void>((resolve) => {
      const off = core.subscribe((event, payload) => {
        const p = payload as JobProgress
        if (event === 'jobs.onProgress' && p.kind === 'train' && p.id === jobId && Number(/^Epoch (\d+) of/.exec(p.phase)?.[1] ?? 0) >= 3) {
          off()
          void core.handlers['jobs.pause']({ id: jobId }).then(() => resolve())
        }
      })
    })
    ;({ jobId } = await core.handlers['training.start']({ method: 'grpo', rewards: ['reg', 'rank'], epochs: 30, group: 4, beta: 0.04, learningRate: 0.003, batchSize: 8, validationFraction: 0.25, seed: 9 }))
    await paused
    await core.jobs.idle()
    let run = (await core.handlers['training.list']({})).find((r) => r.jobId === jobId)!
    expect(run.state).toBe('paused')
    expect((await core.handlers['jobs.list']({})).find((j) => j.id === jobId)?.state).toBe('paused')
    const done = finished(core, 'train')
    expect(await core.handlers['jobs.resume']({ id: jobId })).toEqual({ resumed: true })
    expect((await done).state).toBe('done')
    run = (await core.handlers['training.list']({})).find((r) => r.jobId === jobId)!
    expect(run.state).toBe('done')
    expect(run.curves.filter((p) => p.valSrcc !== null).map((p) => p.epoch)).toEqual([...Array(30).keys()])
  }, 300_000)
})
