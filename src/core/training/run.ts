/**
 * One fine-tuning run, start to finish, as the worker process executes it: dataset from the catalog, split, the
 * perturbed copies for the temporal reward, before-evaluation, epochs of GRPO (or supervised) steps with an epoch
 * checkpoint, after-evaluation, and the new pack version. Everything it learns goes to the run's catalog record as it
 * goes; a resumed run continues from its last epoch checkpoint with the same split and perturbations.
 */
import { existsSync } from 'node:fs'
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import * as tf from '@tensorflow/tfjs'
import type { TrainingEval, TrainingPoint } from '../../shared/contract'
import type { Db } from '../catalog/database'
import type { LoadedPack } from '../engine/pack'
import { Head, type HeadWeights } from '../model/head'
import { ensureModelVersion } from '../scoring/store'
import { datasetProblem, loadLabelledClips, splitClips, type LabelledClip } from './dataset'
import { batches, createGrpoTrainer, createSupervisedTrainer, evaluate, type Trainer } from './grpo'
import { measurePerturbed } from './perturb'
import { seededRandom } from './rewards'
import { getRun, updateRun } from './store'
import { writeFineTunedPack } from './version'

export interface RunContext {
  db: Db
  dataDir: string
  ffmpeg: string
  /** The base pack, loaded (its stages measure the perturbed copies). */
  pack: LoadedPack
  runId: number
  signal: AbortSignal
  /** Called after each step and phase change, so the host can tell the UI (the record is already written). */
  onProgress(phase: string, done: number, total: number | null): void
}

interface Checkpoint {
  epoch: number
  weights: HeadWeights
  curves: TrainingPoint[]
  before: TrainingEval
  perturbed: Record<string, Array<number[] | null>>
}

export function runDir(dataDir: string, runId: number): string {
  return join(dataDir, 'training', `run-${runId}`)
}

async function readCheckpoint(dir: string): Promise<Checkpoint | null> {
  try {
    return JSON.parse(await readFile(join(dir, 'checkpoint.json'), 'utf8')) as Checkpoint
  } catch {
    return null
  }
}

async function writeCheckpoint(dir: string, c: Checkpoint): Promise<void> {
  await writeFile(join(dir, 'checkpoint.tmp'), JSON.stringify(c))
  await rename(join(dir, 'checkpoint.tmp'), join(dir, 'checkpoint.json'))
}

function toEval(e: ReturnType<typeof evaluate>, clips: readonly LabelledClip[]): TrainingEval {
  return {
    srcc: e.srcc,
    plcc: e.plcc,
    rmse: e.rmse,
    points: clips.map((c, i) => ({ clipId: c.id, label: c.label, predicted: e.predictions[i]! }))
  }
}

const aborted = (signal: AbortSignal): void => {
  if (signal.aborted) throw new DOMException('Aborted', 'AbortError')
}

export async function executeRun(ctx: RunContext): Promise<{ packDir: string; version: string }> {
  const { db, runId, signal } = ctx
  const run = getRun(db, runId)
  if (!run) throw new Error(`No training run ${runId}`)
  const p = run.params
  await tf.setBackend('cpu')
  const dir = runDir(ctx.dataDir, runId)
  await mkdir(dir, { recursive: true })

  const headFile = join(ctx.pack.dir, 'head.json')
  if (!existsSync(headFile)) throw new Error(`${ctx.pack.manifest.name} ${ctx.pack.manifest.version} has no trainable head (head.json): only packs built by VQA Inspector can be fine-tuned.`)
  const baseWeights = JSON.parse(await readFile(headFile, 'utf8')) as HeadWeights

  // The dataset: the same split on a resume (kept in the record), else a fresh stratified one.
  updateRun(db, runId, { state: 'preparing' })
  ctx.onProgress('Reading labels', 0, null)
  const modelId = ensureModelVersion(db, ctx.pack.manifest, ctx.pack.dir)
  const { clips } = loadLabelledClips(db, modelId, baseWeights.spec.inputs.length)
  const byId = new Map(clips.map((c) => [c.id, c]))
  let split = run.split
  if (!split || ![...split.train, ...split.validation].every((id) => byId.has(id))) {
    const s = splitClips(clips, p.validationFraction, p.seed)
    split = { train: s.train.map((c) => c.id), validation: s.validation.map((c) => c.id) }
    updateRun(db, runId, { split })
  }
  const train = split.train.map((id) => byId.get(id)!)
  const validation = split.validation.map((id) => byId.get(id)!)
  const problem = datasetProblem(train.length, validation.length)
  if (problem) throw new Error(problem)

  const checkpoint = await readCheckpoint(dir)
  const perturbed: Record<string, Array<number[] | null>> = checkpoint?.perturbed ?? {}
  if (p.method === 'grpo' && p.rewards.includes('temporal')) {
    let done = 0
    for (const c of train) {
      aborted(signal)
      ctx.onProgress('Measuring perturbed copies (temporal reward)', done++, train.length)
      if (perturbed[c.id]) continue
      try {
        const m = await measurePerturbed(ctx.pack, ctx.ffmpeg, c.path, { width: c.width, height: c.height, fps: c.fps ?? 25, hdr: c.hdr }, c.segmentSeconds, p.seed * 7919 + c.id, signal)
        perturbed[c.id] = m.segments
      } catch (err) {
        if ((err as Error).name === 'AbortError') throw err
        // A clip that no longer decodes trains without the temporal reward rather than stopping the run.
        perturbed[c.id] = []
      }
    }
    for (const c of train) {
      const segs = perturbed[c.id] ?? []
      c.perturbed = segs.length === c.segments.length ? c.segments.map((row, i) => segs[i] ?? row) : null
    }
  }

  const head = Head.fromWeights(checkpoint?.weights ?? baseWeights)
  const before = checkpoint?.before ?? toEval(evaluate(Head.fromWeights(baseWeights), validation), validation)
  updateRun(db, runId, { before, state: 'training' })
  const curves: TrainingPoint[] = checkpoint?.curves ?? []
  const distortions = baseWeights.spec.distortions
  const t: Trainer =
    p.method === 'grpo'
      ? createGrpoTrainer(head, distortions, { rewards: p.rewards, group: p.group, beta: p.beta, learningRate: p.learningRate, batchSize: p.batchSize, seed: p.seed, reference: baseWeights })
      : createSupervisedTrainer(head, { learningRate: p.learningRate })
  try {
    const steps = Math.ceil(train.length / p.batchSize)
    let step = curves[curves.length - 1]?.step ?? 0
    let lastWrite = 0
    for (let epoch = checkpoint ? checkpoint.epoch + 1 : 0; epoch < p.epochs; epoch++) {
      t.reseed(p.seed * 104729 + epoch)
      const order = batches(train, p.batchSize, seededRandom(p.seed + epoch * 31))
      for (const [b, batch] of order.entries()) {
        aborted(signal)
        const s = t.step(batch, epoch)
        step++
        const point: TrainingPoint = {
          step, epoch, loss: s.loss, kl: s.kl,
          reg: Number.isFinite(s.rewards.reg) ? s.rewards.reg : null,
          rank: Number.isFinite(s.rewards.rank) ? s.rewards.rank : null,
          temporal: Number.isFinite(s.rewards.temporal) ? s.rewards.temporal : null,
          attribution: Number.isFinite(s.rewards.attribution) ? s.rewards.attribution : null,
          valSrcc: null, valPlcc: null
        }
        if (b === order.length - 1) {
          const v = evaluate(head, validation)
          point.valSrcc = Number.isFinite(v.srcc) ? v.srcc : null
          point.valPlcc = Number.isFinite(v.plcc) ? v.plcc : null
        }
        curves.push(point)
        // About once a second: each write grows the WAL, and the app process shares the catalog.
        if (Date.now() - lastWrite > 1000 || b === order.length - 1) {
          lastWrite = Date.now()
          updateRun(db, runId, { curves })
          ctx.onProgress(`Epoch ${epoch + 1} of ${p.epochs}`, epoch * steps + b + 1, p.epochs * steps)
        }
        // Yield between steps: the worker answers cancellation and its parent's pings promptly.
        await new Promise((r) => setImmediate(r))
      }
      await writeCheckpoint(dir, { epoch, weights: head.weights(), curves, before, perturbed })
    }
    const after = toEval(evaluate(head, validation), validation)
    updateRun(db, runId, { after })
    ctx.onProgress('Writing the new model version', 0, null)
    const skipped = loadLabelledClips(db, modelId, baseWeights.spec.inputs.length)
    const { dir: packDir, manifest } = await writeFineTunedPack(ctx.dataDir, ctx.pack.dir, head.weights(), {
      runId,
      base: { name: ctx.pack.manifest.name, version: ctx.pack.manifest.version, dir: ctx.pack.dir },
      params: p,
      labels: { train: split.train, validation: split.validation, skipped: skipped.skipped.length },
      curves,
      before,
      after
    })
    updateRun(db, runId, { packDir, modelVersion: `${manifest.name} ${manifest.version}` })
    return { packDir, version: manifest.version }
  } finally {
    t.dispose()
    head.dispose()
  }
}
