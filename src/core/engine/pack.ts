/**
 * Model packs: load a pack folder, validate its manifest and its ONNX files against each other, and run its stages.
 * A broken or incompatible pack is a PackError that names the pack and the problem; it never takes the app down.
 */
import { readFile, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { checkManifestWiring, ModelManifest, splitRef, type Stage, type TensorSpec } from '../../shared/model-pack'
import { BufferPool } from './buffers'
import type { OrtEngine, OrtSession, TensorIn, TensorInfo, TensorOut } from './ort'

export class PackError extends Error {
  constructor(
    readonly packDir: string,
    message: string
  ) {
    super(`Model pack ${packDir}: ${message}`)
    this.name = 'PackError'
  }
}

export interface LoadedPack {
  dir: string
  manifest: ModelManifest
  /** Runs every stage on one batch of view tensors; returns every stage output by "<stage>.<output>". The views are
   *  the model's afterwards, so build them per call: with a model thread their buffers move there (detached here),
   *  and either way they go to `buffers` to hold a later call's views. */
  run(views: Record<string, TensorIn>): Promise<Map<string, TensorOut>>
  /** Where view tensors are best allocated: the buffers of views a run has finished with come back here. */
  buffers: BufferPool
  dispose(): Promise<void>
}

export async function readManifest(dir: string): Promise<ModelManifest> {
  let text: string
  try {
    text = await readFile(join(dir, 'manifest.json'), 'utf8')
  } catch {
    throw new PackError(dir, 'has no manifest.json')
  }
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch (err) {
    throw new PackError(dir, `manifest.json is not valid JSON (${(err as Error).message})`)
  }
  const parsed = ModelManifest.safeParse(json)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    throw new PackError(dir, `manifest.json is not a vqa-pack/1 manifest: ${issue?.path.join('.') || '(root)'}: ${issue?.message}`)
  }
  const wiring = checkManifestWiring(parsed.data)
  if (wiring.length) throw new PackError(dir, wiring.join('; '))
  return parsed.data
}

/** Pure: problems between what the manifest declares for a stage and what its ONNX file actually has. */
export function compareSignature(stage: Stage, inputs: readonly TensorInfo[], outputs: readonly TensorInfo[]): string[] {
  const problems: string[] = []
  const check = (kind: 'input' | 'output', declared: TensorSpec, actual: TensorInfo | undefined): void => {
    if (!actual) {
      problems.push(`${stage.file} has no ${kind} "${declared.name}" (it has ${(kind === 'input' ? inputs : outputs).map((i) => i.name).join(', ')})`)
      return
    }
    if (actual.dtype !== declared.dtype) problems.push(`${stage.file} ${kind} "${declared.name}" is ${actual.dtype}, the manifest says ${declared.dtype}`)
    if (actual.shape.length && actual.shape.length !== declared.shape.length) {
      problems.push(`${stage.file} ${kind} "${declared.name}" has rank ${actual.shape.length}, the manifest says ${declared.shape.length}`)
      return
    }
    declared.shape.forEach((d, i) => {
      const a = actual.shape[i]
      if (typeof d === 'number' && typeof a === 'number' && a !== d) {
        problems.push(`${stage.file} ${kind} "${declared.name}" dimension ${i} is ${a}, the manifest says ${d}`)
      }
    })
  }
  for (const d of stage.inputs) check('input', d, inputs.find((i) => i.name === d.name))
  for (const d of stage.outputs) check('output', d, outputs.find((o) => o.name === d.name))
  for (const i of inputs) if (!stage.inputs.some((d) => d.name === i.name)) problems.push(`${stage.file} needs input "${i.name}", which the manifest does not feed`)
  return problems
}

export async function loadPack(dir: string, engine: OrtEngine): Promise<LoadedPack> {
  const manifest = await readManifest(dir)
  const sessions: Array<{ stage: Stage; session: OrtSession }> = []
  const dispose = async (): Promise<void> => {
    await Promise.all(sessions.map((s) => s.session.dispose()))
  }
  try {
    for (const stage of manifest.stages) {
      const file = join(dir, stage.file)
      try {
        await stat(file)
      } catch {
        throw new PackError(dir, `stage "${stage.name}" needs ${stage.file}, which is missing`)
      }
      let session: OrtSession
      try {
        session = await engine.load(file, stage.optimization ? { optimization: stage.optimization } : {})
      } catch (err) {
        throw new PackError(dir, `${stage.file} is not a model ONNX Runtime can load: ${(err as Error).message.split('\n')[0]}`)
      }
      sessions.push({ stage, session })
      const problems = compareSignature(stage, session.inputs, session.outputs)
      if (problems.length) throw new PackError(dir, problems.join('; '))
    }
  } catch (err) {
    await dispose()
    throw err
  }

  const handOver = handOverPlan(manifest.stages)
  const buffers = new BufferPool()
  const reclaim = (bufs: ArrayBuffer[]): void => bufs.forEach((b) => buffers.give(b))
  return {
    dir,
    manifest,
    buffers,
    async run(views) {
      const values = new Map<string, TensorOut>()
      for (const [k, { stage, session }] of sessions.entries()) {
        const feeds: Record<string, TensorIn> = {}
        for (const input of stage.inputs) {
          const source = input.from.startsWith('view:') ? views[input.from.slice(5)] : values.get(input.from)
          if (!source) throw new PackError(dir, `no tensor for ${input.from} (stage "${stage.name}")`)
          feeds[input.name] = source as TensorIn
        }
        const out = await session.run(feeds, { handOver: handOver[k] ?? [], reclaim })
        for (const o of stage.outputs) {
          const t = out[o.name]
          if (t) values.set(`${stage.name}.${o.name}`, t)
        }
      }
      return values
    },
    dispose
  }
}

/** Pure: per stage, the inputs fed from a view that no later stage reads — the stage can take their buffers. Stage
 *  outputs are never handed over: they are returned to the caller. */
export function handOverPlan(stages: readonly Stage[]): string[][] {
  const last = new Map<string, number>()
  stages.forEach((st, k) => st.inputs.forEach((i) => i.from.startsWith('view:') && last.set(i.from, k)))
  // Two inputs of one stage fed by the same view share a buffer; ort.ts's transferable moves it once.
  return stages.map((st, k) => st.inputs.filter((i) => last.get(i.from) === k).map((i) => i.name))
}

/** Pure: the 1–5 score of each batch item from a pack's outputs (its segment score, or `out`: its parts' score). */
export function scoresFrom(manifest: ModelManifest, values: Map<string, TensorOut>, out: ModelManifest['outputs']['score'] = manifest.outputs.score): number[] {
  const get = (ref: string): TensorOut => {
    const t = values.get(ref)
    if (!t) throw new Error(`missing output ${ref}`)
    return t
  }
  if (out.kind === 'levels') {
    const t = get(out.from)
    const n = t.dims[0] ?? 1
    const levels = t.data.length / n
    if (levels !== 5) throw new Error(`${out.from} has ${levels} levels per item, expected 5`)
    return Array.from({ length: n }, (_, i) => {
      let s = 0
      for (let k = 0; k < 5; k++) s += Number(t.data[i * 5 + k]) * (k + 1)
      return s
    })
  }
  const first = get(out.terms[0]!.from)
  const n = first.data.length
  const raw = Array.from({ length: n }, (_, i) => out.terms.reduce((acc, term) => acc + term.weight * Number(get(term.from).data[i]), 0))
  const c = out.calibration
  const mapped = raw.map((x) => (c.type === 'linear' ? c.a * x + c.b : c.b2 + (c.b1 - c.b2) / (1 + Math.exp(-(x - c.b3) / Math.abs(c.b4)))))
  return mapped.map((s) => Math.min(5, Math.max(1, s)))
}

export function refParts(ref: string): { stage: string; output: string } {
  const [stage, output] = splitRef(ref)
  return { stage, output }
}

/** The stage fine-tuning trains: by convention the one named "head" (a pack without one cannot be fine-tuned). */
export const TRAINABLE_STAGE = 'head'

/**
 * Pure: the trainable stage's inputs for one segment, concatenated in the stage's input order, or null when the pack
 * has no trainable stage or an input is missing. These are what the catalog keeps per segment for fine-tuning.
 */
export function trainableInputs(manifest: ModelManifest, values: Map<string, TensorOut>): Float32Array | null {
  const stage = manifest.stages.find((s) => s.name === TRAINABLE_STAGE)
  if (!stage) return null
  const parts: number[] = []
  for (const input of stage.inputs) {
    const t = values.get(input.from)
    if (!t) return null
    for (const v of Array.from(t.data as ArrayLike<number | bigint>, Number)) parts.push(v)
  }
  return Float32Array.from(parts)
}
