"""What a scenario in the test guest works with: the control channel to the
host (plug, pull, keys, check results), a record of every kernel uevent since
the start (so a check can say that something *never* happened), sysfs
lookups, and USB gadgets on the dummy controller."""

import glob
import json
import os
import select
import socket
import struct
import subprocess
import sys
import time
import traceback

SOURCE_ROOT = os.environ['UL_SOURCE_ROOT']
sys.path.insert(0, os.path.join(SOURCE_ROOT, 'tests', 'common'))

from gi.repository import GLib  # noqa: E402

from mainloop import iterate_until  # noqa: E402

RESULTS = '/run/results'
NETLINK_KOBJECT_UEVENT = 15


def sh(*cmd, check=True, **kw):
    return subprocess.run(list(cmd), check=check, capture_output=True, **kw)


def read_attr(path, name, default=None):
    try:
        with open(os.path.join(path, name), 'rb') as f:
            return f.read().rstrip(b'\n')
    except OSError:
        return default


class Control:
    """The virtio-serial port named usbledger.ctl; one JSON line each way."""

    def __init__(self):
        for port in glob.glob('/sys/class/virtio-ports/*'):
            if read_attr(port, 'name') == b'usbledger.ctl':
                self.fd = os.open('/dev/' + os.path.basename(port), os.O_RDWR)
                break
        else:
            raise RuntimeError('no usbledger.ctl port')
        self.buf = b''

    def request(self, op, timeout=120, **args):
        os.write(self.fd, json.dumps(dict(args, op=op)).encode() + b'\n')
        deadline = time.monotonic() + timeout
        while b'\n' not in self.buf:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self.fd], [], [], left)[0]:
                raise TimeoutError('the host did not answer %s' % op)
            self.buf += os.read(self.fd, 65536)
        line, self.buf = self.buf.split(b'\n', 1)
        reply = json.loads(line)
        if not reply.get('ok'):
            raise RuntimeError('host: %s failed: %s' % (op, reply.get('error')))
        return reply


class UEvent(dict):
    """One kernel uevent: its properties, and when it arrived."""

    @property
    def path(self):
        return '/sys' + self['DEVPATH']

    def under(self, syspath, strictly=False):
        return ((self.path == syspath and not strictly) or
                self.path.startswith(syspath.rstrip('/') + '/'))


class UEvents:
    """Every uevent from now on, kept in arrival order; read in the GLib main
    loop, so waits for uevents and for D-Bus signals are one. By default the
    kernel's own; with udev=True those udevd sends after running its rules
    (and our helper), which is what usbledgerd listens to."""

    KERNEL_GROUP = 1
    UDEV_GROUP = 2

    def __init__(self, udev=False):
        self.sock = socket.socket(socket.AF_NETLINK, socket.SOCK_DGRAM, NETLINK_KOBJECT_UEVENT)
        self.sock.setsockopt(socket.SOL_SOCKET, 33, 8 << 20)  # SO_RCVBUFFORCE
        self.sock.bind((0, self.UDEV_GROUP if udev else self.KERNEL_GROUP))
        self.sock.setblocking(False)
        self.log = []
        GLib.unix_fd_add_full(GLib.PRIORITY_DEFAULT, self.sock.fileno(), GLib.IOCondition.IN,
                              self._readable)

    @staticmethod
    def parse(data):
        if data.startswith(b'libudev\0'):
            # struct udev_monitor_netlink_header: properties at an offset
            offset, length = struct.unpack_from('=II', data, 16)
            fields = data[offset:offset + length].split(b'\0')
        else:
            fields = data.split(b'\0')[1:]  # after "ACTION@DEVPATH"
        ev = UEvent()
        for field in fields:
            key, sep, value = field.partition(b'=')
            if sep:
                ev[key.decode()] = value.decode(errors='surrogateescape')
        return ev

    def _readable(self, fd, cond):
        while True:
            try:
                data = self.sock.recv(65536)
            except BlockingIOError:
                return True
            ev = self.parse(data)
            if 'ACTION' in ev and 'DEVPATH' in ev:
                ev.time = time.monotonic()
                self.log.append(ev)

    def mark(self):
        """Where the log ends now: every uevent the kernel has sent so far
        is before the mark (the socket is drained first)."""
        self._readable(None, None)
        return len(self.log)

    def find(self, pred, since=0):
        for ev in self.log[since:]:
            if pred(ev):
                return ev
        return None

    def wait(self, pred, since=0, timeout=30, what='a uevent'):
        found = []
        iterate_until(lambda: found.append(self.find(pred, since)) or found[-1] is not None,
                      timeout=timeout, what=what)
        return found[-1]

    def added_usb_device(self, since, serial=None, under=None, product=None):
        """Waits for a USB device's add uevent; returns its sysfs path."""
        def pred(ev):
            if ev['ACTION'] != 'add' or ev.get('DEVTYPE') != 'usb_device':
                return False
            if under is not None and not ev.under(under, strictly=True):
                return False
            return ((serial is None or read_attr(ev.path, 'serial') == serial) and
                    (product is None or read_attr(ev.path, 'product') == product))
        return self.wait(pred, since, what='USB device %r' % (serial or product)).path


def settle():
    """Waits until udev has run every rule (and our helper) for what the
    kernel announced so far."""
    sh('udevadm', 'settle', '--timeout=60')


def interfaces(usb_path):
    return sorted(glob.glob(os.path.join(usb_path, '*:*')))


def block_devices(usb_path):
    return sorted(os.path.basename(p) for p in glob.glob('/sys/class/block/*')
                  if os.path.realpath(p).startswith(os.path.realpath(usb_path) + '/'))


def input_devices(usb_path):
    return sorted(os.path.basename(p) for p in glob.glob('/sys/class/input/event*')
                  if os.path.realpath(p).startswith(os.path.realpath(usb_path) + '/'))


class Checks:
    """Check results, counted here and reported to the host line by line."""

    def __init__(self, control):
        self.control = control
        self.passed = 0
        self.failed = 0

    def check(self, name, ok, detail=''):
        ok = bool(ok)
        if ok:
            self.passed += 1
        else:
            self.failed += 1
        print('%s: %s %s' % ('PASS' if ok else 'FAIL', name, '' if ok else detail), flush=True)
        self.control.request('check', name=name, ok=ok, detail=str(detail))
        return ok

    def section(self, name, func, *args):
        """Runs one part of the scenario; an exception fails that part and
        the next part goes on."""
        try:
            func(*args)
        except Exception:  # noqa: BLE001 -- reported as a failed check
            self.check(name + ': ran to the end', False, traceback.format_exc())

    def finish(self):
        self.control.request('done', passed=self.passed, failed=self.failed)


class Gadget:
    """A USB device made by the gadget framework on the dummy controller, so
    the guest's own kernel sees it plugged into a root hub of its own."""

    ROOT = '/sys/kernel/config/usb_gadget'
    # the 63-byte boot keyboard report descriptor (HID 1.11, appendix B.1)
    KEYBOARD_REPORT = bytes.fromhex(
        '05010906a101050719e029e7150025017501950881029501750881039505750105'
        '0819012905910295017503910395067508150025650507190029658100c0')

    loaded = False

    def __init__(self, name, vendor=0x1d6b, product=0x0104, serial=b'', manufacturer=b'',
                 product_name=b'', storage_image=None, keyboard=False, vendor_function=False,
                 bcd=None, second_lun_image=None):
        Gadget.load()
        self.path = os.path.join(self.ROOT, name)
        os.mkdir(self.path)
        self._write('idVendor', '0x%04x' % vendor)
        self._write('idProduct', '0x%04x' % product)
        if bcd is not None:
            self._write('bcdDevice', '0x%04x' % bcd)
        strings = os.path.join(self.path, 'strings', '0x409')
        os.mkdir(strings)
        for attr, value in (('serialnumber', serial), ('manufacturer', manufacturer),
                            ('product', product_name)):
            # configfs takes the bytes as they are (it drops one final newline)
            with open(os.path.join(strings, attr), 'wb') as f:
                f.write(value)
        config = os.path.join(self.path, 'configs', 'c.1')
        os.mkdir(config)
        functions = []
        if storage_image is not None:
            fn = os.path.join(self.path, 'functions', 'mass_storage.0')
            os.mkdir(fn)
            self._write(os.path.join(fn, 'lun.0', 'removable'), '1', absolute=True)
            if storage_image:   # '': a card reader with no card in it
                self._write(os.path.join(fn, 'lun.0', 'file'), storage_image, absolute=True)
            if second_lun_image is not None:
                # a card reader with two slots, a stick with two LUNs
                os.mkdir(os.path.join(fn, 'lun.1'))
                self._write(os.path.join(fn, 'lun.1', 'removable'), '1', absolute=True)
                self._write(os.path.join(fn, 'lun.1', 'file'), second_lun_image, absolute=True)
                self.extra_luns = [os.path.join(fn, 'lun.1')]
            functions.append(fn)
        if keyboard:
            fn = os.path.join(self.path, 'functions', 'hid.usb0')
            os.mkdir(fn)
            for attr, value in (('protocol', '1'), ('subclass', '1'), ('report_length', '8')):
                self._write(os.path.join(fn, attr), value, absolute=True)
            with open(os.path.join(fn, 'report_desc'), 'wb') as f:
                f.write(self.KEYBOARD_REPORT)
            functions.append(fn)
        if vendor_function:
            # the test function of usb_f_ss_lb: one vendor-specific (ff)
            # interface with a bulk pair, as card readers and unusual_devs
            # devices have
            fn = os.path.join(self.path, 'functions', 'SourceSink.0')
            os.mkdir(fn)
            functions.append(fn)
        for fn in functions:  # link order is interface order
            os.symlink(fn, os.path.join(config, os.path.basename(fn)))
        self.functions = functions

    @classmethod
    def load(cls):
        if not cls.loaded:
            sh('modprobe', '-a', 'configfs', 'dummy_hcd', 'libcomposite', 'usb_f_mass_storage',
               'usb_f_hid', 'usb_f_ss_lb', 'evdev')
            if not os.path.isdir(cls.ROOT):
                sh('mount', '-t', 'configfs', 'none', '/sys/kernel/config')
            cls.loaded = True

    @staticmethod
    def bus_path():
        return os.path.realpath(glob.glob('/sys/devices/platform/dummy_hcd.0/usb*')[0])

    def _write(self, attr, value, absolute=False):
        with open(attr if absolute else os.path.join(self.path, attr), 'w') as f:
            f.write(value)

    def plug(self):
        self._write('UDC', 'dummy_udc.0')

    def unplug(self):
        with open(os.path.join(self.path, 'UDC'), 'w') as f:
            f.write('\n')  # an empty write does nothing

    def remove(self):
        if read_attr(self.path, 'UDC'):
            self.unplug()
        config = os.path.join(self.path, 'configs', 'c.1')
        for fn in self.functions:
            os.unlink(os.path.join(config, os.path.basename(fn)))
        os.rmdir(config)
        for lun in getattr(self, 'extra_luns', []):
            os.rmdir(lun)
        os.rmdir(os.path.join(self.path, 'strings', '0x409'))
        for fn in self.functions:
            os.rmdir(fn)
        os.rmdir(self.path)

    def hidg_device(self):
        """/dev/hidgN of this gadget's keyboard function."""
        for fn in self.functions:
            if 'hid.' in fn:
                dev = read_attr(fn, 'dev')
                for node in glob.glob('/sys/class/hidg/*'):
                    if read_attr(node, 'dev') == dev:
                        return '/dev/' + os.path.basename(node)
        return None
