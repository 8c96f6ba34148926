-- usbledger logbook, schema version 1.
-- Times are microseconds since the Unix epoch (UTC). Strings that come from a
-- device (serial, manufacturer, product) are stored as BLOBs, byte-exact as the
-- device gave them; they are never interpreted.

CREATE TABLE media (
  id              INTEGER PRIMARY KEY,
  asset_number    TEXT NOT NULL UNIQUE,         -- 管理番号, given by the supervisor
  label           TEXT NOT NULL DEFAULT '',
  vendor_id       INTEGER NOT NULL CHECK (vendor_id BETWEEN 0 AND 65535),
  product_id      INTEGER NOT NULL CHECK (product_id BETWEEN 0 AND 65535),
  serial          BLOB NOT NULL CHECK (length(serial) > 0),
  manufacturer    BLOB,
  product         BLOB,
  descriptor_hash TEXT NOT NULL,                -- SHA-256 of the raw descriptors, hex
  holder          TEXT NOT NULL DEFAULT '',
  all_staff       INTEGER NOT NULL DEFAULT 1 CHECK (all_staff IN (0, 1)),
  valid_from      INTEGER,
  valid_until     INTEGER,
  read_only       INTEGER NOT NULL DEFAULT 0 CHECK (read_only IN (0, 1)),
  status          TEXT NOT NULL DEFAULT 'active'
                  CHECK (status IN ('active', 'revoked', 'lost', 'disposed')),
  registered_by   TEXT NOT NULL,
  registered_at   INTEGER NOT NULL,
  revoked_by      TEXT,
  revoked_at      INTEGER,
  revoke_reason   TEXT
);
-- one active registration per physical identity
CREATE UNIQUE INDEX media_identity_active ON media (vendor_id, product_id, serial)
  WHERE status = 'active';

-- personal accounts allowed to use a medium when all_staff = 0
CREATE TABLE media_users (
  medium_id INTEGER NOT NULL REFERENCES media (id),
  user_name TEXT NOT NULL,
  PRIMARY KEY (medium_id, user_name)
);

CREATE TABLE devices_seen (
  id              INTEGER PRIMARY KEY,
  vendor_id       INTEGER NOT NULL,
  product_id      INTEGER NOT NULL,
  serial          BLOB,                          -- NULL: the device has no serial
  manufacturer    BLOB,
  product         BLOB,
  bcd_device      INTEGER NOT NULL DEFAULT 0,
  speed           TEXT NOT NULL DEFAULT '',
  port_path       TEXT NOT NULL DEFAULT '',
  interfaces      TEXT NOT NULL DEFAULT '',      -- "cfg.if:cc/ss/pp" list
  descriptor_hash TEXT NOT NULL,
  first_seen      INTEGER NOT NULL,
  last_seen       INTEGER NOT NULL
);
CREATE UNIQUE INDEX devices_seen_identity
  ON devices_seen (vendor_id, product_id, ifnull(serial, x''), descriptor_hash);

CREATE TABLE requests (
  id            INTEGER PRIMARY KEY,
  device_id     INTEGER NOT NULL REFERENCES devices_seen (id),
  state         TEXT NOT NULL DEFAULT 'pending'
                CHECK (state IN ('pending', 'approved', 'rejected')),
  requester     TEXT,                            -- seat user; NULL: no one logged in
  requester_uid INTEGER,
  host          TEXT NOT NULL,
  created_at    INTEGER NOT NULL,
  reason        TEXT NOT NULL,
  decided_by    TEXT,
  decided_at    INTEGER,
  decision_note TEXT,
  medium_id     INTEGER REFERENCES media (id)
);
CREATE UNIQUE INDEX requests_one_pending ON requests (device_id) WHERE state = 'pending';

CREATE TABLE sessions (
  id          INTEGER PRIMARY KEY,
  medium_id   INTEGER NOT NULL REFERENCES media (id),
  device_id   INTEGER NOT NULL REFERENCES devices_seen (id),
  user_name   TEXT,                              -- NULL: no one logged in
  uid         INTEGER,
  host        TEXT NOT NULL,
  started_at  INTEGER NOT NULL,
  ended_at    INTEGER,
  end_reason  TEXT,
  erased      INTEGER NOT NULL DEFAULT 0 CHECK (erased IN (0, 1))
);
CREATE INDEX sessions_medium ON sessions (medium_id, started_at);

-- every device event and every supervisor action; append-only
CREATE TABLE events (
  id          INTEGER PRIMARY KEY,
  time        INTEGER NOT NULL,
  host        TEXT NOT NULL,
  kind        TEXT NOT NULL,
  actor       TEXT NOT NULL,                     -- 'system' or a personal account
  actor_uid   INTEGER,
  seat_user   TEXT,
  device_id   INTEGER REFERENCES devices_seen (id),
  medium_id   INTEGER REFERENCES media (id),
  request_id  INTEGER REFERENCES requests (id),
  session_id  INTEGER REFERENCES sessions (id),
  decision    TEXT,
  detail      TEXT NOT NULL DEFAULT ''
);
CREATE INDEX events_time ON events (time);
CREATE INDEX events_device ON events (device_id);

CREATE TRIGGER events_no_update BEFORE UPDATE ON events
BEGIN SELECT RAISE(ABORT, 'the event log is append-only'); END;
CREATE TRIGGER events_no_delete BEFORE DELETE ON events
BEGIN SELECT RAISE(ABORT, 'the event log is append-only'); END;
