/**
 * The model thread: ONNX Runtime sessions run here, in a worker thread, when an engine is made with `thread: true`
 * (ort.ts). onnxruntime-node runs inference synchronously on the calling thread, so on the main thread every model
 * call stopped the event loop — ffmpeg's pipes went undrained and decoding stalled for the length of each call, and
 * the host could not answer its UI meanwhile.
 */
import { parentPort, workerData } from 'node:worker_threads'
import { OrtEngine, transferable, type OrtSession, type ThreadReply, type ThreadRequest } from './ort'

const { requested, threads } = workerData as { requested: ConstructorParameters<typeof OrtEngine>[0]; threads: number }
const engine = new OrtEngine(requested, threads)
const sessions = new Map<number, OrtSession>()
let nextSession = 1

const reply = (r: ThreadReply, transfer: ArrayBuffer[] = []): void => parentPort?.postMessage(r, transfer)

parentPort?.on('message', (req: ThreadRequest) => {
  void (async () => {
    try {
      if (req.op === 'load') {
        const session = await engine.load(req.model, req.optimization ? { optimization: req.optimization } : {})
        const id = nextSession++
        sessions.set(id, session)
        reply({ id: req.id, ok: true, op: 'load', session: id, inputs: session.inputs, outputs: session.outputs, status: engine.status() })
      } else if (req.op === 'run') {
        const session = sessions.get(req.session)
        if (!session) throw new Error('This model session was already closed.')
        const outputs = await session.run(req.feeds)
        // The buffers handed over go back for reuse: the caller's next segment fills them instead of new memory.
        const returned = transferable(req.feeds, req.handOver)
        reply({ id: req.id, ok: true, op: 'run', outputs, returned }, returned)
      } else {
        await sessions.get(req.session)?.dispose()
        sessions.delete(req.session)
        reply({ id: req.id, ok: true, op: 'dispose' })
      }
    } catch (err) {
      reply({ id: req.id, ok: false, message: err instanceof Error ? err.message : String(err) })
    }
  })()
})
