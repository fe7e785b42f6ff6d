/**
 * Numbered migrations under PRAGMA user_version, in steps of 10 so a hotfix can slot in between.
 * All pending migrations run in one transaction: a failure leaves the catalog exactly as it was.
 * A catalog written by a newer version of the app is refused rather than guessed at.
 */
import type Database from 'better-sqlite3'
import { migration10 } from './0010-library'
import { migration20 } from './0020-scores'
import { migration30 } from './0030-review'
import { migration40 } from './0040-training'
import { migration50 } from './0050-job-pause'
import { migration60 } from './0060-silence'
import { migration70 } from './0070-segment-parts'
import { migration80 } from './0080-color-range'

export interface Migration {
  version: number
  name: string
  up(db: Database.Database): void
}

export const migrations: readonly Migration[] = [migration10, migration20, migration30, migration40, migration50, migration60, migration70, migration80]

export const LATEST_VERSION = migrations[migrations.length - 1]?.version ?? 0

export class CatalogTooNewError extends Error {
  constructor(readonly found: number) {
    super(
      `This catalog was written by a newer VQA Inspector (schema ${found}; this version knows up to ${LATEST_VERSION}). ` +
        'Update the app, or point it at another data folder with --data-dir / VQA_DATA_DIR.'
    )
    this.name = 'CatalogTooNewError'
  }
}

export function schemaVersion(db: Database.Database): number {
  return db.pragma('user_version', { simple: true }) as number
}

export function migrate(db: Database.Database, upTo: number = LATEST_VERSION): number {
  const current = schemaVersion(db)
  if (current > LATEST_VERSION) throw new CatalogTooNewError(current)
  if (!migrations.some((m) => m.version > current && m.version <= upTo)) return current
  db.transaction(() => {
    // Read again under the write lock: another process opening the same new catalog may have migrated it meanwhile.
    const now = schemaVersion(db)
    if (now > LATEST_VERSION) throw new CatalogTooNewError(now)
    for (const m of migrations.filter((x) => x.version > now && x.version <= upTo)) {
      m.up(db)
      // user_version cannot be bound as a parameter; the value is our own integer.
      db.pragma(`user_version = ${m.version}`)
    }
  }).immediate()
  return schemaVersion(db)
}
