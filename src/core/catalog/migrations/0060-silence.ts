import type { Migration } from './index'

/** Silent stretches found while scoring (first audio track, ≥ 1 s), kept so new flag rules can re-flag from them. */
export const migration60: Migration = {
  version: 60,
  name: 'silence',
  up(db) {
    db.exec(`ALTER TABLE clip_scores ADD COLUMN silences_json TEXT;`)
  }
}
