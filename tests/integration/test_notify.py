#!/usr/bin/python3
"""usbledger-notify, the notices of the person at the seat, with two people:
each notifier runs as its own user with its own desktop session bus (a
python-dbusmock notification daemon on it), on a system bus with the
distribution's real policy and ours. Each person is told about their own
medium, and learns nothing about the other's."""

import os
import subprocess
import sys
import tempfile
import unittest

import dbusmock

sys.path.insert(0, os.path.join(os.path.dirname(__file__), '..', 'common'))

from gi.repository import Gio, GLib  # noqa: E402

from harness import Harness, binary, start_session_bus  # noqa: E402
from mainloop import iterate_until  # noqa: E402
from mocksysfs import MASS_STORAGE  # noqa: E402

# two people at the seat, as logind names them; their uids are accounts
# every Debian has (bin, nobody), as a bus daemon looks up the groups of
# whoever connects and refuses an account it cannot find
TANAKA = ('tanaka', 2)
SUZUKI = ('suzuki', 65534)

class Desktop:
    """One person's desktop session: a session bus with a notification
    daemon (dbusmock), and usbledger-notify running as the person."""

    def __init__(self, h, person):
        self.person = person
        self.dir = tempfile.mkdtemp(prefix='session-%s-' % person[0], dir=h.tmp)
        os.chmod(self.dir, 0o755)
        # the person (another uid than the test's) may connect to it
        self.bus_pid, self.address = start_session_bus(self.dir, any_user=True)
        self.conn = Gio.DBusConnection.new_for_address_sync(
            self.address, Gio.DBusConnectionFlags.AUTHENTICATION_CLIENT |
            Gio.DBusConnectionFlags.MESSAGE_BUS_CONNECTION, None, None)
        self.notifications = []
        # dbusmock says MethodCalled for every call it answers
        self.conn.signal_subscribe(None, 'org.freedesktop.DBus.Mock', 'MethodCalled',
                                   '/org/freedesktop/Notifications', None,
                                   Gio.DBusSignalFlags.NONE, self._on_called)
        env = dict(os.environ, DBUS_SESSION_BUS_ADDRESS=self.address)
        self.mock = subprocess.Popen(
            [sys.executable, '-m', 'dbusmock', '--template', 'notification_daemon'],
            env=env, stdout=subprocess.DEVNULL)
        # woken when the name is owned (NameOwnerChanged)
        appeared = []
        watch = Gio.bus_watch_name_on_connection(
            self.conn, 'org.freedesktop.Notifications', Gio.BusNameWatcherFlags.NONE,
            lambda *_: appeared.append(True), None)
        try:
            iterate_until(lambda: appeared or self.mock.poll() is not None, timeout=30,
                          what='the notification daemon')
        finally:
            Gio.bus_unwatch_name(watch)
        if not appeared:
            raise AssertionError('the notification daemon exited (%s)' % self.mock.returncode)
        self.log = open(os.path.join(self.dir, 'notify.log'), 'wb')
        notify_env = dict(h.ctl_env('ja'), DBUS_SESSION_BUS_ADDRESS=self.address,
                          G_DEBUG='fatal-criticals')
        self.notifier = subprocess.Popen(
            ['setpriv', '--reuid', str(person[1]), '--regid', str(person[1]), '--clear-groups',
             binary('usbledger-notify')],
            env=notify_env, stdout=self.log, stderr=subprocess.STDOUT)

    def _on_called(self, conn, sender, path, iface, signal, params):
        name, args = params.unpack()
        if name == 'Notify':
            self.notifications.append(args)

    def wait_notifications(self, n, what):
        iterate_until(lambda: len(self.notifications) >= n or self.notifier.poll() is not None,
                      timeout=30, what='%s: %s' % (self.person[0], what))
        if self.notifier.poll() is not None:
            raise AssertionError('usbledger-notify of %s exited: %s' % (self.person[0],
                                                                       self.read_log()))
        return self.notifications

    def read_log(self):
        with open(self.log.name, errors='replace') as f:
            return f.read()

    def close(self):
        self.notifier.terminate()
        code = self.notifier.wait(timeout=30)
        self.log.close()
        self.mock.terminate()
        self.mock.wait(timeout=30)
        dbusmock.DBusTestCase.stop_dbus(self.bus_pid)
        if code != 0:
            raise AssertionError('usbledger-notify of %s exited with %d: %s' %
                                 (self.person[0], code, self.read_log()))


class NotifyTest(unittest.TestCase):
    def setUp(self):
        self.h = Harness(system_policy=True, seat_user=TANAKA)
        self.addCleanup(self.h.close)
        self.h.start_daemon()
        self.tanaka = Desktop(self.h, TANAKA)
        self.addCleanup(self.tanaka.close)
        self.suzuki = Desktop(self.h, SUZUKI)
        self.addCleanup(self.suzuki.close)

    def plug(self, port, serial, product):
        return self.h.expect_device(lambda: self.h.usb.add(
            port, 0x0781, 0x5567, [[MASS_STORAGE]], serial=serial, manufacturer=b'SanDisk',
            product=product), '1-%d' % port, 'block-and-request')

    @staticmethod
    def text(notification):
        # Notify(app_name, replaces_id, app_icon, summary, body, actions, hints, timeout)
        return '%s\n%s' % (notification[3], notification[4])

    def test_each_person_is_told_about_their_own_medium_only(self):
        # tanaka at the seat plugs a stick in
        rec = self.plug(2, b'TANAKA-0001', b'Tanaka Stick')
        got = self.tanaka.wait_notifications(1, 'the block')
        self.assertEqual(len(got), 1)
        self.assertIn('USB 媒体を遮断しました', self.text(got[0]))
        self.assertIn('Tanaka Stick', self.text(got[0]))
        self.assertIn('未登録', self.text(got[0]))
        self.assertIn('申請 (No. %d)' % rec['request-id'], self.text(got[0]))

        # suzuki takes the seat and plugs another stick in: suzuki is told
        # about it alone. The daemon sent tanaka's notice first, and each
        # notifier shows what it receives in order, so a notice of tanaka's
        # that reached suzuki would have come before this one.
        self.h.switch_seat('c2', *SUZUKI)
        self.plug(3, b'SUZUKI-0001', b'Suzuki Stick')
        got = self.suzuki.wait_notifications(1, 'the block')
        self.assertEqual(len(got), 1)
        self.assertIn('Suzuki Stick', self.text(got[0]))
        self.assertNotIn('Tanaka', self.text(got[0]))

        # the supervisor approves tanaka's request: tanaka is told, and has
        # seen nothing of suzuki's in between
        self.h.call('ApproveRequest', (rec['request-id'], {'asset-number': GLib.Variant(
            's', 'YZ-USB-0001')}), '(xa{sv})')
        got = self.tanaka.wait_notifications(2, 'the approval')
        self.assertEqual(len(got), 2)
        self.assertIn('使用できます', self.text(got[1]))
        self.assertIn('Tanaka Stick', self.text(got[1]))
        self.assertFalse(any('Suzuki' in self.text(n) for n in got))

        # rejected, with the reason, to suzuki alone
        suzuki_request = [r for r in self.h.call('ListRequests', ('pending',), '(s)')[0]
                          if bytes(r['serial']) == b'SUZUKI-0001'][0]
        self.h.call('RejectRequest', (suzuki_request['id'], '私物のため'), '(xs)')
        got = self.suzuki.wait_notifications(2, 'the rejection')
        self.assertIn('私物のため', self.text(got[1]))
        self.assertFalse(any('Tanaka' in self.text(n) for n in got))
        self.assertEqual(len(self.tanaka.notifications), 2)

    def test_a_person_cannot_ask_for_another_persons_notices(self):
        self.plug(2, b'TANAKA-0002', b'Tanaka Stick')
        self.tanaka.wait_notifications(1, 'the block')
        # suzuki's own call, as suzuki, with the lowest "after"
        script = ('import sys\nfrom gi.repository import Gio, GLib\n'
                  'c = Gio.DBusConnection.new_for_address_sync(sys.argv[1], '
                  'Gio.DBusConnectionFlags.AUTHENTICATION_CLIENT | '
                  'Gio.DBusConnectionFlags.MESSAGE_BUS_CONNECTION, None, None)\n'
                  'r = c.call_sync("org.usbledger", "/org/usbledger/Manager", '
                  '"org.usbledger.Manager1", "WatchNotices", GLib.Variant("(x)", (-1,)), '
                  'None, Gio.DBusCallFlags.NONE, 30000, None)\n'
                  'print(len(r.unpack()[0]))\n')
        out = subprocess.run(['setpriv', '--reuid', str(SUZUKI[1]), '--regid', str(SUZUKI[1]),
                              '--clear-groups', sys.executable, '-c', script,
                              self.h.bus_address], capture_output=True, text=True, timeout=60)
        self.assertEqual(out.returncode, 0, out.stderr)
        self.assertEqual(out.stdout.strip(), '0')


if __name__ == '__main__':
    unittest.main(verbosity=2)
