"""Issue 9, item 4 on the real kernel: a card reader (a gadget whose one LUN
is removable, so cards can be put in and taken out by writing its `file`)
registered as one. Each card is seen by the kernel's media polling, read by
the real udev, recorded and decided by its volume identity: an unknown card
takes the reader's authorization back, approving it lets reader and card
through, files written to it are recorded, and the next card is decided
anew."""

import os
import struct

from guestlib import Gadget, block_devices, read_attr, settle, sh

SECTOR = 512
CARD_MB = 8
PART_START = 2048   # sectors


def make_card(path, signature, label):
    """A card image as cameras write them: an MBR partition table with
    `signature` (the PTUUID udev reads), one FAT partition labelled
    `label`."""
    sectors = CARD_MB * 1024 * 1024 // SECTOR
    with open(path, 'wb') as f:
        f.truncate(sectors * SECTOR)
        mbr = bytearray(SECTOR)
        struct.pack_into('<I', mbr, 440, signature)
        # one partition: type 0x0c (FAT32 LBA), from PART_START to the end
        struct.pack_into('<B3sB3sII', mbr, 446, 0, b'\0\0\0', 0x0c, b'\0\0\0', PART_START,
                         sectors - PART_START)
        mbr[510:512] = b'\x55\xaa'
        f.seek(0)
        f.write(mbr)
    sh('mkfs.vfat', '-n', label, '--offset', str(PART_START), path,
       str((sectors - PART_START) * SECTOR // 1024))
    return path


class CardReaderPart:
    def insert_card(self, gadget, image):
        """Puts the card `image` into the reader (or takes the card out with
        None), as a person at the slot would."""
        lun = os.path.join(gadget.functions[0], 'lun.0', 'file')
        with open(lun, 'w') as f:
            f.write((image or '') + '\n')

    def card_event(self, name, since_sig, decision):
        return self.h.wait_device_since(since_sig, name, decision, timeout=60)

    def wait_disk(self, path, since, what):
        """The kernel name of the disk the reader at `path` gets."""
        try:
            ev = self.uevents.wait(lambda e: e['ACTION'] == 'add' and
                                   e.get('DEVTYPE') == 'disk' and e.under(path), since, what=what)
        except TimeoutError as e:
            seen = ['%s %s' % (u['ACTION'], u['DEVPATH']) for u in self.uevents.log[since:]]
            kernel = sh('dmesg', check=False, text=True).stdout
            raise AssertionError('%s; uevents since: %s; kernel: %s' %
                                 (e, seen, kernel[-3000:])) from None
        return ev['DEVNAME']

    def card_reader(self):
        check = self.check
        if self.h.daemon is None:   # run alone (UL_VM_PARTS=card_reader)
            self.h.start_daemon()
        card_a = make_card(os.path.join(self.image_dir, 'card-a.img'), 0xa1b2c3d4, 'CAMERA')
        card_b = make_card(os.path.join(self.image_dir, 'card-b.img'), 0x0badcafe, 'HOME')
        g = Gadget('card-reader', vendor=0x058f, product=0x6366, serial=b'VM-READER-1',
                   manufacturer=b'usbledger', product_name=b'card reader', storage_image='')
        since_sig = len(self.h.signals)
        path, since = self.plug_gadget(g)
        self.wait_decision(path, since_sig, 'block-and-request')
        since_sig = len(self.h.signals)
        since = self.uevents.mark()
        self.h.ctl('register', '--device', os.path.basename(path), '--asset-number',
                   'RDR-VM-1', '--card-reader')
        rec = self.wait_decision(path, since_sig, 'allow-reader')
        disk = self.wait_disk(path, since, 'the empty reader\'s disk')
        settle()
        sys_disk = '/sys/class/block/' + disk
        check('card reader: registered as one, authorized, its empty disk polled for cards',
              rec['authorized'] and read_attr(sys_disk, 'size').strip() == b'0' and
              read_attr(sys_disk, 'events_poll_msecs').strip() == b'2000',
              (rec['decision'], read_attr(sys_disk, 'size'),
               read_attr(sys_disk, 'events_poll_msecs')))

        # an unknown card: recorded, the reader blocked, a request
        since_sig = len(self.h.signals)
        self.insert_card(g, card_a)
        card = self.card_event(disk, since_sig, 'block-and-request')
        reader = self.wait_decision(path, since_sig, 'block')
        inserted = [e for e in self.events() if e['kind'] == 'card-inserted']
        detail = inserted[-1]['detail'] if inserted else ''
        check('card reader: an unknown card is an event with its capacity, partition table id, '
              'filesystem UUID and label',
              ('%d bytes' % (CARD_MB << 20)) in detail and 'dos table a1b2c3d4' in detail and
              ' vfat ' in detail and '"CAMERA"' in detail, detail)
        self.uevents.wait(lambda e: e['ACTION'] == 'remove' and e.get('SUBSYSTEM') == 'block' and
                          e.get('DEVNAME') == disk, since, what='the card\'s disk removed')
        check('card reader: an unknown card takes the reader\'s authorization back, the card '
              'cannot be read', read_attr(path, 'authorized') == b'0' and
              not block_devices(path) and 'not allowed' in reader['reason'],
              (read_attr(path, 'authorized'), block_devices(path), reader['reason']))
        requests = [r for r in self.ctl_json('requests') if r.get('kind') == 'card']
        check('card reader: the card is a request of its own', len(requests) == 1 and
              card['kind'] == 'card', requests)

        # approved: reader and card go through, the card is writable
        since_sig = len(self.h.signals)
        since = self.uevents.mark()
        self.h.ctl('approve', str(requests[0]['id']), '--asset-number', 'SD-VM-1')
        self.wait_decision(path, since_sig, 'allow-reader')
        disk = self.wait_disk(path, since, 'the reader\'s disk again')
        card = self.card_event(disk, since_sig, 'allow')
        # the daemon announced the card again: udev's helper makes it writable
        settle()
        part = disk + '1'
        node = '/dev/' + part
        ro = read_attr('/sys/class/block/' + part, 'ro')
        mnt = os.path.join(os.environ['TMPDIR'], 'mnt-card')
        os.makedirs(mnt, exist_ok=True)
        sh('mount', '-t', 'vfat', node, mnt)
        # followed (and its files listed) before anything is written
        self.wait_session(card['session-id'], lambda s, m, f: m and
                          m[-1].get('manifest', '').startswith('taken at mount'),
                          'the card\'s mount followed')
        with open(os.path.join(mnt, 'photo.jpg'), 'wb') as f:
            f.write(b'\xff\xd8 a photo')
        sh('umount', mnt)
        session = self.wait_session(
            card['session-id'], lambda s, m, f: b'photo.jpg' in self.final_files(f),
            'the file written to the card')
        # the card is taken out only after the check at unmount: while the
        # check has it mounted, the gadget refuses to let it go (EBUSY)
        self.wait_session(card['session-id'],
                          lambda s, m, f: m[-1].get('manifest', '').startswith('checked'),
                          'the card\'s check at unmount')
        check('card reader: the approved card is allowed, writable, and what is written to it '
              'is recorded in its own session', ro.strip() == b'0' and
              session[0]['asset-number'] == 'SD-VM-1', (ro, session[0]))

        # swapped for another unknown card: the session ends, the reader is blocked again
        since_sig = len(self.h.signals)
        self.insert_card(g, None)
        self.h.wait_device_since(since_sig, disk, removed=True, timeout=60)
        self.insert_card(g, card_b)
        self.card_event(disk, since_sig, 'block-and-request')
        self.wait_decision(path, since_sig, 'block')
        ended = self.session(card['session-id'])[0]
        check('card reader: the card taken out ends its session; the next unknown card blocks '
              'the reader again', ended.get('ended-at', 0) != 0 and
              read_attr(path, 'authorized') == b'0', (ended, read_attr(path, 'authorized')))
        self.unplug_gadget(g, path)
