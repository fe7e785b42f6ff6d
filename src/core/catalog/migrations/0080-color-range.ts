import type { Migration } from './index'

/**
 * A video's luma range as ffprobe reports it ('tv' limited, 'pc' full, 'unknown' unstated; NULL for RGB and gray,
 * and for files probed before this migration, until they change). Shown with the file's details; it lets the sampler
 * take the luma plane as it is instead of converting it (engine/sampler.ts), which it never does on NULL.
 */
export const migration80: Migration = {
  version: 80,
  name: 'color-range',
  up(db) {
    db.exec(`ALTER TABLE clips ADD COLUMN color_range TEXT;`)
  }
}
