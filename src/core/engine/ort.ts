/**
 * The ONNX Runtime adapter: the only module that imports onnxruntime-node. It owns the choice of execution
 * provider (CUDA where its libraries are installed, else CPU), thread counts, and session creation and disposal.
 * A CUDA failure falls back to CPU with a warning the UI shows — never silently.
 */
import { existsSync, readdirSync } from 'node:fs'
import { availableParallelism } from 'node:os'
import { dirname, join } from 'node:path'
import { createRequire } from 'node:module'
import { Worker } from 'node:worker_threads'
import * as ort from 'onnxruntime-node'
import type { Stage } from '../../shared/model-pack'

export type Provider = 'cuda' | 'cpu'
export type ProviderPreference = 'auto' | Provider

export type TensorData = Float32Array | Uint8Array | BigInt64Array | Int32Array
export interface TensorIn {
  data: TensorData
  dims: readonly number[]
}
export interface TensorOut {
  data: Float32Array | Uint8Array | BigInt64Array | Int32Array
  dims: readonly number[]
}
export interface TensorInfo {
  name: string
  dtype: string
  shape: ReadonlyArray<number | string>
}

export interface OrtSession {
  readonly inputs: readonly TensorInfo[]
  readonly outputs: readonly TensorInfo[]
  run(feeds: Record<string, TensorIn>, opts?: RunOptions): Promise<Record<string, TensorOut>>
  dispose(): Promise<void>
}

export interface RunOptions {
  /** Feeds the caller will not read again. A model thread takes their buffers instead of copying them (they are
   *  detached here) and sends them back with its answer. */
  handOver?: readonly string[]
  /** Receives the handed-over buffers once the run is done, for reuse (engine/buffers.ts). */
  reclaim?: (buffers: ArrayBuffer[]) => void
}

/** Pure: the buffers of the named feeds that can be moved to another thread — whole, unshared ArrayBuffers, once each
 *  (a feed that is a view into a larger buffer would take the rest of that buffer with it). */
export function transferable(feeds: Record<string, TensorIn>, names: readonly string[]): ArrayBuffer[] {
  const out = new Set<ArrayBuffer>()
  for (const name of names) {
    const d = feeds[name]?.data
    // An empty buffer may be one already moved away (views run twice): transferring it again would throw.
    if (!d || !(d.buffer instanceof ArrayBuffer) || d.buffer.byteLength === 0) continue
    if (d.byteOffset === 0 && d.byteLength === d.buffer.byteLength) out.add(d.buffer)
  }
  return [...out]
}

export interface EngineStatus {
  provider: Provider
  requested: ProviderPreference
  threads: number
  warnings: string[]
  ortVersion: string
}

/**
 * Pure: ONNX Runtime's intra-op threads unless told otherwise. The model runs beside ffmpeg decoding the same clip,
 * which keeps a small machine's cores busy: there a second model thread only adds contention (the measurement stage
 * on 2 cores: 74 ms of CPU per segment on one thread, 90 ms on two, for 10 ms less wall time). Larger machines give
 * the model a quarter of their cores.
 */
export function defaultModelThreads(cores: number): number {
  return Math.max(1, Math.floor(cores / 4))
}

/** Where onnxruntime-node keeps its native libraries; the CUDA provider is a separate, optional download. */
export function cudaProviderInstalled(): boolean {
  try {
    const require = createRequire(__filename)
    const pkg = dirname(require.resolve('onnxruntime-node/package.json'))
    const bin = join(pkg, 'bin')
    if (!existsSync(bin)) return false
    const walk = (d: string): boolean =>
      readdirSync(d, { withFileTypes: true }).some((e) =>
        e.isDirectory() ? walk(join(d, e.name)) : /onnxruntime_providers_cuda\.(so|dll)/.test(e.name)
      )
    return walk(bin)
  } catch {
    return false
  }
}

function toInfo(m: ort.InferenceSession.ValueMetadata): TensorInfo {
  return m.isTensor ? { name: m.name, dtype: m.type, shape: m.shape } : { name: m.name, dtype: 'non-tensor', shape: [] }
}

/** Messages to and from the model thread (ort-thread.ts). */
type ThreadCall =
  | { op: 'load'; model: string | Uint8Array; optimization?: NonNullable<Stage['optimization']> }
  | { op: 'run'; session: number; feeds: Record<string, TensorIn>; handOver: readonly string[] }
  | { op: 'dispose'; session: number }
export type ThreadRequest = { id: number } & ThreadCall
export type ThreadReply =
  | { id: number; ok: false; message: string }
  | { id: number; ok: true; op: 'load'; session: number; inputs: readonly TensorInfo[]; outputs: readonly TensorInfo[]; status: EngineStatus }
  | { id: number; ok: true; op: 'run'; outputs: Record<string, TensorOut>; returned: ArrayBuffer[] }
  | { id: number; ok: true; op: 'dispose' }

export interface EngineOptions {
  /** Run the sessions in a worker thread, so model calls never block this thread's event loop (the scorer's pipes,
   *  the host's IPC). Feeds are copied across unless handed over (RunOptions), when they are moved there and back. */
  thread?: boolean
}

/** The built model thread (out/main/ort-thread.js, beside the bundle or its shared chunks), or its source under tsx. */
export function threadEntry(here: string = dirname(__filename)): { code: string; eval: boolean } {
  for (const built of [join(here, 'ort-thread.js'), join(here, '..', 'ort-thread.js')]) {
    if (existsSync(built)) return { code: built, eval: false }
  }
  const tsx = createRequire(__filename).resolve('tsx/cjs/api')
  return { code: `require(${JSON.stringify(tsx)}).register(); require(${JSON.stringify(join(here, 'ort-thread.ts'))})`, eval: true }
}

class ModelThread {
  private worker: Worker | null = null
  private readonly pending = new Map<number, { resolve: (r: ThreadReply) => void; reject: (e: Error) => void }>()
  private nextId = 1

  constructor(private readonly data: { requested: ProviderPreference; threads: number }) {}

  call(req: ThreadCall, transfer: readonly ArrayBuffer[] = []): Promise<ThreadReply & { ok: true }> {
    const worker = this.start()
    const id = this.nextId++
    return new Promise((resolve, reject) => {
      this.pending.set(id, {
        resolve: (r) => (r.ok ? resolve(r) : reject(new Error(r.message))),
        reject
      })
      worker.ref()
      try {
        worker.postMessage({ ...req, id }, [...transfer])
      } catch (err) {
        // Not sent (a feed that cannot be cloned): nothing will answer, and an idle thread must not hold the process.
        this.pending.delete(id)
        if (this.pending.size === 0) worker.unref()
        reject(err instanceof Error ? err : new Error(String(err)))
      }
    })
  }

  private start(): Worker {
    if (this.worker) return this.worker
    const entry = threadEntry()
    const worker = new Worker(entry.code, { eval: entry.eval, workerData: this.data })
    worker.on('message', (r: ThreadReply) => {
      const p = this.pending.get(r.id)
      this.pending.delete(r.id)
      // An idle thread must not keep a finished CLI run alive.
      if (this.pending.size === 0) worker.unref()
      p?.resolve(r)
    })
    const fail = (err: Error): void => {
      this.worker = null
      for (const p of this.pending.values()) p.reject(err)
      this.pending.clear()
    }
    worker.on('error', (err) => fail(new Error(`The model thread failed: ${err.message}`)))
    worker.on('exit', (code) => fail(new Error(`The model thread stopped (exit code ${code}).`)))
    this.worker = worker
    return worker
  }
}

export class OrtEngine {
  private provider: Provider
  private readonly warnings: string[] = []
  private cudaChecked = false
  readonly threads: number
  private readonly thread: ModelThread | null

  constructor(
    private readonly requested: ProviderPreference = 'auto',
    threads?: number,
    opts: EngineOptions = {}
  ) {
    this.threads = Math.max(1, threads ?? defaultModelThreads(availableParallelism()))
    const cudaAvailable = process.platform !== 'darwin' && cudaProviderInstalled()
    if (requested === 'cuda' && !cudaAvailable) {
      this.warnings.push(
        'CUDA was requested but ONNX Runtime\'s CUDA provider is not installed; running on the CPU. ' +
          'Install it with: ONNXRUNTIME_NODE_INSTALL=cuda12 npm rebuild onnxruntime-node'
      )
    }
    this.provider = requested !== 'cpu' && cudaAvailable ? 'cuda' : 'cpu'
    this.thread = opts.thread ? new ModelThread({ requested, threads: this.threads }) : null
  }

  status(): EngineStatus {
    return { provider: this.provider, requested: this.requested, threads: this.threads, warnings: [...this.warnings], ortVersion: ort.env.versions.common }
  }

  async load(model: Uint8Array | string, opts: { optimization?: NonNullable<Stage['optimization']> } = {}): Promise<OrtSession> {
    if (this.thread) return this.loadInThread(this.thread, model, opts)
    const options = (provider: Provider): ort.InferenceSession.SessionOptions => ({
      executionProviders: provider === 'cuda' ? ['cuda', 'cpu'] : ['cpu'],
      intraOpNumThreads: this.threads,
      interOpNumThreads: 1,
      graphOptimizationLevel: opts.optimization ?? 'all',
      // ONNX Runtime's worker threads spin after each run by default. With several stages (each a session with its
      // own pool) and ffmpeg decoding beside them, spinning threads steal the very cores the others need.
      extra: { session: { intra_op: { allow_spinning: '0' }, inter_op: { allow_spinning: '0' } } }
    })
    let session: ort.InferenceSession
    try {
      session = typeof model === 'string' ? await ort.InferenceSession.create(model, options(this.provider)) : await ort.InferenceSession.create(model, options(this.provider))
      if (this.provider === 'cuda') this.cudaChecked = true
    } catch (err) {
      if (this.provider !== 'cuda' || this.cudaChecked) throw err
      // The CUDA libraries are there but do not load (driver, CUDA or cuDNN version): say so and use the CPU.
      this.provider = 'cpu'
      this.warnings.push(`The CUDA provider failed to start (${(err as Error).message.split('\n')[0]}); running on the CPU.`)
      session = typeof model === 'string' ? await ort.InferenceSession.create(model, options('cpu')) : await ort.InferenceSession.create(model, options('cpu'))
    }
    return wrap(session)
  }

  private async loadInThread(thread: ModelThread, model: Uint8Array | string, opts: { optimization?: NonNullable<Stage['optimization']> }): Promise<OrtSession> {
    const loaded = await thread.call({ op: 'load', model, ...(opts.optimization ? { optimization: opts.optimization } : {}) })
    if (loaded.op !== 'load') throw new Error('The model thread answered a load with something else.')
    // The thread's engine made the provider choice (and any CUDA fallback): report what it reports.
    this.provider = loaded.status.provider
    for (const w of loaded.status.warnings) if (!this.warnings.includes(w)) this.warnings.push(w)
    const session = loaded.session
    return {
      inputs: loaded.inputs,
      outputs: loaded.outputs,
      async run(feeds, opts) {
        // A segment's views are several MB: moved there and back, not cloned, when the caller is done with them.
        const handOver = opts?.handOver ?? []
        const r = await thread.call({ op: 'run', session, feeds, handOver }, transferable(feeds, handOver))
        if (r.op !== 'run') throw new Error('The model thread answered a run with something else.')
        opts?.reclaim?.(r.returned)
        return r.outputs
      },
      async dispose() {
        await thread.call({ op: 'dispose', session })
      }
    }
  }
}

function wrap(session: ort.InferenceSession): OrtSession {
  return {
    inputs: session.inputMetadata.map(toInfo),
    outputs: session.outputMetadata.map(toInfo),
    async run(feeds, opts) {
      const ortFeeds: Record<string, ort.Tensor> = {}
      for (const [name, t] of Object.entries(feeds)) {
        // The typed array is handed over as is: no copy on the way in.
        const type = t.data instanceof Float32Array ? 'float32' : t.data instanceof Uint8Array ? 'uint8' : t.data instanceof BigInt64Array ? 'int64' : 'int32'
        ortFeeds[name] = new ort.Tensor(type, t.data, t.dims)
      }
      const result = await session.run(ortFeeds)
      const out: Record<string, TensorOut> = {}
      for (const [name, value] of Object.entries(result)) {
        out[name] = { data: value.data as TensorOut['data'], dims: value.dims }
      }
      opts?.reclaim?.(transferable(feeds, opts.handOver ?? []))
      return out
    },
    async dispose() {
      await session.release()
    }
  }
}
