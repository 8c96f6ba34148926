-- schema version 11 (issue 11): why a device was decided so, as a code of
-- the vocabulary (UL_VOCAB_REASON: 'not-registered', 'expired' ...), beside
-- the daemon's English sentence, which stays as detail. The window and the
-- city's documents print the code's label in the reader's language; rows
-- written before this version have none (NULL) and are shown with their
-- sentence, as before.

-- the decision's reason on the events that record a decision; the event
-- chain's form adds the field only when it is not NULL (docs/design.md), so
-- every hash made before stays valid
ALTER TABLE events ADD COLUMN reason_code TEXT;

DROP TRIGGER events_no_update;
CREATE TRIGGER events_no_update BEFORE UPDATE ON events
WHEN OLD.hash IS NOT NULL
  OR NEW.id IS NOT OLD.id OR NEW.time IS NOT OLD.time OR NEW.host IS NOT OLD.host
  OR NEW.kind IS NOT OLD.kind OR NEW.actor IS NOT OLD.actor
  OR NEW.actor_uid IS NOT OLD.actor_uid OR NEW.seat_user IS NOT OLD.seat_user
  OR NEW.device_id IS NOT OLD.device_id OR NEW.medium_id IS NOT OLD.medium_id
  OR NEW.request_id IS NOT OLD.request_id OR NEW.session_id IS NOT OLD.session_id
  OR NEW.decision IS NOT OLD.decision OR NEW.detail IS NOT OLD.detail
  OR NEW.reason_code IS NOT OLD.reason_code
BEGIN SELECT RAISE(ABORT, 'the event log is append-only'); END;

-- why the request was raised (the blocking decision's reason); the
-- requests' seal triggers are made again for this column, and every request
-- is sealed again in the new form, in C (ul-store-requests.c)
ALTER TABLE requests ADD COLUMN reason_code TEXT;
