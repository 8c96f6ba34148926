-- schema version 7 (issue 9, item 4): card readers and the cards in them.
-- A card reader is not a medium: the card is. A reader is registered with
-- kind 'reader' (its USB identity, no sessions of its own); each card is
-- registered with kind 'card' by its volume identity, which the daemon puts
-- in the identity columns: vendor_id = product_id = 0 and serial = the text
-- "capacity=BYTES pttype=dos ptuuid=..." (or "fstype=... fsuuid=..." for a
-- card without a partition table), descriptor_hash = its SHA-256. That
-- identity is read from the card and can be copied onto another card of the
-- same size: the threat model says so.
ALTER TABLE media ADD COLUMN kind TEXT NOT NULL DEFAULT 'usb'
  CHECK (kind IN ('usb', 'reader', 'card'));
ALTER TABLE devices_seen ADD COLUMN kind TEXT NOT NULL DEFAULT 'usb'
  CHECK (kind IN ('usb', 'card'));

-- A stick registered although its serial is not unique in practice (issue
-- 9, item 5) is bound to what its disks hold once seen: one line per disk
-- ("LUN IDENTITY", the identity as for a card). A stick of the same model
-- and serial with another capacity or partition table is then blocked as a
-- possible clone; its disks stay read-only and hidden until checked.
ALTER TABLE media ADD COLUMN bound_volumes TEXT;
