/**
 * The one API between the renderer and the core, declared once.
 *
 * The preload bridge (Electron), the IPC handlers (Electron main), the WebSocket bridge (browser mode)
 * and the renderer's client are all derived from `methods` and `events` below. Every input is parsed
 * with its schema on the core side before a handler sees it (fail-closed: unknown keys are rejected).
 *
 * To add a method: add a schema pair here, implement it in `src/core/api/handlers.ts`; TypeScript will
 * refuse to compile until every host can serve it.
 */
import { z } from 'zod'

// ---------- domain schemas ----------

export const ScoreMode = z.enum(['full', 'fast'])

export const FlagReasonSchema = z.object({
  rule: z.enum(['clip-score', 'segment-score', 'distortion', 'black', 'frozen', 'silent']),
  message: z.string(),
  start: z.number(),
  end: z.number(),
  distortion: z.string().optional()
})


export const ClipStatus = z.enum(['ok', 'error', 'missing'])
export type ClipStatus = z.infer<typeof ClipStatus>

export const Folder = z.object({
  id: z.number().int(),
  path: z.string(),
  addedAt: z.number(),
  lastScanAt: z.number().nullable(),
  clipCount: z.number().int(),
  errorCount: z.number().int(),
  /** Whether the folder still exists and is readable. */
  available: z.boolean()
})
export type Folder = z.infer<typeof Folder>

export const AudioStream = z.object({
  codec: z.string(),
  channels: z.number().int().nullable(),
  sampleRate: z.number().int().nullable(),
  language: z.string().nullable()
})
export type AudioStream = z.infer<typeof AudioStream>

/** A row of the library table: what the list shows, nothing heavier. */
export const ClipRow = z.object({
  id: z.number().int(),
  folderId: z.number().int(),
  name: z.string(),
  relDir: z.string(),
  status: ClipStatus,
  error: z.string().nullable(),
  duration: z.number().nullable(),
  width: z.number().int().nullable(),
  height: z.number().int().nullable(),
  /** Size as displayed, after rotation. */
  displayWidth: z.number().int().nullable(),
  displayHeight: z.number().int().nullable(),
  codec: z.string().nullable(),
  fps: z.number().nullable(),
  size: z.number(),
  mtimeMs: z.number(),
  addedAt: z.number(),
  /** The latest score (1–5) and its flags; null until scored. */
  score: z.number().nullable(),
  flagged: z.boolean(),
  flags: z.array(FlagReasonSchema),
  /** Why the latest scoring attempt failed, if it did. */
  scoreError: z.string().nullable(),
  /** The strongest distortion of the latest score (severity ≥ 0.3), for the table. */
  topDistortion: z.string().nullable(),
  /** The reviewer's verdict and clip score label, if any; how many labels the clip has. */
  review: z.enum(['accepted', 'rejected']).nullable(),
  labelScore: z.number().nullable(),
  labelCount: z.number().int()
})
export type ClipRow = z.infer<typeof ClipRow>

export const ClipDetail = ClipRow.extend({
  path: z.string(),
  fingerprint: z.string(),
  container: z.string().nullable(),
  profile: z.string().nullable(),
  pixelFormat: z.string().nullable(),
  bitDepth: z.number().int().nullable(),
  chromaSubsampling: z.string().nullable(),
  colorTransfer: z.string().nullable(),
  colorPrimaries: z.string().nullable(),
  colorRange: z.enum(['tv', 'pc', 'unknown']).nullable(),
  hdr: z.enum(['PQ', 'HLG']).nullable(),
  rotation: z.number().int(),
  variableFrameRate: z.boolean(),
  frameCount: z.number().int().nullable(),
  bitrate: z.number().nullable(),
  interlaced: z.boolean().nullable(),
  audio: z.array(AudioStream),
  probedAt: z.number().nullable(),
  /** URLs the renderer may load; their scheme depends on the host (vqa-media: or http:). */
  mediaUrl: z.string(),
  thumbnailUrl: z.string(),
  /** The timeline's thumbnail sprite (wire.ts STRIP_FRAMES tiles in a row), made on first request. */
  stripUrl: z.string().optional()
})
export type ClipDetail = z.infer<typeof ClipDetail>

export const SortKey = z.enum(['name', 'duration', 'resolution', 'codec', 'status', 'size', 'addedAt', 'mtime', 'score'])
export type SortKey = z.infer<typeof SortKey>

export const ClipQuery = z.strictObject({
  offset: z.number().int().min(0).default(0),
  limit: z.number().int().min(1).max(500).default(100),
  sort: SortKey.default('name'),
  direction: z.enum(['asc', 'desc']).default('asc'),
  folderId: z.number().int().optional(),
  /** A sub-folder inside `folderId`, relative to it; includes everything below it. */
  dir: z.string().max(4096).optional(),
  status: ClipStatus.optional(),
  codec: z.string().max(64).optional(),
  /** Substring of the file name or of its folder path, case-insensitive. */
  search: z.string().max(256).optional(),
  flagged: z.boolean().optional(),
  /** Scored clips only (true) or unscored only (false). */
  scored: z.boolean().optional(),
  scoreMin: z.number().min(1).max(5).optional(),
  scoreMax: z.number().min(1).max(5).optional(),
  /** Clips whose latest score has this distortion at severity ≥ 0.3. */
  distortion: z.string().max(64).optional(),
  /** Clips whose latest score was made by this model version (model_versions.id). */
  modelId: z.number().int().optional(),
  labelState: z.enum(['labelled', 'unlabelled', 'accepted', 'rejected']).optional()
})
export type ClipQuery = z.input<typeof ClipQuery>
export type ClipQueryParsed = z.output<typeof ClipQuery>

export const ClipPage = z.object({
  total: z.number().int(),
  offset: z.number().int(),
  rows: z.array(ClipRow),
  /** Where the renderer fetches a row's thumbnail: append the clip id. */
  thumbnailBase: z.string()
})
export type ClipPage = z.infer<typeof ClipPage>

export const TreeNode = z.object({
  folderId: z.number().int(),
  /** Relative dir inside the folder; '' is the folder itself. */
  dir: z.string(),
  /** Clips directly in this dir (not below it); only dirs that hold clips are listed. */
  clipCount: z.number().int()
})
export type TreeNode = z.infer<typeof TreeNode>

export const JobKind = z.enum(['scan', 'score', 'reflag', 'train'])
export type JobKind = z.infer<typeof JobKind>
export const JobState = z.enum(['queued', 'running', 'paused', 'done', 'failed', 'cancelled'])
export type JobState = z.infer<typeof JobState>

export const JobProgress = z.object({
  id: z.number().int(),
  kind: JobKind,
  state: JobState,
  title: z.string(),
  phase: z.string(),
  done: z.number().int(),
  total: z.number().int().nullable(),
  etaSeconds: z.number().nullable(),
  current: z.string().nullable(),
  error: z.string().nullable(),
  summary: z.string().nullable(),
  startedAt: z.number().nullable(),
  finishedAt: z.number().nullable()
})
export type JobProgress = z.infer<typeof JobProgress>

export const DirEntry = z.object({ name: z.string(), path: z.string() })
export const DirListing = z.object({
  path: z.string(),
  parent: z.string().nullable(),
  entries: z.array(DirEntry),
  /** Video-looking files directly inside, so the user can tell a footage folder when they see one. */
  videoFileCount: z.number().int(),
  error: z.string().nullable()
})
export type DirListing = z.infer<typeof DirListing>

export const AppInfo = z.object({
  version: z.string(),
  host: z.enum(['electron', 'browser']),
  /** True where the host can show a native folder picker (Electron). */
  nativeFolderPicker: z.boolean(),
  dataDir: z.string(),
  catalogPath: z.string(),
  ffmpeg: z.object({ ffmpeg: z.string(), ffprobe: z.string(), version: z.string() }),
  homeDir: z.string()
})
export type AppInfo = z.infer<typeof AppInfo>

/** A stretch of a segment scored on its own (packs that measure parts): when inside the segment a distortion is. */
export const SegmentPart = z.object({
  start: z.number(),
  end: z.number(),
  score: z.number(),
  severities: z.record(z.string(), z.number())
})

export const SegmentScore = z.object({
  start: z.number(),
  end: z.number(),
  score: z.number(),
  levels: z.array(z.number()).nullable(),
  severities: z.record(z.string(), z.number()),
  evidence: z.record(z.string(), z.number()),
  explanation: z.string(),
  /** Null for scores from packs without parts, fast mode, and scores made before parts existed. */
  parts: z.array(SegmentPart).nullable().default(null)
})

export const ClipScore = z.object({
  id: z.number().int(),
  model: z.string(),
  mode: ScoreMode,
  segmentSeconds: z.number(),
  score: z.number(),
  levels: z.array(z.number()).nullable(),
  severities: z.record(z.string(), z.number()),
  summary: z.string(),
  flags: z.array(FlagReasonSchema),
  provider: z.string(),
  wallMs: z.number(),
  modelMs: z.number(),
  scoredAt: z.number(),
  /** Silent audio stretches found while scoring; null when not looked for (no audio track, or an older score). */
  silences: z.array(z.object({ start: z.number(), end: z.number() })).nullable(),
  segments: z.array(SegmentScore)
})
export type ClipScore = z.infer<typeof ClipScore>

// ---------- labels ----------

/**
 * A reviewer's label. `score`: a clip score (no range) or a segment score (with a range); `verdict`: accept/reject of
 * the clip (one per clip: a new one replaces it); `distortion`: a distortion tagged on a time range; `comment`: a note,
 * on the clip or a range. Each remembers the model version that was on screen when it was made.
 */
export const LabelKind = z.enum(['score', 'verdict', 'distortion', 'comment'])
export type LabelKind = z.infer<typeof LabelKind>

export const Label = z.object({
  id: z.number().int(),
  clipId: z.number().int(),
  kind: LabelKind,
  score: z.number().nullable(),
  verdict: z.enum(['accept', 'reject']).nullable(),
  distortion: z.string().nullable(),
  start: z.number().nullable(),
  end: z.number().nullable(),
  comment: z.string().nullable(),
  model: z.string().nullable(),
  source: z.string(),
  createdAt: z.number(),
  updatedAt: z.number()
})
export type Label = z.infer<typeof Label>

export const LabelRow = Label.extend({ clipName: z.string(), relDir: z.string(), clipPath: z.string() })
export type LabelRow = z.infer<typeof LabelRow>

const LabelFields = {
  score: z.number().min(1).max(5).nullable().optional(),
  verdict: z.enum(['accept', 'reject']).nullable().optional(),
  distortion: z.string().min(1).max(64).nullable().optional(),
  start: z.number().min(0).nullable().optional(),
  end: z.number().min(0).nullable().optional(),
  comment: z.string().max(4000).nullable().optional(),
  model: z.string().max(200).nullable().optional()
}
export const LabelInput = z.strictObject({ clipId: z.number().int().min(1), kind: LabelKind, ...LabelFields })
export type LabelInput = z.input<typeof LabelInput>

export const LabelFormat = z.enum(['jsonl', 'meta-json', 'csv'])
export type LabelFormat = z.infer<typeof LabelFormat>

export const QueueItem = z.object({
  id: z.number().int(),
  name: z.string(),
  relDir: z.string(),
  score: z.number().nullable(),
  flags: z.array(FlagReasonSchema),
  review: z.enum(['accepted', 'rejected']).nullable(),
  labelScore: z.number().nullable()
})
export type QueueItem = z.infer<typeof QueueItem>

export const LibraryStats = z.object({
  /** Readable clips; the rest of the numbers are over these. */
  clips: z.number().int(),
  /** Files that are in the library but could not be read (not counted anywhere else). */
  unreadable: z.number().int(),
  scored: z.number().int(),
  flagged: z.number().int(),
  labelled: z.number().int(),
  /** Latest scores in bins of 0.25 from 1 to 5. */
  histogram: z.array(z.object({ from: z.number(), to: z.number(), count: z.number().int() })),
  /** Clips whose latest score has each distortion at severity ≥ 0.3. */
  distortions: z.array(z.object({ id: z.string(), label: z.string(), count: z.number().int() })),
  worst: z.array(z.object({ id: z.number().int(), name: z.string(), score: z.number(), topDistortion: z.string().nullable() })),
  /** Every model version that scored something: how many clips and their mean score. */
  models: z.array(z.object({ id: z.number().int(), model: z.string(), clips: z.number().int(), mean: z.number(), latest: z.number().int() }))
})
export type LibraryStats = z.infer<typeof LibraryStats>

export const ModelVersion = z.object({ id: z.number().int(), model: z.string() })

export const SavedView = z.object({ id: z.number().int(), name: z.string(), query: z.record(z.string(), z.unknown()), createdAt: z.number() })
export type SavedView = z.infer<typeof SavedView>

export const FlagRulesSchema = z.strictObject({
  clipBelow: z.number().min(1).max(5).nullable(),
  segmentBelow: z.number().min(1).max(5).nullable(),
  distortion: z.strictObject({ severity: z.number().min(0).max(1), seconds: z.number().min(0).max(3600) }).nullable(),
  blackOrFrozenSeconds: z.number().min(0).max(3600).nullable(),
  silentSeconds: z.number().min(0.5).max(3600).nullable().optional()
})
export const FlagPreset = z.enum(['lenient', 'standard', 'strict', 'custom'])

export const Settings = z.object({
  theme: z.enum(['system', 'dark', 'light']),
  /** null: the active pack's own segment length (2 s for the built-in pack). */
  segmentSeconds: z.number().min(0.5).max(60).nullable(),
  mode: ScoreMode,
  flagPreset: FlagPreset,
  flagRules: FlagRulesSchema,
  /** The active model pack's folder; null = the built-in default. */
  activeModel: z.string().nullable(),
  /** auto: a hardware decoder when one passes a test decode here; off: software only. VQA_HWACCEL / --hwaccel win. */
  hwDecode: z.enum(['auto', 'off'])
})
export type Settings = z.infer<typeof Settings>

export const ModelPackInfo = z.object({
  dir: z.string(),
  origin: z.enum(['builtin', 'imported']),
  name: z.string().nullable(),
  version: z.string().nullable(),
  title: z.string().nullable(),
  description: z.string().nullable(),
  licence: z.string().nullable(),
  /** Straight from the manifest: whether the pack learned from human opinion scores, and from what. */
  humanOpinionScores: z.boolean().nullable(),
  provenance: z.string().nullable(),
  distortions: z.array(z.object({ id: z.string(), label: z.string(), description: z.string() })),
  active: z.boolean(),
  error: z.string().nullable()
})
export type ModelPackInfo = z.infer<typeof ModelPackInfo>

export const EngineStatus = z.object({
  requested: z.enum(['auto', 'cuda', 'cpu']),
  /** null until the engine has loaded a pack (first scoring). */
  provider: z.string().nullable(),
  warning: z.string().nullable(),
  cudaPackageInstalled: z.boolean(),
  /** Video decoding: the preference in force (and where it came from), the method in use, why others were not. */
  decode: z.object({
    preference: z.string(),
    source: z.enum(['settings', 'environment', 'command line']),
    method: z.string().nullable(),
    rejected: z.array(z.object({ method: z.string(), reason: z.string() }))
  })
})
export type EngineStatus = z.infer<typeof EngineStatus>

export const PreviewState = z.object({
  clipId: z.number().int(),
  state: z.enum(['none', 'working', 'ready', 'failed']),
  /** 0–1 while working. */
  progress: z.number().nullable(),
  url: z.string().nullable(),
  error: z.string().nullable()
})
export type PreviewState = z.infer<typeof PreviewState>

// ---------- fine-tuning ----------

export const RewardName = z.enum(['reg', 'rank', 'temporal', 'attribution'])
export const TrainingParams = z.strictObject({
  method: z.enum(['grpo', 'supervised']).default('grpo'),
  rewards: z.array(RewardName).min(1).default(['reg', 'rank', 'temporal', 'attribution']),
  epochs: z.number().int().min(1).max(500).default(30),
  group: z.number().int().min(2).max(16).default(4),
  beta: z.number().min(0).max(10).default(0.04),
  learningRate: z.number().min(1e-6).max(0.1).default(2e-3),
  batchSize: z.number().int().min(2).max(256).default(16),
  validationFraction: z.number().min(0.1).max(0.5).default(0.25),
  seed: z.number().int().min(0).max(2 ** 31).default(1)
})
export type TrainingParams = z.output<typeof TrainingParams>

export const TrainingEval = z.object({
  srcc: z.number(),
  plcc: z.number(),
  rmse: z.number(),
  /** Per validation clip: the label and the prediction, for the scatter plot. */
  points: z.array(z.object({ clipId: z.number().int(), label: z.number(), predicted: z.number() }))
})
export type TrainingEval = z.infer<typeof TrainingEval>

export const TrainingPoint = z.object({
  step: z.number().int(),
  epoch: z.number().int(),
  loss: z.number(),
  kl: z.number(),
  reg: z.number().nullable(),
  rank: z.number().nullable(),
  temporal: z.number().nullable(),
  attribution: z.number().nullable(),
  /** Validation agreement, measured at the end of each epoch. */
  valSrcc: z.number().nullable(),
  valPlcc: z.number().nullable()
})
export type TrainingPoint = z.infer<typeof TrainingPoint>

export const TrainingRun = z.object({
  id: z.number().int(),
  jobId: z.number().int().nullable(),
  state: z.enum(['queued', 'preparing', 'training', 'paused', 'done', 'failed', 'cancelled', 'discarded']),
  baseModel: z.string(),
  params: TrainingParams,
  trainClips: z.number().int(),
  validationClips: z.number().int(),
  epoch: z.number().int(),
  curves: z.array(TrainingPoint),
  before: TrainingEval.nullable(),
  after: TrainingEval.nullable(),
  packDir: z.string().nullable(),
  modelVersion: z.string().nullable(),
  /** Whether the pack this run made is the active one. */
  active: z.boolean(),
  error: z.string().nullable(),
  createdAt: z.number(),
  finishedAt: z.number().nullable()
})
export type TrainingRun = z.infer<typeof TrainingRun>

const Empty = z.strictObject({})
const ById = z.strictObject({ id: z.number().int().min(1) })

// ---------- the contract ----------

export const methods = {
  'app.info': { input: Empty, output: AppInfo },
  'folders.list': { input: Empty, output: z.array(Folder) },
  'folders.add': {
    input: z.strictObject({ path: z.string().min(1).max(4096) }),
    output: z.object({ folder: Folder, jobId: z.number().int() })
  },
  'folders.remove': { input: ById, output: z.object({ removed: z.boolean() }) },
  'folders.rescan': {
    input: z.strictObject({ id: z.number().int().min(1).optional() }),
    output: z.object({ jobIds: z.array(z.number().int()) })
  },
  'folders.pickNative': { input: Empty, output: z.object({ path: z.string().nullable() }) },
  'fs.browse': {
    input: z.strictObject({ path: z.string().max(4096).optional() }),
    output: DirListing
  },
  'clips.query': { input: ClipQuery, output: ClipPage },
  'clips.get': { input: ById, output: ClipDetail },
  'clips.tree': { input: Empty, output: z.array(TreeNode) },
  'clips.codecs': { input: Empty, output: z.array(z.string()) },
  'scores.start': {
    input: z.strictObject({
      scope: z.enum(['folder', 'clips', 'unscored', 'outdated']),
      folderId: z.number().int().min(1).optional(),
      clipIds: z.array(z.number().int().min(1)).max(100_000).optional(),
      /** Default: the mode and segment length chosen in Settings. */
      mode: ScoreMode.optional(),
      segmentSeconds: z.number().min(0.5).max(60).optional()
    }),
    output: z.object({ jobId: z.number().int().nullable(), clips: z.number().int() })
  },
  /** Every score a clip has had (newest first), with its segments: the timeline and its history. */
  'clips.scores': { input: ById, output: z.array(ClipScore) },
  /** Model versions that have scored clips here, for the library's filter. */
  'scores.models': { input: Empty, output: z.array(ModelVersion) },
  /** Scene cuts found in the clip (seconds), computed on first ask and kept in the catalog. */
  'clips.sceneCuts': { input: ById, output: z.object({ cuts: z.array(z.number()) }) },
  /** A browser-playable transcode of a clip the player cannot play; `start` begins one when none is cached. */
  'clips.preview': { input: z.strictObject({ id: z.number().int().min(1), start: z.boolean().default(false) }), output: PreviewState },
  'jobs.list': { input: Empty, output: z.array(JobProgress) },
  'jobs.cancel': { input: ById, output: z.object({ cancelled: z.boolean() }) },
  /** Stops a queued or running job where it is; it keeps its place in the catalog and finishes the rest on resume. */
  'jobs.pause': { input: ById, output: z.object({ paused: z.boolean() }) },
  'jobs.resume': { input: ById, output: z.object({ resumed: z.boolean() }) },

  'labels.list': {
    input: z.strictObject({
      clipId: z.number().int().min(1).optional(),
      kind: LabelKind.optional(),
      search: z.string().max(256).optional(),
      offset: z.number().int().min(0).default(0),
      limit: z.number().int().min(1).max(1000).default(200)
    }),
    output: z.object({ total: z.number().int(), rows: z.array(LabelRow) })
  },
  /** A verdict or whole-clip score replaces the clip's previous one; `replaced` is what it took out (for undo). */
  'labels.add': { input: LabelInput, output: z.object({ label: Label, replaced: z.array(Label) }) },
  /** Undo: puts labels back exactly as they were (id, source, times), replacing what holds their place now. */
  'labels.restore': { input: z.strictObject({ labels: z.array(Label).min(1).max(1000) }), output: z.array(Label) },
  'labels.update': { input: z.strictObject({ id: z.number().int().min(1), ...LabelFields }), output: Label },
  /** Returns the deleted label, so the UI can undo by adding it back. */
  'labels.delete': { input: ById, output: Label },
  'labels.import': {
    input: z.strictObject({
      format: LabelFormat,
      text: z.string().max(50_000_000),
      /** The native scale of imported scores (meta JSON, CSV); rescaled linearly to 1–5. Default 1–5. */
      scale: z.strictObject({ min: z.number(), max: z.number() }).optional()
    }),
    output: z.object({ imported: z.number().int(), unmatched: z.array(z.string()), errors: z.array(z.string()) })
  },
  'labels.export': {
    input: z.strictObject({ format: LabelFormat }),
    output: z.object({ text: z.string(), filename: z.string(), count: z.number().int() })
  },

  /** Flagged clips in review order: unreviewed first, worst first. */
  'review.queue': {
    input: z.strictObject({ include: z.enum(['unreviewed', 'all']).default('all') }),
    output: z.array(QueueItem)
  },
  'stats.library': { input: Empty, output: LibraryStats },

  'views.list': { input: Empty, output: z.array(SavedView) },
  'views.save': {
    input: z.strictObject({ name: z.string().min(1).max(100), query: z.record(z.string(), z.unknown()) }),
    output: SavedView
  },
  'views.delete': { input: ById, output: z.object({ deleted: z.boolean() }) },

  'settings.get': { input: Empty, output: Settings },
  'settings.set': { input: Settings.partial().strict(), output: Settings },

  'models.list': { input: Empty, output: z.array(ModelPackInfo) },
  'models.activate': { input: z.strictObject({ dir: z.string().min(1).max(4096) }), output: z.array(ModelPackInfo) },
  'models.import': { input: z.strictObject({ path: z.string().min(1).max(4096) }), output: z.array(ModelPackInfo) },
  'engine.status': { input: Empty, output: EngineStatus },

  /** Fine-tune the active pack on the catalog's labels in a background worker; refused with the reason when too few. */
  'training.start': { input: TrainingParams, output: z.object({ runId: z.number().int(), jobId: z.number().int() }) },
  /** Whether a fine-tune could start now: usable labelled clips and what is missing. */
  'training.readiness': {
    input: Empty,
    output: z.object({ usable: z.number().int(), skipped: z.number().int(), problem: z.string().nullable(), skippedReasons: z.array(z.string()) })
  },
  'training.list': { input: Empty, output: z.array(TrainingRun) },
  /** Deletes the pack a run made (not while it is active); the run's record stays, marked discarded. */
  'training.discard': { input: ById, output: z.array(TrainingRun) }
} as const

export const events = {
  /** A job was queued, advanced, or finished. */
  'jobs.onProgress': JobProgress,
  /** Clips or folders changed (scan, watcher): views refetch what they show. */
  'library.onDidChange': z.object({ folderIds: z.array(z.number().int()), reason: z.string() }),
  /** Labels were added, changed or removed (here or in another window). */
  'labels.onDidChange': z.object({ clipIds: z.array(z.number().int()) }),
  /** A preview transcode advanced or finished. */
  'preview.onProgress': PreviewState,
  /** Settings changed (theme, model, rules…). */
  'settings.onDidChange': Settings,
  /** A fine-tuning run advanced (a step, an epoch, its end). */
  'training.onProgress': TrainingRun
} as const

export type Methods = typeof methods
export type MethodName = keyof Methods
export type EventName = keyof typeof events
export type MethodInput<M extends MethodName> = z.input<Methods[M]['input']>
export type MethodParsedInput<M extends MethodName> = z.output<Methods[M]['input']>
export type MethodOutput<M extends MethodName> = z.output<Methods[M]['output']>
export type EventPayload<E extends EventName> = z.output<(typeof events)[E]>

export const methodNames = Object.keys(methods) as MethodName[]
export const eventNames = Object.keys(events) as EventName[]

export function isMethodName(name: unknown): name is MethodName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(methods, name)
}
export function isEventName(name: unknown): name is EventName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(events, name)
}

/** What the renderer holds: the same shape whichever host it talks to. */
export interface VqaApi {
  invoke<M extends MethodName>(method: M, input: MethodInput<M>): Promise<MethodOutput<M>>
  /** Returns the unsubscribe function. */
  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void
}

/** Errors cross the boundary as this shape; the client turns them back into ApiError. */
export const WireError = z.object({ code: z.string(), message: z.string() })
export type WireError = z.infer<typeof WireError>

export class ApiError extends Error {
  constructor(
    readonly code: string,
    message: string
  ) {
    super(message)
    this.name = 'ApiError'
  }
}

/** IPC channel names are derived, never written by hand. */
export const ipcChannel = (name: MethodName | EventName): string => `vqa:${name}`
