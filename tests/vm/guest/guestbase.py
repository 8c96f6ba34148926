"""The common ground of the scenarios in the test guest: talking to the host,
plugging and pulling sticks and gadgets, and reading what usbledgerd says
about them."""

import json
import os

from guestlib import (RESULTS, Checks, Control, Gadget, UEvents, block_devices, input_devices,
                      interfaces, read_attr, settle, sh)
from harness import Harness

SEAT_USER = ('tanaka', 1000)


class GuestScenario:
    """A scenario's common ground: the control channel, the uevent record,
    the checks, and usbledgerd on a private bus with polkit and logind
    stand-ins (the daemon is started by the scenario)."""

    def __init__(self):
        self.control = Control()
        self.control.request('hello')
        self.checks = Checks(self.control)
        self.check = self.checks.check
        self.uevents = UEvents()
        sh('modprobe', '-a', 'evdev', 'usbhid', 'hid_generic')
        self.h = Harness(seat_user=SEAT_USER, simulated_usb=False,
                         allowed=('org.usbledger.view', 'org.usbledger.approve',
                                  'org.usbledger.erase'))
        self.sticks = {}        # qemu id -> sysfs path
        self.image_dir = os.path.join(os.environ['TMPDIR'], 'gadget-images')
        os.makedirs(self.image_dir, exist_ok=True)

    # -- helpers ------------------------------------------------------------
    def plug_stick(self, name, serial, **disk):
        """Asks the host for a stick (disk: SCSI vendor=, model=); returns its
        sysfs path and the uevent mark from before it was plugged."""
        since = self.uevents.mark()
        self.control.request('plug-stick', name=name, serial=serial, **disk)
        path = self.uevents.added_usb_device(since, serial=serial.encode())
        self.sticks[name] = path
        return path, since

    def unplug(self, name):
        path = self.sticks.pop(name)
        self._removed(path, lambda: self.control.request('unplug', name=name))

    def _removed(self, path, action):
        """Runs action() and waits for the kernel's remove uevent of `path`
        and, with the daemon running, for the daemon to record it, so that
        the next check starts from a quiet logbook."""
        since = self.uevents.mark()
        since_sig = len(self.h.signals)
        action()
        self.uevents.wait(lambda ev: ev['ACTION'] == 'remove' and ev.path == path, since,
                          what='removal of ' + path)
        if self.h.daemon is not None and self.h.daemon.poll() is None:
            self.h.wait_device_since(since_sig, os.path.basename(path), removed=True)

    def wait_decision(self, path, since_signal, decision=None, timeout=30):
        """The first DeviceChanged about the device at `path` (with
        `decision`) among the signals from index `since_signal` on."""
        return self.h.wait_device_since(since_signal, os.path.basename(path), decision,
                                        timeout=timeout)

    def session(self, sid):
        return self.h.session(sid)

    def wait_session(self, sid, pred, what, timeout=60):
        return self.h.wait_session(sid, pred, what, timeout)

    final_files = staticmethod(Harness.final_files)

    def ctl_json(self, *args):
        return json.loads(self.h.ctl('--json', *args).stdout)

    def device_record(self, path):
        for rec in self.ctl_json('devices'):
            if rec['name'] == os.path.basename(path):
                return rec
        return None

    def requests_for(self, serial):
        return [r for r in self.ctl_json('requests')
                if bytes.fromhex(r['serial']['hex']) == serial.encode()]

    def events(self):
        return self.ctl_json('log')

    def wait_block(self, path, since, what):
        """Waits for a disk of the USB device at `path` to be announced."""
        ev = self.uevents.wait(lambda e: e['ACTION'] == 'add' and e.get('SUBSYSTEM') == 'block'
                               and e.under(path), since, what=what)
        settle()
        return '/dev/' + ev['DEVNAME']

    def never_added(self, path, since, subsystems=('block', 'input', 'scsi_disk', 'hid')):
        """Nothing of these kinds appeared under `path` since `since`."""
        return [ev['DEVPATH'] for ev in self.uevents.log[since:]
                if ev['ACTION'] in ('add', 'bind') and ev.get('SUBSYSTEM') in subsystems and
                ev.under(path)]

    def blocked_state(self, path):
        """'' when the device at `path` is blocked as it should be, or what
        is wrong."""
        problems = []
        if read_attr(path, 'authorized') != b'0':
            problems.append('authorized=%r' % read_attr(path, 'authorized'))
        if interfaces(path):
            problems.append('interfaces %s' % interfaces(path))
        if block_devices(path):
            problems.append('disks %s' % block_devices(path))
        if input_devices(path):
            problems.append('input devices %s' % input_devices(path))
        return '; '.join(problems)

    def gadget_image(self, name):
        path = os.path.join(self.image_dir, name + '.img')
        with open(path, 'wb') as f:
            f.truncate(4 * 1024 * 1024)
        return path

    def plug_gadget(self, gadget):
        since = self.uevents.mark()
        gadget.plug()
        path = self.uevents.added_usb_device(since, under=Gadget.bus_path())
        return path, since

    def unplug_gadget(self, gadget, path):
        self._removed(path, gadget.remove)

    # -- running ------------------------------------------------------------
    PARTS = []

    def run(self):
        try:
            only = os.environ.get('UL_VM_PARTS')
            for part in only.split(',') if only else self.PARTS:
                print('== %s' % part, flush=True)
                self.checks.section(part, getattr(self, part))
        finally:
            self.finish()

    def finish(self):
        try:
            if self.h.daemon is not None:
                # a crash, a sanitizer report or a leak shows as a bad exit
                code = self.h.stop_daemon()
                self.check('usbledgerd exits cleanly on SIGTERM', code == 0, code)
        finally:
            # kept for whoever reads a failure: the host keeps results/
            db = self.h.db_path()
            for src, dst in ((self.h.daemon_log, 'daemon.log'), (db, 'logbook.db'),
                             (db + '-wal', 'logbook.db-wal')):
                if os.path.exists(src):
                    sh('cp', src, os.path.join(RESULTS, dst), check=False)
            self.checks.finish()
