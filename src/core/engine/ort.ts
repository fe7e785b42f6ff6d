/**
 * The ONNX Runtime adapter: the only module that imports onnxruntime-node. It owns the choice of execution
 * provider (CUDA where its libraries are installed, else CPU), thread counts, and session creation and disposal.
 * A CUDA failure falls back to CPU with a warning the UI shows — never silently.
 */
import { existsSync, readdirSync } from 'node:fs'
import { availableParallelism } from 'node:os'
import { dirname, join } from 'node:path'
import { createRequire } from 'node:module'
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
  run(feeds: Record<string, TensorIn>): Promise<Record<string, TensorOut>>
  dispose(): Promise<void>
}

export interface EngineStatus {
  provider: Provider
  requested: ProviderPreference
  threads: number
  warnings: string[]
  ortVersion: string
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

export class OrtEngine {
  private provider: Provider
  private readonly warnings: string[] = []
  private cudaChecked = false
  readonly threads: number

  constructor(
    private readonly requested: ProviderPreference = 'auto',
    threads?: number
  ) {
    this.threads = Math.max(1, threads ?? availableParallelism())
    const cudaAvailable = process.platform !== 'darwin' && cudaProviderInstalled()
    if (requested === 'cuda' && !cudaAvailable) {
      this.warnings.push(
        'CUDA was requested but ONNX Runtime\'s CUDA provider is not installed; running on the CPU. ' +
          'Install it with: ONNXRUNTIME_NODE_INSTALL=cuda12 npm rebuild onnxruntime-node'
      )
    }
    this.provider = requested !== 'cpu' && cudaAvailable ? 'cuda' : 'cpu'
  }

  status(): EngineStatus {
    return { provider: this.provider, requested: this.requested, threads: this.threads, warnings: [...this.warnings], ortVersion: ort.env.versions.common }
  }

  async load(model: Uint8Array | string, opts: { optimization?: NonNullable<Stage['optimization']> } = {}): Promise<OrtSession> {
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
}

function wrap(session: ort.InferenceSession): OrtSession {
  return {
    inputs: session.inputMetadata.map(toInfo),
    outputs: session.outputMetadata.map(toInfo),
    async run(feeds) {
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
      return out
    },
    async dispose() {
      await session.release()
    }
  }
}
