import * as tf from '@tensorflow/tfjs'
import { describe, expect, it } from 'vitest'
import { OrtEngine } from '../engine/ort'
import { Head, headToOnnx, levelTarget } from './head'

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

  it('round-trips its weights', () => {
    const a = Head.create(spec, 5)
    const b = Head.fromWeights(JSON.parse(JSON.stringify(a.weights())))
    expect(b.predict([[1, 2, 3, 4]]).scores[0]).toBeCloseTo(a.predict([[1, 2, 3, 4]]).scores[0]!, 6)
  })

  it('makes soft level targets centred on the score', () => {
    const t = levelTarget(4.2)
    expect(t.reduce((x, y) => x + y, 0)).toBeCloseTo(1, 9)
    expect(t.indexOf(Math.max(...t))).toBe(3)
    expect(t.reduce((s, p, k) => s + p * (k + 1), 0)).toBeCloseTo(4.15, 1)
  })
})
