#!/usr/bin/python3
"""Verified erasure of a registered medium (requirements M6, M2): the real
usbledgerd erases a simulated stick whose disk is a loop device made by the
test, issues a certificate that the openssl command line verifies, and marks
the medium's sessions erased; a wrong confirmation, a missing right, a
cancellation and a daemon killed mid-erase give no certificate.

Needs root (loop devices, mount), like the daemon itself."""

import datetime
import hashlib
import json
import os
import shutil
import signal
import sys
import tempfile
import unittest
import zoneinfo

sys.path.insert(0, os.path.join(os.path.dirname(__file__), '..', 'common'))

from gi.repository import Gio, GLib  # noqa: E402

from harness import BUS_NAME, IFACE, OBJ_PATH, Harness, HoldHook, build_dir  # noqa: E402
from mainloop import iterate_until  # noqa: E402
from test_sessions import registered_stick, run  # noqa: E402

RIGHTS = ('org.usbledger.view', 'org.usbledger.approve', 'org.usbledger.erase')


@unittest.skipIf(os.geteuid() != 0 or shutil.which('openssl') is None,
                 'needs root and the openssl command')
class EraseTest(unittest.TestCase):
    def setUp(self):
        self.h = Harness(allowed=RIGHTS)
        self.tmp = tempfile.mkdtemp(prefix='usbledger-erase-')
        self.disks = []

    def tearDown(self):
        for d in self.disks:
            d.close()
        shutil.rmtree(self.tmp, ignore_errors=True)
        self.h.close()

    def stick(self, size_mb=64, serial=b'ERASE-1'):
        self.stick_dev, disk, sid = registered_stick(self.h, self.disks, self.tmp, 'ext4', serial, 'USB-E1',
                                        size_mb=size_mb)
        return disk, sid

    def finished(self, start):
        found = []

        def match():
            found[:] = [r for name, r in self.h.signals[start:] if name == 'EraseFinished']
            return bool(found)
        iterate_until(match, timeout=120, what='EraseFinished')
        return found[0]

    def test_erase_certificate_verified_by_openssl_and_sessions_erased(self):
        # the city's time zone: the printed certificate shows its local time
        self.h.start_daemon(extra_env={'TZ': 'Asia/Tokyo'})
        disk, sid = self.stick()
        disk.mount()
        # followed from the moment usbledgerd has seen the mount
        self.h.wait_session(sid, lambda s, m, f: m and
                            m[0].get('manifest', '').startswith('taken'), 'the mount')
        with open(os.path.join(disk.mnt, '個人情報.txt'), 'wb') as f:
            f.write(b'secret\n' * 1000)
        self.h.wait_session(sid, lambda s, m, f: any(x.get('sha256') for x in f), 'the file')
        # hashing loaded the usbledger-crypto module (libcrypto) on first use
        with open('/proc/%d/maps' % self.h.daemon.pid) as f:
            self.assertIn('usbledger-crypto.so', f.read())

        wrong = self.h.ctl('erase', 'USB-E1', '--confirm', 'USB-E1 OTHER', check=False)
        self.assertEqual(wrong.returncode, 1)
        self.assertIn('confirm with the asset number and serial: "USB-E1 ERASE-1"',
                      wrong.stderr.decode())

        # the stick is still mounted: its own filesystem is unmounted first
        proc = self.h.ctl('erase', 'USB-E1', '--confirm', 'USB-E1 ERASE-1')
        out = proc.stdout.decode()
        self.assertIn('erased and verified: %d bytes' % (64 << 20), out)
        number = out.strip().split('certificate ')[-1]
        self.assertRegex(number, r'^20\d\d-0001$')
        disk.mounted = False
        with open(disk.image, 'rb') as f:
            while True:
                block = f.read(1 << 20)
                if not block:
                    break
                self.assertEqual(block.count(0), len(block), 'a byte was not overwritten')

        # the city's check, openssl alone; a changed byte fails it
        folder = os.path.join(self.tmp, 'export')
        exported = self.h.ctl('certificate', 'export', number, folder).stdout.decode()
        self.assertIn('openssl dgst -sha256 -verify', exported)
        cert = os.path.join(folder, number + '.json')
        verify = ['openssl', 'dgst', '-sha256', '-verify',
                  os.path.join(folder, 'signing-key.pub.pem'), '-signature', cert + '.sig', cert]
        self.assertIn(b'Verified OK', run(*verify).stdout)
        subject = run('openssl', 'x509', '-in', os.path.join(folder, 'signing-cert.pem'),
                      '-noout', '-subject', text=True).stdout
        self.assertIn('usbledger erasure certificates', subject)
        with open(cert, 'rb') as f:
            data = f.read()
        self.assertIn(b'"asset-number":"USB-E1"', data)
        self.assertIn(b'"mismatches":0', data)
        self.assertIn(b'"serial":"ERASE-1"', data)
        self.assertIn(b'"sessions-closed":[%d]' % sid, data)
        self.assertIn(b'full read-back', data)
        with open(cert, 'wb') as f:
            f.write(data.replace(b'"mismatches":0', b'"mismatches":1'))
        self.assertNotEqual(run(*verify, check=False).returncode, 0)
        self.assertIn('signature verified', self.h.ctl('certificate', 'verify', number)
                      .stdout.decode())

        # the printable certificate: Japanese text, the key fields, renders
        pdf = os.path.join(folder, number + '.pdf')
        text = run('pdftotext', '-layout', pdf, '-', text=True).stdout
        for field in ('データ消去証明書', '管理番号', 'USB-E1', 'ERASE-1', number, '不一致 0',
                      'NIST SP 800-88', 'zeros', '実施者', 'root', '印', str(64 << 20)):
            self.assertIn(field, text)
        # drawn from the bytes that were signed: the SHA-256 printed (and in
        # the QR code) is theirs; times in local time with the zone, the
        # PDF's creation date the certificate's own (the same bytes each time)
        self.assertIn(hashlib.sha256(data).hexdigest(), ''.join(text.split()))
        issued = json.loads(data)['issued-at']
        local = datetime.datetime.fromisoformat(issued.replace('Z', '+00:00')).astimezone(
            zoneinfo.ZoneInfo('Asia/Tokyo'))
        self.assertIn(local.strftime('%Y-%m-%d %H:%M:%S JST (UTC+09:00)'), text)
        self.assertNotIn(issued, text)
        info = run('pdfinfo', '-isodates', pdf, text=True).stdout
        self.assertRegex(info, r'CreationDate:\s+%s' % issued.replace('Z', ''))
        png = run('pdftoppm', '-png', '-r', '50', '-singlefile', pdf,
                  os.path.join(folder, 'page'))
        self.assertEqual(png.stderr, b'')
        self.assertGreater(os.path.getsize(os.path.join(folder, 'page.png')), 10000)

        session = self.h.session(sid)[0]
        self.assertTrue(session['erased'])
        # the session erased ended as the erasure started; the stick, still
        # plugged in, is in a new session, not erased (issue 9, item 13)
        lines = self.h.ctl('sessions').stdout.decode().splitlines()
        self.assertEqual(len(lines), 2, lines)
        self.assertTrue(lines[0].startswith('#%d ' % sid) and
                        lines[0].rstrip().endswith('  erased  erasure started (erase-started)'),
                        lines)
        self.assertIn('(in use)', lines[1])
        self.assertTrue(lines[1].rstrip().endswith('  not erased'), lines)
        shown = self.h.ctl('certificate', 'show', number).stdout
        self.assertEqual(shown.rstrip(b'\n'), data)
        listing = self.h.ctl('certificates').stdout.decode()
        self.assertIn(number, listing)
        self.assertIn('verified', listing)
        log = self.h.ctl('log').stdout.decode()
        self.assertIn('erase-started', log)
        self.assertIn('certificate-issued', log)
        self.assertEqual(self.h.ctl('log', '--verify', check=False).returncode, 0)

    # -- issue 9, item 14: the certificate names its key, pinned in the logbook
    def erase(self, check=True):
        return self.h.ctl('erase', 'USB-E1', '--confirm', 'USB-E1 ERASE-1', check=check)

    def test_certificate_names_its_pinned_key(self):
        self.h.start_daemon()
        self.stick()
        number = self.erase().stdout.decode().strip().split('certificate ')[-1]
        folder = os.path.join(self.tmp, 'export')
        self.h.ctl('certificate', 'export', number, folder)
        pub = os.path.join(folder, 'signing-key.pub.pem')
        # the fingerprint the city computes with openssl alone
        der = run('openssl', 'pkey', '-pubin', '-in', pub, '-outform', 'DER').stdout
        fingerprint = hashlib.sha256(der).hexdigest()
        with open(os.path.join(folder, number + '.json'), 'rb') as f:
            self.assertIn(b'"signing-key-sha256":"%s"' % fingerprint.encode(), f.read())
        verified = self.h.ctl('certificate', 'verify', number).stdout.decode()
        self.assertIn(fingerprint, verified)

        # the key file is lost: no new key while certificates exist; the
        # erasure is verified but gets no certificate, an incident says why
        keys = os.path.join(self.h.state_dir, 'keys-backup')
        os.makedirs(keys)
        for name in ('signing-key.pem', 'signing-key.pub.pem', 'signing-cert.pem'):
            shutil.move(os.path.join(self.h.state_dir, name), keys)
        self.h.stop_daemon()
        self.h.start_daemon()
        failed = self.erase(check=False)
        self.assertNotEqual(failed.returncode, 0)
        self.assertIn('signing key', failed.stderr.decode() + failed.stdout.decode())
        self.assertFalse(os.path.exists(os.path.join(self.h.state_dir, 'signing-key.pem')))
        log = self.h.ctl('log').stdout.decode()
        self.assertIn('is missing', log)
        self.assertIn(fingerprint, log)
        # the old certificate still verifies: its key is in the logbook
        self.assertIn('signature verified',
                      self.h.ctl('certificate', 'verify', number).stdout.decode())

        # another key in its place is refused too
        run('openssl', 'genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256',
            '-out', os.path.join(self.h.state_dir, 'signing-key.pem'))
        failed = self.erase(check=False)
        self.assertIn('is not the key the certificates were signed with',
                      failed.stderr.decode() + failed.stdout.decode())

        # the right key restored: certificates again, with the same key
        for name in ('signing-key.pem', 'signing-key.pub.pem', 'signing-cert.pem'):
            shutil.copy(os.path.join(keys, name), self.h.state_dir)
        again = self.erase().stdout.decode().strip().split('certificate ')[-1]
        shown = self.h.ctl('certificate', 'show', again).stdout
        self.assertIn(b'"signing-key-sha256":"%s"' % fingerprint.encode(), shown)

    # -- issue 9, item 13: use after erasure -------------------------------
    def test_use_after_erasure_is_a_new_session_and_blocks_retirement(self):
        self.h.start_daemon()
        disk, sid = self.stick()
        disk.mount()
        self.h.wait_session(sid, lambda s, m, f: m and
                            m[0].get('manifest', '').startswith('taken'), 'the mount')
        start = len(self.h.signals)
        number = self.erase().stdout.decode().strip().split('certificate ')[-1]
        disk.mounted = False
        # the session in use ended as the erasure started, and is the one erased
        session = self.h.session(sid)[0]
        self.assertEqual(session['end-reason'], 'erase-started')
        self.assertTrue(session['erased'])
        shown = self.h.ctl('certificate', 'show', number).stdout
        self.assertIn(b'"sessions-closed":[%d]' % sid, shown)
        # still plugged in: decided again, a new session, not erased
        rec = self.h.wait_device_since(start, '1-2', 'allow')
        new_sid = rec['session-id']
        self.assertNotIn(new_sid, (0, sid))
        self.assertFalse(self.h.session(new_sid)[0]['erased'])
        # used after the erasure: written to, it stays "not erased"
        run('mkfs.ext4', '-q', '-F', disk.dev)
        disk.mount()
        self.h.wait_session(new_sid, lambda s, m, f: m and
                            m[0].get('manifest', '').startswith('taken'), 'the mount')
        with open(os.path.join(disk.mnt, 'after.txt'), 'wb') as f:
            f.write(b'written after the erasure\n')
        self.h.wait_session(new_sid, lambda s, m, f: any(x.get('sha256') for x in f),
                            'the file written after the erasure')
        self.assertFalse(self.h.session(new_sid)[0]['erased'])
        self.assertTrue(self.h.session(sid)[0]['erased'])
        # the old certificate no longer proves the medium erased: no retirement
        bad = self.h.ctl('dispose', 'USB-E1', 'retired', check=False)
        self.assertEqual(bad.returncode, 1)
        self.assertIn('used after its last erasure (session %d' % new_sid, bad.stderr.decode())
        disk.umount()

    # -- issue 9, items 11 and 12: every disk of the medium, the one decided --
    def test_every_disk_of_the_medium_is_erased(self):
        self.h.start_daemon()
        disk, sid = self.stick()
        image = os.path.join(self.tmp, 'lun1.img')
        with open(image, 'wb') as f:
            f.write(b'kept on the second LUN\n' * 1000)
            f.truncate(32 << 20)
        lun1 = run('losetup', '-f', '--show', image, text=True).stdout.strip()
        self.addCleanup(run, 'losetup', '-d', lun1, check=False)
        self.h.usb.add_disk(self.stick_dev, lun1, name='sdc', lun=1)
        # a USB device behind a hub inside the medium: not the medium's disk
        image2 = os.path.join(self.tmp, 'child.img')
        with open(image2, 'wb') as f:
            f.write(b'another device\n' * 1000)
            f.truncate(16 << 20)
        child = run('losetup', '-f', '--show', image2, text=True).stdout.strip()
        self.addCleanup(run, 'losetup', '-d', child, check=False)
        self.h.usb.add_disk(self.stick_dev, child, name='sdd',
                            under=self.h.usb.add_child_device(self.stick_dev, '1-2.1'))
        proc = self.erase()
        out = proc.stdout.decode()
        self.assertIn('erased and verified: %d bytes' % ((64 + 32) << 20), out)
        number = out.strip().split('certificate ')[-1]
        for path in (disk.image, image):
            with open(path, 'rb') as f:
                data = f.read()
            self.assertEqual(data.count(0), len(data), path)
        with open(image2, 'rb') as f:
            self.assertTrue(f.read().startswith(b'another device'))
        shown = self.h.ctl('certificate', 'show', number).stdout.decode()
        self.assertIn('"disks":[{"capacity-bytes":%d,"device":"%s"},'
                      '{"capacity-bytes":%d,"device":"%s"}]' % (64 << 20, disk.dev, 32 << 20, lun1),
                      shown)

    def test_a_node_that_is_not_the_disk_decided_on_is_not_erased(self):
        self.h.start_daemon()
        disk, sid = self.stick()
        # udev's node of the second disk names another device than its
        # major:minor (a node reused or replaced meanwhile)
        images, loops = [], []
        for name in ('decided', 'other'):
            image = os.path.join(self.tmp, name + '.img')
            with open(image, 'wb') as f:
                f.write(b'canary %s\n' % name.encode() * 1000)
                f.truncate(16 << 20)
            loops.append(run('losetup', '-f', '--show', image, text=True).stdout.strip())
            self.addCleanup(run, 'losetup', '-d', loops[-1], check=False)
            images.append(image)
        self.h.usb.add_disk(self.stick_dev, loops[0], name='sdc', lun=1, devname=loops[1])
        failed = self.erase(check=False)
        self.assertEqual(failed.returncode, 1)
        self.assertIn('is no longer the disk', failed.stderr.decode())
        # nothing was written, on any disk
        for path, name in ((images[0], b'decided'), (images[1], b'other')):
            with open(path, 'rb') as f:
                self.assertTrue(f.read().startswith(b'canary ' + name), path)
        with open(disk.image, 'rb') as f:
            self.assertNotEqual(f.read(1 << 20).count(0), 1 << 20)
        self.assertEqual(self.h.call('ListErasures', ('',), '(s)')[0], [])

    def test_an_erasure_that_cannot_start_leaves_the_session_followed(self):
        self.h.start_daemon()
        disk, sid = self.stick()
        disk.mount()
        self.h.wait_session(sid, lambda s, m, f: m and
                            m[0].get('manifest', '').startswith('taken'), 'the mount')
        # a file held open on it: the unmount before the erasure is refused
        held = open(os.path.join(disk.mnt, 'held.txt'), 'wb')
        try:
            failed = self.erase(check=False)
        finally:
            held.close()
        self.assertEqual(failed.returncode, 1)
        self.assertIn('cannot unmount', failed.stderr.decode())
        # still the same session, and what is written now is recorded
        with open(os.path.join(disk.mnt, 'after.txt'), 'wb') as f:
            f.write(b'written after the refused erasure\n')
        files = self.h.wait_session(sid, lambda s, m, f: any(
            bytes(x['path']) == b'after.txt' and x.get('sha256') for x in f),
            'the file written after the refused erasure')[2]
        self.assertFalse(self.h.session(sid)[0]['ended-at'])
        self.assertTrue(files)

    def test_a_replaced_usb_device_is_not_erased(self):
        self.h.start_daemon()
        disk, sid = self.stick()
        # the USB device at that place now has another device number: a new
        # enumeration (another stick), not the medium the supervisor confirmed
        self.h.usb.testbed.set_attribute(self.stick_dev.syspath, 'devnum', '99')
        failed = self.erase(check=False)
        self.assertEqual(failed.returncode, 1, failed.stdout)
        self.assertIn('is no longer the one that was decided about', failed.stderr.decode())
        with open(disk.image, 'rb') as f:
            self.assertNotEqual(f.read(1 << 20).count(0), 1 << 20)
        self.assertEqual(self.h.call('ListErasures', ('',), '(s)')[0], [])

    def test_disposal(self):
        self.h.start_daemon()
        self.stick()
        # retired only after a verified erasure; destroyed only with its details
        bad = self.h.ctl('dispose', 'USB-E1', 'retired', check=False)
        self.assertEqual(bad.returncode, 1)
        self.assertIn('only right after a verified erasure: it was never erased',
                      bad.stderr.decode())
        bad = self.h.ctl('dispose', 'USB-E1', 'destroyed', '--contractor', 'ACME', check=False)
        self.assertIn('contractor, their reference number and the day', bad.stderr.decode())
        self.h.ctl('erase', 'USB-E1', '--confirm', 'USB-E1 ERASE-1')
        pdf = os.path.join(self.tmp, 'disposal.pdf')
        rec = self.h.expect_device(lambda: self.h.ctl('dispose', 'USB-E1', 'retired', '--pdf',
                                                      pdf), '1-2', 'block')
        text = run('pdftotext', '-layout', pdf, '-', text=True).stdout
        for field in ('記録媒体廃棄記録', 'USB-E1', '消去後廃棄', '-0001', '印'):
            self.assertIn(field, text)
        self.assertIn('disposed', rec['reason'])
        media = self.h.call('ListMedia')[0]
        self.assertEqual(media[0]['status'], 'disposed')
        # never registered again, under any asset number
        again = self.h.ctl('register', '--device', '1-2', '--asset-number', 'USB-E2',
                           check=False)
        self.assertEqual(again.returncode, 1)
        self.assertIn('may never be registered again', again.stderr.decode())
        self.assertIn('retired after erasure (certificate', self.h.ctl('log').stdout.decode())

    def test_no_right_no_erase(self):
        self.h.start_daemon()
        self.stick()
        self.h.set_allowed(('org.usbledger.view',))
        proc = self.h.ctl('erase', 'USB-E1', '--confirm', 'USB-E1 ERASE-1', check=False)
        self.assertEqual(proc.returncode, 1)
        self.assertIn('org.usbledger.erase', proc.stderr.decode())

    def test_the_certificate_pdf_is_written_without_holding_the_daemon(self):
        """Issue 9, item 16: the certificate's PDF is rendered by its helper
        in the background; the daemon answers meanwhile, and a client asking
        for the PDF then gets it once it is written, whole."""
        with HoldHook(self.tmp, 'pdf') as hold:
            self.h.start_daemon(extra_env={'USBLEDGER_PDF_TEST_HOLD': hold.fifo})
            self.stick(size_mb=8)
            start = len(self.h.signals)
            self.h.call('EraseMedium', ('USB-E1', 'USB-E1 ERASE-1', {}), '(ssa{sv})')
            rec = self.finished(start)
            number = rec['certificate']
            # the helper is writing the PDF, held
            hold.wait_held('the PDF helper')
            # the daemon answers, and the PDF asked for is not answered yet
            got = []
            self.h.gbus.call(BUS_NAME, OBJ_PATH, IFACE, 'GetCertificatePdf',
                             GLib.Variant('(s)', (number,)), None, Gio.DBusCallFlags.NONE, 60000,
                             None, lambda bus, res: got.append(bus.call_finish(res)))
            self.assertEqual(self.h.call('ListDevices')[0][0]['name'], self.stick_dev.name)
            self.assertEqual(got, [])
            pdf = os.path.join(self.h.state_dir, 'certificates', number + '.pdf')
            self.assertFalse(os.path.exists(pdf))
            hold.release()
            iterate_until(lambda: got, timeout=60, what='the PDF')
            data = bytes(got[0].unpack()[0])
            self.assertTrue(data.startswith(b'%PDF-'), data[:16])
            self.assertTrue(data.rstrip().endswith(b'%%EOF'))
            with open(pdf, 'rb') as f:
                self.assertEqual(f.read(), data)

    def test_cancelled_erase_is_an_incident_without_certificate(self):
        self.h.start_daemon()
        self.stick(size_mb=1024)
        start = len(self.h.signals)
        eid = self.h.call('EraseMedium', ('USB-E1', 'USB-E1 ERASE-1',
                                          {'pattern': GLib.Variant('s', 'aes-256-ctr')}),
                          '(ssa{sv})')[0]
        self.h.call('CancelErase', (eid,), '(x)')
        rec = self.finished(start)
        self.assertEqual(rec['outcome'], 'interrupted', rec)
        self.assertNotIn('certificate', rec)
        self.assertIn('cancelled', rec['message'])
        log = self.h.ctl('log').stdout.decode()
        self.assertIn('incident', log)
        # who cancelled it is recorded, by account, as the one who acted
        events = json.loads(self.h.ctl('--json', 'log').stdout)
        started = [e for e in events if e['kind'] == 'erase-started'][-1]
        incident = [e for e in events if e['kind'] == 'erase-interrupted'][-1]
        self.assertEqual(incident['actor'], started['actor'])
        self.assertIn('(cancelled by %s)' % started['actor'], incident['detail'])
        self.assertEqual(self.h.call('ListErasures', ('USB-E1',), '(s)')[0][0]['outcome'],
                         'interrupted')

    def test_crypto_module_of_another_version_is_refused(self):
        # the package upgraded under a running daemon: the erasure fails
        # with what to do, nothing is written, no certificate
        wrong = os.path.join(build_dir(), 'tests', 'integration', 'wrong-abi-crypto.so')
        self.h.start_daemon(['--crypto-module', wrong])
        disk, _ = self.stick()
        start = len(self.h.signals)
        proc = self.h.ctl('erase', 'USB-E1', '--confirm', 'USB-E1 ERASE-1', check=False)
        self.assertEqual(proc.returncode, 1)
        self.assertIn('NOT erased (failed)', proc.stdout.decode())
        self.assertIn('restart usbledgerd', proc.stdout.decode())
        rec = self.finished(start)
        self.assertEqual(rec['outcome'], 'failed', rec)
        self.assertNotIn('certificate', rec)
        with open(disk.image, 'rb') as f:
            self.assertNotEqual(f.read(1 << 20), bytes(1 << 20))   # its filesystem is there
        self.assertEqual(self.h.call('ListErasures', ('USB-E1',), '(s)')[0][0]['outcome'],
                         'failed')

    def test_daemon_killed_mid_erase_marks_it_interrupted(self):
        self.h.start_daemon()
        self.stick(size_mb=2048)
        self.h.call('EraseMedium', ('USB-E1', 'USB-E1 ERASE-1', {}), '(ssa{sv})')
        self.h.stop_daemon(signal.SIGKILL)
        self.h.start_daemon()
        erasures = self.h.call('ListErasures', ('',), '(s)')[0]
        self.assertEqual(len(erasures), 1)
        self.assertEqual(erasures[0]['outcome'], 'interrupted')
        self.assertIn('stopped during the erasure', erasures[0]['message'])
        self.assertNotIn('certificate', erasures[0])
        self.assertIn('erase-interrupted', self.h.ctl('log').stdout.decode())


if __name__ == '__main__':
    unittest.main(verbosity=2)
