/**
 * The model pack format: a folder with `manifest.json` and ONNX files. The manifest says where the model came
 * from and what it learned from (provenance), how to sample its inputs from video (views), how its ONNX stages
 * connect, and what its outputs mean. It is rich enough to describe a fragment-sampled deep model such as
 * DOVER-Mobile or FasterVQA exported to ONNX, as well as this project's own measurement + head packs.
 *
 * Shared (not core-only) because the renderer shows manifests in Settings.
 */
import { z } from 'zod'

const Id = z.string().regex(/^[a-z0-9][a-z0-9_.-]*$/, 'lower-case letters, digits, "_", "-" and "."')

export const Normalise = z.object({
  /** Multiply 0–255 pixel values by this first (1/255 for 0–1 inputs, 1 to keep 0–255). */
  scale: z.number().positive(),
  /** Then subtract mean and divide by std, per channel (length 1 for gray, 3 for RGB). */
  mean: z.array(z.number()).min(1).max(3),
  std: z.array(z.number().positive()).min(1).max(3)
})
export type Normalise = z.infer<typeof Normalise>

const ViewBase = z.object({
  name: Id,
  /** Frames taken from each segment. 'consecutive' keeps the source's own frame spacing (up to `frames`, after
   *  stepping down to at most `maxFps`), which temporal measures need; 'uniform' spreads them over the segment. */
  frames: z.number().int().min(1).max(512),
  sampling: z.enum(['consecutive', 'uniform']),
  /** The model needs exactly `frames` frames (short segments loop their frames); otherwise up to `frames`. */
  fixedCount: z.boolean().default(false),
  maxFps: z.number().positive().optional(),
  pixelFormat: z.enum(['gray', 'rgb']),
  /** Tensor layout: T=frames, C=channels, H, W; N=1 is the batch. */
  layout: z.enum(['TCHW', 'NCTHW', 'NTCHW']),
  dtype: z.enum(['uint8', 'float32']),
  normalise: Normalise.optional()
})

/** A mosaic of native-resolution patches (FAST-VQA's "fragments"): compression and noise are not hidden by scaling. */
export const FragmentsView = ViewBase.extend({
  kind: z.literal('fragments'),
  grid: z.tuple([z.number().int().min(1), z.number().int().min(1)]),
  patch: z.tuple([z.number().int().min(8), z.number().int().min(8)]),
  /** Patch origins are multiples of this (8 keeps codec block boundaries where the measurements expect them). */
  align: z.number().int().min(1).default(1)
})

/** The whole picture scaled to a size. */
export const ResizeView = ViewBase.extend({
  kind: z.literal('resize'),
  size: z.tuple([z.number().int().min(8), z.number().int().min(8)]),
  fit: z.enum(['stretch', 'pad', 'crop']),
  /**
   * How a 'stretch' view is scaled down. Absent or 'area': an area average of the whole frame, converted to the
   * view's pixel format at full size (what models trained on plainly resized frames expect). 'fast': from one field
   * when the frame is at least four times the view's height (every 4th row from eight times: still ≥ 2 rows per
   * output row), scaled in the source's YUV, converted at the small size — about half the work for a small view of
   * a large frame, for packs built on it (engine/sampler.ts stretchChain).
   */
  scaling: z.enum(['area', 'fast']).optional()
})

export const View = z.discriminatedUnion('kind', [FragmentsView, ResizeView])
export type View = z.infer<typeof View>

export const TensorSpec = z.object({
  name: z.string().min(1),
  dtype: z.enum(['float32', 'uint8', 'int64']),
  /** Numbers are fixed sizes, strings are symbolic (any size). */
  shape: z.array(z.union([z.number().int().min(1), z.string().min(1)]))
})
export type TensorSpec = z.infer<typeof TensorSpec>

export const Stage = z.object({
  // No '.' in stage names: references are written "<stage>.<output>".
  name: z.string().regex(/^[a-z0-9][a-z0-9_-]*$/, 'lower-case letters, digits, "_" and "-"'),
  file: z.string().regex(/^[^/\\]+\.onnx$/, 'an .onnx file inside the pack folder'),
  /** Each input is fed from a view (`view:<name>`) or from an earlier stage's output (`<stage>.<output>`). */
  inputs: z.array(TensorSpec.extend({ from: z.string().min(1) })).min(1),
  outputs: z.array(TensorSpec).min(1),
  /**
   * ONNX Runtime's graph optimisation level for this stage (default 'all'). 'all' adds layout transforms (NCHWc)
   * that pay off for deep convolutional networks but cost more than they save on single-channel image filters.
   */
  optimization: z.enum(['basic', 'extended', 'all']).optional()
})
export type Stage = z.infer<typeof Stage>

const Ref = z.string().regex(/^[a-z0-9_.-]+\.[A-Za-z0-9_:./-]+$/, '<stage>.<output>')

export const ScoreOutput = z.discriminatedUnion('kind', [
  /** Probabilities over the five levels; score = expectation (Q-Align style). */
  z.object({ kind: z.literal('levels'), from: Ref }),
  /** A raw scalar (or a weighted sum of several), mapped to 1–5 by `calibration`. */
  z.object({
    kind: z.literal('scalar'),
    terms: z.array(z.object({ from: Ref, weight: z.number() })).min(1),
    calibration: z.discriminatedUnion('type', [
      z.object({ type: z.literal('linear'), a: z.number(), b: z.number() }),
      z.object({ type: z.literal('logistic'), b1: z.number(), b2: z.number(), b3: z.number(), b4: z.number() })
    ])
  })
])

export const Distortion = z.object({ id: Id, label: z.string().min(1), description: z.string() })
export type Distortion = z.infer<typeof Distortion>

export const ModelManifest = z.object({
  format: z.literal('vqa-pack/1'),
  name: Id,
  version: z.string().regex(/^\d+\.\d+\.\d+([-+][\w.]+)?$/, 'semantic version, e.g. 1.0.0'),
  title: z.string().min(1),
  description: z.string(),
  licence: z.string().min(1),
  provenance: z.object({
    /** One honest sentence a user reads in Settings. */
    summary: z.string().min(1),
    /** Whether any human opinion scores were used to fit the weights. */
    humanOpinionScores: z.boolean(),
    trainingData: z.string(),
    recipe: z.string(),
    created: z.string(),
    /** For versions made by fine-tuning: the pack they started from. */
    basedOn: z.object({ name: Id, version: z.string() }).optional()
  }),
  /** Seconds per segment the pack was built for (a default; jobs may override). */
  segmentSeconds: z.number().positive(),
  views: z.array(View).min(1),
  stages: z.array(Stage).min(1),
  outputs: z.object({
    score: ScoreOutput,
    /** Per-distortion severity in [0, 1], in the order of `distortions`. */
    severities: Ref.optional(),
    /** Named measurements behind the explanation, in the order of `evidence.names`. */
    evidence: z.object({ from: Ref, names: z.array(z.string().min(1)) }).optional(),
    /**
     * The segment measured again in `count` equal stretches of its frames (its parts), for localisation: a score per
     * part (batch item k = part k) and, optionally, severities per part. Findings then say when inside a segment a
     * distortion is, not only in which segment.
     */
    parts: z
      .object({
        count: z.number().int().min(2).max(16),
        score: ScoreOutput,
        severities: Ref.optional(),
        /** The measurements of `outputs.evidence.names` per part (row k = part k), quoted by findings placed there. */
        evidence: Ref.optional()
      })
      .optional()
  }),
  scale: z.object({
    min: z.literal(1),
    max: z.literal(5),
    levels: z.tuple([z.string(), z.string(), z.string(), z.string(), z.string()]),
    /** How the numbers relate to perceived quality, in words. */
    calibration: z.string()
  }),
  distortions: z.array(Distortion)
})
export type ModelManifest = z.infer<typeof ModelManifest>

/** Pure: every reference in a manifest points at something that exists, in order. Returns problems, [] if fine. */
export function checkManifestWiring(m: ModelManifest): string[] {
  const problems: string[] = []
  const views = new Set(m.views.map((v) => v.name))
  const produced = new Map<string, Set<string>>()
  const names = new Set<string>()
  for (const stage of m.stages) {
    if (names.has(stage.name)) problems.push(`stage "${stage.name}" is declared twice`)
    names.add(stage.name)
    for (const input of stage.inputs) {
      if (input.from.startsWith('view:')) {
        if (!views.has(input.from.slice(5))) problems.push(`stage "${stage.name}" input "${input.name}" reads unknown ${input.from}`)
      } else {
        const [s, o] = splitRef(input.from)
        if (!produced.get(s)?.has(o)) problems.push(`stage "${stage.name}" input "${input.name}" reads ${input.from}, which no earlier stage produces`)
      }
    }
    produced.set(stage.name, new Set(stage.outputs.map((o) => o.name)))
  }
  const scoreRefs = (score: ModelManifest['outputs']['score']): string[] => (score.kind === 'levels' ? [score.from] : score.terms.map((t) => t.from))
  const refs: string[] = scoreRefs(m.outputs.score)
  if (m.outputs.severities) refs.push(m.outputs.severities)
  if (m.outputs.evidence) refs.push(m.outputs.evidence.from)
  const parts = m.outputs.parts
  if (parts) {
    refs.push(...scoreRefs(parts.score))
    if (parts.severities) refs.push(parts.severities)
    if (parts.evidence) refs.push(parts.evidence)
    if (parts.evidence && !m.outputs.evidence) problems.push('parts.evidence needs outputs.evidence (its names)')
  }
  for (const r of refs) {
    const [s, o] = splitRef(r)
    if (!produced.get(s)?.has(o)) problems.push(`output ${r} is not produced by any stage`)
  }
  if (m.outputs.severities && m.distortions.length === 0) problems.push('severities are declared but the distortion list is empty')
  // Segments are cut by counting the frames of views that take every frame; a pack of single-frame views has none.
  if (!m.views.some((v) => !(v.sampling === 'uniform' && v.frames === 1))) problems.push('at least one view must take more than one frame per segment')
  return problems
}

export function splitRef(ref: string): [string, string] {
  const i = ref.indexOf('.')
  return [ref.slice(0, i), ref.slice(i + 1)]
}
