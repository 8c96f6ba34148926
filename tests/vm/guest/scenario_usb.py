"""The real-kernel scenario: usbledgerd and its udev rule on the stock Debian
kernel, with sticks and a keyboard hot-plugged by qemu and composite or
hostile devices made by the gadget framework. Each part is one function of
Scenario; later issues add their own parts (sessions, erasure) to PARTS.

Runs as a child of the guest's PID 1 (stage2); reports every check to the
host over the control channel."""

import errno
import hashlib
import os
import select
import signal
import sqlite3
import struct
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from guestbase import SEAT_USER, GuestScenario  # noqa: E402
from part_card_reader import CardReaderPart  # noqa: E402
from mainloop import iterate_until  # noqa: E402
from guestlib import Gadget, block_devices, input_devices, read_attr, settle, sh  # noqa: E402

S1_DISK = {'vendor': 'USBLEDGR', 'model': 'VM STICK 1'}  # its SCSI identity
EV_KEY = 1
KEY_A = 30
INPUT_EVENT = struct.Struct('llHHi')  # struct input_event on x86_64


def rows(db, sql, *args):
    """Reads the logbook the way a clerk with sqlite3 would, read-only."""
    con = sqlite3.connect('file:%s?mode=ro' % db, uri=True)
    try:
        return con.execute(sql, args).fetchall()
    finally:
        con.close()


def key_pressed(event_node, action, timeout=20):
    """Runs action() and waits until `event_node` reports KEY_A pressed."""
    fd = os.open(event_node, os.O_RDONLY | os.O_NONBLOCK)
    try:
        action()
        buf = b''
        while True:
            if not select.select([fd], [], [], timeout)[0]:
                return False
            buf += os.read(fd, 4096)
            while len(buf) >= INPUT_EVENT.size:
                _, _, etype, code, value = INPUT_EVENT.unpack_from(buf)
                buf = buf[INPUT_EVENT.size:]
                if etype == EV_KEY and code == KEY_A and value == 1:
                    return True
    finally:
        os.close(fd)


def send_hid_report(hidg):
    """Types 'a' through the gadget's keyboard function. Returns the errno
    if the host side never enabled that function (nothing to send to)."""
    fd = os.open(hidg, os.O_WRONLY | os.O_NONBLOCK)
    try:
        os.write(fd, bytes([0, 0, 4, 0, 0, 0, 0, 0]))
        os.write(fd, bytes(8))
        return 0
    except OSError as e:
        return e.errno
    finally:
        os.close(fd)


def expected_escape(data):
    """How usbledgerctl shows the bytes used below (printable ASCII and
    Japanese as they are, control bytes as \\xNN or \\n)."""
    out = ''
    for ch in data.decode():
        if ch == '\n':
            out += '\\n'
        elif ord(ch) < 0x20 or ord(ch) == 0x7f:
            out += '\\x%02x' % ord(ch)
        else:
            out += ch
    return out


class Scenario(CardReaderPart, GuestScenario):
    # -- parts --------------------------------------------------------------
    def fail_closed_while_daemon_down(self):
        """No daemon: the kernel option and the udev helper alone decide."""
        check = self.check
        since = self.uevents.mark()
        self.control.request('plug-kbd', name='kbd1')
        s1, _ = self.plug_stick('s1', 'UL-VM-S1', **S1_DISK)
        kbd = self.uevents.added_usb_device(since, product=b'QEMU USB Keyboard')
        settle()
        self.kbd = kbd
        check('daemon down: an unregistered stick gets no driver, no interfaces, no /dev/sd*',
              self.blocked_state(s1) == '' and not self.never_added(s1, since),
              self.blocked_state(s1) or self.never_added(s1, since))
        check('daemon down: the USB keyboard plugged with it is authorized and has an input '
              'device', read_attr(kbd, 'authorized') == b'1' and input_devices(kbd),
              'authorized=%r inputs=%s' % (read_attr(kbd, 'authorized'), input_devices(kbd)))
        event = '/dev/input/' + input_devices(kbd)[0]
        check('daemon down: a key typed on the USB keyboard reaches the guest',
              key_pressed(event, lambda: self.control.request('key', name='kbd1', key='a')))

        # control experiment: a keyboard-only gadget on the dummy bus works, so
        # the BadUSB check below can tell "blocked" from "broken test"
        g = Gadget('kbd-only', product=0x0101, serial=b'KBD-ONLY', manufacturer=b'usbledger',
                   product_name=b'gadget keyboard', keyboard=True)
        path, since = self.plug_gadget(g)
        ev = self.uevents.wait(lambda e: e['ACTION'] == 'add' and e.get('SUBSYSTEM') == 'input'
                               and e.get('DEVNAME', '').startswith('input/event') and
                               e.under(path), since, what='the gadget keyboard input device')
        settle()
        check('control: a keyboard-only gadget is authorized and its keystrokes arrive',
              key_pressed('/dev/' + ev['DEVNAME'], lambda: send_hid_report(g.hidg_device())))
        self.unplug_gadget(g, path)

        # storage by the kernel's driver table, not by class (issue 9, item 1)
        self.check_unusual_devs('daemon down')

        # BadUSB: one device with a disk and a keyboard
        self.badusb = Gadget('badusb', product=0x0104, serial=b'BADUSB-1',
                             manufacturer=b'Evil Corp', product_name=b'Flash Drive',
                             storage_image=self.gadget_image('badusb'), keyboard=True)
        self.badusb_path, self.badusb_since = self.plug_gadget(self.badusb)
        settle()
        self.check_badusb('daemon down')

    def retrigger_while_writing(self, stick, disk, path, data):
        """udev announces every USB device again (udevadm trigger -c add)
        while a registered stick is mounted and a file on it is half
        written: the udev helper must leave the stick authorized (issue 9,
        item 2), so the write completes and the session goes on."""
        since = self.uevents.mark()
        error = None
        try:
            with open(path, 'wb') as f:
                f.write(data[:8])
                os.fsync(f.fileno())
                sh('udevadm', 'trigger', '--action=add', '--subsystem-match=usb')
                sh('udevadm', 'settle', '--timeout=60')
                f.write(data[8:])
                os.fsync(f.fileno())
        except OSError as e:
            error = e
        gone = [ev['DEVPATH'] for ev in self.uevents.log[since:]
                if ev['ACTION'] == 'remove' and ev.under(stick, strictly=True)]
        self.check('udevadm trigger -c add while writing: the write completes, the stick stays '
                   'authorized and nothing under it is removed',
                   error is None and read_attr(stick, 'authorized') == b'1' and not gone and
                   os.path.exists(disk), (error, read_attr(stick, 'authorized'), gone))

    def check_unusual_devs(self, when):
        """A vendor-specific interface on 04b8:0602 (bcdDevice 0110), which
        usb-storage's unusual_devs binds: storage by its ids. Plugged and
        unplugged here (the dummy controller has one port)."""
        g = Gadget('unusual', vendor=0x04b8, product=0x0602, bcd=0x0110, serial=b'UNUSUAL-1',
                   manufacturer=b'usbledger', product_name=b'vendor interface',
                   vendor_function=True)
        since_sig = len(self.h.signals)
        path, since = self.plug_gadget(g)
        settle()
        if self.h.daemon is not None:
            rec = self.wait_decision(path, since_sig)
            self.check('%s: a device usb-storage binds by its ids (vendor interface) is '
                       'storage: a request naming the driver' % when,
                       rec and rec['decision'] == 'block-and-request' and
                       'usb_storage' in rec['reason'], rec)
        self.check('%s: a device usb-storage binds by its ids stays unauthorized, no '
                   'interface, no driver' % when,
                   self.blocked_state(path) == '' and
                   not self.never_added(path, since, ('block', 'scsi', 'scsi_disk')),
                   self.blocked_state(path) or self.never_added(path, since,
                                                                ('block', 'scsi', 'scsi_disk')))
        self.unplug_gadget(g, path)

    def check_badusb(self, when):
        path = self.badusb_path
        added = self.never_added(path, self.badusb_since)
        self.check('%s: the storage+keyboard composite has neither disk nor keyboard' % when,
                   self.blocked_state(path) == '' and not added,
                   self.blocked_state(path) or added)
        err = send_hid_report(self.badusb.hidg_device())
        settle()
        self.check('%s: keystrokes sent through its /dev/hidg0 reach no input device' % when,
                   err == errno.ESHUTDOWN and not self.never_added(path, self.badusb_since),
                   'write to hidg: %s' % (os.strerror(err) if err else 'accepted by a host'))

    def daemon_start_request_approve(self):
        check = self.check
        # the daemon owns its bus name once coldplug is done: no signal to wait for
        self.h.start_daemon()
        s1 = self.sticks['s1']
        reqs = self.requests_for('UL-VM-S1')
        check('daemon started: the unregistered stick becomes one pending request naming the '
              'seat user', len(reqs) == 1 and reqs[0]['state'] == 'pending' and
              reqs[0]['requester'] == SEAT_USER[0], reqs)
        rec = self.device_record(s1)
        check('daemon started: the stick stays blocked', rec and rec['decision'] ==
              'block-and-request' and self.blocked_state(s1) == '', (rec, self.blocked_state(s1)))
        rec = self.device_record(self.badusb_path)
        check('daemon started: the composite is recorded as suspicious',
              rec and rec['decision'] == 'block-suspicious', rec)
        self.check_badusb('daemon running')
        # the dummy controller has one port: the gadgets below need it
        self.unplug_gadget(self.badusb, self.badusb_path)
        self.check_unusual_devs('daemon running')
        rec = self.device_record(self.kbd)
        check('daemon started: the keyboard is left working', rec and rec['authorized'] and
              input_devices(self.kbd), rec)

        since = self.uevents.mark()
        self.h.ctl('approve', str(reqs[0]['id']), '--asset-number', 'USB-VM-001',
                   '--label', 'VM stick 1', '--user', SEAT_USER[0])
        disk = self.wait_block(s1, since, 'the approved stick\'s disk')
        replugged = [ev for ev in self.uevents.log[since:]
                     if ev['ACTION'] == 'remove' and ev.path == s1]
        check('approved: /dev/sd* appears without re-plugging', disk and not replugged,
              (disk, replugged))
        sysblock = '/sys/class/block/' + os.path.basename(disk)
        check('approved: the disk is the stick the host plugged (SCSI vendor and model)',
              read_attr(sysblock, 'device/vendor').strip() == b'USBLEDGR' and
              read_attr(sysblock, 'device/model').strip() == b'VM STICK 1',
              (read_attr(sysblock, 'device/vendor'), read_attr(sysblock, 'device/model')))
        mnt = os.path.join(os.environ['TMPDIR'], 'mnt-s1')
        os.makedirs(mnt, exist_ok=True)
        written = 'usbledger 使用簿 test\n'.encode()
        sid = self.device_record(s1)['session-id']
        sh('mount', '-t', 'vfat', '-o', 'utf8', disk, mnt)
        try:
            # usbledgerd reads a new filesystem (its manifest) and each file
            # written (its hash); an unmount meanwhile would be "busy"
            self.wait_session(sid, lambda s, m, f: m and
                              m[-1].get('manifest', '').startswith('taken at mount'),
                              'the manifest at mount')
            self.retrigger_while_writing(s1, disk, os.path.join(mnt, 'hello.txt'), written)
            self.wait_session(sid, lambda s, m, f: self.final_files(f).get(
                b'hello.txt', {}).get('status') == 'ok', 'hello.txt recorded')
        finally:
            sh('umount', mnt)
        self.wait_session(sid, lambda s, m, f: m[-1].get('manifest', '').startswith('checked'),
                          'the manifest check at unmount')
        sh('mount', '-t', 'vfat', '-o', 'ro,utf8', disk, mnt)
        try:
            with open(os.path.join(mnt, 'hello.txt'), 'rb') as f:
                back = f.read()
            # a read-only mount is walked too (it may be remounted writable);
            # unmounting during that walk would be "busy", as for any reader
            self.wait_session(sid, lambda s, m, f: len(m) == 2 and
                              m[-1].get('manifest', '').startswith('taken at mount'),
                              'the manifest of the read-only mount')
        finally:
            sh('umount', mnt)
        check('approved: the guest mounts the stick and writes to it', back == written, back)

    def registered_then_revoked(self):
        check = self.check
        self.unplug('s1')
        since_sig = len(self.h.signals)
        n_requests = len(self.ctl_json('requests'))
        s1, since = self.plug_stick('s1', 'UL-VM-S1', **S1_DISK)
        rec = self.wait_decision(s1, since_sig)
        self.wait_block(s1, since, 'the registered stick\'s disk')
        check('registered stick plugged again: allowed at once, disk present, no new request',
              rec['decision'] == 'allow' and block_devices(s1) and
              len(self.ctl_json('requests')) == n_requests, (rec['decision'], block_devices(s1)))

        since = self.uevents.mark()
        self.h.ctl('revoke', 'USB-VM-001', '--reason', 'lost and found')
        self.uevents.wait(lambda e: e['ACTION'] == 'remove' and e.get('SUBSYSTEM') == 'block'
                          and e.under(s1), since, what='the revoked stick\'s disk to go')
        settle()
        check('revoked while plugged: its disk goes at once', self.blocked_state(s1) == '',
              self.blocked_state(s1))
        self.unplug('s1')
        since_sig = len(self.h.signals)
        s1, since = self.plug_stick('s1', 'UL-VM-S1', **S1_DISK)
        rec = self.wait_decision(s1, since_sig)
        settle()
        check('revoked stick plugged again: blocked',
              not rec['authorized'] and rec['decision'].startswith('block') and
              self.blocked_state(s1) == '' and not self.never_added(s1, since),
              (rec['decision'], self.blocked_state(s1)))
        self.unplug('s1')

    def registered_mounted_stick(self, name, serial, asset):
        """Plugs a stick, registers it, mounts its vfat filesystem and waits
        until usbledgerd follows the mount; returns (sysfs path, session id,
        mount point, mount records)."""
        since_sig = len(self.h.signals)
        path, since = self.plug_stick(name, serial)
        self.wait_decision(path, since_sig)
        since_sig = len(self.h.signals)
        self.h.ctl('register', '--device', os.path.basename(path), '--asset-number', asset)
        sid = self.wait_decision(path, since_sig, 'allow')['session-id']
        disk = self.wait_block(path, since, 'the stick\'s disk')
        mnt = os.path.join(os.environ['TMPDIR'], 'mnt-' + name)
        os.makedirs(mnt, exist_ok=True)
        sh('mount', '-t', 'vfat', '-o', 'utf8', disk, mnt)
        _, mounts, _ = self.wait_session(
            sid, lambda s, m, f: m and m[0].get('manifest', '').startswith('taken at mount'),
            'the mount and its manifest')
        return path, sid, mnt, mounts

    def session_files_then_yanked(self):
        """Issue 4 on the real kernel: a registered stick is mounted, files
        are written (Japanese names too), and it is pulled without unmount.
        The host then reads the stick's image and checks the hashes."""
        check = self.check
        s4, sid, mnt, mounts = self.registered_mounted_stick('s4', 'UL-VM-S4', 'USB-VM-004')
        check('session: the mount is followed with file names (%s)' % mounts[0]['watch'],
              mounts[0]['watch'] == 'fanotify-names' and mounts[0]['fstype'] == 'vfat', mounts)
        files = {
            '報告書/議事録（第３回）.txt': '第３回の議事録。\n'.encode() * 200,
            '予算.csv': b'2026,100\n' * 1000,
            'photo.bin': os.urandom(3 << 20),
        }
        os.makedirs(os.path.join(mnt, '報告書'))
        for name, data in files.items():
            with open(os.path.join(mnt, name), 'wb') as f:
                f.write(data)
        os.sync()
        session, _, recs = self.wait_session(
            sid, lambda s, m, f: all(self.final_files(f).get(n.encode(), {}).get('status') ==
                                     'ok' for n in files), 'the files recorded with hashes')
        final = self.final_files(recs)
        check('session: every file written is recorded with its SHA-256, writer and size',
              all(final[n.encode()]['sha256'] == hashlib.sha256(d).hexdigest() and
                  final[n.encode()]['size'] == len(d) and final[n.encode()]['uid'] == 0 and
                  'python' in final[n.encode()].get('program', '') for n, d in files.items()),
              {n: final.get(n.encode()) for n in files})

        # pulled without unmounting
        since_sig = len(self.h.signals)
        self.control.request('unplug', name='s4')
        self.h.wait_device_since(since_sig, os.path.basename(s4), removed=True)
        del self.sticks['s4']
        session, mounts, recs = self.wait_session(sid, lambda s, m, f: s['ended-at'],
                                                  'the session end')
        check('session: pulled while mounted, the session is closed as yanked',
              session['end-reason'] == 'yanked' and session['user'] == SEAT_USER[0] and
              mounts[0]['unmounted-at'] and not session['erased'], (session, mounts))
        shown = self.h.ctl('sessions', 'show', str(sid)).stdout.decode()
        check('session: usbledgerctl sessions show lists who, the files and their hashes',
              'yanked' in shown and SEAT_USER[0] in shown and
              all(n in shown and hashlib.sha256(d).hexdigest() in shown
                  for n, d in files.items()), shown)
        sh('umount', '-l', mnt, check=False)
        # the host reads the stick's image (mtools) and hashes the same files
        recorded = {n: self.final_files(recs)[n.encode()]['sha256'] for n in files}
        on_image = self.control.request('image-sha256', name='s4', paths=list(files))['sha256']
        check('session: the recorded hashes match the stick\'s image read on the host',
              on_image == recorded, {'host': on_image, 'logbook': recorded})

    def read_only_medium(self):
        """A medium registered read-only: usbledgerd marks it before it
        authorizes it, and the udev rule's helper sets its disk read-only in
        the kernel as it appears; mounting gives a read-only filesystem and
        nothing can be written, through the filesystem or the raw disk."""
        check = self.check
        since_sig = len(self.h.signals)
        s6, since = self.plug_stick('s6', 'UL-VM-S6')
        self.wait_decision(s6, since_sig)
        since_sig = len(self.h.signals)
        self.h.ctl('register', '--device', os.path.basename(s6), '--asset-number', 'USB-VM-006',
                   '--read-only')
        rec = self.wait_decision(s6, since_sig, 'allow-read-only')
        disk = self.wait_block(s6, since, 'the read-only stick\'s disk')
        ro = read_attr('/sys/class/block/' + os.path.basename(disk), 'ro')
        check('read-only medium: allowed, and its disk is read-only in the kernel',
              rec['authorized'] and ro.strip() == b'1', (rec['decision'], ro))
        # the kernel lets a read-only disk be opened for writing; the write
        # itself is refused
        fd = os.open(disk, os.O_WRONLY)
        try:
            os.write(fd, bytes(512))
            os.fsync(fd)
            raw = 'written'
        except OSError as e:
            raw = e.errno
        finally:
            os.close(fd)
        mnt = os.path.join(os.environ['TMPDIR'], 'mnt-s6')
        os.makedirs(mnt, exist_ok=True)
        # asked for read-write, as a desktop would: the kernel mounts it
        # read-only
        sh('mount', '-t', 'vfat', '-o', 'rw,utf8', disk, mnt, check=False)
        options = [line.split()[5] for line in open('/proc/self/mountinfo')
                   if line.split()[4] == mnt]
        try:
            with open(os.path.join(mnt, 'new.txt'), 'wb') as f:
                f.write(b'should not be written\n')
            written = 'written'
        except OSError as e:
            written = e.errno
        check('read-only medium: a write to the raw disk is refused, the filesystem mounts '
              'read-only and a write to it fails with EROFS',
              raw in (errno.EACCES, errno.EPERM, errno.EROFS) and options and
              options[0].split(',')[0] == 'ro' and written == errno.EROFS,
              (raw, options, written))
        if options:
            sid = rec['session-id']
            self.wait_session(sid, lambda s, m, f: m and
                              m[-1].get('manifest', '').startswith('taken at mount'),
                              'the manifest of the read-only mount')
            sh('umount', mnt)
        self.unplug('s6')

    def erase_on_real_kernel(self):
        """Issue 5 on the real kernel: a registered stick with files on it is
        erased from the guest; after unplugging, the host finds every byte of
        its image zero and verifies the certificate with its own openssl."""
        check = self.check
        s5, sid, mnt, _ = self.registered_mounted_stick('s5', 'UL-VM-S5', 'USB-VM-005')
        with open(os.path.join(mnt, '住民名簿.csv'), 'wb') as f:
            f.write('山田,太郎\n'.encode() * 5000)
        os.sync()
        self.wait_session(sid, lambda s, m, f: any(x.get('sha256') for x in f), 'the file')
        # still mounted: the erasure unmounts it first
        proc = self.h.ctl('erase', 'USB-VM-005', '--confirm', 'USB-VM-005 UL-VM-S5', check=False)
        out = proc.stdout.decode()
        number = out.strip().split('certificate ')[-1] if proc.returncode == 0 else None
        check('erase: the mounted stick is unmounted, overwritten and read back, with a '
              'certificate', proc.returncode == 0 and number, out + proc.stderr.decode())
        session = self.session(sid)[0]
        check('erase: the stick\'s session is marked erased', session['erased'], session)
        folder = os.path.join('/run/results', 'cert')
        if number:
            self.h.ctl('certificate', 'export', number, folder)
        self.unplug('s5')
        zero = self.control.request('image-zero', name='s5')
        check('erase: the host finds every byte of the stick\'s image zero',
              zero['first_nonzero'] is None and zero['size'] == 64 << 20, zero)
        verified = self.control.request('openssl-verify', folder='cert', number=number or '-')
        check('erase: the certificate verifies with openssl on the host', verified['verified'],
              verified['output'])

    def erase_every_lun(self):
        """Issue 9, item 11 on the real kernel: a medium with two LUNs (a
        gadget with two disks) is erased whole: both images end all zero and
        the certificate lists both disks."""
        check = self.check
        images = []
        for i in range(2):
            path = self.gadget_image('lun%d' % i)
            with open(path, 'r+b') as f:
                f.write(b'resident data on LUN %d\n' % i * 1000)
            images.append(path)
        g = Gadget('two-luns', product=0x0110, serial=b'TWO-LUNS-1', manufacturer=b'usbledger',
                   product_name=b'two LUNs', storage_image=images[0],
                   second_lun_image=images[1])
        since_sig = len(self.h.signals)
        path, since = self.plug_gadget(g)
        self.wait_decision(path, since_sig, 'block-and-request')
        self.h.ctl('register', '--device', os.path.basename(path), '--asset-number',
                   'USB-VM-LUN')
        disks = set()
        self.uevents.wait(lambda e: (e['ACTION'] == 'add' and e.get('SUBSYSTEM') == 'block' and
                                     e.get('DEVTYPE') == 'disk' and e.under(path) and
                                     disks.add(e['DEVNAME']) is None and len(disks) == 2),
                          since, what='the two disks')
        settle()
        proc = self.h.ctl('erase', 'USB-VM-LUN', '--confirm', 'USB-VM-LUN TWO-LUNS-1',
                          check=False)
        out = proc.stdout.decode()
        number = out.strip().split('certificate ')[-1] if proc.returncode == 0 else None
        shown = self.h.ctl('certificate', 'show', number).stdout.decode() if number else ''
        nodes = sorted('/dev/' + d for d in disks)
        check('erase: a medium with two LUNs is erased whole, the certificate lists both disks',
              number and all('"device":"%s"' % n in shown for n in nodes) and
              '"capacity-bytes":%d' % (8 << 20) in shown,
              out + proc.stderr.decode() + shown)
        zero = []
        for image in images:
            with open(image, 'rb') as f:
                data = f.read()
            zero.append(data.count(0) == len(data))
        check('erase: every byte of both LUNs\' images is zero', all(zero), zero)
        self.unplug_gadget(g, path)

    def erase_yanked_on_real_kernel(self):
        """Issue 5 on the real kernel: a stick pulled out during its erasure
        ends the job as failed (or interrupted) where the kernel's I/O failed,
        with no certificate, an incident in the log, and its session still
        not erased."""
        check = self.check
        since_sig = len(self.h.signals)
        s7, since = self.plug_stick('s7', 'UL-VM-S7', size_mb=512)
        self.wait_decision(s7, since_sig)
        since_sig = len(self.h.signals)
        self.h.ctl('register', '--device', os.path.basename(s7), '--asset-number', 'USB-VM-007')
        sid = self.wait_decision(s7, since_sig, 'allow')['session-id']
        self.wait_block(s7, since, 'the stick\'s disk')
        start = len(self.h.signals)
        eid = self.h.call('EraseMedium', ('USB-VM-007', 'USB-VM-007 UL-VM-S7', {}),
                          '(ssa{sv})')[0]
        iterate_until(lambda: any(name == 'EraseProgress' and value == eid
                                  for name, value in self.h.signals[start:]),
                      timeout=60, what='the erasure under way')
        self.unplug('s7')
        found = []

        def finished():
            found[:] = [r for name, r in self.h.signals[start:] if name == 'EraseFinished']
            return bool(found)
        iterate_until(finished, timeout=120, what='EraseFinished')
        rec = found[0]
        log = self.h.ctl('log').stdout.decode()
        session = self.session(sid)[0]
        check('erase: pulled out during the erasure, the job fails where the I/O failed, '
              'with no certificate, an incident, and the session not erased',
              rec['outcome'] in ('failed', 'interrupted') and 'certificate' not in rec and
              0 < rec.get('bytes-written', 0) < 512 << 20 and 'offset' in rec.get('message', '')
              and ('erase-failed' in log or 'erase-interrupted' in log) and 'incident' in log
              and not session['erased'], (rec, session))

    HOSTILE = [
        # (gadget, manufacturer, product, serial, decision, new events)
        ('shell', b'$(reboot);`id`|&>/tmp/x *', b'%n%n%s%x%p',
         b'SER\nDEVNAME=/dev/sda\nDRIVER=usb-storage\nID_SERIAL=UL-VM-S1',
         'block-and-request', ['device-added', 'request-created']),
        ('escape', b'\x1b[2J\x1b]0;pwned\x07', b'\x1b[31mRED\x1b[0m', b'ESC\x1b[1mX',
         'block-and-request', ['device-added', 'request-created']),
        ('japanese', '東京都テスト市役所'.encode(), b'P' * 126, 'ＵＳＢ１'.encode(),
         'block-and-request', ['device-added', 'request-created']),
        # an empty serial leaves no sysfs attribute: nothing to register it by
        ('noserial', b'No Serial Inc', b'Anonymous Stick', None, 'block', ['device-added']),
    ]

    def hostile_strings(self):
        check = self.check
        db = self.h.db_path()
        for name, manufacturer, product, serial, decision, kinds in self.HOSTILE:
            g = Gadget('hostile-' + name, product=0x0105, serial=serial or b'',
                       manufacturer=manufacturer, product_name=product,
                       storage_image=self.gadget_image('hostile-' + name))
            n_events = len(self.events())
            since_sig = len(self.h.signals)
            path, since = self.plug_gadget(g)
            rec = self.wait_decision(path, since_sig)
            settle()
            check('hostile %s: blocked (%s)' % (name, decision), rec['decision'] == decision and
                  self.blocked_state(path) == '' and not self.never_added(path, since),
                  (rec['decision'], self.blocked_state(path)))
            sysfs = (read_attr(path, 'manufacturer'), read_attr(path, 'product'),
                     read_attr(path, 'serial'))
            stored = rows(db, 'SELECT manufacturer, product, serial FROM devices_seen '
                          'WHERE id = ?', rec['device-id'])
            check('hostile %s: the kernel passes the strings unchanged and the logbook has '
                  'them byte-exact' % name,
                  sysfs == (manufacturer, product, serial) and
                  stored == [(manufacturer, product, serial)], (sysfs, stored))
            out = self.h.ctl('devices').stdout + self.h.ctl('requests').stdout + \
                self.h.ctl('log').stdout
            raw = [b for b in set(out) if b < 0x20 and b != 0x0a]
            shown = all(expected_escape(s).encode() in out
                        for s in (manufacturer, product, serial) if s)
            check('hostile %s: usbledgerctl shows the strings escaped, no raw control bytes'
                  % name, shown and not raw and b'\nDEVNAME' not in out,
                  'raw bytes %r, expected forms present: %s' % (raw, shown))
            events = self.events()
            lines = self.h.ctl('log').stdout.rstrip(b'\n').split(b'\n')
            forged = rows(db, "SELECT count(*) FROM devices_seen WHERE serial = ?",
                          b'UL-VM-S1')[0][0]
            check('hostile %s: forges nothing (one event line each, new events only for this '
                  'device, no identity taken over)' % name,
                  [e['kind'] for e in events[n_events:]] == kinds and
                  len(lines) == len(events) and
                  all(e['device-id'] == rec['device-id'] for e in events[n_events:]) and
                  forged == 1,
                  'new events %s, %d lines for %d events, %d rows with serial UL-VM-S1' %
                  ([e['kind'] for e in events[n_events:]], len(lines), len(events), forged))
            self.unplug_gadget(g, path)

    def sigkill_and_restart(self):
        check = self.check
        since_sig = len(self.h.signals)
        s2, since = self.plug_stick('s2', 'UL-VM-S2')
        self.wait_decision(s2, since_sig)
        since_sig = len(self.h.signals)
        self.h.ctl('register', '--device', os.path.basename(s2), '--asset-number', 'USB-VM-002')
        rec = self.wait_decision(s2, since_sig, 'allow')
        self.wait_block(s2, since, 'the registered stick\'s disk')
        session = rec['session-id']
        before = self.events()

        self.h.stop_daemon(signal.SIGKILL)
        s3, since3 = self.plug_stick('s3', 'UL-VM-S3')
        settle()
        check('SIGKILLed daemon: an unregistered stick plugged meanwhile stays blocked',
              self.blocked_state(s3) == '' and not self.never_added(s3, since3),
              self.blocked_state(s3))
        check('SIGKILLed daemon: the registered stick in use keeps working',
              read_attr(s2, 'authorized') == b'1' and block_devices(s2))

        since_sig = len(self.h.signals)
        self.h.start_daemon()
        r2 = self.device_record(s2)
        r3 = self.device_record(s3)
        check('restart: decisions reapplied (registered allowed in its same session, the new '
              'stick blocked)', r2['decision'] == 'allow' and r2['session-id'] == session and
              read_attr(s2, 'authorized') == b'1' and r3['decision'] == 'block-and-request' and
              self.blocked_state(s3) == '', (r2['decision'], r2['session-id'], session,
                                             r3['decision']))
        after = self.events()
        new = after[len(before):]
        kinds = sorted((e['kind'], e['device-id']) for e in new)
        want = sorted([('daemon-started', 0),
                       ('device-coldplug', r2['device-id']),
                       ('session-resumed', r2['device-id']),
                       ('device-coldplug', r3['device-id']),
                       ('request-created', r3['device-id'])])
        check('restart: every event once (none lost, none doubled)',
              [e['id'] for e in after[:len(before)]] == [e['id'] for e in before] and
              kinds == want and len(self.requests_for('UL-VM-S3')) == 1,
              'new events %s, wanted %s' % (kinds, want))
        verify = self.h.ctl('log', '--verify', check=False)
        check('restart: the event log hash chain verifies', verify.returncode == 0,
              verify.stdout + verify.stderr)
        for name in ('s2', 's3'):
            self.unplug(name)

    PARTS = ['fail_closed_while_daemon_down', 'daemon_start_request_approve',
             'registered_then_revoked', 'session_files_then_yanked', 'read_only_medium',
             'erase_on_real_kernel', 'erase_every_lun', 'erase_yanked_on_real_kernel',
             'card_reader', 'hostile_strings', 'sigkill_and_restart']


if __name__ == '__main__':
    Scenario().run()
