-- schema version 6 (issue 9): the key each erasure certificate was signed with, pinned
-- in the logbook. A certificate names its key's fingerprint (the SHA-256 of
-- the public key's DER SubjectPublicKeyInfo, as
-- `openssl pkey -pubin -outform DER | sha256sum` prints it); the key is kept
-- here, so old certificates still verify when the key file is lost, and a
-- lost or replaced key file is refused instead of silently made anew.

CREATE TABLE signing_keys (
  id          INTEGER PRIMARY KEY,
  sha256      TEXT NOT NULL UNIQUE,
  public_pem  TEXT NOT NULL,
  first_used  INTEGER NOT NULL
);
CREATE TRIGGER signing_keys_no_update BEFORE UPDATE ON signing_keys
BEGIN SELECT RAISE(ABORT, 'signing keys are never changed'); END;
CREATE TRIGGER signing_keys_no_delete BEFORE DELETE ON signing_keys
BEGIN SELECT RAISE(ABORT, 'signing keys are never deleted'); END;

-- NULL for certificates signed before this version (with the key in the
-- state folder at that time)
ALTER TABLE certificates ADD COLUMN key_sha256 TEXT REFERENCES signing_keys (sha256);

-- a request whose device was later judged suspicious (a clone appeared, ...)
-- carries that judgement: approving it needs an explicit, logged override
ALTER TABLE requests ADD COLUMN suspicion TEXT;
-- its serial is not unique in practice (one repeated character, a counting
-- sequence, one that cheap controllers share): registering it is an
-- explicit, logged choice
ALTER TABLE requests ADD COLUMN weak_serial TEXT;

-- a medium's kept manifest may be the walk at the mount of a session that
-- ended unchecked (pulled out, usbledgerd stopped): compared at the next
-- mount, what that session recorded is not taken for an outside change, and
-- anything else is (written where the watch could not see, or elsewhere)
ALTER TABLE medium_manifests ADD COLUMN at_mount INTEGER NOT NULL DEFAULT 0
  CHECK (at_mount IN (0, 1));

-- a file larger than the hashing budget (usbledgerd --hash-max-bytes) is
-- recorded with its size and 'too-large', not hashed: one huge or sparse
-- file must not stall the recording of every other (SQLite cannot alter a
-- CHECK: the table is rebuilt, its rows and ids kept)
CREATE TABLE session_files_v6 (
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
                                                'unreadable', 'gone', 'none', 'too-large')),
  source        TEXT NOT NULL CHECK (source IN ('fanotify', 'manifest', 'outside')),
  time          INTEGER NOT NULL,
  uid           INTEGER,
  program       TEXT
);
INSERT INTO session_files_v6 SELECT id, session_id, mount_id, action, path, old_path, size,
  sha256, status, source, time, uid, program FROM session_files;
DROP TABLE session_files;
ALTER TABLE session_files_v6 RENAME TO session_files;
CREATE INDEX session_files_session ON session_files (session_id, id);
CREATE INDEX session_files_mount ON session_files (mount_id, id);
