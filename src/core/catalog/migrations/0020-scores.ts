import type { Migration } from './index'

/**
 * Scores: the model versions used, one row per (clip, model version, mode, file content) scoring, and its segments.
 * Results of earlier model versions are kept so a re-score can be compared with the one before. The clip row carries
 * its latest score and flag state so the library table can sort and filter by them with an index.
 */
export const migration20: Migration = {
  version: 20,
  name: 'scores',
  up(db) {
    db.exec(`
      CREATE TABLE model_versions (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL,
        version TEXT NOT NULL,
        dir TEXT NOT NULL,
        manifest_json TEXT NOT NULL,
        added_at INTEGER NOT NULL,
        UNIQUE (name, version)
      );

      CREATE TABLE clip_scores (
        id INTEGER PRIMARY KEY,
        clip_id INTEGER NOT NULL REFERENCES clips(id) ON DELETE CASCADE,
        model_id INTEGER NOT NULL REFERENCES model_versions(id),
        -- The content that was scored: a changed file needs a new score.
        fingerprint TEXT NOT NULL,
        mode TEXT NOT NULL CHECK (mode IN ('full', 'fast')),
        segment_seconds REAL NOT NULL,
        score REAL NOT NULL,
        levels_json TEXT,
        severities_json TEXT NOT NULL,
        summary TEXT NOT NULL,
        flags_json TEXT NOT NULL DEFAULT '[]',
        provider TEXT NOT NULL,
        wall_ms INTEGER NOT NULL,
        model_ms INTEGER NOT NULL,
        scored_at INTEGER NOT NULL,
        UNIQUE (clip_id, model_id, mode, fingerprint)
      );
      CREATE INDEX clip_scores_clip ON clip_scores(clip_id, scored_at);

      CREATE TABLE segment_scores (
        score_id INTEGER NOT NULL REFERENCES clip_scores(id) ON DELETE CASCADE,
        idx INTEGER NOT NULL,
        start REAL NOT NULL,
        end REAL NOT NULL,
        score REAL NOT NULL,
        levels_json TEXT,
        severities_json TEXT NOT NULL,
        evidence_json TEXT NOT NULL,
        explanation TEXT NOT NULL,
        PRIMARY KEY (score_id, idx)
      ) WITHOUT ROWID;

      ALTER TABLE clips ADD COLUMN score REAL;
      ALTER TABLE clips ADD COLUMN score_id INTEGER REFERENCES clip_scores(id) ON DELETE SET NULL;
      ALTER TABLE clips ADD COLUMN flagged INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE clips ADD COLUMN score_error TEXT;
      CREATE INDEX clips_score ON clips(score, status);
      CREATE INDEX clips_flagged ON clips(flagged, status);

      -- Which process owns a queued or running job, and when it last said so: another process (the CLI beside the
      -- app) must not take over a job that is still alive, but must resume one whose owner died.
      ALTER TABLE jobs ADD COLUMN owner TEXT;
      ALTER TABLE jobs ADD COLUMN heartbeat_at INTEGER;
    `)
  }
}
