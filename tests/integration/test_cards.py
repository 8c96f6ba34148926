#!/usr/bin/python3
"""Media known by what their disks hold, with the real usbledgerd on a
simulated bus. Card readers (issue 9, item 4): a reader is registered as
one, and every card put into it is a device of its own, recorded with its
volume identity and decided by it. An unknown card blocks the reader (its
authorization is taken back) and becomes a request; approving it lets the
reader and the card through. A reader registered as a stick is caught when
the medium inside it changes. A stick with a weak serial (item 5) is bound
to what its disks hold when first seen; a clone that holds something else
is blocked.

The test plays the kernel and udev: it changes the disk's size, its media
number (diskseq) and what blkid reads, then sends the disk's "change"
uevent and its partitions' "add". Run under umockdev-wrapper (meson does)."""

import os
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), '..', 'common'))

from gi.repository import Gio  # noqa: E402

from harness import Harness, db_rows  # noqa: E402
from mainloop import iterate_until  # noqa: E402
from mocksysfs import MASS_STORAGE, Card  # noqa: E402

READER = dict(vid=0x0bda, pid=0x0158, configs=[[MASS_STORAGE]])
CAMERA_CARD = Card(32 << 30, ptuuid='a1b2c3d4',
                   partitions=[[('ID_FS_TYPE', 'vfat'), ('ID_FS_UUID', '1234-ABCD'),
                                ('ID_FS_LABEL', 'CAMERA_A'),
                                ('ID_FS_LABEL_ENC', 'CAMERA\\x20A')]])
OTHER_CARD = Card(32 << 30, ptuuid='0badcafe',
                  partitions=[[('ID_FS_TYPE', 'exfat'), ('ID_FS_UUID', '5566-7788'),
                               ('ID_FS_LABEL_ENC', 'HOME')]])
BLANK_CARD = Card(16 << 30)


def run(*cmd, check=True):
    """A system tool, outside umockdev's preload (it would hide /dev)."""
    env = dict(os.environ)
    env.pop('LD_PRELOAD', None)
    return subprocess.run(list(cmd), check=check, capture_output=True, text=True, env=env)


class VolumeTest(unittest.TestCase):
    """The daemon, and a loop device as the node of the disk the test adds."""

    def setUp(self):
        if os.geteuid() != 0:
            self.skipTest('needs root for a loop device')
        self.h = Harness()
        self.addCleanup(self.h.close)
        self.tmp = tempfile.TemporaryDirectory(prefix='usbledger-cards-')
        self.addCleanup(self.tmp.cleanup)
        # the reader's disk: its node is a loop device, as a real /dev/sdb
        image = os.path.join(self.tmp.name, 'card.img')
        with open(image, 'wb') as f:
            f.truncate(8 << 20)
        run('mkfs.ext4', '-q', '-F', image)
        self.mnt = os.path.join(self.tmp.name, 'mnt')
        os.makedirs(self.mnt)
        self.loop = run('losetup', '-f', '--show', image).stdout.strip()
        self.addCleanup(run, 'losetup', '-d', self.loop, check=False)

    def read_only_mark(self, name):
        path = os.path.join(self.h.runtime_dir, 'read-only', name)
        if not os.path.exists(path):
            return None
        with open(path) as f:
            return f.read().strip()

    def card_mark(self, diskseq):
        path = os.path.join(self.h.runtime_dir, 'cards', str(diskseq))
        if not os.path.exists(path):
            return None
        with open(path) as f:
            return f.read().strip()

    def wait_card_mark(self, diskseq, state, what):
        """Waits, woken by a file monitor on the marks' folder (the daemon
        sends no signal when it lets a disk go), for the mark of the
        medium numbered `diskseq` to say `state`."""
        folder = os.path.join(self.h.runtime_dir, 'cards')
        os.makedirs(folder, exist_ok=True)
        monitor = Gio.File.new_for_path(folder).monitor_directory(
            Gio.FileMonitorFlags.NONE, None)
        monitor.connect('changed', lambda *a: None)
        iterate_until(lambda: self.card_mark(diskseq) == state, what=what)
        monitor.cancel()

    def events(self, kind):
        return db_rows(self.h.db_path(), 'SELECT detail, decision FROM events WHERE kind = ? '
                       'ORDER BY id', (kind,))


class CardReaderTest(VolumeTest):
    # -- helpers ------------------------------------------------------------
    def plug_reader(self, decision, port=2, serial=b'RDR-20261127'):
        box = {}

        def action():
            box['dev'] = self.h.usb.add(port, READER['vid'], READER['pid'], READER['configs'],
                                        serial=serial, product=b'Card Reader')
        rec = self.h.expect_device(action, '1-%d' % port, decision)
        return box['dev'], rec

    def registered_reader(self, *extra):
        """A reader registered with --card-reader, authorized, its empty disk
        there (media number 10)."""
        dev, _ = self.plug_reader('block-and-request')
        start = len(self.h.signals)
        self.h.ctl('register', '--device', dev.name, '--asset-number', 'RDR-1', '--card-reader',
                   *extra)
        rec = self.h.wait_device_since(start, dev.name, 'allow-reader')
        self.assertIn('each card in it is decided by itself', rec['reason'])
        self.assertEqual(dev.authorized(), '1')
        self.assertEqual(self.read_only_mark(dev.name), 'reader')
        self.h.usb.play_kernel(dev)
        self.disk = self.h.usb.add_disk(dev, self.loop, diskseq=10)
        return dev

    def insert(self, card, diskseq, decision):
        return self.h.expect_device(lambda: self.h.usb.insert_card(self.disk, card, diskseq),
                                    'sdb', decision)

    def insert_unread(self, card, diskseq):
        """`card` put in, its disk's "change" sent while udev has not read
        its first partition yet (the kernel made it: only PARTN); returns
        that partition's path."""
        usb = self.h.usb
        usb.testbed.set_attribute(self.disk, 'size', '%d\n' % (card.capacity // 512))
        usb.testbed.set_attribute(self.disk, 'diskseq', '%d\n' % diskseq)
        for key, value in card.disk_props():
            usb.testbed.set_property(self.disk, key, value)
        part, record = usb.partition_record(self.disk, 1, [('PARTN', '1')])
        usb.testbed.add_from_string(record)
        usb.partitions[self.disk] = [part]
        usb.testbed.set_property(self.disk, 'DISKSEQ', str(diskseq))
        usb.testbed.uevent(self.disk, 'change')
        return part

    def reader_back(self, dev, diskseq, card):
        """The kernel's part when the reader is authorized again: its
        interfaces, and its disk anew (a new media number) with the card."""
        self.h.usb.play_kernel(dev)
        self.disk = self.h.usb.add_disk(dev, self.loop, diskseq=diskseq, card=card)

    # -- tests --------------------------------------------------------------
    def test_unknown_card_is_recorded_blocks_the_reader_and_is_requested(self):
        self.h.start_daemon()
        dev = self.registered_reader()
        # an empty reader is no medium: nothing to decide
        self.assertEqual([r for r in self.h.call('ListDevices')[0] if r['name'] == 'sdb'], [])

        start = len(self.h.signals)
        card = self.insert(CAMERA_CARD, 11, 'block-and-request')
        self.assertEqual(card['kind'], 'card')
        self.assertEqual(card['reader'], dev.name)
        self.assertEqual(bytes(card['serial']),
                         b'capacity=34359738368 pttype=dos ptuuid=a1b2c3d4')
        self.assertEqual(bytes(card['product']), b'CAMERA A')
        # the reader is blocked: its authorization taken back, the card unreadable
        reader = self.h.wait_device_since(start, dev.name, 'block')
        self.assertIn('the card in it is not allowed', reader['reason'])
        self.assertEqual(dev.authorized(), '0')
        self.assertIsNone(self.card_mark(11))
        # the insertion is an event naming everything read from the card
        detail, decision = self.events('card-inserted')[-1]
        self.assertEqual(decision, 'block-and-request')
        for part in ('34359738368 bytes', 'dos table a1b2c3d4', 'sdb1 vfat 1234-ABCD',
                     '"CAMERA A"', 'in reader 1-2'):
            self.assertIn(part, detail)
        requests = self.h.call('ListRequests', ('pending',), '(s)')[0]
        self.assertEqual([r['kind'] for r in requests], ['card'])
        out = self.h.ctl('requests').stdout.decode()
        self.assertIn('card', out)
        self.assertIn('ptuuid=a1b2c3d4', out)

        # the kernel removes the disk with the reader's authorization
        start = len(self.h.signals)
        self.h.usb.play_kernel(dev)
        self.h.wait_device_since(start, 'sdb', removed=True)

        # approving the card lets the reader through again, and the card
        start = len(self.h.signals)
        self.h.ctl('approve', str(requests[0]['id']), '--asset-number', 'SD-1')
        self.h.wait_device_since(start, dev.name, 'allow-reader')
        self.assertEqual(dev.authorized(), '1')
        self.reader_back(dev, 12, CAMERA_CARD)
        card = self.h.wait_device_since(start, 'sdb', 'allow')
        self.assertEqual(card['asset-number'], 'SD-1')
        self.assertNotEqual(card['session-id'], 0)
        self.assertEqual(self.card_mark(12), 'read-write')
        media = {m['asset-number']: m for m in self.h.call('ListMedia')[0]}
        self.assertEqual(media['SD-1']['kind'], 'card')
        self.assertEqual(media['RDR-1']['kind'], 'reader')
        session = self.h.session(card['session-id'])[0]
        self.assertEqual(session['asset-number'], 'SD-1')

        # taken out: its session ends and its mark goes
        start = len(self.h.signals)
        self.h.usb.insert_card(self.disk, None, 13)
        self.h.wait_device_since(start, 'sdb', removed=True)
        self.assertIsNone(self.card_mark(12))
        self.h.wait_session(card['session-id'], lambda s, m, f: s.get('ended-at', 0) != 0,
                            'the card session ends')

        # another card, not registered: blocked again, a second request
        start = len(self.h.signals)
        self.insert(OTHER_CARD, 14, 'block-and-request')
        self.h.wait_device_since(start, dev.name, 'block')
        self.assertEqual(len(self.h.call('ListRequests', ('pending',), '(s)')[0]), 1)

    def allowed_card(self, dev, asset='SD-1', *extra):
        """CAMERA_CARD approved as @asset and shown again in the reader;
        returns its device record."""
        self.insert(CAMERA_CARD, 11, 'block-and-request')
        self.h.usb.play_kernel(dev)
        request = self.h.call('ListRequests', ('pending',), '(s)')[0][0]
        start = len(self.h.signals)
        self.h.ctl('approve', str(request['id']), '--asset-number', asset, *extra)
        self.h.wait_device_since(start, dev.name, 'allow-reader')
        self.reader_back(dev, 12, CAMERA_CARD)
        return self.h.wait_device_since(start, 'sdb')

    def test_files_written_to_an_allowed_card_are_recorded(self):
        """A card's session follows the filesystems of its disk (here one on
        the whole card, as the disk's device node is the loop device)."""
        self.h.start_daemon()
        dev = self.registered_reader()
        card = self.allowed_card(dev)
        self.assertEqual(card['decision'], 'allow')
        sid = card['session-id']
        run('mount', '-t', 'ext4', self.loop, self.mnt)
        self.addCleanup(run, 'umount', '-l', self.mnt, check=False)
        self.h.wait_session(sid, lambda s, m, f: len(m) == 1, 'the card mount is followed')
        with open(os.path.join(self.mnt, 'photo.jpg'), 'wb') as f:
            f.write(b'\xff\xd8' + b'x' * 4096)
        session = self.h.wait_session(
            sid, lambda s, m, f: b'photo.jpg' in self.h.final_files(f), 'photo.jpg recorded')
        self.assertEqual(session[0]['asset-number'], 'SD-1')
        run('umount', self.mnt)
        start = len(self.h.signals)
        self.h.usb.insert_card(self.disk, None, 13)
        self.h.wait_device_since(start, 'sdb', removed=True)
        self.assertEqual(self.h.session(sid)[0]['end-reason'], 'ejected')

    def test_card_swapped_while_in_use_ends_the_session_at_once(self):
        self.h.start_daemon()
        dev = self.registered_reader()
        card = self.allowed_card(dev, 'SD-1', '--read-only')
        self.assertEqual(card['decision'], 'allow-read-only')
        self.assertEqual(self.card_mark(12), 'read-only')

        # swapped for another card between two polls of the kernel: the
        # media number changes without an empty step
        start = len(self.h.signals)
        self.h.usb.insert_card(self.disk, OTHER_CARD, 13)
        self.h.wait_device_since(start, 'sdb', removed=True)
        self.h.wait_device_since(start, 'sdb', 'block-and-request')
        self.h.wait_device_since(start, dev.name, 'block')
        self.assertEqual(self.h.session(card['session-id'])[0]['end-reason'], 'removed')
        self.assertIsNone(self.card_mark(12))
        self.assertIsNone(self.card_mark(13))

    def test_card_waits_until_udev_has_read_its_partitions(self):
        """The kernel has made the partition, udev has not read it yet when
        the disk's change arrives: the card is decided when it has, so the
        event names the filesystem and label."""
        self.h.start_daemon()
        dev = self.registered_reader()
        usb = self.h.usb
        start = len(self.h.signals)
        part = self.insert_unread(CAMERA_CARD, 11)
        waiting = self.h.wait_device_since(start, 'sdb', 'block')
        self.assertEqual(waiting['reason'], 'the card is being read')
        self.assertEqual(dev.authorized(), '1')
        self.assertEqual(self.events('card-inserted'), [])
        # udev has read it: its properties, then its uevent
        for key, value in CAMERA_CARD.partitions[0]:
            usb.testbed.set_property(part, key, value)
        usb.testbed.uevent(part, 'add')
        card = self.h.wait_device_since(start, 'sdb', 'block-and-request')
        self.assertEqual(bytes(card['product']), b'CAMERA A')
        self.assertIn('sdb1 vfat 1234-ABCD "CAMERA A"', card['card-volume'])
        self.assertEqual(len(self.events('card-inserted')), 1)

    def test_card_seen_before_udev_has_caught_up_waits_for_its_change(self):
        """sysfs numbers the new card before udev has processed its change:
        an event read meanwhile (a late one, or one repeated) finds udev's
        record of the disk still of the medium before (its DISKSEQ), and the
        card is decided by its own change, with its whole identity. (Under
        load the daemon once decided such a card by its size alone, and its
        request could not be approved without --accept-weak-serial.)"""
        self.h.start_daemon()
        self.registered_reader()
        usb = self.h.usb
        start = len(self.h.signals)
        usb.testbed.set_attribute(self.disk, 'size', '%d\n' % (CAMERA_CARD.capacity // 512))
        usb.testbed.set_attribute(self.disk, 'diskseq', '11\n')
        usb.testbed.uevent(self.disk, 'change')
        waiting = self.h.wait_device_since(start, 'sdb', 'block')
        self.assertEqual(waiting['reason'], 'the card is being read')
        self.assertEqual(self.events('card-inserted'), [])
        usb.insert_card(self.disk, CAMERA_CARD, 11)
        card = self.h.wait_device_since(start, 'sdb', 'block-and-request')
        self.assertIn('1234-ABCD', card['card-volume'])
        self.assertNotIn('udev had not read', card['card-volume'])
        request = self.h.call('ListRequests', ('pending',), '(s)')[0][0]
        self.h.ctl('approve', str(request['id']), '--asset-number', 'SD-9')

    def test_card_whose_partitions_udev_never_reads_is_decided_all_the_same(self):
        self.h.start_daemon()
        dev = self.registered_reader()
        start = len(self.h.signals)
        self.insert_unread(CAMERA_CARD, 11)
        # after a few seconds, with what is known; blocked meanwhile
        card = self.h.wait_device_since(start, 'sdb', 'block-and-request', timeout=30)
        self.assertIn('udev had not read every partition', card['card-volume'])
        self.h.wait_device_since(start, dev.name, 'block')

    def test_blank_card_is_a_weak_identity(self):
        self.h.start_daemon()
        self.registered_reader()
        self.insert(BLANK_CARD, 11, 'block-and-request')
        request = self.h.call('ListRequests', ('pending',), '(s)')[0][0]
        self.assertIn('no partition-table or filesystem id', request['weak-serial'])
        self.assertEqual(bytes(request['serial']), b'capacity=17179869184')
        proc = self.h.ctl('approve', str(request['id']), '--asset-number', 'SD-2', check=False)
        self.assertNotEqual(proc.returncode, 0)
        self.assertIn('not unique in practice', proc.stderr.decode())
        self.h.ctl('approve', str(request['id']), '--asset-number', 'SD-2',
                   '--accept-weak-serial')
        self.assertEqual(len(self.events('weak-serial-accepted')), 1)

    def test_restart_with_an_allowed_card_present(self):
        self.h.start_daemon()
        dev = self.registered_reader()
        card = self.allowed_card(dev)
        self.h.stop_daemon()
        self.h.start_daemon()
        # the coldplug finds the reader and the card in it; the session goes on
        records = {r['name']: r for r in self.h.call('ListDevices')[0]}
        self.assertEqual(records[dev.name]['decision'], 'allow-reader')
        self.assertEqual(records['sdb']['decision'], 'allow')
        self.assertEqual(records['sdb']['session-id'], card['session-id'])
        self.assertEqual(len(self.events('card-coldplug')), 1)
        self.assertEqual(self.card_mark(12), 'read-write')

    def test_reader_registered_as_a_stick_is_blocked_when_its_medium_changes(self):
        self.h.start_daemon()
        dev, _ = self.plug_reader('block-and-request')
        start = len(self.h.signals)
        self.h.ctl('register', '--device', dev.name, '--asset-number', 'OLD-1')
        self.h.wait_device_since(start, dev.name, 'allow')
        self.h.usb.play_kernel(dev)
        # its disk, with the card inside it at registration
        self.disk = self.h.usb.add_disk(dev, self.loop, diskseq=10, card=CAMERA_CARD)
        start = len(self.h.signals)
        self.h.usb.insert_card(self.disk, Card(64 << 30, ptuuid='feedf00d'), 11)
        rec = self.h.wait_device_since(start, dev.name, 'block')
        self.assertIn('a card reader registered as a medium', rec['reason'])
        self.assertEqual(dev.authorized(), '0')
        detail, _ = self.events('medium-changed-inside')[-1]
        self.assertIn('incident: OLD-1', detail)
        self.assertIn('34359738368 -> 68719476736 bytes', detail)


class WeakSerialBindingTest(VolumeTest):
    WEAK = b'1234567890'    # a serial many cheap sticks share

    def plug_stick(self, decision, card, diskseq):
        """The weak-serial stick (or a clone) plugged, decided, and its disk
        added holding `card` (a Card: capacity and partition table)."""
        box = {}
        self.h.expect_device(lambda: box.update(dev=self.h.usb.add(
            2, 0x0781, 0x5567, [[MASS_STORAGE]], serial=self.WEAK)), '1-2', decision)
        dev = box['dev']
        if decision.startswith('allow'):
            self.h.usb.play_kernel(dev)
            self.disk = self.h.usb.add_disk(dev, self.loop, diskseq=diskseq, card=card)
        return dev

    def test_weak_serial_stick_is_bound_to_its_disk_and_a_clone_is_blocked(self):
        self.h.start_daemon()
        dev = self.plug_stick('block-and-request', None, None)
        start = len(self.h.signals)
        self.h.ctl('register', '--device', dev.name, '--asset-number', 'WEAK-1',
                   '--accept-weak-serial')
        self.h.wait_device_since(start, dev.name, 'allow')
        # its disks wait for the check: the helper holds them by this mark
        self.assertEqual(self.read_only_mark(dev.name), 'bound')
        self.h.usb.play_kernel(dev)
        self.disk = self.h.usb.add_disk(dev, self.loop, diskseq=20,
                                        card=Card(64 << 20, ptuuid='11112222'))
        self.wait_card_mark(20, 'read-write', 'its disk let go')
        (detail, _), = self.events('medium-bound')
        self.assertIn('disk lun0 holds: capacity=67108864 pttype=dos ptuuid=11112222', detail)
        self.h.expect_device(lambda: self.h.usb.unplug(dev), dev.name, removed=True)

        # a clone: same model, serial and descriptors, another stick inside
        start = len(self.h.signals)
        clone = self.plug_stick('allow', Card(128 << 20, ptuuid='33334444'), 21)
        rec = self.h.wait_device_since(start, clone.name, 'block')
        self.assertIn('possible clone: its disk lun0 holds capacity=134217728', rec['reason'])
        self.assertEqual(clone.authorized(), '0')
        self.assertIsNone(self.card_mark(21))
        (detail, _), = self.events('medium-binding-differs')
        self.assertIn('incident: possible clone', detail)
        self.h.usb.play_kernel(clone)
        self.h.expect_device(lambda: self.h.usb.unplug(clone), clone.name, removed=True)

        # the stick itself again: let through, no new binding
        self.plug_stick('allow', Card(64 << 20, ptuuid='11112222'), 22)
        self.wait_card_mark(22, 'read-write', 'its disk let go again')
        self.assertEqual(len(self.events('medium-bound')), 1)


if __name__ == '__main__':
    unittest.main(verbosity=2)
