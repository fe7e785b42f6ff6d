/**
 * Issue #6's benchmarks, from one run on this machine:
 *  - a synthetic "user taste" task: 300 generated clips (noise × blur × content at graded strengths) labelled by a
 *    user who minds noise far more than blur — a preference the default pack does not share. 200 labelled clips train
 *    (the run holds a quarter of them back for its own validation), 100 more are the benchmark's held-out set, never
 *    labelled in the catalog. Held-out SRCC of the default pack vs. GRPO with all rewards, GRPO without the temporal
 *    reward, and plain supervised regression, each a full run through the core and its worker process.
 *  - time per step and per epoch for 1,000 labelled clips on this CPU (resampled from the real measurements above)
 *  - the largest event-loop stall of the app's core process while a run trains in its worker (the UI thread itself is
 *    the renderer, which training never touches; this is the process that answers it).
 */
import { execFileSync } from 'node:child_process'
import { readFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { monitorEventLoopDelay } from 'node:perf_hooks'
import * as tf from '@tensorflow/tfjs'
import type { JobProgress, TrainingParams } from '../src/shared/contract'
import { createCore, type Core } from '../src/core/api/core'
import { agreement } from '../src/core/eval/metrics'
import { locateFfmpeg } from '../src/core/media/locate'
import { Head, type HeadWeights } from '../src/core/model/head'
import { loadLabelledClips } from '../src/core/training/dataset'
import { batches, createGrpoTrainer, predictClips, type TrainClip } from '../src/core/training/grpo'
import { seededRandom } from '../src/core/training/rewards'
import type { BenchLine } from './library'

const { ffmpeg } = locateFfmpeg()
const SOURCES = ['testsrc2', 'mandelbrot', 'smptehdbars', 'rgbtestsrc', 'cellauto', 'life']
const NOISE = [0, 6, 12, 20, 30, 42]
const BLUR = [0, 1, 2, 4, 6]

/** The user: noise costs up to 3.6 points, blur at most 0.5. */
export function tasteScore(noiseLevel: number, blurLevel: number): number {
  const n = NOISE.indexOf(noiseLevel) / (NOISE.length - 1)
  const b = BLUR.indexOf(blurLevel) / (BLUR.length - 1)
  return Math.min(5, Math.max(1, 4.8 - 3.6 * n - 0.5 * b))
}

function finished(core: Core, jobId: number): Promise<JobProgress> {
  return new Promise((resolve) => {
    const off = core.subscribe((event, payload) => {
      const p = payload as JobProgress
      if (event === 'jobs.onProgress' && p.id === jobId && ['done', 'failed', 'cancelled'].includes(p.state)) {
        off()
        resolve(p)
      }
    })
  })
}

export async function benchTraining(): Promise<BenchLine[]> {
  const dir = mkdtempSync(join(tmpdir(), 'vqa-bench-train-'))
  const lines: BenchLine[] = []
  const core = createCore({ dataDir: join(dir, 'data'), host: 'cli', version: 'bench' })
  try {
    mkdirSync(join(dir, 'lib'))
    const random = seededRandom(2026)
    const meta: Array<{ file: string; label: number }> = []
    const t0 = performance.now()
    for (let i = 0; i < 300; i++) {
      const noise = NOISE[Math.floor(random() * NOISE.length)]!
      const blur = BLUR[Math.floor(random() * BLUR.length)]!
      const src = SOURCES[i % SOURCES.length]!
      const file = `c${String(i).padStart(3, '0')}-${src}-n${noise}-b${blur}.mp4`
      const vf = [blur ? `boxblur=${blur}` : 'null', noise ? `noise=alls=${noise}:allf=t:all_seed=${i + 1}` : 'null', `hue=h=${(i * 37) % 360}`].join(',')
      execFileSync(ffmpeg, ['-hide_banner', '-loglevel', 'error', '-f', 'lavfi', '-i', `${src}=s=256x144:r=25`, '-vf', vf, '-t', '4', '-c:v', 'libx264', '-crf', '18', '-pix_fmt', 'yuv420p', join(dir, 'lib', file)])
      meta.push({ file, label: tasteScore(noise, blur) })
    }
    const generated = (performance.now() - t0) / 1000
    const scan = await core.handlers['folders.add']({ path: join(dir, 'lib') })
    await finished(core, scan.jobId)
    const t1 = performance.now()
    const scoring = await core.handlers['scores.start']({ scope: 'unscored', mode: 'full' })
    await finished(core, scoring.jobId!)
    const scored = (performance.now() - t1) / 1000
    lines.push({ name: 'taste set', value: '300 clips', note: `4 s 256×144, generated in ${generated.toFixed(0)} s, scored in ${scored.toFixed(0)} s` })

    const ids = new Map((core.db.prepare('SELECT id, name FROM clips').all() as Array<{ id: number; name: string }>).map((r) => [r.name, r.id]))
    const train = meta.slice(0, 200)
    const heldOut = meta.slice(200)
    for (const m of train) await core.handlers['labels.add']({ clipId: ids.get(m.file)!, kind: 'score', score: m.label })

    // The held-out clips' measurements, as the catalog keeps them, for scoring with each resulting head.
    const packs = await core.handlers['models.list']({})
    const base = packs.find((p) => p.active)!
    const baseWeights = JSON.parse(readFileSync(join(base.dir, 'head.json'), 'utf8')) as HeadWeights
    const F = baseWeights.spec.inputs.length
    core.db.prepare("UPDATE clips SET label_score = 3 WHERE name IN (SELECT value FROM json_each(?))").run(JSON.stringify(heldOut.map((m) => m.file)))
    const all = loadLabelledClips(core.db, 1, F).clips
    core.db.prepare("UPDATE clips SET label_score = NULL WHERE name IN (SELECT value FROM json_each(?))").run(JSON.stringify(heldOut.map((m) => m.file)))
    const labelOf = new Map(meta.map((m) => [ids.get(m.file)!, m.label]))
    const held: TrainClip[] = all.filter((c) => heldOut.some((m) => ids.get(m.file) === c.id)).map((c) => ({ ...c, label: labelOf.get(c.id)! }))
    await tf.setBackend('cpu')
    const srccOf = (w: HeadWeights): number => {
      const head = Head.fromWeights(w)
      const a = agreement(predictClips(head, held), held.map((c) => c.label))
      head.dispose()
      return a.srcc
    }
    const baseSrcc = srccOf(baseWeights)
    lines.push({ name: 'held-out SRCC, default pack', value: baseSrcc.toFixed(3), note: `${held.length} clips never labelled in the catalog` })

    const configs: Array<[string, Partial<TrainingParams>]> = [
      ['GRPO, all rewards', { method: 'grpo', rewards: ['reg', 'rank', 'temporal'] }],
      ['GRPO, no temporal reward', { method: 'grpo', rewards: ['reg', 'rank'] }],
      ['supervised regression', { method: 'supervised' }]
    ]
    for (const [name, cfg] of configs) {
      const t = performance.now()
      const { runId, jobId } = await core.handlers['training.start']({
        method: 'grpo', rewards: ['reg', 'rank', 'temporal', 'attribution'], epochs: 30, group: 4, beta: 0.04, learningRate: 0.002, batchSize: 16,
        validationFraction: 0.25, seed: 1, ...cfg
      })
      // Measured while the worker trains: the core process answers the UI meanwhile (the readiness check before the
      // run starts is a one-off read of the labels, not part of training).
      const lag = monitorEventLoopDelay({ resolution: 10 })
      lag.enable()
      const job = await finished(core, jobId)
      lag.disable()
      const wall = (performance.now() - t) / 1000
      const run = (await core.handlers['training.list']({})).find((r) => r.id === runId)!
      if (job.state !== 'done' || !run.packDir) {
        lines.push({ name: `held-out SRCC, ${name}`, value: 'failed', note: job.error ?? '' })
        continue
      }
      const w = JSON.parse(readFileSync(join(run.packDir, 'head.json'), 'utf8')) as HeadWeights
      const s = srccOf(w)
      lines.push({
        name: `held-out SRCC, ${name}`,
        value: `${s.toFixed(3)} (${s - baseSrcc >= 0 ? '+' : ''}${(s - baseSrcc).toFixed(3)})`,
        note: `run's own validation ${run.before?.srcc.toFixed(3)} → ${run.after?.srcc.toFixed(3)}; ${run.curves.length} steps in ${wall.toFixed(0)} s incl. perturbed copies; core event loop while training: p99 ${(lag.percentile(99) / 1e6).toFixed(0)} ms, max ${(lag.max / 1e6).toFixed(0)} ms`
      })
    }

    // Steps on 1,000 labelled clips (the 200 real ones resampled): the cost of one step and of one epoch.
    const pool = all.filter((c) => labelOf.has(c.id)).map((c) => ({ ...c, label: labelOf.get(c.id)!, perturbed: c.segments }))
    const r2 = seededRandom(7)
    const thousand: TrainClip[] = Array.from({ length: 1000 }, (_, i) => ({ ...pool[Math.floor(r2() * pool.length)]!, id: i + 1 }))
    const head = Head.fromWeights(baseWeights)
    const trainer = createGrpoTrainer(head, baseWeights.spec.distortions, { seed: 1 })
    trainer.step(thousand.slice(0, 16), 0)
    const te = performance.now()
    let steps = 0
    for (const b of batches(thousand, 16, r2)) {
      trainer.step(b, 0)
      steps++
    }
    const epoch = (performance.now() - te) / 1000
    trainer.dispose()
    head.dispose()
    lines.push({ name: 'GRPO step, batch 16, G 4', value: `${((epoch / steps) * 1000).toFixed(0)} ms`, note: 'all rewards computed; head on tfjs-cpu' })
    lines.push({ name: 'GRPO epoch, 1,000 labelled clips', value: `${epoch.toFixed(1)} s`, note: `${steps} steps (perturbed copies measured once beforehand, not per epoch)` })
  } finally {
    await core.close()
    rmSync(dir, { recursive: true, force: true })
  }
  return lines
}
