import type { Migration } from './index'

/**
 * Review: reviewers' labels, saved library views and settings; and, on the clip row, what the library table sorts and
 * filters by without reading each clip's scores (latest flags, strongest distortion, verdict, label count). A clip's
 * distortions of its latest score get their own table so "clips with banding" is an index lookup, not a JSON scan.
 */
export const migration30: Migration = {
  version: 30,
  name: 'review',
  up(db) {
    db.exec(`
      ALTER TABLE clips ADD COLUMN flags_json TEXT NOT NULL DEFAULT '[]';
      ALTER TABLE clips ADD COLUMN top_distortion TEXT;
      ALTER TABLE clips ADD COLUMN review TEXT CHECK (review IN ('accepted', 'rejected'));
      ALTER TABLE clips ADD COLUMN label_score REAL;
      ALTER TABLE clips ADD COLUMN label_count INTEGER NOT NULL DEFAULT 0;
      CREATE INDEX clips_label_count ON clips(label_count, status);
      CREATE INDEX clips_review ON clips(review, status);

      CREATE TABLE clip_distortions (
        clip_id INTEGER NOT NULL REFERENCES clips(id) ON DELETE CASCADE,
        distortion TEXT NOT NULL,
        severity REAL NOT NULL,
        PRIMARY KEY (distortion, clip_id)
      ) WITHOUT ROWID;
      CREATE INDEX clip_distortions_clip ON clip_distortions(clip_id);

      CREATE TABLE labels (
        id INTEGER PRIMARY KEY,
        clip_id INTEGER NOT NULL REFERENCES clips(id) ON DELETE CASCADE,
        kind TEXT NOT NULL CHECK (kind IN ('score', 'verdict', 'distortion', 'comment')),
        score REAL CHECK (score IS NULL OR (score >= 1 AND score <= 5)),
        verdict TEXT CHECK (verdict IS NULL OR verdict IN ('accept', 'reject')),
        distortion TEXT,
        start REAL,
        end REAL,
        comment TEXT,
        model TEXT,
        source TEXT NOT NULL DEFAULT 'user',
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        CHECK (start IS NULL OR end IS NULL OR end >= start)
      );
      CREATE INDEX labels_clip ON labels(clip_id, kind);
      CREATE INDEX labels_updated ON labels(updated_at);

      CREATE TABLE saved_views (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        query_json TEXT NOT NULL,
        created_at INTEGER NOT NULL
      );

      CREATE TABLE settings (
        key TEXT PRIMARY KEY,
        value_json TEXT NOT NULL
      );

      -- What the pack's trainable stage (the head) read for each segment, as little-endian float32: fine-tuning (#6)
      -- trains on these without decoding a frame again.
      ALTER TABLE segment_scores ADD COLUMN inputs BLOB;

      CREATE TABLE scene_cuts (
        clip_id INTEGER NOT NULL REFERENCES clips(id) ON DELETE CASCADE,
        fingerprint TEXT NOT NULL,
        cuts_json TEXT NOT NULL,
        PRIMARY KEY (clip_id)
      );

      -- Existing scores: copy their flags and distortions to the clip rows.
      UPDATE clips SET flags_json = (SELECT s.flags_json FROM clip_scores s WHERE s.id = clips.score_id) WHERE score_id IS NOT NULL;
      INSERT INTO clip_distortions (clip_id, distortion, severity)
        SELECT c.id, j.key, j.value FROM clips c JOIN clip_scores s ON s.id = c.score_id, json_each(s.severities_json) j
        WHERE j.value >= 0.3;
      UPDATE clips SET top_distortion = (
        SELECT d.distortion FROM clip_distortions d WHERE d.clip_id = clips.id ORDER BY d.severity DESC, d.distortion LIMIT 1
      ) WHERE score_id IS NOT NULL;
    `)
  }
}
