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
