-- schema version 8 (issue 10): the monthly ledger reads a month of
-- sessions and requests by their start, and each session's events; without
-- these it reads them all (a city keeps five years: a million sessions).
CREATE INDEX sessions_started ON sessions (started_at);
-- the sessions still open, and the longest session ever: a month's ledger
-- reads the sessions begun before it that lasted into it only as far back
-- as a session has ever lasted
CREATE INDEX sessions_open ON sessions (started_at) WHERE ended_at IS NULL;
CREATE INDEX sessions_duration ON sessions (ended_at - started_at);
CREATE INDEX requests_created ON requests (created_at);
-- a session's events (its remarks: changes found outside)
CREATE INDEX events_session ON events (session_id) WHERE session_id IS NOT NULL;

-- each export of a month's ledger (the signed bundle the city receives):
-- the next month's manifest names the previous one's, so that the bundles
-- a city keeps form a chain of their own
CREATE TABLE ledger_exports (
  id               INTEGER PRIMARY KEY,
  month            TEXT NOT NULL,               -- "2026-11"
  as_of            INTEGER NOT NULL,            -- µs: the logbook as it stood then
  generated_by     TEXT NOT NULL,               -- the personal account that asked
  content_digest   TEXT NOT NULL,               -- SHA-256 of the ledger's canonical JSON
  manifest_sha256  TEXT NOT NULL,               -- SHA-256 of manifest.json as signed
  manifest         BLOB NOT NULL                -- manifest.json, the signed bytes
);
CREATE INDEX ledger_exports_month ON ledger_exports (month, id);
CREATE TRIGGER ledger_exports_no_update BEFORE UPDATE ON ledger_exports
BEGIN SELECT RAISE(ABORT, 'ledger exports are never changed'); END;
CREATE TRIGGER ledger_exports_no_delete BEFORE DELETE ON ledger_exports
BEGIN SELECT RAISE(ABORT, 'ledger exports are never deleted'); END;
