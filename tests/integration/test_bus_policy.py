#!/usr/bin/python3
"""usbledgerd on a bus with the distribution's real system policy (Debian's
system.conf and system.d, and our org.usbledger.conf as installed), not the
permissive bus of the other tests: its signals, which carry serials, seat
users and sessions, reach root but not an unprivileged user (issue 9,
item 15)."""

import os
import select
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), '..', 'common'))

from mainloop import iterate_until  # noqa: E402
from harness import Harness  # noqa: E402
from mocksysfs import MASS_STORAGE  # noqa: E402

# a process listening for every signal of org.usbledger.Manager1; on a line
# on stdin it makes a round trip to the bus, prints the signals the bus had
# sent it before, and says "synced"
SUBSCRIBER = r'''
import sys
from gi.repository import Gio, GLib
conn = Gio.DBusConnection.new_for_address_sync(
    sys.argv[1], Gio.DBusConnectionFlags.AUTHENTICATION_CLIENT |
    Gio.DBusConnectionFlags.MESSAGE_BUS_CONNECTION, None, None)
conn.signal_subscribe(None, 'org.usbledger.Manager1', None, None, None,
                      Gio.DBusSignalFlags.NONE,
                      lambda c, s, p, i, name, params: print('signal', name, flush=True))
ctx = GLib.MainContext.default()

def sync():
    conn.call_sync('org.freedesktop.DBus', '/org/freedesktop/DBus', 'org.freedesktop.DBus',
                   'GetId', None, None, Gio.DBusCallFlags.NONE, -1, None)
    while ctx.pending():
        ctx.iteration(False)

sync()
print('ready', flush=True)
for line in sys.stdin:
    sync()
    print('synced', flush=True)
'''


class Subscriber:
    def __init__(self, address, uid):
        self.proc = subprocess.Popen(
            ['setpriv', '--reuid', str(uid), '--regid', str(uid), '--clear-groups',
             '/usr/bin/python3', '-c', SUBSCRIBER, address],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, bufsize=1)
        self.lines = []
        self.partial = b''
        self.read_until('ready')

    def read_until(self, what, timeout=30):
        # the pipe's own bytes, split here: a buffered reader may hold lines
        # that select() no longer sees
        fd = self.proc.stdout.fileno()
        while what not in self.lines:
            if not select.select([fd], [], [], timeout)[0]:
                raise TimeoutError('waiting for %r, got %r' % (what, self.lines))
            data = os.read(fd, 4096)
            if not data:
                raise AssertionError('subscriber ended: %r' % self.lines)
            *complete, self.partial = (self.partial + data).split(b'\n')
            self.lines += [line.decode().strip() for line in complete]
        return self.lines

    def sync(self):
        self.lines = [l for l in self.lines if l != 'synced']
        self.proc.stdin.write('sync\n')
        return [l for l in self.read_until('synced') if l.startswith('signal')]

    def close(self):
        self.proc.stdin.close()
        self.proc.wait(timeout=30)
        self.proc.stdout.close()


class BusPolicyTest(unittest.TestCase):
    def setUp(self):
        self.h = Harness(system_policy=True)
        self.addCleanup(self.h.close)

    def test_signals_reach_root_not_an_unprivileged_user(self):
        self.h.start_daemon()
        nobody = Subscriber(self.h.bus_address, 65534)
        self.addCleanup(nobody.close)
        root = Subscriber(self.h.bus_address, 0)
        self.addCleanup(root.close)
        # the harness (root) sees the decision, so the daemon works on this bus
        self.h.expect_device(lambda: self.h.usb.add(2, 0x0781, 0x5567, [[MASS_STORAGE]],
                                                    serial=b'POLICY-00001'),
                             '1-2', 'block-and-request')
        # the harness has both signals (the daemon sends the request's right
        # after the device's: wait for it, the bus may not have it yet), so
        # the bus has dispatched them: each subscriber's round trip to the
        # bus comes back after anything the bus sent it before
        iterate_until(lambda: any(name == 'RequestChanged' for name, _ in self.h.signals),
                      what='RequestChanged')
        got = root.sync()
        self.assertIn('signal DeviceChanged', got)
        self.assertIn('signal RequestChanged', got)
        self.assertEqual(nobody.sync(), [])
        # and the serial is not in anything nobody received
        self.assertFalse(any('POLICY' in l for l in nobody.lines))


if __name__ == '__main__':
    unittest.main(verbosity=2)
