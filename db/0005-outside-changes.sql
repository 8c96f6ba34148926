-- schema version 5: changes made to a medium outside usbledger (on another
-- computer, between two sessions), found at mount by comparing its
-- filesystem with how the last cleanly ended session left it; and a
-- session's count of distinct files kept as a column (counting them at every
-- look took 135 ms at 200,000 records, several times a second in a burst)

ALTER TABLE sessions ADD COLUMN files INTEGER NOT NULL DEFAULT 0;
UPDATE sessions SET files = (SELECT count(DISTINCT f.path) FROM session_files f
                             WHERE f.session_id = sessions.id);

-- how the last session whose unmount was checked left each filesystem of a
-- medium; replaced at every such unmount, removed when its state is unknown
-- (pulled while mounted, check failed) or gone (erased)
CREATE TABLE medium_manifests (
  medium_id   INTEGER NOT NULL REFERENCES media (id),
  part        INTEGER NOT NULL,             -- partition number, 0: the whole disk
  session_id  INTEGER NOT NULL REFERENCES sessions (id),
  taken_at    INTEGER NOT NULL,
  manifest    BLOB NOT NULL,                -- ul-manifest.h records
  PRIMARY KEY (medium_id, part)
);

-- session_files.source gains 'outside' (SQLite cannot alter a CHECK: the
-- table is rebuilt, its rows and ids kept)
CREATE TABLE session_files_v5 (
  id            INTEGER PRIMARY KEY,
  session_id    INTEGER NOT NULL REFERENCES sessions (id),
  mount_id      INTEGER NOT NULL REFERENCES session_mounts (id),
  action        TEXT NOT NULL CHECK (action IN ('created', 'modified', 'renamed',
                                                'deleted', 'written')),
  path          BLOB NOT NULL,              -- relative to the filesystem's root, bytes
  old_path      BLOB,                       -- for 'renamed'
  size          INTEGER,
  sha256        TEXT,                       -- NULL unless status is 'ok'
  status        TEXT NOT NULL CHECK (status IN ('ok', 'incomplete', 'changed',
                                                'unreadable', 'gone', 'none')),
  -- fanotify: seen written; manifest: found at unmount; outside: found at
  -- mount, made since the last session (elsewhere)
  source        TEXT NOT NULL CHECK (source IN ('fanotify', 'manifest', 'outside')),
  time          INTEGER NOT NULL,           -- when the change was seen
  uid           INTEGER,                    -- who wrote, when known
  program       TEXT                        -- what wrote, when known
);
INSERT INTO session_files_v5 SELECT id, session_id, mount_id, action, path, old_path, size,
  sha256, status, source, time, uid, program FROM session_files;
DROP TABLE session_files;
ALTER TABLE session_files_v5 RENAME TO session_files;
CREATE INDEX session_files_session ON session_files (session_id, id);
-- the check at unmount reads a mount's records (without it: the whole table,
-- every session's, at every unmount)
CREATE INDEX session_files_mount ON session_files (mount_id, id);
