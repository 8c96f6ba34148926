#!/usr/bin/python3
"""The monthly ledger through the real daemon on a simulated bus: what a
month's sessions, blocked insertions and incidents become, as the CLI shows
them and as the signed bundle will carry them."""

import datetime
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import unittest
import zoneinfo

sys.path.insert(0, os.path.join(os.path.dirname(__file__), '..', 'common'))

from gi.repository import GLib  # noqa: E402

from harness import Harness, binary  # noqa: E402
from logbook_forms import event_hash  # noqa: E402
from mocksysfs import MASS_STORAGE  # noqa: E402

TOKYO = zoneinfo.ZoneInfo('Asia/Tokyo')


def canonical(value):
    """ul_canonical_json: keys sorted, no white space, UTF-8 as is."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(',', ':')).encode()


class LedgerTest(unittest.TestCase):
    def setUp(self):
        self.h = Harness()
        self.addCleanup(self.h.close)
        # the city's zone, for the daemon and for the CLI
        os.environ['TZ'] = 'Asia/Tokyo'
        self.addCleanup(os.environ.pop, 'TZ')
        self.h.start_daemon(extra_env={'TZ': 'Asia/Tokyo'})
        self.month = datetime.datetime.now(TOKYO).strftime('%Y-%m')

    def plug(self, port, serial, decision):
        box = {}

        def action():
            box['dev'] = self.h.usb.add(port, 0x0781, 0x5567, [[MASS_STORAGE]], serial=serial)
        return box['dev'] if self.h.expect_device(action, '1-%d' % port, decision) else None

    def ledger_json(self, month=None):
        out = self.h.ctl('--json', 'ledger', month or self.month).stdout
        return json.loads(out)

    def test_a_month_of_use(self):
        # tanaka's registered stick, used and pulled out; an unknown stick blocked
        dev = self.plug(2, b'LEDGER-1', 'block-and-request')
        request = self.h.call('ListRequests', ('pending',), '(s)')[0][0]
        self.h.expect_device(lambda: self.h.ctl('approve', str(request['id']), '--asset-number',
                                                'YZ-USB-0001', '--label', '総務課 1'),
                             '1-2', 'allow')
        self.h.expect_device(lambda: self.h.usb.unplug(dev), '1-2', removed=True)
        self.plug(3, b'=HYPERLINK("x")', 'block-and-request')

        ledger = self.ledger_json()
        self.assertEqual(ledger['ledger'], 'usbledger monthly ledger v1')
        self.assertEqual(ledger['zone'], 'JST (UTC+09:00)')
        self.assertEqual(len(ledger['sessions']), 1)
        session = ledger['sessions'][0]
        self.assertEqual(session['asset-number'], 'YZ-USB-0001')
        self.assertEqual(session['user'], 'tanaka')
        self.assertEqual(session['end-reason'], 'removed')
        self.assertEqual(session['approved-by'], 'root')
        self.assertEqual(session['files'], 0)
        self.assertEqual(session['files-sha256'], hashlib.sha256(b'').hexdigest())
        self.assertNotIn('certificate', session)
        serials = [b['serial'] for b in ledger['blocked']]
        self.assertEqual(serials, ['LEDGER-1', '=HYPERLINK("x")'])
        self.assertEqual(ledger['blocked'][0]['request-state'], 'approved')
        self.assertEqual(ledger['blocked'][1]['request-state'], 'pending')
        # why, as a code the documents label (the sentence stays as detail)
        self.assertEqual([b['reason-code'] for b in ledger['blocked']],
                         ['not-registered', 'not-registered'])
        self.assertIn('not registered', ledger['blocked'][0]['detail'])
        summary = ledger['summary']
        self.assertEqual((summary['sessions'], summary['blocked-insertions'],
                          summary['requests'], summary['requests-approved'],
                          summary['media-not-erased']), (1, 2, 2, 1, 1))
        self.assertGreater(summary['last-event-id'], summary['first-event-id'])
        # the digest is the SHA-256 of the ledger's canonical JSON
        digest = ledger.pop('content-digest')
        ledger.pop('as-of-us')
        self.assertEqual(hashlib.sha256(canonical(ledger)).hexdigest(), digest)

        # the preview, in local time
        text = self.h.ctl('ledger', self.month).stdout.decode()
        self.assertIn('JST (UTC+09:00)', text)
        self.assertIn('YZ-USB-0001  tanaka', text)
        # another generation (another as-of): its own digest
        self.assertRegex(text, r'content digest \(SHA-256\): [0-9a-f]{64}\n')
        ja = self.h.ctl('ledger', self.month, language='ja').stdout.decode()
        self.assertIn('月次使用簿 ' + self.month, ja)

    def page(self, offset, limit, as_of=None):
        options = {'offset': GLib.Variant('u', offset), 'limit': GLib.Variant('u', limit)}
        if as_of is not None:
            options['as-of'] = GLib.Variant('x', as_of)
        return self.h.call('GetLedger', (self.month, options), '(sa{sv})')[0]

    def test_pages_describe_one_logbook(self):
        for port in range(2, 6):
            self.plug(port, b'PAGE-%d' % port, 'block-and-request')
        first = self.page(0, 1)
        self.assertEqual(len(first['blocked']), 1)
        self.assertEqual(first['summary']['blocked-insertions'], 4)
        as_of = first['as-of-us']
        # a later insertion is not in the pages of that moment
        self.plug(6, b'PAGE-LATER', 'block-and-request')
        rest = [self.page(i, 1, as_of) for i in range(1, 5)]
        serials = [first['blocked'][0]['serial']] + [p['blocked'][0]['serial']
                                                     for p in rest[:3]]
        self.assertEqual(serials, ['PAGE-%d' % port for port in range(2, 6)])
        self.assertEqual(rest[3]['blocked'], [])
        self.assertEqual({p['content-digest'] for p in rest}, {first['content-digest']})
        now = self.page(0, 2000)
        self.assertEqual(len(now['blocked']), 5)
        self.assertNotEqual(now['content-digest'], first['content-digest'])
        # a page larger than the daemon gives, or no time
        for bad in ({'limit': GLib.Variant('u', 2001)}, {'as-of': GLib.Variant('x', 0)}):
            with self.assertRaises(GLib.Error) as caught:
                self.h.call('GetLedger', (self.month, bad), '(sa{sv})')
            self.assertIn('as-of must be a time, and limit 1 to 2000', str(caught.exception))

    def test_other_months_and_bad_months(self):
        self.plug(2, b'NOW-1', 'block-and-request')
        empty = self.ledger_json('2001-01')
        self.assertEqual((empty['sessions'], empty['blocked'], empty['incidents']), ([], [], []))
        bad = self.h.ctl('ledger', '2026-13', check=False)
        self.assertEqual(bad.returncode, 1)
        self.assertIn('as a month (YYYY-MM)', bad.stderr.decode())
        self.assertEqual(self.h.ctl('ledger', check=False).returncode, 2)



def run(*args, cwd=None):
    return subprocess.run(args, cwd=cwd, capture_output=True, text=True)


class LedgerBundleTest(unittest.TestCase):
    """The signed bundle the city receives, checked with openssl and
    sha256sum alone, and against the logbook by `ledger verify`."""

    def setUp(self):
        self.h = Harness(allowed=('org.usbledger.view', 'org.usbledger.approve',
                                  'org.usbledger.report'))
        self.addCleanup(self.h.close)
        self.tmp = tempfile.mkdtemp(prefix='usbledger-bundle-')
        self.addCleanup(shutil.rmtree, self.tmp, ignore_errors=True)
        os.environ['TZ'] = 'Asia/Tokyo'
        self.addCleanup(os.environ.pop, 'TZ')
        self.h.start_daemon(extra_env={'TZ': 'Asia/Tokyo'})
        self.month = datetime.datetime.now(TOKYO).strftime('%Y-%m')
        # a month's use: a session, a blocked stick
        box = {}

        def plug():
            box['dev'] = self.h.usb.add(2, 0x0781, 0x5567, [[MASS_STORAGE]], serial=b'BUNDLE-1')
        rec = self.h.expect_device(plug, '1-2', 'block-and-request')
        self.h.expect_device(lambda: self.h.ctl('approve', str(rec['request-id']),
                                                '--asset-number', 'YZ-USB-0007'), '1-2', 'allow')
        self.h.expect_device(lambda: self.h.usb.unplug(box['dev']), '1-2', removed=True)

    def export(self, month, name):
        folder = os.path.join(self.tmp, name)
        out = self.h.ctl('ledger', month, '--out', folder).stdout.decode()
        self.assertIn('openssl dgst -sha256 -verify signing-key.pub.pem', out)
        return folder

    def test_the_city_checks_it_with_openssl_alone(self):
        folder = self.export(self.month, 'b')
        files = sorted(os.listdir(folder))
        self.assertEqual(files, sorted([
            'SHA256SUMS', 'SHA256SUMS.sig', 'ledger-%s.csv' % self.month,
            'ledger-%s.json' % self.month, 'ledger-%s.pdf' % self.month, 'manifest.json',
            'manifest.json.sig', 'signing-cert.pem', 'signing-key.pub.pem']))
        for signed in ('SHA256SUMS', 'manifest.json'):
            proc = run('openssl', 'dgst', '-sha256', '-verify', 'signing-key.pub.pem',
                       '-signature', signed + '.sig', signed, cwd=folder)
            self.assertIn('Verified OK', proc.stdout, proc.stderr)
        proc = run('sha256sum', '-c', 'SHA256SUMS', cwd=folder)
        self.assertEqual(proc.returncode, 0, proc.stdout + proc.stderr)
        with open(os.path.join(folder, 'manifest.json'), 'rb') as f:
            manifest = json.loads(f.read())
        with open(os.path.join(folder, 'ledger-%s.json' % self.month), 'rb') as f:
            ledger_bytes = f.read()
        self.assertEqual(manifest['month'], self.month)
        self.assertEqual(manifest['content-digest'], hashlib.sha256(ledger_bytes).hexdigest())
        self.assertEqual(manifest['rows'], {'sessions': 1, 'blocked': 1, 'incidents': 0})
        self.assertEqual(manifest['generated-by'], 'root')
        self.assertGreaterEqual(manifest['chain-head']['event-id'], manifest['last-event-id'])
        self.assertRegex(manifest['chain-head']['hash'], '^[0-9a-f]{64}$')
        # the key named is the key given: openssl pkey -pubin -outform DER | sha256sum
        der = subprocess.run(['openssl', 'pkey', '-pubin', '-in', 'signing-key.pub.pem',
                              '-outform', 'DER'], cwd=folder, capture_output=True, check=True)
        self.assertEqual(manifest['signing-key-sha256'], hashlib.sha256(der.stdout).hexdigest())
        # the paper copy carries the content digest
        text = run('pdftotext', '-layout', 'ledger-%s.pdf' % self.month, '-', cwd=folder).stdout
        self.assertIn(manifest['content-digest'], ''.join(text.split()))
        self.assertIn('YZ-USB-0007', text)
        # recorded
        log = self.h.ctl('log').stdout.decode()
        self.assertIn('ledger-exported', log)
        self.assertIn(manifest['content-digest'], log)
        # and our own check agrees
        out = self.h.ctl('ledger', 'verify', folder).stdout.decode()
        self.assertIn('signatures verified', out)
        self.assertIn('the logbook still derives this ledger', out)

    def test_a_changed_byte_in_any_file_fails(self):
        folder = self.export(self.month, 'b')
        for name in ('ledger-%s.csv' % self.month, 'ledger-%s.pdf' % self.month,
                     'ledger-%s.json' % self.month, 'manifest.json', 'SHA256SUMS',
                     'SHA256SUMS.sig', 'signing-cert.pem', 'signing-key.pub.pem'):
            copy = os.path.join(self.tmp, 'copy-' + name)
            shutil.copytree(folder, copy)
            path = os.path.join(copy, name)
            with open(path, 'r+b') as f:
                data = bytearray(f.read())
                data[len(data) // 2] ^= 0x01
                f.seek(0)
                f.write(data)
            ok_sig = run('openssl', 'dgst', '-sha256', '-verify', 'signing-key.pub.pem',
                         '-signature', 'SHA256SUMS.sig', 'SHA256SUMS', cwd=copy).returncode == 0
            ok_sums = run('sha256sum', '-c', 'SHA256SUMS', cwd=copy).returncode == 0
            self.assertFalse(ok_sig and ok_sums, name)
            proc = self.h.ctl('ledger', 'verify', copy, check=False)
            self.assertEqual(proc.returncode, 1, name)
            self.assertIn('does not verify', proc.stderr.decode(), name)

    def test_an_edit_of_the_logbook_is_named(self):
        folder = self.export(self.month, 'b')
        db = sqlite3.connect(self.h.db_path())
        sid = db.execute('SELECT id FROM sessions').fetchone()[0]
        # the plain shell cannot write a record table while its seal
        # triggers are there; an editor drops them first
        with self.assertRaisesRegex(sqlite3.OperationalError, 'no such function'):
            db.execute("UPDATE sessions SET user_name = 'suzuki'")
        db.execute('DROP TRIGGER sessions_seal_update')
        db.execute('DROP TRIGGER sessions_seal_renumber')
        db.execute("UPDATE sessions SET user_name = 'suzuki'")
        db.commit()
        db.close()
        # the logbook's own check names the row, without any bundle
        proc = self.h.ctl('log', '--verify', check=False)
        self.assertEqual(proc.returncode, 1)
        self.assertIn('sessions row %d was changed outside usbledgerd' % sid,
                      proc.stderr.decode())
        proc = self.h.ctl('ledger', 'verify', folder, check=False)
        self.assertEqual(proc.returncode, 1)
        out = proc.stdout.decode()
        self.assertIn('signatures verified', out)
        self.assertIn('no longer matches', out)
        self.assertIn('sessions row 1 (session #%d): user: \'tanaka\' in the bundle, '
                      '\'suzuki\' in the logbook' % sid, out)

    def test_months_chain_and_the_right_is_needed(self):
        previous = (datetime.datetime.now(TOKYO).replace(day=1) -
                    datetime.timedelta(days=1)).strftime('%Y-%m')
        first = self.export(previous, 'prev')
        second = self.export(self.month, 'now')
        with open(os.path.join(first, 'manifest.json'), 'rb') as f:
            previous_sha = hashlib.sha256(f.read()).hexdigest()
        with open(os.path.join(second, 'manifest.json'), 'rb') as f:
            manifest = json.loads(f.read())
        self.assertEqual(manifest['previous-month'], previous)
        self.assertEqual(manifest['previous-manifest-sha256'], previous_sha)
        self.h.set_allowed(('org.usbledger.view',))
        proc = self.h.ctl('ledger', self.month, '--out', os.path.join(self.tmp, 'x'),
                          check=False)
        self.assertEqual(proc.returncode, 1)
        self.assertIn('org.usbledger.report', proc.stderr.decode())

    def test_csv_only_and_the_appendix(self):
        csv_text = self.h.ctl('ledger', self.month, '--csv-only').stdout
        self.assertTrue(csv_text.startswith(b'\xef\xbb\xbf'))
        self.assertIn('YZ-USB-0007'.encode(), csv_text)
        folder = os.path.join(self.tmp, 'a')
        self.h.ctl('ledger', self.month, '--out', folder, '--files-appendix')
        self.assertIn('ledger-%s-files.csv' % self.month, os.listdir(folder))
        self.assertEqual(run('sha256sum', '-c', 'SHA256SUMS', cwd=folder).returncode, 0)
        # never over an existing file
        proc = self.h.ctl('ledger', self.month, '--out', folder, check=False)
        self.assertEqual(proc.returncode, 1)
        self.assertIn('File exists', proc.stderr.decode())


class CheckpointTest(unittest.TestCase):
    """The event chain's signed checkpoints, outside the database, show what
    the chain alone cannot: its tail removed, or the whole chain computed
    again after an edit."""

    def setUp(self):
        self.h = Harness(allowed=('org.usbledger.view', 'org.usbledger.approve',
                                  'org.usbledger.report'))
        self.addCleanup(self.h.close)
        self.tmp = tempfile.mkdtemp(prefix='usbledger-checkpoint-')
        self.addCleanup(shutil.rmtree, self.tmp, ignore_errors=True)
        self.h.start_daemon()
        self.month = datetime.datetime.now().strftime('%Y-%m')
        self.h.expect_device(lambda: self.h.usb.add(2, 0x0781, 0x5567, [[MASS_STORAGE]],
                                                    serial=b'CHAIN-1'), '1-2', 'block-and-request')
        # the export signs a checkpoint of the chain's head
        self.bundle = os.path.join(self.tmp, 'b')
        self.h.ctl('ledger', self.month, '--out', self.bundle)
        folder = os.path.join(self.h.state_dir, 'checkpoints')
        self.checkpoints = sorted(os.listdir(folder))
        self.folder = folder

    def edit(self, *statements):
        """Edits the logbook with the daemon stopped, as someone with the
        sqlite3 shell would (the triggers dropped first)."""
        self.assertEqual(self.h.stop_daemon(), 0)
        db = sqlite3.connect(self.h.db_path())
        db.execute('DROP TRIGGER events_no_update')
        db.execute('DROP TRIGGER events_no_delete')
        for sql in statements:
            if callable(sql):
                sql(db)
            else:
                db.execute(sql)
        db.commit()
        db.close()
        self.h.start_daemon()

    def test_checkpoint_is_signed_and_the_log_matches_it(self):
        self.assertEqual(len(self.checkpoints), 2, self.checkpoints)   # .json and .sig
        name = self.checkpoints[0]
        proc = run('openssl', 'dgst', '-sha256', '-verify',
                   os.path.join(self.bundle, 'signing-key.pub.pem'), '-signature',
                   name + '.sig', name, cwd=self.folder)
        self.assertIn('Verified OK', proc.stdout, proc.stderr)
        with open(os.path.join(self.folder, name), 'rb') as f:
            cp = json.loads(f.read())
        self.assertEqual(cp['reason'], 'monthly ledger ' + self.month)
        self.assertEqual(db_hash(self.h.db_path(), cp['event-id']), cp['hash'])
        self.assertIn('chain-checkpoint', self.h.ctl('log').stdout.decode())
        self.assertIn('signed checkpoints matching', self.h.ctl('log', '--verify').stdout.decode())

    def test_the_tail_removed_is_seen(self):
        with open(os.path.join(self.folder, self.checkpoints[0]), 'rb') as f:
            cp = json.loads(f.read())
        self.edit('DELETE FROM events WHERE id >= %d' % cp['event-id'])
        # the chain that is left verifies by itself; the checkpoint does not
        proc = self.h.ctl('log', '--verify', check=False)
        self.assertEqual(proc.returncode, 1)
        self.assertIn('the events after %d were removed' % (cp['event-id'] - 1),
                      proc.stderr.decode())
        # the moment it was signed, as a person reads it: local, with its offset
        self.assertRegex(proc.stderr.decode(),
                         r'signed at \d{4}-\d\d-\d\d \d\d:\d\d:\d\d \S+ \(UTC[+-]\d\d:\d\d\)')
        # and the daemon said so at start, in the log itself
        log = self.h.ctl('log').stdout.decode()
        self.assertIn('chain-checkpoint-mismatch', log)

    def test_an_edit_with_the_chain_computed_again_is_seen(self):
        with open(os.path.join(self.folder, self.checkpoints[0]), 'rb') as f:
            cp = json.loads(f.read())

        def rewrite(db):
            db.execute("UPDATE events SET seat_user = 'suzuki' WHERE seat_user = 'tanaka'")
            prev = '0' * 64
            for row in db.execute('SELECT id, time, host, kind, actor, actor_uid, seat_user, '
                                  'device_id, medium_id, request_id, session_id, decision, '
                                  'detail, reason_code FROM events ORDER BY id').fetchall():
                h = event_hash(row, prev)
                db.execute('UPDATE events SET prev_hash = ?, hash = ? WHERE id = ?',
                           (prev, h, row[0]))
                prev = h
        self.edit(rewrite)
        proc = self.h.ctl('log', '--verify', check=False)
        self.assertEqual(proc.returncode, 1)
        self.assertIn('event %d is not the one the checkpoint' % cp['event-id'],
                      proc.stderr.decode())
        self.assertIn('chain-checkpoint-mismatch', self.h.ctl('log').stdout.decode())

    def test_checks_asked_together_are_answered(self):
        # the check runs in a worker, one at a time; whoever asks meanwhile
        # gets the answer of the one that runs
        procs = [subprocess.Popen([binary('usbledgerctl'), '--json', 'log', '--verify'],
                                  env=self.h.ctl_env(), stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE) for _ in range(4)]
        answers = [p.communicate(timeout=60) for p in procs]
        self.assertEqual([p.returncode for p in procs], [0] * 4, answers)
        for out, _ in answers:
            self.assertTrue(json.loads(out)['verified'])
        # and the daemon still answers
        self.assertIn('chain-checkpoint', self.h.ctl('log').stdout.decode())

    def test_rows_written_while_stopped_are_an_incident(self):
        # an event with its chain computed right, appended while the daemon
        # was stopped: the checkpoint made at the stop names the last row
        def append(db):
            last_id, last_time, prev = db.execute(
                'SELECT id, time, hash FROM events ORDER BY id DESC LIMIT 1').fetchone()
            row = (last_id + 1, last_time + 1, 'pc-1', 'session-closed', 'system', None,
                   'tanaka', None, None, None, None, None, 'forged')
            db.execute('INSERT INTO events (id, time, host, kind, actor, actor_uid, seat_user, '
                       'device_id, medium_id, request_id, session_id, decision, detail, '
                       'prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
                       row + (prev, event_hash(row, prev)))
            return last_id + 1
        self.edit(append)
        log = self.h.ctl('log').stdout.decode()
        self.assertIn('chain-checkpoint-mismatch', log)
        self.assertIn('was written while usbledgerd was stopped', log)


def db_hash(path, event_id):
    db = sqlite3.connect(path)
    try:
        return db.execute('SELECT hash FROM events WHERE id = ?', (event_id,)).fetchone()[0]
    finally:
        db.close()


if __name__ == '__main__':
    unittest.main(verbosity=2)
