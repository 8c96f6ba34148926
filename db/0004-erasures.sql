-- schema version 4: verified erasure of media and the signed certificates
-- that prove it (requirements M6 and M2)

CREATE TABLE erasures (
  id               INTEGER PRIMARY KEY,
  medium_id        INTEGER NOT NULL REFERENCES media (id),
  device_id        INTEGER NOT NULL REFERENCES devices_seen (id),
  device_node      TEXT NOT NULL,             -- e.g. /dev/sdb, the whole device
  capacity         INTEGER NOT NULL,          -- bytes
  method           TEXT NOT NULL,             -- NIST SP 800-88 / IEEE 2883 wording
  pattern          TEXT NOT NULL CHECK (pattern IN ('zeros', 'aes-256-ctr')),
  operator         TEXT NOT NULL,             -- the supervisor's personal account
  operator_uid     INTEGER,
  host             TEXT NOT NULL,
  started_at       INTEGER NOT NULL,
  ended_at         INTEGER,
  outcome          TEXT NOT NULL DEFAULT 'running'
                   CHECK (outcome IN ('running', 'verified', 'failed', 'interrupted')),
  bytes_written    INTEGER NOT NULL DEFAULT 0,
  bytes_verified   INTEGER NOT NULL DEFAULT 0,
  mismatches       INTEGER NOT NULL DEFAULT 0,
  bad_offset       INTEGER,                   -- failed/interrupted: where
  message          TEXT
);
CREATE INDEX erasures_medium ON erasures (medium_id, started_at);

-- one per verified erasure; numbered per fiscal year (April-March, JST)
CREATE TABLE certificates (
  id           INTEGER PRIMARY KEY,
  number       TEXT NOT NULL UNIQUE,          -- "2026-0001"
  fiscal_year  INTEGER NOT NULL,
  seq          INTEGER NOT NULL,
  erasure_id   INTEGER NOT NULL UNIQUE REFERENCES erasures (id),
  issued_at    INTEGER NOT NULL,
  json         BLOB NOT NULL,                 -- the canonical JSON, the signed bytes
  signature    BLOB NOT NULL,                 -- ECDSA P-256 / SHA-256, DER
  UNIQUE (fiscal_year, seq)
);

CREATE TRIGGER certificates_no_update BEFORE UPDATE ON certificates
BEGIN SELECT RAISE(ABORT, 'certificates are never changed'); END;
CREATE TRIGGER certificates_no_delete BEFORE DELETE ON certificates
BEGIN SELECT RAISE(ABORT, 'certificates are never deleted'); END;

-- the end of a medium: destroyed by a contractor, or retired after a verified
-- erasure; a disposed medium is never allowed again, not even re-registered
CREATE TABLE disposals (
  id           INTEGER PRIMARY KEY,
  medium_id    INTEGER NOT NULL UNIQUE REFERENCES media (id),
  kind         TEXT NOT NULL CHECK (kind IN ('destroyed', 'retired')),
  by           TEXT NOT NULL,                 -- the supervisor's personal account
  by_uid       INTEGER,
  at           INTEGER NOT NULL,
  contractor   TEXT,                          -- destroyed: who destroyed it
  reference    TEXT,                          -- destroyed: their reference number
  done_on      TEXT,                          -- destroyed: the day, YYYY-MM-DD
  certificate  TEXT REFERENCES certificates (number), -- retired: the erasure's proof
  note         TEXT
);
CREATE TRIGGER disposals_no_update BEFORE UPDATE ON disposals
BEGIN SELECT RAISE(ABORT, 'disposal records are never changed'); END;
