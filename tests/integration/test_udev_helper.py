#!/usr/bin/python3
"""usbledger-udev-classify, as the udev rule runs it: keyboards and hubs are
authorized at once (the daemon need not run), storage stays unauthorized."""

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

    def test_bad_arguments(self):
        proc = subprocess.run([binary('usbledger-udev-classify')], capture_output=True)
        self.assertEqual(proc.returncode, 2)
        proc = self.run_helper(os.path.join(self.tmp.name, 'nothing'), '--apply')
        self.assertEqual(proc.returncode, 1)


if __name__ == '__main__':
    unittest.main(verbosity=2)
