import type { Migration } from './index'

/**
 * Fine-tuning runs (#6): what each run started from, how it split the labels, its curves and its before/after
 * numbers, and the pack version it made. A run's checkpoints live in the data folder; this is its record.
 */
export const migration40: Migration = {
  version: 40,
  name: 'training',
  up(db) {
    db.exec(`
      CREATE TABLE training_runs (
        id INTEGER PRIMARY KEY,
        job_id INTEGER REFERENCES jobs(id) ON DELETE SET NULL,
        base_model TEXT NOT NULL,
        base_dir TEXT NOT NULL,
        params_json TEXT NOT NULL,
        state TEXT NOT NULL CHECK (state IN ('queued', 'preparing', 'training', 'paused', 'done', 'failed', 'cancelled', 'discarded')),
        split_json TEXT,
        curves_json TEXT NOT NULL DEFAULT '[]',
        before_json TEXT,
        after_json TEXT,
        pack_dir TEXT,
        model_version TEXT,
        error TEXT,
        created_at INTEGER NOT NULL,
        finished_at INTEGER
      );
    `)
  }
}
