/**
 * The SQLite adapter: the only module that imports better-sqlite3.
 *
 * better-sqlite3 is a native addon built for one ABI. Under plain Node (CLI, tests, browser mode) the copy in
 * node_modules is used; under Electron the setup script builds a second copy for Electron's ABI into
 * `.native/electron/` and we point `nativeBinding` at it, so neither host has to rebuild the other's.
 */
import Database from 'better-sqlite3'
import { existsSync, mkdirSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { CatalogTooNewError, LATEST_VERSION, migrate } from './migrations'

export type Db = Database.Database

export interface OpenOptions {
  /** Absolute path of the catalog file, or ':memory:' for tests. */
  file: string
  readonly?: boolean
}

function electronBinding(): string | undefined {
  const electronVersion = process.versions['electron']
  if (!electronVersion) return undefined
  // Resolved from the app root (cwd of a dev run, or the packaged app path handed over by the main process).
  const root = process.env['VQA_APP_ROOT'] ?? process.cwd()
  const candidate = resolve(root, '.native', 'electron', 'better_sqlite3.node')
  return existsSync(candidate) ? candidate : undefined
}

export function openCatalog({ file, readonly = false }: OpenOptions): Db {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true })
  const nativeBinding = electronBinding()
  const db = new Database(file, { readonly, ...(nativeBinding ? { nativeBinding } : {}) })
  // Refuse a catalog from a newer version before changing anything in it (even its journal mode).
  const version = db.pragma('user_version', { simple: true }) as number
  if (version > LATEST_VERSION) {
    db.close()
    throw new CatalogTooNewError(version)
  }
  // WAL lets the CLI read and write while the app has the catalog open; busy_timeout makes them wait for each other
  // instead of failing with SQLITE_BUSY.
  if (file !== ':memory:') db.pragma('journal_mode = WAL')
  db.pragma('busy_timeout = 5000')
  db.pragma('foreign_keys = ON')
  db.pragma('synchronous = NORMAL')
  if (!readonly) migrate(db)
  return db
}

export function catalogFile(dataDir: string): string {
  return join(dataDir, 'catalog.sqlite')
}
