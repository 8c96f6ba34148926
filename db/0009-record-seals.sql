-- schema version 9 (issue 10, item 7): the records bound into a chain.
--
-- The events were chained since version 2; the records they describe were
-- not, so a sessions.user_name changed with the sqlite3 shell went unseen.
-- Now every INSERT, UPDATE and DELETE on a record table leaves a seal: the
-- SHA-256 of the row as it is after the change (its canonical form, in
-- docs/design.md), chained to the seal before it. The triggers that write
-- the seals are made by the code (ul-record-seals.c) from its list of
-- sealed tables, because they call ul_row_digest() and ul_seal_hash(),
-- which only usbledger's own connection has: a write to a record table from
-- the plain sqlite3 shell fails with "no such function" unless the triggers
-- are dropped first, and then the row no longer matches its last seal.
-- The seals' head is signed in every checkpoint, with the events' head.

CREATE TABLE record_seals (
  id      INTEGER PRIMARY KEY,
  tbl     TEXT NOT NULL,                -- the sealed table
  row_id  INTEGER NOT NULL,             -- the row's rowid (its id)
  op      TEXT NOT NULL CHECK (op IN ('insert', 'update', 'delete')),
  digest  BLOB,                         -- SHA-256 of the row after op; NULL after delete
  hash    BLOB NOT NULL                 -- SHA-256 over the previous seal's hash and this seal
);
CREATE INDEX record_seals_row ON record_seals (tbl, row_id, id);
CREATE TRIGGER record_seals_no_update BEFORE UPDATE ON record_seals
BEGIN SELECT RAISE(ABORT, 'record seals are never changed'); END;
CREATE TRIGGER record_seals_no_delete BEFORE DELETE ON record_seals
BEGIN SELECT RAISE(ABORT, 'record seals are never deleted'); END;

-- records that are never changed once written
CREATE TRIGGER session_files_no_update BEFORE UPDATE ON session_files
BEGIN SELECT RAISE(ABORT, 'file records are never changed'); END;
CREATE TRIGGER session_files_no_delete BEFORE DELETE ON session_files
BEGIN SELECT RAISE(ABORT, 'file records are never deleted'); END;
CREATE TRIGGER session_seat_changes_no_update BEFORE UPDATE ON session_seat_changes
BEGIN SELECT RAISE(ABORT, 'seat changes are never changed'); END;
CREATE TRIGGER session_seat_changes_no_delete BEFORE DELETE ON session_seat_changes
BEGIN SELECT RAISE(ABORT, 'seat changes are never deleted'); END;
CREATE TRIGGER disposals_no_delete BEFORE DELETE ON disposals
BEGIN SELECT RAISE(ABORT, 'disposal records are never deleted'); END;

-- A seal names its row by rowid. VACUUM may renumber the rows of a table
-- without an INTEGER PRIMARY KEY, so the two that had none get one (rows
-- and their order kept).
CREATE TABLE media_users_v9 (
  id        INTEGER PRIMARY KEY,
  medium_id INTEGER NOT NULL REFERENCES media (id),
  user_name TEXT NOT NULL,
  UNIQUE (medium_id, user_name)
);
INSERT INTO media_users_v9 (id, medium_id, user_name)
  SELECT rowid, medium_id, user_name FROM media_users ORDER BY rowid;
DROP TABLE media_users;
ALTER TABLE media_users_v9 RENAME TO media_users;

CREATE TABLE medium_manifests_v9 (
  id          INTEGER PRIMARY KEY,
  medium_id   INTEGER NOT NULL REFERENCES media (id),
  part        INTEGER NOT NULL,             -- partition number, 0: the whole disk
  session_id  INTEGER NOT NULL REFERENCES sessions (id),
  taken_at    INTEGER NOT NULL,
  manifest    BLOB NOT NULL,                -- ul-manifest.h records
  at_mount    INTEGER NOT NULL DEFAULT 0 CHECK (at_mount IN (0, 1)),
  UNIQUE (medium_id, part)
);
INSERT INTO medium_manifests_v9 (id, medium_id, part, session_id, taken_at, manifest, at_mount)
  SELECT rowid, medium_id, part, session_id, taken_at, manifest, at_mount
  FROM medium_manifests ORDER BY rowid;
DROP TABLE medium_manifests;
ALTER TABLE medium_manifests_v9 RENAME TO medium_manifests;
