#!/usr/bin/python3
"""usbledger-udev-classify, as the udev rule runs it: keyboards and hubs are
authorized at once (the daemon need not run), storage stays unauthorized;
with --block, disks of media marked read-only become read-only in the kernel
(a real loop device), or their USB device is blocked."""

import hashlib
import os
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), '..', 'common'))

from harness import FIXTURE_MODULES, binary  # noqa: E402
from mocksysfs import HID_KEYBOARD, HUB, MASS_STORAGE, make_descriptors  # noqa: E402

VENDOR = (0xff, 0x00, 0x00)
CDC_ACM = (0x02, 0x02, 0x01)
CDC_DATA = (0x0a, 0x00, 0x00)
AUDIO_CONTROL = (0x01, 0x01, 0x00)
AUDIO_STREAMING = (0x01, 0x02, 0x00)


def make_device(root, name, configs, authorized, serial=b'S1', vid=0x0781, pid=0x5567,
                bcd=0x0100):
    path = os.path.join(root, name)
    os.makedirs(path)
    attrs = {'idVendor': b'%04x\n' % vid, 'idProduct': b'%04x\n' % pid, 'busnum': b'1\n',
             'devnum': b'4\n', 'authorized': b'%d\n' % authorized, 'serial': serial + b'\n',
             'descriptors': make_descriptors(vid, pid, configs, bcd=bcd)}
    for k, v in attrs.items():
        with open(os.path.join(path, k), 'wb') as f:
            f.write(v)
    return path


def authorized(path):
    with open(os.path.join(path, 'authorized')) as f:
        return f.read().strip()


class UdevHelperTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.addCleanup(self.tmp.cleanup)

    def run_helper(self, path, *args):
        if '--apply' in args or not args:
            args = ('--modules-dir', FIXTURE_MODULES) + args
        return subprocess.run([binary('usbledger-udev-classify')] + list(args) + [path],
                              capture_output=True, text=True, timeout=30)

    # -- issue 9, item 1: an allow-list, and storage by the kernel's drivers --
    def test_storage_driver_by_ids_stays_blocked(self):
        # usb-storage's unusual_devs binds 04b8:0602 (bcdDevice 0110) whatever
        # its interface says; a vendor-specific one is what such devices have
        path = make_device(self.tmp.name, '1-7', [[VENDOR]], 0, vid=0x04b8, pid=0x0602,
                           bcd=0x0110)
        proc = self.run_helper(path, '--apply')
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertTrue(proc.stdout.startswith('storage'), proc.stdout)
        self.assertIn('usb_storage', proc.stdout)
        self.assertEqual(authorized(path), '0')
        # a Realtek card reader (rtsx_usb), and one announcing itself a keyboard
        for name, configs, vid, pid in (('1-8', [[VENDOR]], 0x0bda, 0x0129),
                                        ('1-9', [[HID_KEYBOARD]], 0x04b8, 0x0602)):
            path = make_device(self.tmp.name, name, configs, 0, vid=vid, pid=pid, bcd=0x0110)
            proc = self.run_helper(path, '--apply')
            self.assertTrue(proc.stdout.startswith('storage'), proc.stdout)
            self.assertEqual(authorized(path), '0')

    # -- issue 9, item 2: a re-announced "add" leaves what usbledgerd allowed --
    def test_device_allowed_by_daemon_left_alone_when_announced_again(self):
        run = os.path.join(self.tmp.name, 'run')
        path = make_device(self.tmp.name, '1-15', [[MASS_STORAGE]], 1)
        digest = hashlib.sha256(make_descriptors(0x0781, 0x5567, [[MASS_STORAGE]])).hexdigest()
        os.makedirs(os.path.join(run, 'allowed'))
        mark = os.path.join(run, 'allowed', '1-15')
        with open(mark, 'w') as f:
            f.write('1 4 %s\n' % digest)   # bus 1, device 4: this very enumeration
        proc = self.run_helper(path, '--apply', '--runtime-dir', run)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertIn('allowed by usbledgerd', proc.stdout)
        self.assertEqual(authorized(path), '1')
        # a mark of another enumeration (device number 3) or other
        # descriptors does not count: taken back
        for contents in ('1 3 %s\n' % digest, '1 4 %s\n' % ('0' * 64)):
            with open(mark, 'w') as f:
                f.write(contents)
            self.run_helper(path, '--apply', '--runtime-dir', run)
            self.assertEqual(authorized(path), '0', contents)
            with open(os.path.join(path, 'authorized'), 'w') as f:
                f.write('1\n')
        # a mark never authorizes: an unauthorized device stays so
        with open(mark, 'w') as f:
            f.write('1 4 %s\n' % digest)
        with open(os.path.join(path, 'authorized'), 'w') as f:
            f.write('0\n')
        self.run_helper(path, '--apply', '--runtime-dir', run)
        self.assertEqual(authorized(path), '0')

    def test_unknown_classes_wait_for_the_daemon(self):
        # vendor-specific (ADB, MTP without an interrupt endpoint, anything),
        # communications: not known harmless, so not authorized here
        for name, configs in (('1-10', [[VENDOR]]), ('1-11', [[CDC_ACM, CDC_DATA]]),
                              ('1-12', [[HID_KEYBOARD], [VENDOR]])):
            path = make_device(self.tmp.name, name, configs, 0, vid=0x1234, pid=0x5678)
            proc = self.run_helper(path, '--apply')
            self.assertEqual(proc.returncode, 0, proc.stderr)
            self.assertIn('not a known harmless device', proc.stdout)
            self.assertEqual(authorized(path), '0', name)

    def test_audio_is_harmless(self):
        path = make_device(self.tmp.name, '1-13', [[AUDIO_CONTROL, AUDIO_STREAMING]], 0,
                           vid=0x0d8c, pid=0x0014)
        proc = self.run_helper(path, '--apply')
        self.assertTrue(proc.stdout.startswith('harmless'), proc.stdout)
        self.assertEqual(authorized(path), '1')

    def test_without_alias_file_only_classes_count(self):
        path = make_device(self.tmp.name, '1-14', [[HID_KEYBOARD]], 0)
        proc = subprocess.run([binary('usbledger-udev-classify'), '--apply', '--modules-dir',
                               os.path.join(self.tmp.name, 'none'), path],
                              capture_output=True, text=True, timeout=30)
        self.assertIn('module aliases', proc.stderr)
        self.assertEqual(authorized(path), '1')

    def test_keyboard_and_hub_authorized(self):
        for name, configs in (('1-1', [[HID_KEYBOARD]]), ('1-2', [[HUB]])):
            path = make_device(self.tmp.name, name, configs, 0)
            proc = self.run_helper(path, '--apply')
            self.assertEqual(proc.returncode, 0, proc.stderr)
            self.assertTrue(proc.stdout.startswith('harmless'))
            self.assertEqual(authorized(path), '1')

    def test_storage_stays_blocked_and_is_taken_back(self):
        path = make_device(self.tmp.name, '1-3', [[MASS_STORAGE]], 0)
        proc = self.run_helper(path, '--apply')
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertEqual(authorized(path), '0')
        # arrived authorized (no authorized_default=0 yet): blocked at once
        path = make_device(self.tmp.name, '1-4', [[MASS_STORAGE]], 1)
        self.run_helper(path, '--apply')
        self.assertEqual(authorized(path), '0')

    def test_badusb_keyboard_half_never_authorized(self):
        path = make_device(self.tmp.name, '1-5', [[MASS_STORAGE, HID_KEYBOARD]], 0)
        proc = self.run_helper(path, '--apply')
        self.assertIn('HID', proc.stdout)
        self.assertEqual(authorized(path), '0')

    def test_without_apply_nothing_written(self):
        path = make_device(self.tmp.name, '1-6', [[HID_KEYBOARD]], 0)
        self.run_helper(path)
        self.assertEqual(authorized(path), '0')

    # -- --block: disks of media registered read-only ------------------------
    def loop_device(self):
        image = os.path.join(self.tmp.name, 'disk.img')
        with open(image, 'wb') as f:
            f.truncate(1 << 20)
        dev = subprocess.run(['losetup', '-f', '--show', image], check=True,
                             capture_output=True, text=True).stdout.strip()

        def detach():
            subprocess.run(['blockdev', '--setrw', dev], check=False)
            subprocess.run(['losetup', '-d', dev], check=False)
        self.addCleanup(detach)
        return dev

    def kernel_ro(self, dev):
        with open('/sys/class/block/%s/ro' % os.path.basename(dev)) as f:
            return f.read().strip()

    def block_helper(self, usb_name, devnode, authorized_now=1):
        """a disk (and a partition) under a fake USB device, as the rule
        runs the helper for each"""
        usb = make_device(self.tmp.name, usb_name, [[MASS_STORAGE]], authorized_now)
        disk = os.path.join(usb, usb_name + ':1.0', 'host0', 'target0:0:0', '0:0:0:0',
                            'block', 'sdz')
        os.makedirs(os.path.join(disk, 'sdz1'))
        runtime = os.path.join(self.tmp.name, 'run')
        return usb, disk, runtime, lambda path: self.run_helper(
            path, '--block', '--runtime-dir', runtime, '--devnode', devnode)

    def test_block_of_read_write_medium_left_alone(self):
        dev = self.loop_device()
        usb, disk, runtime, helper = self.block_helper('1-7', dev)
        proc = helper(disk)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertEqual(proc.stdout.strip(), 'USBLEDGER_BLOCK=read-write')
        self.assertEqual(self.kernel_ro(dev), '0')

    def test_block_of_read_only_medium_set_read_only_in_kernel(self):
        dev = self.loop_device()
        usb, disk, runtime, helper = self.block_helper('1-8', dev)
        os.makedirs(os.path.join(runtime, 'read-only'))
        with open(os.path.join(runtime, 'read-only', '1-8'), 'w') as f:
            f.write('read-only\n')
        for path in (disk, os.path.join(disk, 'sdz1')):
            proc = helper(path)
            self.assertEqual(proc.returncode, 0, proc.stderr)
            self.assertEqual(proc.stdout.strip(), 'USBLEDGER_BLOCK=read-only')
        self.assertEqual(self.kernel_ro(dev), '1')
        with self.assertRaises(PermissionError):
            fd = os.open(dev, os.O_WRONLY)
            try:
                os.write(fd, b'x' * 512)
            finally:
                os.close(fd)
        self.assertEqual(authorized(usb), '1')

    def test_block_that_cannot_be_made_read_only_is_blocked(self):
        not_a_disk = os.path.join(self.tmp.name, 'not-a-disk')
        open(not_a_disk, 'w').close()
        usb, disk, runtime, helper = self.block_helper('1-9', not_a_disk)
        os.makedirs(os.path.join(runtime, 'read-only'))
        open(os.path.join(runtime, 'read-only', '1-9'), 'w').close()
        proc = helper(disk)
        self.assertEqual(proc.returncode, 1)
        self.assertIn('cannot set %s read-only' % not_a_disk, proc.stderr)
        self.assertIn('blocking 1-9', proc.stderr)
        self.assertEqual(authorized(usb), '0')

    def test_block_not_on_usb(self):
        path = os.path.join(self.tmp.name, 'virtual', 'block', 'vdz')
        os.makedirs(path)
        proc = self.run_helper(path, '--block', '--runtime-dir', self.tmp.name)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertEqual(proc.stdout.strip(), 'USBLEDGER_BLOCK=not-on-usb')

    # -- --block: cards in a registered card reader ----------------------------
    def card_reader(self, usb_name, devnode, diskseq, sectors, mark='reader'):
        usb, disk, runtime, helper = self.block_helper(usb_name, devnode)
        os.makedirs(os.path.join(runtime, 'read-only'))
        with open(os.path.join(runtime, 'read-only', usb_name), 'w') as f:
            f.write(mark + '\n')
        with open(os.path.join(disk, 'diskseq'), 'w') as f:
            f.write('%d\n' % diskseq)
        with open(os.path.join(disk, 'size'), 'w') as f:
            f.write('%d\n' % sectors)
        open(os.path.join(disk, 'sdz1', 'partition'), 'w').close()
        return usb, disk, runtime, helper

    def mark_card(self, runtime, diskseq, state):
        os.makedirs(os.path.join(runtime, 'cards'), exist_ok=True)
        with open(os.path.join(runtime, 'cards', str(diskseq)), 'w') as f:
            f.write(state + '\n')

    def test_card_not_yet_allowed_is_read_only_and_hidden_from_udisks(self):
        dev = self.loop_device()
        usb, disk, runtime, helper = self.card_reader('1-10', dev, 41, 2048)
        # the card allowed before had another number: it does not count
        self.mark_card(runtime, 40, 'read-write')
        for path in (disk, os.path.join(disk, 'sdz1')):
            proc = helper(path)
            self.assertEqual(proc.returncode, 0, proc.stderr)
            self.assertEqual(proc.stdout.split(), ['USBLEDGER_BLOCK=card-pending',
                                                   'UDISKS_IGNORE=1', 'UDISKS_AUTO=0'])
        self.assertEqual(self.kernel_ro(dev), '1')
        self.assertEqual(authorized(usb), '1')

    def test_card_allowed_by_its_number_becomes_writable_or_stays_read_only(self):
        dev = self.loop_device()
        usb, disk, runtime, helper = self.card_reader('1-11', dev, 42, 2048)
        subprocess.run(['blockdev', '--setro', dev], check=True)
        self.mark_card(runtime, 42, 'read-write')
        proc = helper(os.path.join(disk, 'sdz1'))
        self.assertEqual(proc.stdout.split(), ['USBLEDGER_BLOCK=card-read-write'])
        self.assertEqual(self.kernel_ro(dev), '0')
        self.mark_card(runtime, 42, 'read-only')
        proc = helper(disk)
        self.assertEqual(proc.stdout.split(), ['USBLEDGER_BLOCK=card-read-only'])
        self.assertEqual(self.kernel_ro(dev), '1')
        # anything else in a mark restricts
        self.mark_card(runtime, 42, 'garbage')
        subprocess.run(['blockdev', '--setrw', dev], check=True)
        proc = helper(disk)
        self.assertEqual(proc.stdout.split(), ['USBLEDGER_BLOCK=card-read-only'])
        self.assertEqual(self.kernel_ro(dev), '1')

    def test_disk_of_a_stick_bound_to_its_disks_waits_for_its_check(self):
        """A stick with a weak serial (issue 9, item 5): each disk is held
        like a card until usbledgerd found it to be the stick's."""
        dev = self.loop_device()
        usb, disk, runtime, helper = self.card_reader('1-14', dev, 45, 2048, mark='bound')
        proc = helper(disk)
        self.assertEqual(proc.stdout.split(), ['USBLEDGER_BLOCK=card-pending',
                                               'UDISKS_IGNORE=1', 'UDISKS_AUTO=0'])
        self.assertEqual(self.kernel_ro(dev), '1')
        self.mark_card(runtime, 45, 'read-write')
        proc = helper(disk)
        self.assertEqual(proc.stdout.split(), ['USBLEDGER_BLOCK=card-read-write'])
        self.assertEqual(self.kernel_ro(dev), '0')

    def test_empty_reader_is_left_alone(self):
        not_a_disk = os.path.join(self.tmp.name, 'not-a-disk')
        open(not_a_disk, 'w').close()
        usb, disk, runtime, helper = self.card_reader('1-12', not_a_disk, 43, 0)
        proc = helper(disk)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertEqual(proc.stdout.split(), ['USBLEDGER_BLOCK=no-card'])
        self.assertEqual(authorized(usb), '1')

    def test_card_that_cannot_be_made_read_only_blocks_the_reader(self):
        not_a_disk = os.path.join(self.tmp.name, 'not-a-disk')
        open(not_a_disk, 'w').close()
        usb, disk, runtime, helper = self.card_reader('1-13', not_a_disk, 44, 2048)
        proc = helper(disk)
        self.assertEqual(proc.returncode, 1)
        self.assertIn('blocking 1-13', proc.stderr)
        self.assertEqual(authorized(usb), '0')

    def test_bad_arguments(self):
        proc = subprocess.run([binary('usbledger-udev-classify')], capture_output=True)
        self.assertEqual(proc.returncode, 2)
        proc = self.run_helper(os.path.join(self.tmp.name, 'nothing'), '--apply')
        self.assertEqual(proc.returncode, 1)
        for args in (['--apply', '--block', '/sys/x'], ['--block', 'relative/path']):
            proc = subprocess.run([binary('usbledger-udev-classify')] + args,
                                  capture_output=True)
            self.assertEqual(proc.returncode, 2, args)


if __name__ == '__main__':
    unittest.main(verbosity=2)
