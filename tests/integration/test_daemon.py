#!/usr/bin/python3
"""The real usbledgerd on a simulated USB bus (umockdev), a private system
bus, and python-dbusmock for polkitd and logind. Run under umockdev-wrapper
(meson does). The test plays the kernel's part after `authorized` writes."""

import hashlib
import os
import re
import select
import signal
import sqlite3
import subprocess
import sys
import time
import unittest

import dbus
from gi.repository import Gio, GLib

sys.path.insert(0, os.path.join(os.path.dirname(__file__), '..', 'common'))

from fakelogind import FakeLogind  # noqa: E402
from harness import Harness, binary, build_tree_helpers, db_rows  # noqa: E402
from mainloop import iterate_until  # noqa: E402
from mocksysfs import (HID_KEYBOARD, HID_MOUSE, MASS_STORAGE, MTP_VENDOR,  # noqa: E402
                       STILL_IMAGE, UAS)

VENDOR = (0xff, 0x00, 0x00)
STICK = dict(vid=0x0781, pid=0x5567, configs=[[MASS_STORAGE]])


class DaemonTest(unittest.TestCase):
    def setUp(self):
        self.h = Harness()
        self.addCleanup(self.h.close)

    def plug(self, port, serial, decision, vid=0x0781, pid=0x5567, configs=None, **kw):
        box = {}

        def action():
            box['dev'] = self.h.usb.add(port, vid, pid, configs or [[MASS_STORAGE]],
                                        serial=serial, **kw)
        rec = self.h.expect_device(action, '1-%s' % port, decision)
        return box['dev'], rec

    def unplug(self, dev):
        self.h.expect_device(lambda: self.h.usb.unplug(dev), dev.name, removed=True)

    def approve(self, request_id, asset, *extra, check=True):
        return self.h.ctl('approve', str(request_id), '--asset-number', asset, *extra,
                          check=check)

    # -- M3: unregistered media are blocked ---------------------------------
    def test_unregistered_stick_blocked_with_request_naming_seat_user(self):
        self.h.start_daemon()
        dev, rec = self.plug(2, b'SN-0001', 'block-and-request')
        self.assertEqual(dev.authorized(), '0')
        self.assertEqual(rec['seat-user'], 'tanaka')
        self.assertFalse(rec['authorized'])
        requests = self.h.call('ListRequests', ('pending',), '(s)')[0]
        self.assertEqual(len(requests), 1)
        self.assertEqual(requests[0]['requester'], 'tanaka')
        self.assertEqual(requests[0]['requester-uid'], 1000)
        self.assertEqual(bytes(requests[0]['serial']), b'SN-0001')
        # why, as a code beside the daemon's sentence, in the request and in
        # the event that recorded the decision
        self.assertEqual(requests[0]['reason-code'], 'not-registered')
        added = [e for e in self.h.call('ListEvents', ({},), '(a{sv})')[0]
                 if e['kind'] == 'device-added']
        self.assertEqual(added[-1]['reason-code'], 'not-registered')
        self.assertIn('未登録', self.h.ctl('requests', language='ja').stdout.decode())
        self.assertIn('[未登録]', self.h.ctl('log', language='ja').stdout.decode())
        out = self.h.ctl('requests').stdout.decode()
        self.assertIn('tanaka', out)
        self.assertIn('SN-0001', out)
        # plugging the same stick again while the request waits: still one request
        self.unplug(dev)
        self.plug(2, b'SN-0001', 'block-and-request')
        self.assertEqual(len(self.h.call('ListRequests', ('pending',), '(s)')[0]), 1)

    def test_every_storage_class_is_blocked(self):
        self.h.start_daemon()
        for port, configs in ((2, [[UAS]]), (3, [[STILL_IMAGE]]), (4, [[MTP_VENDOR]]),
                              # storage only in the second configuration
                              (5, [[HID_MOUSE], [MASS_STORAGE]])):
            decision = 'block-suspicious' if port == 5 else 'block-and-request'
            dev, rec = self.plug(port, b'S%d' % port, decision, configs=configs)
            self.assertEqual(dev.authorized(), '0', configs)

    # -- issue 9, item 1: an allow-list, storage by the kernel's drivers -----
    def test_storage_by_driver_ids_and_unknown_devices_are_decided(self):
        self.h.start_daemon()
        # usb-storage's unusual_devs binds 04b8:0602 (bcdDevice 0110) whatever
        # class its interface announces
        dev, rec = self.plug(2, b'EPSON-1', 'block-and-request', vid=0x04b8, pid=0x0602,
                             configs=[[VENDOR]], bcd=0x0110)
        self.assertEqual(dev.authorized(), '0')
        self.assertIn('usb_storage', rec['reason'])
        self.assertTrue(rec['storage'])
        # vendor-specific, no driver of ours: not known harmless, so a request
        dev, rec = self.plug(3, b'ADB-1', 'block-and-request', vid=0x18d1, pid=0x4ee7,
                             configs=[[VENDOR]])
        self.assertEqual(dev.authorized(), '0')
        self.assertIn('not a known harmless device', rec['reason'])
        self.assertEqual(len(self.h.call('ListRequests', ('pending',), '(s)')[0]), 2)
        # a keyboard that usb-storage would bind is a BadUSB device
        dev, rec = self.plug(4, b'KBD-1', 'block-suspicious', vid=0x04b8, pid=0x0602,
                             configs=[[HID_KEYBOARD]], bcd=0x0110)
        self.assertEqual(dev.authorized(), '0')

    def test_other_devices_policy(self):
        conf = os.path.join(self.h.tmp, 'usbledger.conf')
        with open(conf, 'w') as f:
            f.write('[policy]\nother-devices=allow\n')
        self.h.start_daemon(['--config', conf])
        adb, rec = self.plug(3, b'ADB-1', 'not-storage', vid=0x18d1, pid=0x4ee7,
                             configs=[[VENDOR]])
        self.assertEqual(adb.authorized(), '1')
        self.assertIn('allowed by policy', rec['reason'])
        # storage by driver ids is storage, whatever this setting says
        dev, rec = self.plug(2, b'EPSON-1', 'block-and-request', vid=0x04b8, pid=0x0602,
                             configs=[[VENDOR]], bcd=0x0110)
        self.assertEqual(dev.authorized(), '0')
        self.h.stop_daemon()
        with open(conf, 'w') as f:
            f.write('[policy]\nother-devices=block\n')
        self.h.start_daemon(['--config', conf])
        devices = {d['name']: d for d in self.h.call('ListDevices')[0]}
        self.assertEqual(devices['1-3']['decision'], 'block')
        self.assertEqual(adb.authorized(), '0')
        self.h.stop_daemon()
        with open(conf, 'w') as f:
            f.write('[policy]\nother-devices=sometimes\n')
        self.h.start_daemon(['--config', conf], wait=False)
        self.assertEqual(self.h.daemon.wait(timeout=30), 1)
        self.h.daemon = None
        self.assertIn('other-devices must be request, block or allow', self.h.read_log())

    def test_missing_driver_aliases_is_an_incident(self):
        self.h.modules_args = ['--modules-dir', os.path.join(self.h.tmp, 'no-modules')]
        self.h.start_daemon()
        events = [e for e in self.h.call('ListEvents', ({},), '(a{sv})')[0]
                  if e['kind'] == 'driver-aliases-missing']
        self.assertEqual(len(events), 1)
        self.assertIn('module aliases', events[0]['detail'])

    # -- issue 9, item 3: decisions are taken again when their grounds change
    def test_seat_change_redecides_a_medium_for_named_users(self):
        self.h.start_daemon()
        dev, rec = self.plug(2, b'SN-NAMED', 'block-and-request')
        rec = self.h.expect_device(lambda: self.h.ctl('register', '--device', '1-2',
                                                      '--asset-number', 'USB-T', '--user',
                                                      'tanaka'), '1-2', 'allow')
        self.assertEqual(dev.authorized(), '1')
        sid = rec['session-id']
        # suzuki takes the seat: the medium for tanaka only is blocked at once
        rec = self.h.expect_device(lambda: self.h.switch_seat('c2', 'suzuki', 1001), '1-2',
                                   'block')
        self.assertIn('user suzuki may not use USB-T', rec['reason'])
        self.assertEqual(dev.authorized(), '0')
        session = self.h.session(sid)[0]
        self.assertEqual(session['end-reason'], 'blocked')
        # tanaka back: allowed again, a new session
        rec = self.h.expect_device(lambda: self.h.switch_seat('c3', 'tanaka', 1000), '1-2',
                                   'allow')
        self.assertEqual(dev.authorized(), '1')
        self.assertNotIn(rec['session-id'], (0, sid))
        self.assertIn('seat-changed', self.h.ctl('log').stdout.decode())

    def test_registration_ends_while_plugged_in(self):
        self.h.start_daemon()
        dev, rec = self.plug(2, b'SN-VALID', 'block-and-request')
        now = int(time.time() * 1e6)
        # valid for two more seconds: allowed now, blocked when it ends
        start = len(self.h.signals)
        self.h.call('RegisterMedium', ({'device': GLib.Variant('s', '1-2'),
                                        'asset-number': GLib.Variant('s', 'USB-V'),
                                        'valid-until': GLib.Variant('x', now + 2000000)},),
                    '(a{sv})')
        self.h.wait_device_since(start, '1-2', 'allow')
        self.assertEqual(dev.authorized(), '1')
        rec = self.h.wait_device_since(start, '1-2', 'block', timeout=30)
        self.assertGreaterEqual(time.time() * 1e6, now + 2000000)
        self.assertIn('registration of USB-V has expired', rec['reason'])
        self.assertEqual(dev.authorized(), '0')
        self.assertIn('registration-validity', self.h.ctl('log').stdout.decode())

    def test_policy_reload_applies_to_present_devices(self):
        conf = os.path.join(self.h.tmp, 'usbledger.conf')
        with open(conf, 'w') as f:
            f.write('[policy]\nother-devices=request\n')
        self.h.start_daemon(['--config', conf])
        adb, rec = self.plug(3, b'ADB-1', 'block-and-request', vid=0x18d1, pid=0x4ee7,
                             configs=[[VENDOR]])
        with open(conf, 'w') as f:
            f.write('[policy]\nother-devices=allow\n')
        rec = self.h.expect_device(lambda: self.h.daemon.send_signal(signal.SIGHUP), '1-3',
                                   'not-storage')
        self.assertEqual(adb.authorized(), '1')
        # a file that cannot be read keeps the policy in force, and says so
        with open(conf, 'w') as f:
            f.write('[policy]\nother-devices=maybe\n')
        start = len(self.h.signals)
        # the daemon's warning wakes us through a file monitor on its log
        monitor = Gio.File.new_for_path(self.h.daemon_log).monitor_file(
            Gio.FileMonitorFlags.NONE, None)
        monitor.connect('changed', lambda *a: None)
        self.h.daemon.send_signal(signal.SIGHUP)
        iterate_until(lambda: 'policy not reloaded' in self.h.read_log(), timeout=15,
                      what='the failed reload')
        monitor.cancel()
        self.assertIn('policy-reload-failed', self.h.ctl('log').stdout.decode())
        self.assertEqual(adb.authorized(), '1')
        self.assertFalse([n for n, r in self.h.signals[start:] if n == 'DeviceChanged'])
        self.assertEqual(self.h.daemon.poll(), None)

    def test_ledger_presentation_follows_the_configuration(self):
        # what the window prints a month with: the daemon's configuration,
        # as a property, changed (with its value) when the file is reloaded
        conf = os.path.join(self.h.tmp, 'usbledger.conf')
        with open(conf, 'w') as f:
            f.write('[certificate]\norganisation=○○市 情報政策課\n'
                    '[ledger]\ndepartment=総務課\nseal-labels=作成者;課長\nwareki=true\n')
        self.h.start_daemon(['--config', conf])

        def presentation():
            reply = self.h.gbus.call_sync(
                'org.usbledger', '/org/usbledger/Manager', 'org.freedesktop.DBus.Properties',
                'Get', GLib.Variant('(ss)', ('org.usbledger.Manager1', 'LedgerPresentation')),
                GLib.VariantType('(v)'), Gio.DBusCallFlags.NONE, 10000, None)
            return reply.unpack()[0]
        self.assertEqual(presentation(), {'organisation': '○○市 情報政策課',
                                          'department': '総務課',
                                          'seal-labels': ['作成者', '課長'], 'wareki': True})
        changed = []
        self.h.subscribe('org.freedesktop.DBus.Properties', 'PropertiesChanged',
                         lambda *a: changed.append(a[5].unpack()))
        with open(conf, 'w') as f:
            f.write('[certificate]\norganisation=○○市 情報政策課\n[ledger]\ndepartment=会計課\n')
        self.h.daemon.send_signal(signal.SIGHUP)
        iterate_until(lambda: changed, timeout=15, what='PropertiesChanged')
        iface, values, invalidated = changed[0]
        self.assertEqual(iface, 'org.usbledger.Manager1')
        self.assertEqual(values['LedgerPresentation']['department'], '会計課')
        self.assertFalse(values['LedgerPresentation']['wareki'])
        self.assertNotIn('seal-labels', presentation())

    def test_watchdog_pinged_from_the_main_loop(self):
        # issue 9, item 16: WatchdogSec= in the unit; the daemon pings
        # systemd's notify socket at half the interval
        import socket
        path = os.path.join(self.h.tmp, 'notify')
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.addCleanup(sock.close)
        sock.bind(path)
        self.h.start_daemon(extra_env={'NOTIFY_SOCKET': path, 'WATCHDOG_USEC': '400000'})
        pings = []
        for _ in range(3):
            self.assertTrue(select.select([sock], [], [], 10)[0], 'no watchdog ping')
            pings.append(sock.recv(64))
        self.assertEqual(pings, [b'WATCHDOG=1'] * 3)

    def test_no_one_logged_in_is_recorded_as_such(self):
        self.h.log_out_seat()
        self.h.start_daemon()
        dev, rec = self.plug(2, b'SN-NOBODY', 'block-and-request')
        self.assertNotIn('seat-user', rec)
        req = self.h.call('ListRequests', ('pending',), '(s)')[0][0]
        self.assertNotIn('requester', req)
        self.assertIn('(no one logged in)', self.h.ctl('requests').stdout.decode())
        rows = db_rows(self.h.db_path(),
                       "SELECT seat_user, detail FROM events WHERE kind = 'device-added'")
        self.assertIsNone(rows[0][0])
        self.assertIn('no one logged in', rows[0][1])

    # -- M2: approval lets the medium through, without re-plugging -----------
    def test_approve_while_plugged_authorizes_and_opens_session(self):
        self.h.start_daemon()
        dev, rec = self.plug(2, b'SN-0002', 'block-and-request')
        rec = self.h.expect_device(lambda: self.approve(rec['request-id'], 'USB-0002',
                                                        '--label', '総務課 1'),
                                   '1-2', 'allow')
        self.assertEqual(dev.authorized(), '1')
        self.h.usb.play_kernel(dev)
        self.assertEqual(len(dev.interfaces), 1)
        self.assertEqual(rec['asset-number'], 'USB-0002')
        sessions = self.h.call('ListSessions', ({},), '(a{sv})')[0]
        self.assertEqual(len(sessions), 1)
        self.assertEqual(sessions[0]['user'], 'tanaka')
        self.assertEqual(sessions[0]['asset-number'], 'USB-0002')
        self.assertEqual(sessions[0]['ended-at'], 0)
        req = self.h.call('ListRequests', ('',), '(s)')[0][0]
        self.assertEqual(req['state'], 'approved')
        self.assertEqual(req['decided-by'], 'root')
        # the allow was committed to the logbook before the write
        kinds = [r[0] for r in db_rows(self.h.db_path(), 'SELECT kind FROM events ORDER BY id')]
        self.assertLess(kinds.index('request-approved'), kinds.index('device-approved'))
        self.assertIn('session-opened', kinds)
        # unplugging closes the session
        self.unplug(dev)
        session = self.h.call('ListSessions', ({},), '(a{sv})')[0][0]
        self.assertNotEqual(session['ended-at'], 0)
        self.assertEqual(session['end-reason'], 'removed')

    def test_libcrypto_not_loaded_for_decisions(self):
        # plug-in decisions, requests and approvals need no libcrypto: it is
        # loaded with the usbledger-crypto module on the first hash, erasure
        # or certificate (about 1.4 MiB resident; see test_erase for the load)
        self.h.start_daemon()
        dev, rec = self.plug(2, b'SN-0009', 'block-and-request')
        self.h.expect_device(lambda: self.approve(rec['request-id'], 'USB-0009'), '1-2', 'allow')
        self.unplug(dev)
        self.plug(2, b'SN-0009', 'allow')
        with open('/proc/%d/maps' % self.h.daemon.pid) as f:
            maps = f.read()
        self.assertNotIn('libcrypto', maps)
        self.assertNotIn('usbledger-crypto', maps)

    def test_missing_crypto_module_refused(self):
        self.h.start_daemon(['--crypto-module', '/nonexistent/usbledger-crypto.so'], wait=False)
        code = self.h.daemon.wait(timeout=30)
        self.h.daemon = None
        self.assertEqual(code, 1)
        log = self.h.read_log()
        self.assertIn('refusing to start', log)
        self.assertIn('/nonexistent/usbledger-crypto.so cannot be read', log)

    def test_cli_speaks_japanese(self):
        # the city's staff read Japanese (po/ja.po); English is the fallback
        self.h.start_daemon()
        self.plug(2, b'SN-JA', 'block-and-request')
        out = self.h.ctl('devices', language='ja').stdout.decode()
        self.assertIn('遮断', out)
        self.assertIn('席の使用者:   tanaka', out)
        # why, as a code the window translates, beside the daemon's sentence
        device = [d for d in self.h.call('ListDevices')[0] if d['name'] == '1-2'][0]
        self.assertEqual(device['reason-code'], 'not-registered')
        self.assertIn('未登録 (not registered', out)
        self.assertIn('blocked', self.h.ctl('devices').stdout.decode())
        usage = self.h.ctl('--help', language='ja', check=False)
        self.assertIn('使い方: usbledgerctl', (usage.stdout + usage.stderr).decode())
        bad = self.h.ctl('revoke', language='ja', check=False)
        self.assertEqual(bad.returncode, 2)
        self.assertIn('revoke には管理番号を 1 つ指定してください', bad.stderr.decode())
        # a number in a translated format (<inttypes.h> macros) is filled in
        log = self.h.ctl('log', '--verify', language='ja').stdout.decode()
        self.assertRegex(log, r'使用簿は改ざんされていません: 操作ログ \d+ 件')

    def test_registered_stick_allowed_at_plug_in_and_revoked_blocked(self):
        self.h.start_daemon()
        dev, rec = self.plug(2, b'SN-0003', 'block-and-request')
        self.h.expect_device(lambda: self.h.ctl('register', '--device', '1-2', '--asset-number',
                                                'USB-0003', '--user', 'tanaka'),
                             '1-2', 'allow')
        # registering directly settles the stick's pending request
        req = self.h.call('ListRequests', ('',), '(s)')[0][0]
        self.assertEqual((req['state'], req['decision-note']), ('approved', 'registered directly'))
        self.unplug(dev)
        mark = os.path.join(self.h.runtime_dir, 'allowed', '1-2')
        self.assertFalse(os.path.exists(mark))
        dev, rec = self.plug(2, b'SN-0003', 'allow')
        self.assertEqual(dev.authorized(), '1')
        # the udev helper leaves this enumeration alone when udev announces
        # it again (issue 9, item 2)
        with open(os.path.join(dev.syspath, 'devnum')) as f:
            devnum = f.read().strip()
        with open(os.path.join(dev.syspath, 'descriptors'), 'rb') as f:
            digest = hashlib.sha256(f.read()).hexdigest()
        with open(mark) as f:
            self.assertEqual(f.read(), '1 %s %s\n' % (devnum, digest))
        rec = self.h.expect_device(lambda: self.h.ctl('revoke', 'USB-0003', '--reason', 'lost'),
                                   '1-2', 'block')
        self.assertEqual(dev.authorized(), '0')
        self.assertFalse(os.path.exists(mark))
        self.assertIn('revoked', rec['reason'])
        self.unplug(dev)
        dev, rec = self.plug(2, b'SN-0003', 'block')
        # a revoked medium does not turn into a new request
        self.assertEqual(self.h.call('ListRequests', ('pending',), '(s)')[0], [])

    def test_failed_authorize_write_blocks_and_closes_session(self):
        self.h.start_daemon()
        dev, rec = self.plug(2, b'SN-FAIL', 'block-and-request')
        # the kernel refuses the write (here: the attribute cannot be opened)
        os.unlink(dev.authorized_path)
        os.mkdir(dev.authorized_path)
        rec = self.h.expect_device(lambda: self.approve(rec['request-id'], 'USB-FAIL'),
                                   '1-2', 'block')
        self.assertFalse(rec['authorized'])
        session = self.h.call('ListSessions', ({},), '(a{sv})')[0][0]
        self.assertEqual(session['end-reason'], 'authorize-failed')
        kinds = [r[0] for r in db_rows(self.h.db_path(), 'SELECT kind FROM events')]
        self.assertIn('authorize-failed', kinds)

    def test_named_users_only(self):
        self.h.start_daemon()
        dev, rec = self.plug(2, b'SN-0004', 'block-and-request')
        rec = self.h.expect_device(lambda: self.approve(rec['request-id'], 'USB-0004', '--user',
                                                        'suzuki'), '1-2', 'block')
        self.assertIn('tanaka may not use USB-0004', rec['reason'])
        self.assertEqual(dev.authorized(), '0')

    def test_shared_account_never_a_user(self):
        # requirement L3: configured shared accounts are refused, even for a
        # registered medium, and make no request
        conf = os.path.join(self.h.tmp, 'usbledger.conf')
        with open(conf, 'w') as f:
            f.write('[policy]\nshared-accounts=kyoyu; guest\n')
        self.h.logind_mock.AddSession('c2', 'seat0', dbus.UInt32(1500), 'kyoyu', True)
        self.h.start_daemon(['--config', conf])
        dev, rec = self.plug(2, b'SN-SHARED', 'block')
        self.assertIn('kyoyu is a shared account', rec['reason'])
        self.assertEqual(self.h.call('ListRequests', ('pending',), '(s)')[0], [])
        self.assertEqual(dev.authorized(), '0')

    def test_unreadable_config_refused(self):
        conf = os.path.join(self.h.tmp, 'usbledger.conf')
        with open(conf, 'w') as f:
            f.write('this is not a key file\n')
        self.h.start_daemon(['--config', conf], wait=False)
        code = self.h.daemon.wait(timeout=30)
        self.h.daemon = None
        self.assertEqual(code, 1)
        self.assertIn('refusing to start', self.h.read_log())
        self.assertIn('usbledger.conf', self.h.read_log())

    def test_read_only_registration(self):
        self.h.start_daemon()
        dev, rec = self.plug(2, b'SN-RO-0001', 'block-and-request')
        mark = os.path.join(self.h.runtime_dir, 'read-only', '1-2')
        self.assertFalse(os.path.exists(mark))
        self.h.expect_device(lambda: self.approve(rec['request-id'], 'USB-RO', '--read-only'),
                             '1-2', 'allow-read-only')
        self.assertEqual(dev.authorized(), '1')
        # the mark the udev helper reads when its disk appears (the VM test
        # shows the kernel's read-only disk)
        self.assertTrue(os.path.exists(mark))
        self.unplug(dev)
        self.assertFalse(os.path.exists(mark))
        # plugged again: marked again; a mark left behind (a daemon killed
        # before the removal) does not make the next read-write stick on
        # that port read-only
        dev, rec = self.plug(2, b'SN-RO-0001', 'allow-read-only')
        self.assertTrue(os.path.exists(mark))
        self.h.stop_daemon(signal.SIGKILL)
        self.h.usb.unplug(dev)
        self.h.start_daemon()
        self.assertTrue(os.path.exists(mark))
        dev, rec = self.plug(2, b'SN-0001', 'block-and-request')
        self.assertFalse(os.path.exists(mark))
        self.h.expect_device(lambda: self.approve(rec['request-id'], 'USB-RW'), '1-2', 'allow')
        self.assertFalse(os.path.exists(mark))

    def test_read_only_mark_impossible_means_blocked(self):
        # a read-only medium whose mark cannot be written is not allowed
        os.makedirs(self.h.runtime_dir)
        with open(os.path.join(self.h.runtime_dir, 'read-only'), 'w') as f:
            f.write('a file where the folder should be\n')
        self.h.start_daemon()
        dev, rec = self.plug(2, b'SN-RO-0001', 'block-and-request')
        rec = self.h.expect_device(lambda: self.approve(rec['request-id'], 'USB-RO',
                                                        '--read-only'), '1-2', 'block')
        self.assertEqual(dev.authorized(), '0')
        self.assertIn('read-only', self.h.ctl('log').stdout.decode())

    # -- non-storage and BadUSB ---------------------------------------------
    def test_keyboard_left_alone(self):
        kbd = self.h.usb.add(1, 0x046d, 0xc31c, [[HID_KEYBOARD]], product=b'Keyboard',
                             authorized=1)
        before = os.stat(kbd.authorized_path).st_mtime_ns
        self.h.start_daemon()
        dev, rec = self.plug(3, b'', 'not-storage', vid=0x046d, pid=0xc077,
                             configs=[[HID_MOUSE]], authorized=1)
        self.assertEqual(kbd.authorized(), '1')
        self.assertEqual(os.stat(kbd.authorized_path).st_mtime_ns, before)
        self.assertEqual(self.h.call('ListRequests', ('',), '(s)')[0], [])
        devices = {d['name']: d for d in self.h.call('ListDevices')[0]}
        self.assertEqual(devices['1-1']['decision'], 'not-storage')
        self.assertFalse(devices['1-1']['storage'])

    def test_keyboard_missed_by_udev_helper_is_authorized(self):
        self.h.start_daemon()
        dev, rec = self.plug(1, b'', 'not-storage', vid=0x046d, pid=0xc31c,
                             configs=[[HID_KEYBOARD]], authorized=0)
        self.assertEqual(dev.authorized(), '1')
        self.assertTrue(rec['authorized'])

    def test_composite_storage_and_keyboard_is_suspicious(self):
        self.h.start_daemon()
        dev, rec = self.plug(2, b'BADUSB', 'block-suspicious',
                             configs=[[MASS_STORAGE, HID_KEYBOARD]])
        self.assertEqual(dev.authorized(), '0')
        self.assertIn('HID', rec['reason'])
        self.assertEqual(self.h.call('ListRequests', ('',), '(s)')[0], [])
        # and it cannot be registered by name either
        proc = self.h.ctl('register', '--device', '1-2', '--asset-number', 'X', check=False)
        self.assertEqual(proc.returncode, 1)
        self.assertIn(b'suspicious', proc.stderr)
        self.assertNotIn(b'GDBus.Error', proc.stderr)

    def test_malformed_descriptors_are_suspicious(self):
        self.h.start_daemon()
        dev, rec = self.plug(2, b'MAL', 'block-suspicious',
                             descriptors=bytes.fromhex('12010002000000400000000000000102ff01'
                                                       '0902ff0001010080'))
        self.assertEqual(dev.authorized(), '0')
        self.assertIn('malformed', rec['reason'])

    def test_two_sticks_with_same_identity_are_clones(self):
        self.h.start_daemon()
        first, rec = self.plug(2, b'SAME-00417', 'block-and-request')
        self.h.expect_device(lambda: self.approve(rec['request-id'], 'USB-SAME'), '1-2', 'allow')
        self.assertEqual(first.authorized(), '1')
        start = len(self.h.signals)
        second, rec2 = self.plug(3, b'SAME-00417', 'block-suspicious')
        self.assertIn('clone', rec2['reason'])
        # the first one is blocked as well
        self.h.wait_device_since(start, '1-2', 'block-suspicious')
        self.assertEqual(first.authorized(), '0')
        self.assertEqual(second.authorized(), '0')

    # -- issue 9, item 5: suspicion sticks ----------------------------------
    def test_clone_pair_at_start_makes_the_request_suspicious(self):
        # both present before the daemon starts: the first gets an ordinary
        # request before the second is seen
        first = self.h.usb.add(2, 0x0781, 0x5567, [[MASS_STORAGE]], serial=b'CLONE-4C5300')
        second = self.h.usb.add(3, 0x0781, 0x5567, [[MASS_STORAGE]], serial=b'CLONE-4C5300')
        self.h.start_daemon()
        devices = {d['name']: d for d in self.h.call('ListDevices')[0]}
        self.assertEqual(devices['1-2']['decision'], 'block-suspicious')
        self.assertEqual(devices['1-3']['decision'], 'block-suspicious')
        reqs = self.h.call('ListRequests', ('pending',), '(s)')[0]
        self.assertEqual(len(reqs), 1)
        self.assertIn('clone', reqs[0]['suspicion'])
        self.assertIn('SUSPICIOUS', self.h.ctl('requests').stdout.decode())
        # approving it registers the cloned identity only on purpose
        bad = self.approve(reqs[0]['id'], 'USB-CLONE', check=False)
        self.assertEqual(bad.returncode, 1)
        self.assertIn('is suspicious', bad.stderr.decode())
        self.assertIn('--override-suspicion', bad.stderr.decode())
        self.assertEqual(self.h.call('ListMedia')[0], [])
        self.approve(reqs[0]['id'], 'USB-CLONE', '--override-suspicion')
        log = self.h.ctl('log').stdout.decode()
        self.assertIn('suspicion-overridden', log)
        self.assertIn('request-suspicious', log)
        # the pair is still a pair of clones: both stay blocked
        self.assertEqual(first.authorized(), '0')
        self.assertEqual(second.authorized(), '0')

    def test_vendor_zero_is_suspicious_and_cannot_be_registered(self):
        self.h.start_daemon()
        dev, rec = self.plug(2, b'ZERO-VENDOR-1', 'block-suspicious', vid=0x0000, pid=0x1234)
        self.assertIn('vendor id 0000', rec['reason'])
        self.assertEqual(self.h.call('ListRequests', ('',), '(s)')[0], [])
        bad = self.h.ctl('register', '--device', '1-2', '--asset-number', 'X', check=False)
        self.assertEqual(bad.returncode, 1)
        self.assertIn('suspicious', bad.stderr.decode())

    def test_weak_serial_is_registered_only_on_purpose(self):
        self.h.start_daemon()
        dev, rec = self.plug(2, b'0123456789ABCDEF', 'block-and-request')
        req = self.h.call('ListRequests', ('pending',), '(s)')[0][0]
        self.assertIn('counting sequence', req['weak-serial'])
        self.assertIn('weak serial', self.h.ctl('requests').stdout.decode())
        bad = self.approve(rec['request-id'], 'USB-WEAK', check=False)
        self.assertEqual(bad.returncode, 1)
        self.assertIn('not unique in practice', bad.stderr.decode())
        self.assertIn('--accept-weak-serial', bad.stderr.decode())
        self.h.expect_device(lambda: self.approve(rec['request-id'], 'USB-WEAK',
                                                  '--accept-weak-serial'), '1-2', 'allow')
        self.assertIn('weak-serial-accepted', self.h.ctl('log').stdout.decode())
        # bound to its descriptors too: the same serial on other descriptors
        # is a clone, not this medium
        self.unplug(dev)
        other, rec = self.plug(2, b'0123456789ABCDEF', 'block-suspicious',
                               configs=[[MASS_STORAGE], [MASS_STORAGE]])
        self.assertIn('descriptors differ', rec['reason'])

    def test_registered_identity_with_other_descriptors_is_clone(self):
        self.h.start_daemon()
        dev, rec = self.plug(2, b'CLONE-00418', 'block-and-request')
        self.h.expect_device(lambda: self.approve(rec['request-id'], 'USB-C'), '1-2', 'allow')
        self.unplug(dev)
        # same vendor, product and serial, different device (a UAS interface)
        dev, rec = self.plug(2, b'CLONE-00418', 'block-suspicious', configs=[[UAS]])
        self.assertIn('descriptors differ', rec['reason'])

    # -- coldplug and restart ----------------------------------------------
    def test_restart_with_devices_present_keeps_decisions(self):
        self.h.start_daemon()
        allowed, rec = self.plug(2, b'KEEP-00419', 'block-and-request')
        self.h.expect_device(lambda: self.approve(rec['request-id'], 'USB-K'), '1-2', 'allow')
        self.h.usb.play_kernel(allowed)
        blocked, _ = self.plug(3, b'WAIT', 'block-and-request')
        bad, _ = self.plug(4, b'BAD', 'block-suspicious', configs=[[MASS_STORAGE, HID_KEYBOARD]])
        before = {d['name']: d['decision'] for d in self.h.call('ListDevices')[0]}
        self.assertEqual(self.h.stop_daemon(), 0)
        self.h.start_daemon()
        after = {d['name']: d['decision'] for d in self.h.call('ListDevices')[0]}
        self.assertEqual(before, after)
        self.assertEqual(allowed.authorized(), '1')
        self.assertEqual(blocked.authorized(), '0')
        self.assertEqual(bad.authorized(), '0')
        self.assertEqual(len(self.h.call('ListRequests', ('pending',), '(s)')[0]), 1)
        # the session goes on instead of a second one being opened
        self.assertEqual(len(self.h.call('ListSessions', ({},), '(a{sv})')[0]), 1)
        kinds = [r[0] for r in db_rows(self.h.db_path(), 'SELECT kind FROM events')]
        self.assertIn('session-resumed', kinds)

    def test_coldplug_blocks_storage_that_was_authorized_at_boot(self):
        # present before the daemon, authorized (no authorized_default=0 at boot)
        dev = self.h.usb.add(2, 0x0781, 0x5567, [[MASS_STORAGE]], serial=b'BOOT', authorized=1)
        self.h.start_daemon()
        self.assertEqual(dev.authorized(), '0')
        self.h.usb.play_kernel(dev)
        self.assertEqual(dev.interfaces, [])

    def test_session_removed_while_daemon_down_is_closed(self):
        self.h.start_daemon()
        dev, rec = self.plug(2, b'GONE-00420', 'block-and-request')
        self.h.expect_device(lambda: self.approve(rec['request-id'], 'USB-G'), '1-2', 'allow')
        self.h.stop_daemon(signal.SIGKILL)
        self.h.usb.unplug(dev)
        self.h.start_daemon()
        session = self.h.call('ListSessions', ({},), '(a{sv})')[0][0]
        self.assertEqual(session['end-reason'], 'removed-while-daemon-down')

    # -- polkit ----------------------------------------------------------------
    def test_every_method_denied_without_the_right_then_allowed(self):
        self.h.start_daemon()
        dev, rec = self.plug(2, b'PK-00421', 'block-and-request')
        self.h.set_allowed([])
        calls = [
            ('ApproveRequest', (rec['request-id'], {'asset-number': GLibV('s', 'A')}), '(xa{sv})'),
            ('RejectRequest', (rec['request-id'], ''), '(xs)'),
            ('RegisterMedium', ({'asset-number': GLibV('s', 'B'), 'device': GLibV('s', '1-2')},),
             '(a{sv})'),
            ('RevokeMedium', ('A', ''), '(ss)'),
            ('ListDevices', None, None),
            ('ListRequests', ('',), '(s)'),
            ('ListMedia', None, None),
            ('ListSessions', ({},), '(a{sv})'),
            ('GetSession', (1,), '(x)'),
            ('ListSessionFiles', (1, 0, 10), '(xxu)'),
            ('ListErasures', ('',), '(s)'),
            ('GetCertificate', ('2026-0001',), '(s)'),
            ('EraseMedium', ('A', 'A S', {}), '(ssa{sv})'),
            ('CancelErase', (1,), '(x)'),
            ('DisposeMedium', ('A', 'retired', {}), '(ssa{sv})'),
            ('GetCertificatePdf', ('2026-0001',), '(s)'),
            ('GetDisposalPdf', ('A',), '(s)'),
            ('GetSigningCertificate', None, None),
            ('ListEvents', ({},), '(a{sv})'),
            ('VerifyEventLog', None, None),
            ('GetLedger', ('2026-11', {}), '(sa{sv})'),
            ('ExportLedger', ('2026-11', {}), '(sa{sv})'),
        ]
        # every method of the interface is tried; WatchNotices alone needs no
        # right, and answers the caller (root here) with its own notices only
        xml = os.path.join(os.path.dirname(__file__), '..', '..', 'src', 'daemon',
                           'org.usbledger.Manager1.xml')
        with open(xml) as f:
            declared = set(re.findall(r'<method name="(\w+)"', f.read()))
        self.assertEqual({c[0] for c in calls} | {'WatchNotices'}, declared)
        self.assertEqual(self.h.call('WatchNotices', (0,), '(x)'), ([],))
        for method, args, sig in calls:
            with self.assertRaises(Exception) as cm:
                self.h.call(method, args, sig)
            self.assertIn('AccessDenied', str(cm.exception), method)
        proc = self.h.ctl('approve', str(rec['request-id']), '--asset-number', 'A', check=False)
        self.assertEqual(proc.returncode, 1)
        self.assertIn(b'permission denied', proc.stderr)
        self.assertEqual(dev.authorized(), '0')
        # view only: still no approval
        self.h.set_allowed(['org.usbledger.view'])
        self.assertEqual(len(self.h.call('ListDevices')[0]), 2)
        with self.assertRaises(Exception):
            self.h.call('RejectRequest', (rec['request-id'], ''), '(xs)')
        self.h.set_allowed(['org.usbledger.view', 'org.usbledger.approve'])
        self.h.expect_device(lambda: self.approve(rec['request-id'], 'A'), '1-2', 'allow')

    def test_cli_lets_polkit_ask_for_a_password(self):
        # usbledgerctl calls through the proxy generated from the XML
        # (src/client); its calls carry ALLOW_INTERACTIVE_AUTHORIZATION, which
        # the daemon passes on to polkit as AllowUserInteraction (flag 1)
        self.h.start_daemon()

        def interactive():
            return [args for _, args in self.h.polkit.GetMethodCalls('CheckAuthorization')
                    if int(args[3]) & 1]

        self.h.call('ListDevices')
        self.assertEqual(interactive(), [])
        self.h.ctl('devices')
        asked = interactive()
        self.assertTrue(asked)
        self.assertEqual(str(asked[-1][1]), 'org.usbledger.view')

    def test_polkit_missing_means_denied(self):
        self.h.start_daemon()
        self.h.polkitd.terminate()
        self.h.polkitd.wait()
        with self.assertRaises(Exception) as cm:
            self.h.call('ListDevices')
        self.assertIn('AccessDenied', str(cm.exception))

    def test_unknown_method_denied(self):
        self.h.start_daemon()
        with self.assertRaises(Exception):
            self.h.call('DropEverything')

    # -- hostile strings ---------------------------------------------------
    def test_hostile_strings_stored_exactly_and_shown_escaped(self):
        self.h.start_daemon()
        hostile = [
            b"'); DROP TABLE media; --",
            b'%n%s%x%s%n',
            b'\x1b[31mRED\x1b]0;title\x07',
            b'\xff\xfe\xc3(',
            b'line1\nDEVNAME=/dev/evil\nDRIVER=usb-storage',
            'ＵＳＢメモリ\u202egnp.exe'.encode(),
            b'A' * 300,
        ]
        for i, s in enumerate(hostile):
            port = i + 2
            dev, rec = self.plug(port, s, 'block-and-request', product=s, manufacturer=s)
            self.assertEqual(bytes(rec['serial']), s)
            self.assertEqual(dev.authorized(), '0')
        rows = db_rows(self.h.db_path(), 'SELECT serial, product FROM devices_seen ORDER BY id')
        self.assertEqual([r[0] for r in rows], hostile)
        self.assertEqual([r[1] for r in rows], hostile)
        self.assertEqual(db_rows(self.h.db_path(), "SELECT count(*) FROM media")[0][0], 0)
        for cmd in (('devices',), ('requests',), ('log',)):
            out = self.h.ctl(*cmd).stdout
            self.assertNotIn(b'\x1b', out, cmd)
            self.assertNotIn(b'\x07', out, cmd)
            self.assertNotIn('\u202e'.encode(), out, cmd)
            self.assertNotIn(b'\nDEVNAME', out, cmd)
            out.decode('utf-8')  # valid UTF-8 whatever the device sent
            self.assertIn(b'\\x1b[31mRED', out, cmd)
            self.assertIn(b'\\xff\\xfe', out, cmd)
            self.assertIn(b'\\u{202E}', out, cmd)
            self.assertNotIn(b'\\\\', out, cmd)  # escaped once, not twice
        out = self.h.ctl('--json', 'requests').stdout
        self.assertNotIn(b'\x1b', out)
        self.assertIn(b'"hex":"1b5b33316d524544', out)

    def test_quote_in_serial_forges_no_field_in_the_log(self):
        # issue 9, item 7: the log shows a serial between quotes; a quote in
        # it must not end them and forge the product field after it
        self.h.start_daemon()
        self.plug(2, b'Q"1" product="FORGED', 'block-and-request')
        log = self.h.ctl('log').stdout.decode()
        self.assertIn('serial="Q\\"1\\" product=\\"FORGED" product="Stick"', log)
        self.assertNotIn('product="FORGED', log)

    def test_cli_errors_are_clear(self):
        self.h.start_daemon()
        proc = self.h.ctl('approve', '999', '--asset-number', 'X', check=False)
        self.assertEqual(proc.returncode, 1)
        self.assertEqual(proc.stderr, b'usbledgerctl: no request 999\n')
        proc = self.h.ctl('approve', 'abc', check=False)
        self.assertEqual(proc.returncode, 2)
        proc = self.h.ctl('revoke', 'NOPE', check=False)
        self.assertIn(b'no medium with asset number NOPE', proc.stderr)
        proc = self.h.ctl('log', '--since', 'yesterday', check=False)
        self.assertEqual(proc.returncode, 2)
        proc = self.h.ctl('frobnicate', check=False)
        self.assertEqual(proc.returncode, 2)

    # -- the logbook -------------------------------------------------------
    def test_event_log_filters_and_verifies(self):
        self.h.start_daemon()
        dev, rec = self.plug(2, b'LOG-00422', 'block-and-request')
        self.approve(rec['request-id'], 'USB-L')
        out = self.h.ctl('log', '--asset-number', 'USB-L').stdout.decode()
        self.assertIn('medium-registered', out)
        self.assertNotIn('daemon-started', out)
        out = self.h.ctl('log', '--user', 'tanaka').stdout.decode()
        self.assertIn('device-added', out)
        self.assertIn('intact', self.h.ctl('log', '--verify').stdout.decode())
        self.h.stop_daemon()
        # edit a row behind the daemon's back (dropping the guard trigger first)
        conn = sqlite3.connect(self.h.db_path())
        conn.execute('DROP TRIGGER events_no_update')
        conn.execute("UPDATE events SET detail = 'nothing happened' WHERE kind = 'device-added'")
        conn.commit()
        conn.close()
        self.h.start_daemon()
        proc = self.h.ctl('log', '--verify', check=False)
        self.assertEqual(proc.returncode, 1)
        self.assertIn(b'does not match its hash', proc.stderr)

    def test_event_log_is_paged(self):
        # issue 9, item 17: ListEvents gives a page; the CLI reads them all
        self.h.start_daemon()
        for port in range(2, 6):
            self.plug(port, b'PAGED-%05d' % port, 'block-and-request')
        first = self.h.call('ListEvents', ({'limit': GLib.Variant('u', 3)},), '(a{sv})')[0]
        self.assertEqual(len(first), 3)
        rest = self.h.call('ListEvents', ({'after-id': GLib.Variant('x', first[-1]['id'])},),
                           '(a{sv})')[0]
        self.assertEqual(rest[0]['id'], first[-1]['id'] + 1)
        n, n_records, n_checkpoints = self.h.call('VerifyEventLog')
        self.assertGreater(n_records, 0)
        self.assertEqual(len(first) + len(rest), n)
        import json
        listed = json.loads(self.h.ctl('--json', 'log').stdout)
        self.assertEqual([e['id'] for e in listed], list(range(1, n + 1)))
        self.assertEqual(len(json.loads(self.h.ctl('--json', 'log', '--limit', '5').stdout)), 5)

    def test_corrupt_database_refused_and_untouched(self):
        os.makedirs(self.h.state_dir)
        with open(self.h.db_path(), 'wb') as f:
            f.write(b'SQLite format 3\x00' + os.urandom(4080))
        digest = file_sha256(self.h.db_path())
        self.h.start_daemon(wait=False)
        code = self.h.daemon.wait(timeout=30)
        self.h.daemon = None
        self.assertEqual(code, 1)
        self.assertIn('refusing to start', self.h.read_log())
        self.assertEqual(file_sha256(self.h.db_path()), digest)
        self.assertEqual(sorted(os.listdir(self.h.state_dir)), ['logbook.db'])

    def test_corrupt_page_found_after_start_is_an_incident(self):
        # the integrity check reads every page: it runs after start, in a
        # worker (on years of records it outlasts systemd's start timeout);
        # what it finds is an incident, and the daemon goes on recording
        self.h.start_daemon()
        self.assertEqual(self.h.stop_daemon(), 0)
        corrupt_table_page(self.h.db_path(), 'ledger_exports')
        monitor = Gio.File.new_for_path(self.h.daemon_log).monitor_file(
            Gio.FileMonitorFlags.NONE, None)
        monitor.connect('changed', lambda *a: None)
        self.h.start_daemon()
        iterate_until(lambda: 'does not pass its integrity check' in self.h.read_log(),
                      timeout=60, what='the integrity check after start')
        log = self.h.ctl('log').stdout.decode()
        self.assertIn('logbook-corrupt', log)
        # still deciding and recording
        self.plug(2, b'SN-AFTER-CORRUPT', 'block-and-request')

    def test_read_only_database_refused(self):
        self.h.start_daemon()
        self.h.stop_daemon()
        digest = file_sha256(self.h.db_path())
        # a read-only mount also stops root
        cmd = ('mount --bind -o ro "$0" "$0" && exec "$@"')
        proc = subprocess.run(['unshare', '-m', 'sh', '-c', cmd, self.h.state_dir,
                               binary('usbledgerd'), '--state-dir', self.h.state_dir] +
                              build_tree_helpers(),
                              env=self.h.env(), capture_output=True, timeout=30)
        self.assertEqual(proc.returncode, 1, proc.stderr)
        self.assertIn(b'refusing to start', proc.stderr)
        self.assertIn(b'read-only', proc.stderr)
        self.assertEqual(file_sha256(self.h.db_path()), digest)


def corrupt_table_page(path, table):
    """Overwrites the root page of @table (a leaf while it is small) with
    bytes no page has, as a failing disk would."""
    db = sqlite3.connect(path)
    try:
        root = db.execute('SELECT rootpage FROM sqlite_schema WHERE name = ?',
                          (table,)).fetchone()[0]
        page_size = db.execute('PRAGMA page_size').fetchone()[0]
        db.execute('PRAGMA wal_checkpoint(TRUNCATE)')
    finally:
        db.close()
    with open(path, 'r+b') as f:
        f.seek((root - 1) * page_size)
        f.write(b'\xff' * page_size)


def file_sha256(path):
    with open(path, 'rb') as f:
        return hashlib.sha256(f.read()).hexdigest()


def GLibV(sig, value):
    from gi.repository import GLib
    return GLib.Variant(sig, value)



class HangingLogindTest(unittest.TestCase):
    """logind is asked who sits at the seat; while it does not answer, the
    daemon goes on serving and the decisions that depend on that person
    wait (the device blocked) instead of being made for the person who sat
    there before, or for no one."""

    def setUp(self):
        self.h = Harness(logind=False)
        self.addCleanup(self.h.close)
        self.logind = FakeLogind(self.h.bus_address, 'tanaka', 1000)
        self.addCleanup(self.logind.close)

    def held_question(self, action):
        """Runs action() (a change logind announces) and waits until the
        daemon's question about it is held."""
        self.logind.hold()
        asked = self.logind.asked
        action()
        iterate_until(lambda: self.logind.asked > asked, what="the daemon's question to logind")

    def test_decisions_wait_for_the_answer_and_the_loop_goes_on(self):
        self.h.start_daemon()
        self.held_question(lambda: self.logind.switch_seat('c2', 'suzuki', 1001))
        start = len(self.h.signals)
        dev = self.h.usb.add(2, 0x0781, 0x5567, [[MASS_STORAGE]], serial=b'SN-WAIT')
        rec = self.h.wait_device_since(start, '1-2', 'undecided')
        self.assertIn('waiting for logind', rec['reason'])
        self.assertEqual(dev.authorized(), '0')
        # the daemon answers while logind does not
        devices = {d['name']: d for d in self.h.call('ListDevices')[0]}
        self.assertEqual(devices['1-2']['decision'], 'undecided')
        self.assertEqual(self.h.call('ListRequests', ('pending',), '(s)')[0], [])
        self.assertEqual(db_rows(self.h.db_path(),
                                 "SELECT count(*) FROM events WHERE kind = 'device-added'"),
                         [(0,)])
        # the answer: decided for suzuki, who sat there when it was plugged in
        rec = self.h.expect_device(self.logind.release, '1-2', 'block-and-request')
        self.assertEqual(rec['seat-user'], 'suzuki')
        request = self.h.call('ListRequests', ('pending',), '(s)')[0][0]
        self.assertEqual(request['requester'], 'suzuki')
        self.assertEqual(db_rows(self.h.db_path(),
                                 "SELECT seat_user FROM events WHERE kind = 'device-added'"),
                         [('suzuki',)])

    def test_removed_while_waiting_is_recorded(self):
        self.h.start_daemon()
        self.held_question(lambda: self.logind.switch_seat('c2', 'suzuki', 1001))
        start = len(self.h.signals)
        dev = self.h.usb.add(2, 0x0781, 0x5567, [[MASS_STORAGE]], serial=b'SN-BRIEF')
        self.h.wait_device_since(start, '1-2', 'undecided')
        self.h.expect_device(lambda: self.h.usb.unplug(dev), '1-2', removed=True)
        rows = db_rows(self.h.db_path(), "SELECT kind, seat_user, detail FROM events "
                       "WHERE kind IN ('device-added', 'device-removed') ORDER BY id")
        self.assertEqual([(k, u) for k, u, _ in rows],
                         [('device-added', None), ('device-removed', None)])
        self.assertIn('logind has not yet said who is at the seat', rows[0][2])
        self.logind.release()

    def test_medium_in_use_keeps_its_session_until_the_answer(self):
        self.h.start_daemon()
        start = len(self.h.signals)
        dev = self.h.usb.add(2, 0x0781, 0x5567, [[MASS_STORAGE]], serial=b'SN-NAMED')
        rec = self.h.wait_device_since(start, '1-2', 'block-and-request')
        rec = self.h.expect_device(lambda: self.h.ctl('approve', str(rec['request-id']),
                                                      '--asset-number', 'USB-N', '--user',
                                                      'tanaka'), '1-2', 'allow')
        sid = rec['session-id']
        self.held_question(lambda: self.logind.switch_seat('c2', 'suzuki', 1001))
        # still tanaka's while logind is silent: nothing is decided meanwhile
        devices = {d['name']: d for d in self.h.call('ListDevices')[0]}
        self.assertEqual(devices['1-2']['decision'], 'allow')
        self.assertEqual(dev.authorized(), '1')
        rec = self.h.expect_device(self.logind.release, '1-2', 'block')
        self.assertIn('user suzuki may not use USB-N', rec['reason'])
        self.assertEqual(dev.authorized(), '0')
        self.assertEqual(self.h.session(sid)[0]['end-reason'], 'blocked')

if __name__ == '__main__':
    unittest.main(verbosity=2)
