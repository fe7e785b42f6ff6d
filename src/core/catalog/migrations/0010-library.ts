import type { Migration } from './index'

/** Folders, clips with their probed metadata, a trigram index for search, and persistent jobs. */
export const migration10: Migration = {
  version: 10,
  name: 'library',
  up(db) {
    db.exec(`
      CREATE TABLE folders (
        id INTEGER PRIMARY KEY,
        path TEXT NOT NULL UNIQUE,
        added_at INTEGER NOT NULL,
        last_scan_at INTEGER
      );

      CREATE TABLE clips (
        id INTEGER PRIMARY KEY,
        folder_id INTEGER NOT NULL REFERENCES folders(id) ON DELETE CASCADE,
        path TEXT NOT NULL UNIQUE,
        rel_dir TEXT NOT NULL,
        name TEXT NOT NULL COLLATE NOCASE,
        size INTEGER NOT NULL,
        mtime_ms INTEGER NOT NULL,
        fingerprint TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('ok', 'error', 'missing')),
        error TEXT,
        container TEXT,
        duration REAL,
        width INTEGER,
        height INTEGER,
        display_width INTEGER,
        display_height INTEGER,
        pixels INTEGER,
        rotation INTEGER NOT NULL DEFAULT 0,
        fps REAL,
        vfr INTEGER NOT NULL DEFAULT 0,
        frame_count INTEGER,
        codec TEXT,
        profile TEXT,
        pix_fmt TEXT,
        bit_depth INTEGER,
        chroma TEXT,
        color_transfer TEXT,
        color_primaries TEXT,
        hdr TEXT CHECK (hdr IS NULL OR hdr IN ('PQ', 'HLG')),
        interlaced INTEGER,
        bitrate INTEGER,
        audio_json TEXT NOT NULL DEFAULT '[]',
        audio_count INTEGER NOT NULL DEFAULT 0,
        added_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        probed_at INTEGER
      );

      -- The library table sorts by any of these, optionally within a folder; each sort has its index so a page of
      -- 100,000 rows is read in index order instead of sorted in a temp b-tree.
      -- status rides along in each sort index so the default "not missing" filter is checked in the index: rows
      -- skipped by OFFSET are then never read from the table.
      CREATE INDEX clips_folder_dir ON clips(folder_id, rel_dir, status);
      CREATE INDEX clips_name ON clips(name, status);
      CREATE INDEX clips_duration ON clips(duration, status);
      CREATE INDEX clips_pixels ON clips(pixels, status);
      CREATE INDEX clips_codec ON clips(codec, status);
      CREATE INDEX clips_status ON clips(status);
      CREATE INDEX clips_size ON clips(size, status);
      CREATE INDEX clips_added ON clips(added_at, status);
      CREATE INDEX clips_mtime ON clips(mtime_ms, status);
      CREATE INDEX clips_fingerprint ON clips(fingerprint);
      CREATE INDEX clips_folder_name ON clips(folder_id, name, status);

      -- Substring search over names and folders, with an index (LIKE '%x%' cannot use one).
      CREATE VIRTUAL TABLE clips_fts USING fts5(name, rel_dir, content='clips', content_rowid='id', tokenize='trigram');
      CREATE TRIGGER clips_fts_ai AFTER INSERT ON clips BEGIN
        INSERT INTO clips_fts(rowid, name, rel_dir) VALUES (new.id, new.name, new.rel_dir);
      END;
      CREATE TRIGGER clips_fts_ad AFTER DELETE ON clips BEGIN
        INSERT INTO clips_fts(clips_fts, rowid, name, rel_dir) VALUES ('delete', old.id, old.name, old.rel_dir);
      END;
      CREATE TRIGGER clips_fts_au AFTER UPDATE OF name, rel_dir ON clips BEGIN
        INSERT INTO clips_fts(clips_fts, rowid, name, rel_dir) VALUES ('delete', old.id, old.name, old.rel_dir);
        INSERT INTO clips_fts(rowid, name, rel_dir) VALUES (new.id, new.name, new.rel_dir);
      END;

      CREATE TABLE jobs (
        id INTEGER PRIMARY KEY,
        kind TEXT NOT NULL,
        params_json TEXT NOT NULL,
        state TEXT NOT NULL CHECK (state IN ('queued', 'running', 'done', 'failed', 'cancelled')),
        title TEXT NOT NULL,
        phase TEXT NOT NULL DEFAULT '',
        done INTEGER NOT NULL DEFAULT 0,
        total INTEGER,
        error TEXT,
        summary TEXT,
        created_at INTEGER NOT NULL,
        started_at INTEGER,
        finished_at INTEGER
      );
      CREATE INDEX jobs_state ON jobs(state);
    `)
  }
}
