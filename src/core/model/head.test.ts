import * as tf from '@tensorflow/tfjs'
import { describe, expect, it } from 'vitest'
import { OrtEngine } from '../engine/ort'
import { Head, headToOnnx, levelTarget, mergeHeads } from './head'

const spec = {
  inputs: ['a', 'b', 'c', 'brisque'],
  logOffsets: [0.01, 0, 1, 0],
  mean: [0.1, -0.2, 0.3, 20],
  std: [1.5, 0.5, 2, 10],
  hidden: [16, 8],
  distortions: ['blur', 'noise', 'black']
}

describe('quality head', () => {
  it('exports to ONNX that matches the TensorFlow.js forward pass to 1e-4', async () => {
    await tf.setBackend('cpu')
    const head = Head.create(spec, 3)
    const rows = [
      [0.5, -0.3, 10, 25],
      [0, 2, 0.001, 80],
      [-4, 1e3, 3, 5],
      [0.2, 0.1, 1, NaN] // BRISQUE is undefined on a flat frame
    ]
    const expected = head.predict(rows)
    const session = await new OrtEngine('cpu', 1).load(headToOnnx(head.weights()))
    const out = await session.run({
      measurements: { data: Float32Array.from(rows.flatMap((r) => r.slice(0, 3))), dims: [4, 3] },
      brisque: { data: Float32Array.from(rows.map((r) => r[3]!)), dims: [4] }
    })
    const levels = Array.from(out['levels']!.data as Float32Array)
    const sev = Array.from(out['severities']!.data as Float32Array)
    expect(expected.probs.flat().every(Number.isFinite)).toBe(true)
    expected.probs.flat().forEach((p, i) => expect(Math.abs(p - levels[i]!)).toBeLessThan(1e-4))
    expected.severities.flat().forEach((s, i) => expect(Math.abs(s - sev[i]!)).toBeLessThan(1e-4))
    await session.dispose()
    head.dispose()
  })

  it('can make its score from its severities by the documented formula, in ONNX too', async () => {
    await tf.setBackend('cpu')
    const penalties = { ...spec, score: { kind: 'penalties' as const, max: [3.2, 3, 3.8], gamma: 1.3 } }
    const head = Head.create(penalties, 4)
    expect(head.weights().layers.map((l) => l.name)).toEqual(['hidden1', 'hidden2', 'severities'])
    const rows = [
      [0.5, -0.3, 10, 25],
      [0, 2, 0.001, 80],
      [0.2, 0.1, 1, NaN]
    ]
    const p = head.predict(rows)
    p.severities.forEach((sev, i) => {
      const q = 1 + 4 * sev.reduce((keep, s, k) => keep * (1 - (penalties.score.max[k]! * s ** 1.3) / 4), 1)
      expect(p.scores[i]).toBeCloseTo(q, 4)
      // Two nearest levels, and nothing else.
      expect(p.probs[i]!.filter((x) => x > 1e-4).length).toBeLessThanOrEqual(2)
    })
    const session = await new OrtEngine('cpu', 1).load(headToOnnx(head.weights()))
    const out = await session.run({
      measurements: { data: Float32Array.from(rows.flatMap((r) => r.slice(0, 3))), dims: [3, 3] },
      brisque: { data: Float32Array.from(rows.map((r) => r[3]!)), dims: [3] }
    })
    p.probs.flat().forEach((x, i) => expect(Math.abs(x - (out['levels']!.data as Float32Array)[i]!)).toBeLessThan(1e-4))
    // Merged members stay a penalties head: the score comes from the merged severities.
    const merged = Head.fromWeights(mergeHeads([head.weights(), Head.create(penalties, 9).weights()]))
    const m = merged.predict(rows)
    m.severities.forEach((sev, i) => expect(m.scores[i]).toBeCloseTo(1 + 4 * sev.reduce((keep, s, k) => keep * (1 - (penalties.score.max[k]! * s ** 1.3) / 4), 1), 4))
    await session.dispose()
    head.dispose()
  })

  it('in ONNX, shares one BRISQUE value among all rows (a segment\'s parts have one still between them)', async () => {
    await tf.setBackend('cpu')
    const head = Head.create(spec, 6)
    const rows = [
      [0.5, -0.3, 10, 25],
      [0, 2, 0.001, 25],
      [0.2, 0.1, 1, 25]
    ]
    const session = await new OrtEngine('cpu', 1).load(headToOnnx(head.weights()))
    const out = await session.run({
      measurements: { data: Float32Array.from(rows.flatMap((r) => r.slice(0, 3))), dims: [3, 3] },
      brisque: { data: Float32Array.from([25]), dims: [1] }
    })
    head.predict(rows).probs.flat().forEach((p, i) => expect(Math.abs(p - (out['levels']!.data as Float32Array)[i]!)).toBeLessThan(1e-4))
    await session.dispose()
    head.dispose()
  })

  it('round-trips its weights', () => {
    const a = Head.create(spec, 5)
    const b = Head.fromWeights(JSON.parse(JSON.stringify(a.weights())))
    expect(b.predict([[1, 2, 3, 4]]).scores[0]).toBeCloseTo(a.predict([[1, 2, 3, 4]]).scores[0]!, 6)
  })

  it('merges K heads into one MLP whose outputs are their mean (logits and severity pre-activations), also in ONNX', async () => {
    await tf.setBackend('cpu')
    const members = [3, 4, 5].map((seed) => Head.create(spec, seed))
    const merged = Head.fromWeights(mergeHeads(members.map((m) => m.weights())))
    expect(merged.spec.hidden).toEqual([48, 24])
    const rows = [
      [0.5, -0.3, 10, 25],
      [0.2, 0.1, 1, NaN]
    ]
    const x = tf.tensor2d(rows)
    const mean = (ts: tf.Tensor2D[]): number[] => Array.from(tf.div(tf.addN(ts), ts.length).dataSync())
    const outs = members.map((m) => m.forward(x))
    const got = merged.forward(x)
    const logit = (p: tf.Tensor): tf.Tensor2D => tf.log(tf.div(p, tf.sub(1, p))) as tf.Tensor2D
    mean(outs.map((o) => o.logits)).forEach((v, i) => expect(got.logits.dataSync()[i]).toBeCloseTo(v, 4))
    mean(outs.map((o) => logit(o.severities))).forEach((v, i) => expect(logit(got.severities).dataSync()[i]).toBeCloseTo(v, 3))
    // The merged head is an ordinary head: its ONNX export matches it too.
    const session = await new OrtEngine('cpu', 1).load(headToOnnx(merged.weights()))
    const out = await session.run({
      measurements: { data: Float32Array.from(rows.flatMap((r) => r.slice(0, 3))), dims: [2, 3] },
      brisque: { data: Float32Array.from(rows.map((r) => r[3]!)), dims: [2] }
    })
    merged.predict(rows).probs.flat().forEach((p, i) => expect(Math.abs(p - (out['levels']!.data as Float32Array)[i]!)).toBeLessThan(1e-4))
    await session.dispose()
    // Without hidden layers the output layers read the inputs themselves.
    const flat = [1, 2].map((seed) => Head.create({ ...spec, hidden: [] }, seed))
    const flatMerged = Head.fromWeights(mergeHeads(flat.map((m) => m.weights())))
    const want = mean(flat.map((m) => m.forward(x).logits))
    Array.from(flatMerged.forward(x).logits.dataSync()).forEach((v, i) => expect(v).toBeCloseTo(want[i]!, 4))
    expect(() => mergeHeads([members[0]!.weights(), Head.create({ ...spec, std: [1, 1, 1, 1] }, 1).weights()])).toThrow(/differ/)
    expect(() => mergeHeads([members[0]!.weights(), Head.create({ ...spec, score: { kind: 'penalties', max: [1, 1, 1], gamma: 1 } }, 1).weights()])).toThrow(/differ/)
  })

  it('makes soft level targets centred on the score', () => {
    const t = levelTarget(4.2)
    expect(t.reduce((x, y) => x + y, 0)).toBeCloseTo(1, 9)
    expect(t.indexOf(Math.max(...t))).toBe(3)
    expect(t.reduce((s, p, k) => s + p * (k + 1), 0)).toBeCloseTo(4.15, 1)
  })
})
