/**
 * The TensorFlow.js backend for training heads at build time. The WebAssembly backend (XNNPACK, SIMD) runs the
 * head's small dense layers about five times faster than the plain JavaScript 'cpu' backend — training on every
 * segment and its parts took half an hour per member on 'cpu'. Its kernels ship inside the npm package: nothing is
 * downloaded. Where it cannot start, training goes on on 'cpu', slower, and says so.
 */
import { createRequire } from 'node:module'
import { dirname } from 'node:path'
import * as tf from '@tensorflow/tfjs'

export type TrainingBackend = 'cpu' | 'wasm'

export async function useBackend(wanted: TrainingBackend, log: (s: string) => void = () => undefined): Promise<TrainingBackend> {
  if (wanted === 'wasm') {
    try {
      const wasm = await import('@tensorflow/tfjs-backend-wasm')
      const require = createRequire(__filename)
      wasm.setWasmPaths(`${dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm'))}/`)
      if (await tf.setBackend('wasm')) {
        await tf.ready()
        return 'wasm'
      }
    } catch (err) {
      log(`the WebAssembly backend did not start (${(err as Error).message}); training on the slower 'cpu' backend`)
    }
  }
  await tf.setBackend('cpu')
  return 'cpu'
}
