-- schema version 3: what happened on a medium during a usage session
-- (requirement M2): the filesystems mounted from it, every file written,
-- renamed or deleted on them, and who was at the seat when it changed.

-- a filesystem of the medium mounted during the session
CREATE TABLE session_mounts (
  id            INTEGER PRIMARY KEY,
  session_id    INTEGER NOT NULL REFERENCES sessions (id),
  device        TEXT NOT NULL,              -- "major:minor" of the partition
  mount_point   BLOB NOT NULL,              -- bytes, as the kernel gives them
  fstype        TEXT NOT NULL,
  watch         TEXT NOT NULL,              -- how files were followed: "fanotify-names",
                                            -- "fanotify-fd" or "none: <why>"
  mounted_at    INTEGER NOT NULL,
  unmounted_at  INTEGER,
  manifest      TEXT                        -- "checked", or why the check at unmount failed
);
CREATE INDEX session_mounts_session ON session_mounts (session_id);

-- one row per change to a file; the latest row of a path says its state
CREATE TABLE session_files (
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
  source        TEXT NOT NULL CHECK (source IN ('fanotify', 'manifest')),
  time          INTEGER NOT NULL,           -- when the change was seen
  uid           INTEGER,                    -- who wrote, when known
  program       TEXT                        -- what wrote, when known
);
CREATE INDEX session_files_session ON session_files (session_id, id);

-- the person at the seat changed while the medium was in use
CREATE TABLE session_seat_changes (
  id          INTEGER PRIMARY KEY,
  session_id  INTEGER NOT NULL REFERENCES sessions (id),
  time        INTEGER NOT NULL,
  user_name   TEXT,                         -- NULL: no one logged in
  uid         INTEGER
);
CREATE INDEX session_seat_changes_session ON session_seat_changes (session_id);
