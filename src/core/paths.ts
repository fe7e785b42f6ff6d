/**
 * Where the catalog and caches live. The CLI and the app must agree without the CLI importing Electron, so this
 * mirrors Electron's userData location for the app name ("VQA Inspector") on each platform.
 */
import { homedir } from 'node:os'
import { join } from 'node:path'

export const APP_NAME = 'VQA Inspector'

export function defaultDataDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform, home = homedir()): string {
  if (env['VQA_DATA_DIR']) return env['VQA_DATA_DIR']
  if (platform === 'win32') return join(env['APPDATA'] ?? join(home, 'AppData', 'Roaming'), APP_NAME)
  if (platform === 'darwin') return join(home, 'Library', 'Application Support', APP_NAME)
  return join(env['XDG_CONFIG_HOME'] ?? join(home, '.config'), APP_NAME)
}

export interface DataPaths {
  dataDir: string
  catalog: string
  thumbnails: string
  /** Preview transcodes and thumbnail strips, by content fingerprint: safe to delete, remade on demand. */
  previews: string
}

export function dataPaths(dataDir: string): DataPaths {
  return { dataDir, catalog: join(dataDir, 'catalog.sqlite'), thumbnails: join(dataDir, 'cache', 'thumbnails'), previews: join(dataDir, 'cache', 'previews') }
}
