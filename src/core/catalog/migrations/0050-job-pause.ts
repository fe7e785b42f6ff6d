import type { Migration } from './index'

/**
 * Jobs can be paused (and resumed later): a new state, which SQLite can only add to a CHECK constraint by rebuilding
 * the table. Rows, ids and the index are carried over as they are.
 */
export const migration50: Migration = {
  version: 50,
  name: 'job-pause',
  up(db) {
    db.exec(`
      CREATE TABLE jobs_new (
        id INTEGER PRIMARY KEY,
        kind TEXT NOT NULL,
        params_json TEXT NOT NULL,
        state TEXT NOT NULL CHECK (state IN ('queued', 'running', 'paused', 'done', 'failed', 'cancelled')),
        title TEXT NOT NULL,
        phase TEXT NOT NULL DEFAULT '',
        done INTEGER NOT NULL DEFAULT 0,
        total INTEGER,
        error TEXT,
        summary TEXT,
        created_at INTEGER NOT NULL,
        started_at INTEGER,
        finished_at INTEGER,
        owner TEXT,
        heartbeat_at INTEGER
      );
      INSERT INTO jobs_new (id, kind, params_json, state, title, phase, done, total, error, summary, created_at, started_at,
          finished_at, owner, heartbeat_at)
        SELECT id, kind, params_json, state, title, phase, done, total, error, summary, created_at, started_at, finished_at,
          owner, heartbeat_at FROM jobs;
      DROP TABLE jobs;
      ALTER TABLE jobs_new RENAME TO jobs;
      CREATE INDEX jobs_state ON jobs(state);
    `)
  }
}
