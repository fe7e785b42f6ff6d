/**
 * A pack with DOVER's ONNX input signature (as its convert_to_onnx.py exports it: `aes_view` [1,3,32,224,224]
 * and `tech_view` [clips,3,32,224,224], two pooled scores out) but RANDOM weights. It exists to prove that the pack
 * format can describe a fragment-sampled deep model, so a user with a real DOVER-Mobile or FasterVQA export can
 * write a manifest for it and import it. It is never shipped and its scores mean nothing.
 */
import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { ModelManifest } from '../../shared/model-pack'
import { GraphBuilder, tensor } from '../../core/onnx/graph'
import { matmul, reduceMean } from '../../core/onnx/ops'

/** DOVER's ImageNet normalisation on 0–255 pixels. */
const NORMALISE = { scale: 1, mean: [123.675, 116.28, 103.53], std: [58.395, 57.12, 57.375] }

export function doverLikeManifest(): ModelManifest {
  return {
    format: 'vqa-pack/1',
    name: 'dover-signature-test',
    version: '0.0.1',
    title: 'DOVER-signature test pack (random weights)',
    description: 'Has the inputs and outputs of a DOVER ONNX export; the weights are random. For tests only.',
    licence: 'MIT',
    provenance: {
      summary: 'Random weights: not a quality model.',
      humanOpinionScores: false,
      trainingData: 'none',
      recipe: 'src/modelkit/packs/dover-signature.ts',
      created: '2026-11-25'
    },
    segmentSeconds: 8,
    views: [
      // Technical branch: 7×7 native-resolution 32×32 fragments, 32 frames two apart (frame_interval 2).
      { name: 'technical', kind: 'fragments', grid: [7, 7], patch: [32, 32], align: 32, frames: 32, sampling: 'consecutive', fixedCount: true, maxFps: 15,
        pixelFormat: 'rgb', layout: 'NCTHW', dtype: 'float32', normalise: NORMALISE },
      // Aesthetic branch: the whole frame squeezed to 224×224, 32 frames over the segment.
      { name: 'aesthetic', kind: 'resize', size: [224, 224], fit: 'stretch', frames: 32, sampling: 'uniform', fixedCount: true,
        pixelFormat: 'rgb', layout: 'NCTHW', dtype: 'float32', normalise: NORMALISE }
    ],
    stages: [
      {
        name: 'dover',
        file: 'dover.onnx',
        inputs: [
          { name: 'aes_view', from: 'view:aesthetic', dtype: 'float32', shape: [1, 3, 32, 224, 224] },
          { name: 'tech_view', from: 'view:technical', dtype: 'float32', shape: ['clips', 3, 32, 224, 224] }
        ],
        outputs: [
          { name: 'aesthetic_score', dtype: 'float32', shape: [1] },
          { name: 'technical_score', dtype: 'float32', shape: [1] }
        ]
      }
    ],
    outputs: {
      // DOVER's own fusion: a weighted sum of the two standardised branch scores through a sigmoid.
      score: {
        kind: 'scalar',
        terms: [
          { from: 'dover.aesthetic_score', weight: 0.3896 / 0.03774 },
          { from: 'dover.technical_score', weight: 0.6104 / 0.07355 }
        ],
        calibration: { type: 'logistic', b1: 5, b2: 1, b3: 0, b4: 1 }
      }
    },
    scale: { min: 1, max: 5, levels: ['bad', 'poor', 'fair', 'good', 'excellent'], calibration: 'none (random weights)' },
    distortions: []
  }
}

function randomWeights(n: number, seed: number): number[] {
  let s = seed
  return Array.from({ length: n }, () => ((s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31 - 0.5) * 0.1)
}

export function doverLikeGraph(seed = 1): Uint8Array {
  const g = new GraphBuilder({ name: 'dover-signature' })
  const aes = g.input('aes_view', 'float32', [1, 3, 32, 224, 224])
  const tech = g.input('tech_view', 'float32', ['clips', 3, 32, 224, 224])
  const branch = (x: ReturnType<typeof g.input>, s: number) => {
    const pooled = reduceMean(g, x, [2, 3, 4], false) // [N, 3]
    const w = g.initializer(tensor.float32(randomWeights(3, s), [3, 1]))
    return reduceMean(g, matmul(g, pooled, w), [0, 1], false) // [] → keep a [1] below
  }
  const a = g.node('Reshape', [branch(aes, seed), g.constant(tensor.int64([1], [1]))])
  const t = g.node('Reshape', [branch(tech, seed + 1), g.constant(tensor.int64([1], [1]))])
  g.output(a, 'aesthetic_score', 'float32', [1])
  g.output(t, 'technical_score', 'float32', [1])
  return g.toBytes()
}

export async function writeDoverLikePack(dir: string, seed = 1): Promise<string> {
  await mkdir(dir, { recursive: true })
  await writeFile(join(dir, 'manifest.json'), JSON.stringify(doverLikeManifest(), null, 2))
  await writeFile(join(dir, 'dover.onnx'), doverLikeGraph(seed))
  return dir
}
