/**
 * The fine-tuning worker: a child process (never the UI's thread or the app's main loop) that runs one training run
 * and reports over IPC. argv: <data folder> <run id>. It opens the catalog itself (WAL lets both processes use it)
 * and writes the run's record as it goes, so its parent only relays progress and a crash loses at most one epoch.
 */
import { locateFfmpeg } from '../media/locate'
import { openCatalog } from '../catalog/database'
import { dataPaths } from '../paths'
import { OrtEngine } from '../engine/ort'
import { loadPack } from '../engine/pack'
import { executeRun } from './run'
import { getRun } from './store'
import type { WorkerMessage } from './launch'

const send = (m: WorkerMessage): void => {
  process.send?.(m)
}

async function main(): Promise<void> {
  const [dataDir, runArg] = process.argv.slice(2)
  const runId = Number(runArg)
  if (!dataDir || !Number.isInteger(runId)) throw new Error('usage: worker <data folder> <run id>')
  const controller = new AbortController()
  process.on('message', (m: { type?: string }) => {
    if (m.type === 'cancel') controller.abort()
  })
  // The parent went away (app quit or crashed): stop; the job resumes from the checkpoint next time.
  process.on('disconnect', () => controller.abort())
  const db = openCatalog({ file: dataPaths(dataDir).catalog })
  const engine = new OrtEngine('cpu')
  const run = getRun(db, runId)
  if (!run) throw new Error(`No training run ${runId}`)
  const pack = await loadPack(run.baseDir, engine)
  try {
    const result = await executeRun({
      db,
      dataDir,
      ffmpeg: process.env['VQA_FFMPEG'] ?? locateFfmpeg().ffmpeg,
      pack,
      runId,
      signal: controller.signal,
      onProgress: (phase, done, total) => send({ type: 'progress', phase, done, total })
    })
    send({ type: 'done', ...result })
  } finally {
    await pack.dispose()
    db.close()
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    const e = err as Error
    send(e.name === 'AbortError' ? { type: 'cancelled' } : { type: 'error', message: e.message })
    // Let the message flush before exiting.
    setTimeout(() => process.exit(e.name === 'AbortError' ? 0 : 1), 50)
  }
)
