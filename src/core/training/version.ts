/**
 * A fine-tuned pack version: the base pack's files, its head replaced by the trained one (ONNX + weights), and a
 * manifest that says what it is — its version, what it started from, what it learned from — plus training.json with
 * the run's lineage, parameters, curves and before/after numbers. Written to a staging folder and renamed, so a crash
 * never leaves half a pack among the user's models.
 */
import { cp, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { ModelManifest } from '../../shared/model-pack'
import type { TrainingEval, TrainingParams, TrainingPoint } from '../../shared/contract'
import { userModelsDir } from '../engine/models'
import { headToOnnx, type HeadWeights } from '../model/head'

/** Pure: the version a run makes — the base's version with a build tag naming the run (1.0.0 → 1.0.0-ft.3). */
export function fineTunedVersion(base: string, runId: number): string {
  const core = /^(\d+\.\d+\.\d+)/.exec(base)?.[1] ?? '0.0.0'
  return `${core}-ft.${runId}`
}

export interface Lineage {
  runId: number
  base: { name: string; version: string; dir: string }
  params: TrainingParams
  labels: { train: number[]; validation: number[]; skipped: number }
  curves: TrainingPoint[]
  before: TrainingEval
  after: TrainingEval
}

/** Pure: the new manifest. Honest about the source: the weights now follow one person's scores, not a study's. */
export function fineTunedManifest(base: ModelManifest, l: Lineage, created: string): ModelManifest {
  const n = l.labels.train.length
  const method = l.params.method === 'grpo' ? `GRPO (rewards: ${l.params.rewards.join(', ')}; group ${l.params.group}, β ${l.params.beta})` : 'supervised regression'
  return ModelManifest.parse({
    ...base,
    version: fineTunedVersion(base.version, l.runId),
    title: `${base.title} — fine-tuned on your labels (run ${l.runId})`,
    provenance: {
      summary:
        `Fine-tuned from ${base.name} ${base.version} on ${n} clip scores given by the user of this catalog with ${method}. ` +
        `It follows those labels on the measurements the base pack makes; it has seen no opinion scores beyond them. ` +
        `Validation (${l.labels.validation.length} held-out labelled clips): SRCC ${l.before.srcc.toFixed(3)} → ${l.after.srcc.toFixed(3)}.`,
      humanOpinionScores: true,
      trainingData: `${n} labelled clips from the user's library (validation: ${l.labels.validation.length}), on top of: ${base.provenance.trainingData}`,
      recipe: `VQA Inspector fine-tuning (src/core/training): ${method}, ${l.params.epochs} epochs, learning rate ${l.params.learningRate}, seed ${l.params.seed}. See training.json.`,
      created,
      basedOn: { name: base.name, version: base.version }
    }
  })
}

export async function writeFineTunedPack(dataDir: string, baseDir: string, weights: HeadWeights, lineage: Lineage, now = new Date()): Promise<{ dir: string; manifest: ModelManifest }> {
  const base = ModelManifest.parse(JSON.parse(await readFile(join(baseDir, 'manifest.json'), 'utf8')))
  const manifest = fineTunedManifest(base, lineage, now.toISOString().slice(0, 10))
  const root = userModelsDir(dataDir)
  const dir = join(root, `${manifest.name}-${manifest.version}`)
  const staging = `${dir}.writing`
  await mkdir(root, { recursive: true })
  await rm(staging, { recursive: true, force: true })
  await cp(baseDir, staging, { recursive: true })
  const head = base.stages.find((s) => s.name === 'head')
  await writeFile(join(staging, head?.file ?? 'head.onnx'), headToOnnx(weights))
  await writeFile(join(staging, 'head.json'), JSON.stringify(weights))
  await writeFile(join(staging, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n')
  await writeFile(join(staging, 'training.json'), JSON.stringify({ kind: 'fine-tune', created: now.toISOString(), ...lineage }, null, 2) + '\n')
  await rm(dir, { recursive: true, force: true })
  await rename(staging, dir)
  return { dir, manifest }
}
