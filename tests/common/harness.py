"""Runs the real usbledgerd against a simulated USB bus (umockdev) on a
private system bus with python-dbusmock standing in for polkitd and logind.
Used by the integration tests, the demo and the benchmark.

With a simulated bus (the default) the calling process must run under
umockdev's preload (`umockdev-wrapper`). The test guest of tests/vm uses it
with simulated_usb=False, on the real kernel's devices.
"""

import ctypes
import os
import re
import select
import shlex
import shutil
import signal
import sqlite3
import subprocess
import tempfile
import time

import dbus
import dbusmock
from gi.repository import Gio, GLib

from mainloop import iterate_until

BUS_NAME = 'org.usbledger'
OBJ_PATH = '/org/usbledger/Manager'
IFACE = 'org.usbledger.Manager1'

BUS_CONFIG = """<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-BUS Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:dir=%s</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">%s
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
"""


def bus_config(folder, any_user=False):
    """A permissive (session-like) bus listening in @folder; @any_user: also
    for processes of other users (a person's notifier run as that person)"""
    return BUS_CONFIG % (folder, '\n    <allow user="*"/>' if any_user else '')


def start_session_bus(folder, any_user=False):
    """A desktop session's bus in @folder: (pid, address)"""
    conf = os.path.join(folder, 'session-bus.conf')
    with open(conf, 'w') as f:
        f.write(bus_config(folder, any_user))
    return dbusmock.DBusTestCase.start_dbus(conf)


# the polkit and logind mocks run as root: that root may own polkit's name
# and drive logind's mock is the test's, not the distribution's policy
MOCK_POLICY = """<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-BUS Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <policy user="root">
    <allow own="org.freedesktop.PolicyKit1"/>
    <allow send_destination="org.freedesktop.login1"/>
  </policy>
</busconfig>
"""

FIXTURE_MODULES = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'fixtures',
                               'modules')


def db_rows(path, sql, args=()):
    """Rows of the logbook at `path`, opened read-only beside the daemon."""
    conn = sqlite3.connect('file:%s?mode=ro' % path, uri=True)
    try:
        return conn.execute(sql, args).fetchall()
    finally:
        conn.close()


class HoldHook:
    """The test hook of usbledgerd's hasher or PDF helper
    (USBLEDGER_HASHER_TEST_HOLD, USBLEDGER_PDF_TEST_HOLD name `fifo`): it
    says "held" there, then waits until `fifo`.release is opened. Use it in a
    `with` block that ends before the daemon is stopped."""

    def __init__(self, folder, name):
        self.fifo = os.path.join(folder, name)
        os.mkfifo(self.fifo)
        os.mkfifo(self.fifo + '.release')
        self.said = os.open(self.fifo, os.O_RDONLY | os.O_NONBLOCK)

    def wait_held(self, what, timeout=60):
        if not select.select([self.said], [], [], timeout)[0]:
            raise AssertionError('%s never reached the hold' % what)
        said = os.read(self.said, 64)
        if said != b'held\n':
            raise AssertionError('%s said %r' % (what, said))

    def release(self):
        os.close(os.open(self.fifo + '.release', os.O_WRONLY))

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def close(self):
        # a hold still waiting is let go, so the daemon can stop
        try:
            os.close(os.open(self.fifo + '.release', os.O_WRONLY | os.O_NONBLOCK))
        except OSError:
            pass    # not held
        os.close(self.said)


def build_dir():
    return os.environ.get('UL_BUILD_DIR', os.path.join(os.path.dirname(__file__), '..', '..',
                                                       'build'))


def binary(name):
    for sub in ('src/daemon', 'src/cli', 'src/report', 'src/notify', 'ui'):
        path = os.path.join(build_dir(), sub, name)
        if os.path.exists(path):
            return path
    raise FileNotFoundError(name)


def build_tree_helpers():
    """usbledgerd's options for the helpers and the module of this build"""
    return ['--manifest-helper', binary('usbledger-manifest'),
            '--pdf-helper', binary('usbledger-certificate-pdf'),
            '--ledger-helper', binary('usbledger-ledger-render'),
            '--crypto-module', binary('usbledger-crypto.so')]


def without_g_slice(folder, helper):
    """A script in @folder that runs @helper with GLib's slice allocator
    back on: the PDF helpers keep fontconfig's and pango's caches until they
    exit, and with G_SLICE=always-malloc LeakSanitizer sees those through
    g_malloc frames it cannot tell apart (see start_daemon)."""
    path = os.path.join(folder, 'slice-' + os.path.basename(helper))
    with open(path, 'w') as f:
        f.write('#!/bin/sh\nunset G_SLICE\nexec %s "$@"\n' % shlex.quote(helper))
    os.chmod(path, 0o755)
    return path


def die_with_parent():
    """In the daemon's child before exec: SIGTERM when the test process
    dies, even by an abort that runs no cleanup, so no daemon outlives it."""
    PR_SET_PDEATHSIG = 1
    ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


class Harness:
    """One private system bus with polkit and logind mocks; a testbed and a
    daemon can be (re)started on it any number of times."""

    def __init__(self, seat_user=('tanaka', 1000), allowed=('org.usbledger.view',
                                                              'org.usbledger.approve'),
                 simulated_usb=True, system_policy=False, logind=True):
        self.tmp = tempfile.mkdtemp(prefix='usbledger-test-')
        self.system_policy = system_policy
        self.state_dir = os.path.join(self.tmp, 'state')
        # read-only marks: on the real kernel where the udev rule's helper
        # looks (its default), else a folder of this test
        self.runtime_dir = os.path.join(self.tmp, 'run') if simulated_usb else '/run/usbledger'
        # which devices a storage driver binds: the running kernel's own
        # table on the real kernel, an excerpt of Debian 12's for simulated USB
        self.modules_args = ['--modules-dir', FIXTURE_MODULES] if simulated_usb else []
        # a private bus with a permissive (session-like) policy stands in for
        # the system bus; the daemon and the CLI find it through the variable
        self.bus_pid, self.bus_address = dbusmock.DBusTestCase.start_dbus(
            self._bus_config())
        os.environ['DBUS_SYSTEM_BUS_ADDRESS'] = self.bus_address
        self.dbus = dbusmock.DBusTestCase.get_dbus(system_bus=True)
        self.polkitd, self.polkit_obj = dbusmock.DBusTestCase.spawn_server_template(
            'polkitd', {}, stdout=subprocess.DEVNULL)
        self.polkit = dbus.Interface(self.polkit_obj, dbusmock.MOCK_IFACE)
        # logind=False: the test brings its own (fakelogind.FakeLogind)
        self.logind = self.logind_mock = None
        if logind:
            self.logind, logind_obj = dbusmock.DBusTestCase.spawn_server_template(
                'logind', {}, stdout=subprocess.DEVNULL)
            self.logind_mock = dbus.Interface(logind_obj, dbusmock.MOCK_IFACE)
            self.logind_mock.AddSeat('seat0')
        if logind and seat_user is not None:
            self.logind_mock.AddSession('c1', 'seat0', dbus.UInt32(seat_user[1]), seat_user[0],
                                        True)
        self.set_allowed(allowed)
        self.gbus = Gio.DBusConnection.new_for_address_sync(
            self.bus_address,
            Gio.DBusConnectionFlags.AUTHENTICATION_CLIENT |
            Gio.DBusConnectionFlags.MESSAGE_BUS_CONNECTION, None, None)
        self.signals = []
        self.signal_times = []  # time.monotonic() of each, for benchmarks
        self.gbus.signal_subscribe(BUS_NAME, IFACE, None, OBJ_PATH, None,
                                   Gio.DBusSignalFlags.NONE, self._on_signal)
        if simulated_usb:
            from mocksysfs import MockBus
            self.usb = MockBus()
        else:
            self.usb = None
        self.daemon = None
        self.daemon_log = os.path.join(self.tmp, 'daemon.log')

    def _bus_config(self):
        """Like the session bus configuration, but with its socket in our
        own folder (the test guest's /tmp is read-only)."""
        path = os.path.join(self.tmp, 'bus.conf')
        with open(path, 'w') as f:
            f.write(self._system_policy_config() if self.system_policy else
                    bus_config(self.tmp))
        return path

    def _system_policy_config(self):
        """The distribution's system bus configuration as it is, with its
        policies (system.d) and ours (org.usbledger.conf as installed), only
        listening in our folder; plus what lets the test drive its mocks."""
        with open('/usr/share/dbus-1/system.conf') as f:
            text = f.read()
        text = re.sub(r'<listen>.*?</listen>', '<listen>unix:dir=%s</listen>' % self.tmp, text)
        for drop in (r'<pidfile>.*?</pidfile>', r'<includedir>/etc/dbus-1/system.d</includedir>',
                     r'<include ignore_missing="yes">/etc/dbus-1/system[^<]*</include>'):
            text = re.sub(drop, '', text)
        policies = os.path.join(self.tmp, 'system.d')   # "system.d" is relative to it
        shutil.copytree('/usr/share/dbus-1/system.d', policies)
        shutil.copy(os.path.join(os.path.dirname(__file__), '..', '..', 'src', 'daemon',
                                 'org.usbledger.conf'), policies)
        with open(os.path.join(policies, 'zz-usbledger-test-mocks.conf'), 'w') as f:
            f.write(MOCK_POLICY)
        # the bus runs as messagebus
        os.chmod(self.tmp, 0o755)
        return text

    # -- mocks -------------------------------------------------------------
    def set_allowed(self, actions):
        self.polkit.SetAllowed(dbus.Array(list(actions), signature='s'))

    def log_out_seat(self):
        """No one at the seat: the seat's ActiveSession becomes empty."""
        seat = self.dbus.get_object('org.freedesktop.login1', '/org/freedesktop/login1/seat/seat0')
        seat.Set('org.freedesktop.login1.Seat', 'ActiveSession',
                 dbus.Struct(('', dbus.ObjectPath('/')), signature='so'),
                 dbus_interface='org.freedesktop.DBus.Properties')

    def switch_seat(self, session_id, user, uid):
        """Another person takes the seat (fast user switching)."""
        self.logind_mock.AddSession(session_id, 'seat0', dbus.UInt32(uid), user, False)
        seat = self.dbus.get_object('org.freedesktop.login1', '/org/freedesktop/login1/seat/seat0')
        seat.Set('org.freedesktop.login1.Seat', 'ActiveSession',
                 dbus.Struct((session_id, dbus.ObjectPath('/org/freedesktop/login1/session/' +
                                                          session_id)), signature='so'),
                 dbus_interface='org.freedesktop.DBus.Properties')

    # -- daemon ------------------------------------------------------------
    def env(self):
        env = dict(os.environ)
        if self.usb is not None:
            env['LD_PRELOAD'] = 'libumockdev-preload.so.0'
            env['UMOCKDEV_DIR'] = self.usb.root
        env['DBUS_SYSTEM_BUS_ADDRESS'] = self.bus_address
        env.setdefault('G_DEBUG', 'fatal-criticals')
        return env

    def _on_signal(self, conn, sender, path, iface, name, params):
        self.signals.append((name, params.unpack()[0]))
        self.signal_times.append(time.monotonic())

    def _bus_call(self, method, args=None, sig=None):
        """A call to the bus itself (org.freedesktop.DBus)."""
        params = GLib.Variant(sig, args) if sig is not None else None
        reply = self.gbus.call_sync('org.freedesktop.DBus', '/org/freedesktop/DBus',
                                    'org.freedesktop.DBus', method, params, None,
                                    Gio.DBusCallFlags.NONE, -1, None)
        return reply.unpack()

    def name_owned(self):
        return self._bus_call('NameHasOwner', (BUS_NAME,), '(s)')[0]

    @staticmethod
    def unit_capabilities():
        """CapabilityBoundingSet= of the built systemd unit, as names."""
        unit = os.path.join(build_dir(), 'src', 'daemon', 'usbledgerd.service')
        with open(unit) as f:
            for line in f:
                if line.startswith('CapabilityBoundingSet='):
                    return line.split('=', 1)[1].split()
        raise AssertionError('no CapabilityBoundingSet= in %s' % unit)

    def start_daemon(self, extra_args=(), wait=True, unit_capabilities=False, extra_env=None,
                     timeout=30):
        """Starts usbledgerd; with @wait, until it owns its name (@timeout: a
        benchmark's logbook of gigabytes to migrate takes longer)."""
        log = open(self.daemon_log, 'a')
        # UL_DAEMON_WRAPPER: e.g. "valgrind -q" or "gdb -batch -ex run -ex bt --args"
        wrapper = os.environ.get('UL_DAEMON_WRAPPER', '').split()
        if unit_capabilities:
            # what systemd gives the root service: its capabilities are the
            # bounding set, nothing inherited
            caps = ','.join('+' + c[4:].lower() for c in self.unit_capabilities())
            wrapper = ['setpriv', '--bounding-set', '-all,' + caps, '--inh-caps', '-all',
                       '--'] + wrapper
        env = dict(self.env(), **(extra_env or {}))
        helpers = build_tree_helpers()
        # UL_DAEMON_G_SLICE=always-malloc (the sanitizer run): GLib 2.74's
        # slice allocator carves GVariants out of blocks it keeps reachable,
        # so LeakSanitizer would not report a leaked reply or row; the
        # daemon gets plain malloc, its PDF helpers not
        g_slice = os.environ.get('UL_DAEMON_G_SLICE')
        if g_slice:
            env['G_SLICE'] = g_slice
            for option in ('--pdf-helper', '--ledger-helper'):
                at = helpers.index(option) + 1
                helpers[at] = without_g_slice(self.tmp, helpers[at])
        self.daemon = subprocess.Popen(
            wrapper + [binary('usbledgerd'), '--state-dir', self.state_dir,
                       '--runtime-dir', self.runtime_dir] + self.modules_args +
            helpers + list(extra_args),
            env=env, stdout=log, stderr=subprocess.STDOUT, preexec_fn=die_with_parent)
        log.close()
        if wait:
            # the daemon owns its name once coldplug is done; NameOwnerChanged
            # wakes the loop
            watch = Gio.bus_watch_name_on_connection(self.gbus, BUS_NAME,
                                                     Gio.BusNameWatcherFlags.NONE, None, None)
            try:
                iterate_until(lambda: self.daemon.poll() is not None or self.name_owned(),
                              timeout=timeout, what='usbledgerd to own its bus name')
            finally:
                Gio.bus_unwatch_name(watch)
            if self.daemon.poll() is not None:
                raise RuntimeError('usbledgerd exited with %d:\n%s' %
                                   (self.daemon.returncode, self.read_log()))

    def stop_daemon(self, sig=None):
        if self.daemon is None:
            return None
        if self.daemon.poll() is None:
            if sig is None:
                self.daemon.terminate()
            else:
                self.daemon.send_signal(sig)
        code = self.daemon.wait(timeout=30)
        self.daemon = None
        return code

    def read_log(self):
        with open(self.daemon_log, errors='replace') as f:
            return f.read()

    def subscribe(self, interface, member, callback):
        """Subscribes to the running daemon's signals, in force when this
        returns. The bus keeps order only within one connection: a signal
        the daemon sends just after our AddMatch may reach the bus first, so
        a round trip to the bus follows it. The sender is the daemon's
        unique name, which GDBus matches at once (a well-known name is
        looked up by a call of its own, and until its answer every signal
        is dropped)."""
        owner = self._bus_call('GetNameOwner', (BUS_NAME,), '(s)')[0]
        sub = self.gbus.signal_subscribe(owner, interface, member, OBJ_PATH, None,
                                         Gio.DBusSignalFlags.NONE, callback)
        self._bus_call('GetId')
        return sub

    # -- talking to it -----------------------------------------------------
    def call(self, method, args=None, sig=None):
        params = GLib.Variant(sig, args) if sig is not None else None
        reply = self.gbus.call_sync(BUS_NAME, OBJ_PATH, IFACE, method, params, None,
                                    Gio.DBusCallFlags.NONE, 30000, None)
        return reply.unpack()

    def session(self, sid):
        """(session, mounts, files): GetSession, then every page of files."""
        session, mounts = self.call('GetSession', (sid,), '(x)')
        files = []
        while True:
            page = self.call('ListSessionFiles', (sid, files[-1]['id'] if files else 0, 5000),
                             '(xxu)')[0]
            files += page
            if len(page) < 5000:
                return session, mounts, files

    def wait_session(self, sid, pred, what, timeout=60):
        """Waits (woken by SessionChanged and other signals) until
        pred(session, mounts, files); returns that triple."""
        got = []

        def check():
            got[:] = [self.session(sid)]
            return pred(*got[0])
        try:
            iterate_until(check, timeout=timeout, what=what)
        except TimeoutError:
            raise AssertionError('%s; last seen: %r' % (what, got[0] if got else None))
        return got[0]

    @staticmethod
    def final_files(files):
        """path (bytes) -> the last record about it."""
        return {bytes(f['path']): f for f in files}

    def ctl_env(self, language=''):
        """The environment usbledgerctl runs in (outside umockdev's preload)."""
        env = dict(os.environ, DBUS_SYSTEM_BUS_ADDRESS=self.bus_address, LC_ALL='C.UTF-8',
                   LANGUAGE=language, USBLEDGER_LOCALEDIR=os.path.join(build_dir(), 'po'))
        env.pop('LD_PRELOAD', None)
        return env

    def ctl(self, *args, check=True, language=''):
        """Runs usbledgerctl; returns the CompletedProcess (bytes output).
        Its messages are the English source strings unless `language` names
        a catalog of this build ("ja")."""
        proc = subprocess.run([binary('usbledgerctl')] + list(args), env=self.ctl_env(language),
                              capture_output=True, timeout=60)
        if check and proc.returncode != 0:
            raise AssertionError('usbledgerctl %s failed (%d): %s' %
                                 (' '.join(args), proc.returncode, proc.stderr.decode()))
        return proc

    def wait_device_since(self, start, name, decision=None, removed=False, timeout=15):
        """Waits for a DeviceChanged about `name` among the signals from
        index `start` on (also those that arrived already)."""
        found = []

        def match():
            for sig_name, rec in self.signals[start:]:
                if (sig_name == 'DeviceChanged' and rec.get('name') == name and
                        rec.get('removed', False) == removed and
                        (decision is None or rec.get('decision') == decision)):
                    found.append(rec)
                    return True
            return False
        iterate_until(match, timeout=timeout,
                      what='DeviceChanged %s %s' % (name, decision or ''))
        return found[0]

    def wait_device(self, name, decision=None, removed=False, timeout=15):
        """Waits for a DeviceChanged signal about `name` (with `decision`)
        that arrives after this call; returns its record."""
        return self.wait_device_since(len(self.signals), name, decision, removed, timeout)

    def expect_device(self, action, name, decision=None, removed=False, timeout=15):
        """Runs `action()` and waits for the DeviceChanged it causes."""
        start = len(self.signals)
        action()
        return self.wait_device_since(start, name, decision, removed, timeout)

    def db_path(self):
        return os.path.join(self.state_dir, 'logbook.db')

    def close(self):
        # a daemon that does not exit cleanly on SIGTERM (crash, sanitizer
        # report, leak) fails the test that ran it
        code = self.stop_daemon()
        log = self.read_log() if os.path.exists(self.daemon_log) else ''
        for proc in (self.polkitd, self.logind):
            if proc is None:
                continue
            proc.terminate()
            proc.wait()
        dbusmock.DBusTestCase.stop_dbus(self.bus_pid)
        shutil.rmtree(self.tmp, ignore_errors=True)
        if code not in (None, 0):
            raise AssertionError('usbledgerd exited with %d on SIGTERM:\n%s' % (code, log))
