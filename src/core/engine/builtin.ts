/**
 * Where the packs that ship with the app live: `resources/models/<name>/`. From the built bundle (out/main) and from
 * the sources (src/core/engine) that folder is a different number of levels up, so both are tried.
 */
import { existsSync } from 'node:fs'
import { join, resolve } from 'node:path'

export const DEFAULT_PACK = 'vqa-default'

export function builtinModelsDir(): string {
  const candidates = [
    resolve(__dirname, '..', '..', 'resources', 'models'),
    resolve(__dirname, '..', '..', '..', 'resources', 'models'),
    resolve(process.env['VQA_APP_ROOT'] ?? process.cwd(), 'resources', 'models')
  ]
  return candidates.find((c) => existsSync(join(c, DEFAULT_PACK, 'manifest.json'))) ?? candidates[0]!
}

export function builtinPackDir(name = DEFAULT_PACK): string {
  return join(builtinModelsDir(), name)
}
