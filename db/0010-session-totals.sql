-- schema version 10 (issue 10): each session's file totals, kept in its row
-- as the records are written (ul-store-session-totals.c), so that a month's
-- ledger reads one row per session rather than every file record (ten
-- million over five years). `files` (distinct paths) was there already.
-- The values below are only the defaults of a new session: the migration
-- folds every session's records into its row in C, after the sessions'
-- seal triggers are made again for these columns.

-- the bytes of each path's last state
ALTER TABLE sessions ADD COLUMN files_bytes INTEGER NOT NULL DEFAULT 0;
-- SHA-256 of the file list (docs/design.md), at first of an empty one
ALTER TABLE sessions ADD COLUMN files_sha256 TEXT NOT NULL
  DEFAULT 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
-- 1: a file written could not be hashed; 2: a change made elsewhere found
ALTER TABLE sessions ADD COLUMN files_flags INTEGER NOT NULL DEFAULT 0;
-- the latest record's time (µs): the totals hold for a ledger as of then or later
ALTER TABLE sessions ADD COLUMN files_last INTEGER;
