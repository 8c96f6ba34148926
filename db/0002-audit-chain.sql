-- schema version 2: hash chain over the event log (requirement L1).
-- hash = SHA-256(prev_hash || canonical row), computed by ul-audit-chain.c.
-- Rows written by version 1 get their hashes in the same migration transaction
-- (the C side fills every row whose hash is NULL, in id order); afterwards a
-- row may be updated only to set a missing hash, never to change anything else.

ALTER TABLE events ADD COLUMN prev_hash TEXT;
ALTER TABLE events ADD COLUMN hash TEXT;

DROP TRIGGER events_no_update;
CREATE TRIGGER events_no_update BEFORE UPDATE ON events
WHEN OLD.hash IS NOT NULL
  OR NEW.id IS NOT OLD.id OR NEW.time IS NOT OLD.time OR NEW.host IS NOT OLD.host
  OR NEW.kind IS NOT OLD.kind OR NEW.actor IS NOT OLD.actor
  OR NEW.actor_uid IS NOT OLD.actor_uid OR NEW.seat_user IS NOT OLD.seat_user
  OR NEW.device_id IS NOT OLD.device_id OR NEW.medium_id IS NOT OLD.medium_id
  OR NEW.request_id IS NOT OLD.request_id OR NEW.session_id IS NOT OLD.session_id
  OR NEW.decision IS NOT OLD.decision OR NEW.detail IS NOT OLD.detail
BEGIN SELECT RAISE(ABORT, 'the event log is append-only'); END;
