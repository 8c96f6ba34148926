#!/usr/bin/python3
"""usbledger-udev-classify, as the udev rule runs it: keyboards and hubs are
authorized at once (the daemon need not run), storage stays unauthorized;
with --block, disks of media marked read-only become read-only in the kernel
(a real loop device), or their USB device is blocked."""

import os
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), '..', 'common'))

from harness import binary  # noqa: E402
from mocksysfs import HID_KEYBOARD, HUB, MASS_STORAGE, make_descriptors  # noqa: E402


def make_device(root, name, configs, authorized, serial=b'S1'):
    path = os.path.join(root, name)
    os.makedirs(path)
    attrs = {'idVendor': b'0781\n', 'idProduct': b'5567\n', 'busnum': b'1\n', 'devnum': b'4\n',
             'authorized': b'%d\n' % authorized, 'serial': serial + b'\n',
             'descriptors': make_descriptors(0x0781, 0x5567, configs)}
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
        return subprocess.run([binary('usbledger-udev-classify')] + list(args) + [path],
                              capture_output=True, text=True, timeout=30)

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
        self.assertEqual(proc.stdout.strip(), 'read-write (1-7)')
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
            self.assertEqual(proc.stdout.strip(), 'read-only %s (1-8)' % dev)
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
        self.assertEqual(proc.stdout.strip(), 'not on USB')

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
