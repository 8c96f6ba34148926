#!/usr/bin/python3
"""usbledger-admin through the accessibility bus (AT-SPI), as a screen reader
or an automated tool sees it: the real program on the real daemon (umockdev,
polkit and logind mocks), a private desktop session bus with the AT-SPI bus
launcher, and this test as the assistive technology. The approve button and
the month picker are found by their accessible names, and a page is changed
through the switcher's accessible action."""

import os
import subprocess
import sys
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, '..', 'common'))

import dbusmock  # noqa: E402
import gi  # noqa: E402

from harness import Harness, binary, start_session_bus  # noqa: E402
from mainloop import iterate_until  # noqa: E402
from mocksysfs import MASS_STORAGE  # noqa: E402

class A11yTest(unittest.TestCase):
    def setUp(self):
        self.h = Harness()
        self.addCleanup(self.h.close)
        self.h.start_daemon(extra_env={'TZ': 'Asia/Tokyo'})
        self.session_pid, self.session = start_session_bus(self.h.tmp)
        self.addCleanup(dbusmock.DBusTestCase.stop_dbus, self.session_pid)
        env = dict(os.environ, DBUS_SESSION_BUS_ADDRESS=self.session)
        env.pop('LD_PRELOAD', None)
        # the accessibility bus of this session, and its registry
        self.launcher = subprocess.Popen(['/usr/libexec/at-spi-bus-launcher',
                                          '--launch-immediately'], env=env)
        self.addCleanup(self._stop, self.launcher)
        self.wait_name('org.a11y.Bus')
        # this process is the assistive technology on that session
        os.environ['DBUS_SESSION_BUS_ADDRESS'] = self.session
        gi.require_version('Atspi', '2.0')
        from gi.repository import Atspi
        self.Atspi = Atspi
        Atspi.init()
        # every change of an application's tree wakes the loop (no polling)
        self.listener = Atspi.EventListener.new(lambda event: None)
        for kind in ('object:children-changed', 'object:property-change',
                     'object:state-changed', 'window:create', 'window:activate'):
            self.listener.register(kind)

    def wait_name(self, name):
        """Woken by NameOwnerChanged on the session bus."""
        from gi.repository import Gio
        conn = Gio.DBusConnection.new_for_address_sync(
            self.session, Gio.DBusConnectionFlags.AUTHENTICATION_CLIENT |
            Gio.DBusConnectionFlags.MESSAGE_BUS_CONNECTION, None, None)
        seen = []
        watch = Gio.bus_watch_name_on_connection(conn, name, Gio.BusNameWatcherFlags.NONE,
                                                 lambda *_: seen.append(True), None)
        try:
            iterate_until(lambda: seen or self.launcher.poll() is not None, timeout=30,
                          what=name)
        finally:
            Gio.bus_unwatch_name(watch)
        self.assertTrue(seen, 'at-spi-bus-launcher exited (%s)' % self.launcher.returncode)

    @staticmethod
    def _stop(proc):
        proc.terminate()
        proc.wait(timeout=30)

    def start_admin(self):
        env = self.h.ctl_env('ja')
        env.update(DBUS_SESSION_BUS_ADDRESS=self.session, GSETTINGS_BACKEND='memory',
                   TZ='Asia/Tokyo')
        env.pop('NO_AT_BRIDGE', None)
        admin = subprocess.Popen([binary('usbledger-admin')], env=env)
        self.addCleanup(self._stop, admin)
        return admin

    def find(self, match, what):
        """Waits until the application's tree holds an accessible that
        matches; returns it."""
        found = []

        def search(node, depth=0):
            if node is None or depth > 40:
                return None
            if match(node):
                return node
            for i in range(node.get_child_count()):
                hit = search(node.get_child_at_index(i), depth + 1)
                if hit is not None:
                    return hit
            return None

        def look():
            desktop = self.Atspi.get_desktop(0)
            for i in range(desktop.get_child_count()):
                app = desktop.get_child_at_index(i)
                if app is not None and app.get_name() == 'usbledger-admin':
                    hit = search(app)
                    if hit is not None:
                        found.append(hit)
                        return True
            return False
        iterate_until(look, timeout=60, what=what)
        return found[0]

    def role_name(self, role, name):
        return lambda n: n.get_role() == role and n.get_name() == name

    def test_approve_button_and_month_picker_by_accessible_names(self):
        Atspi = self.Atspi
        self.h.expect_device(lambda: self.h.usb.add(
            2, 0x0781, 0x5567, [[MASS_STORAGE]], serial=b'A11Y-0001', manufacturer=b'SanDisk',
            product=b'Cruzer Blade'), '1-2', 'block-and-request')
        self.start_admin()
        approve = self.find(self.role_name(Atspi.Role.PUSH_BUTTON, '承認(A)…'),
                            'the approve button')
        self.assertTrue(approve.get_state_set().contains(Atspi.StateType.SENSITIVE))
        # the monthly ledger's page, through the switcher's accessible action
        tab = self.find(lambda n: n.get_name() == '月次使用簿' and
                        n.get_role() in (Atspi.Role.RADIO_BUTTON, Atspi.Role.TOGGLE_BUTTON,
                                         Atspi.Role.PUSH_BUTTON), 'the ledger tab')
        self.assertTrue(Atspi.Action.do_action(tab, 0))
        month = self.find(lambda n: n.get_name() == '使用簿の月', 'the month picker')
        self.assertEqual(month.get_role(), Atspi.Role.TEXT)
        self.assertRegex(Atspi.Text.get_text(month, 0, -1), r'^20\d\d-\d\d$')


if __name__ == '__main__':
    unittest.main(verbosity=2)
