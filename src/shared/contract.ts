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
  addedAt: z.number()
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
  thumbnailUrl: z.string()
})
export type ClipDetail = z.infer<typeof ClipDetail>

export const SortKey = z.enum(['name', 'duration', 'resolution', 'codec', 'status', 'size', 'addedAt', 'mtime'])
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
  search: z.string().max(256).optional()
})
export type ClipQuery = z.input<typeof ClipQuery>

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

export const JobKind = z.enum(['scan', 'score'])
export type JobKind = z.infer<typeof JobKind>
export const JobState = z.enum(['queued', 'running', 'done', 'failed', 'cancelled'])
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

export const ScoreMode = z.enum(['full', 'fast'])

export const FlagReasonSchema = z.object({
  rule: z.enum(['clip-score', 'segment-score', 'distortion', 'black', 'frozen']),
  message: z.string(),
  start: z.number(),
  end: z.number(),
  distortion: z.string().optional()
})

export const SegmentScore = z.object({
  start: z.number(),
  end: z.number(),
  score: z.number(),
  levels: z.array(z.number()).nullable(),
  severities: z.record(z.string(), z.number()),
  evidence: z.record(z.string(), z.number()),
  explanation: z.string()
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
  segments: z.array(SegmentScore)
})
export type ClipScore = z.infer<typeof ClipScore>

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
      mode: ScoreMode.default('full'),
      segmentSeconds: z.number().min(0.5).max(60).optional()
    }),
    output: z.object({ jobId: z.number().int().nullable(), clips: z.number().int() })
  },
  /** Every score a clip has had (newest first), with its segments: the timeline and its history. */
  'clips.scores': { input: ById, output: z.array(ClipScore) },
  'jobs.list': { input: Empty, output: z.array(JobProgress) },
  'jobs.cancel': { input: ById, output: z.object({ cancelled: z.boolean() }) }
} as const

export const events = {
  /** A job was queued, advanced, or finished. */
  'jobs.onProgress': JobProgress,
  /** Clips or folders changed (scan, watcher): views refetch what they show. */
  'library.onDidChange': z.object({ folderIds: z.array(z.number().int()), reason: z.string() })
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
