import type { Migration } from './index'

/**
 * A segment's parts (equal stretches of its frames, scored on their own: when inside the segment a distortion is),
 * as JSON [{start, end, score, severities}], for packs that measure parts. NULL for older scores and fast mode.
 */
export const migration70: Migration = {
  version: 70,
  name: 'segment-parts',
  up(db) {
    db.exec(`ALTER TABLE segment_scores ADD COLUMN parts_json TEXT;`)
  }
}
