/**
 * The packs a user has: the built-in ones (resources/models) and imported ones (<data folder>/models). Listing never
 * fails because one pack is broken: that pack is listed with its error. Import validates a pack fully (manifest and
 * ONNX signatures) before copying it in.
 */
import { cp, mkdir, readdir, rm, stat } from 'node:fs/promises'
import { join } from 'node:path'
import type { ModelManifest } from '../../shared/model-pack'
import { builtinModelsDir } from './builtin'
import type { OrtEngine } from './ort'
import { loadPack, PackError, readManifest } from './pack'

export interface PackEntry {
  dir: string
  origin: 'builtin' | 'imported'
  manifest: ModelManifest | null
  error: string | null
}

async function entries(root: string, origin: PackEntry['origin']): Promise<PackEntry[]> {
  let names: string[]
  try {
    names = (await readdir(root, { withFileTypes: true })).filter((d) => d.isDirectory() && !d.name.startsWith('.')).map((d) => d.name)
  } catch {
    return []
  }
  return Promise.all(
    names.sort().map(async (name) => {
      const dir = join(root, name)
      try {
        return { dir, origin, manifest: await readManifest(dir), error: null }
      } catch (err) {
        return { dir, origin, manifest: null, error: (err as Error).message }
      }
    })
  )
}

export function userModelsDir(dataDir: string): string {
  return join(dataDir, 'models')
}

export async function listPacks(dataDir: string): Promise<PackEntry[]> {
  return [...(await entries(builtinModelsDir(), 'builtin')), ...(await entries(userModelsDir(dataDir), 'imported'))]
}

/** Validates `src` as a pack (it must load in ONNX Runtime) and copies it to the user's models folder. */
export async function importPack(src: string, dataDir: string, engine: OrtEngine): Promise<PackEntry> {
  const pack = await loadPack(src, engine)
  const { manifest } = pack
  await pack.dispose()
  const dest = join(userModelsDir(dataDir), `${manifest.name}-${manifest.version}`)
  try {
    await stat(dest)
    throw new PackError(src, `${manifest.name} ${manifest.version} is already imported (${dest})`)
  } catch (err) {
    if (err instanceof PackError) throw err
  }
  await mkdir(userModelsDir(dataDir), { recursive: true })
  const staging = `${dest}.importing`
  await rm(staging, { recursive: true, force: true })
  await cp(src, staging, { recursive: true })
  await import('node:fs/promises').then((fs) => fs.rename(staging, dest))
  return { dir: dest, origin: 'imported', manifest, error: null }
}
