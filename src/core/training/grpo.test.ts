import * as tf from '@tensorflow/tfjs'
import { beforeAll, describe, expect, it } from 'vitest'
import { OrtEngine } from '../engine/ort'
import { Head, headToOnnx, type HeadSpec } from '../model/head'
import { batches, createGrpoTrainer, createSupervisedTrainer, evaluate, predictClips, type TrainClip } from './grpo'
import { seededRandom } from './rewards'

const F = 6
const spec: HeadSpec = {
  inputs: Array.from({ length: F }, (_, i) => `m${i}`),
  logOffsets: Array<number>(F).fill(0),
  mean: Array<number>(F).fill(0),
  std: Array<number>(F).fill(1),
  hidden: [16],
  distortions: ['noise', 'blur']
}

/** A "user" whose score depends on two of the measurements; clips of 1–3 segments. */
function dataset(n: number, seed: number): TrainClip[] {
  const r = seededRandom(seed)
  return Array.from({ length: n }, (_, id) => {
    const S = 1 + Math.floor(r() * 3)
    const segments = Array.from({ length: S }, () => Array.from({ length: F }, () => r() * 2 - 1))
    const bounds = segments.map((_, i) => ({ start: i * 2, end: i * 2 + 2 }))
    const worst = Math.min(...segments.map((x) => 1.5 * x[0]! - x[1]!))
    const label = Math.min(5, Math.max(1, 3 + 1.2 * worst))
    const perturbed = segments.map((x) => x.map((v, k) => (k === 2 ? v + 1 : v)))
    return { id, segments, bounds, label, perturbed, tags: id % 3 === 0 ? [{ segment: 0, distortions: ['noise'] }] : [] }
  })
}

beforeAll(async () => {
  await tf.setBackend('cpu')
})

describe('GRPO fine-tuning of the head', () => {
  const train = dataset(96, 1)
  const val = dataset(48, 2)

  it('raises held-out agreement with the user, with every reward on, without leaking tensors', () => {
    const head = Head.create(spec, 3)
    const before = evaluate(head, val)
    const trainer = createGrpoTrainer(head, spec.distortions, { seed: 4, group: 6, learningRate: 1e-2 })
    const random = seededRandom(5)
    // The first step creates Adam's moment variables; after that the count must not grow.
    let last = trainer.step(train.slice(0, 16), 0)
    const tensors = tf.memory().numTensors
    for (let epoch = 0; epoch < 25; epoch++) for (const b of batches(train, 16, random)) last = trainer.step(b, epoch)
    expect(tf.memory().numTensors).toBe(tensors)
    const after = evaluate(head, val)
    expect(after.srcc).toBeGreaterThan(before.srcc + 0.3)
    expect(after.srcc).toBeGreaterThan(0.6)
    expect(last.rewards.reg).toBeGreaterThan(0)
    expect(last.rewards.rank).toBeGreaterThan(0.5)
    expect(Number.isFinite(last.kl)).toBe(true)
    trainer.dispose()
    head.dispose()
  })

  it('is deterministic with a seed', () => {
    const run = (): number[] => {
      const head = Head.create(spec, 3)
      const trainer = createGrpoTrainer(head, spec.distortions, { seed: 9 })
      const random = seededRandom(10)
      for (const b of batches(train, 16, random)) trainer.step(b, 0)
      const p = predictClips(head, val.slice(0, 5))
      trainer.dispose()
      head.dispose()
      return p
    }
    expect(run()).toEqual(run())
  })

  it('the KL term holds the policy near its start when β is large', () => {
    const drift = (beta: number): number => {
      const head = Head.create(spec, 3)
      const start = predictClips(head, val)
      const trainer = createGrpoTrainer(head, spec.distortions, { seed: 4, beta, learningRate: 1e-2, rewards: ['reg'] })
      const random = seededRandom(5)
      for (let e = 0; e < 5; e++) for (const b of batches(train, 16, random)) trainer.step(b, e)
      const end = predictClips(head, val)
      trainer.dispose()
      head.dispose()
      return end.reduce((a, v, i) => a + Math.abs(v - start[i]!), 0) / end.length
    }
    expect(drift(20)).toBeLessThan(drift(0))
  })

  it('supervised regression (the baseline) learns too', () => {
    const head = Head.create(spec, 3)
    const trainer = createSupervisedTrainer(head, { learningRate: 1e-2 })
    const random = seededRandom(5)
    for (let e = 0; e < 25; e++) for (const b of batches(train, 16, random)) trainer.step(b, e)
    expect(evaluate(head, val).srcc).toBeGreaterThan(0.6)
    trainer.dispose()
    head.dispose()
  })

  it('a fine-tuned head exports to ONNX that matches its TensorFlow.js forward pass to 1e-4', async () => {
    const head = Head.create(spec, 3)
    const trainer = createGrpoTrainer(head, spec.distortions, { seed: 1, learningRate: 1e-2 })
    const random = seededRandom(2)
    for (let e = 0; e < 3; e++) for (const b of batches(train, 16, random)) trainer.step(b, e)
    const rows = val.slice(0, 6).flatMap((c) => c.segments)
    const expected = head.predict(rows)
    const session = await new OrtEngine('cpu', 1).load(headToOnnx(head.weights()))
    const out = await session.run({
      measurements: { data: Float32Array.from(rows.flatMap((r) => r.slice(0, F - 1))), dims: [rows.length, F - 1] },
      brisque: { data: Float32Array.from(rows.map((r) => r[F - 1]!)), dims: [rows.length] }
    })
    const levels = Array.from(out['levels']!.data as Float32Array)
    const sev = Array.from(out['severities']!.data as Float32Array)
    expected.probs.flat().forEach((p, i) => expect(Math.abs(p - levels[i]!)).toBeLessThan(1e-4))
    expected.severities.flat().forEach((v, i) => expect(Math.abs(v - sev[i]!)).toBeLessThan(1e-4))
    await session.dispose()
    trainer.dispose()
    head.dispose()
  })
})
