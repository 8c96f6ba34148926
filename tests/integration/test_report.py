#!/usr/bin/python3
"""The shared renderer (src/report) through the daemon's PDF helper: a
certificate's page is drawn from the bytes that were signed, shows local
time with its zone, shows strings as they are, is the same bytes each
time, and a document that is not one is refused with the reason."""

import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), '..', 'common'))

from harness import binary  # noqa: E402

CERTIFICATE = (
    '{"certificate":"usbledger erasure certificate v1","erasure":{"ended-at":'
    '"2026-11-30T14:40:00Z","started-at":"2026-11-30T14:31:00Z","mismatches":0},'
    '"issued-at":"2026-11-30T14:41:05Z","medium":{"asset-number":"USB-0007",'
    '"serial":"<b>A&amp;B</b> \\u202eevil"},"number":"2026-0007","sessions-closed":[7,9]}'
).encode()


class CertificatePdfTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix='usbledger-report-')
        self.addCleanup(shutil.rmtree, self.tmp, ignore_errors=True)

    def render(self, data, name='c.pdf', tz='Asia/Tokyo', check=True):
        path = os.path.join(self.tmp, name)
        proc = subprocess.run([binary('usbledger-certificate-pdf'), path], input=data,
                              env=dict(os.environ, TZ=tz), capture_output=True)
        if check:
            self.assertEqual(proc.returncode, 0, proc.stderr)
        return path, proc

    @staticmethod
    def text(path):
        return subprocess.run(['pdftotext', '-layout', path, '-'], capture_output=True,
                              check=True, text=True).stdout

    def test_drawn_from_the_signed_bytes_in_local_time(self):
        path, _ = self.render(CERTIFICATE)
        text = self.text(path)
        # 23:41 on the 30th in Tokyo: local time with its zone, never the UTC text
        self.assertIn('2026-11-30 23:41:05 JST (UTC+09:00)', text)
        self.assertIn('2026-11-30 23:31:00 JST (UTC+09:00)', text)
        self.assertNotIn('14:41:05', text)
        self.assertIn(hashlib.sha256(CERTIFICATE).hexdigest(), ''.join(text.split()))
        self.assertIn('#7, #9', text)
        # a device's string as it is: no markup, no entity decoding
        self.assertIn('<b>A&amp;B</b>', text)
        fonts = subprocess.run(['pdffonts', path], capture_output=True, check=True,
                               text=True).stdout
        self.assertIn('NotoSansCJKjp', fonts)
        self.assertTrue(all(line.split()[-5] == 'yes' for line in fonts.splitlines()[2:]),
                        fonts)

    def test_same_record_same_bytes(self):
        first, _ = self.render(CERTIFICATE, 'a.pdf')
        second, _ = self.render(CERTIFICATE, 'b.pdf')
        with open(first, 'rb') as a, open(second, 'rb') as b:
            self.assertEqual(a.read(), b.read())
        info = subprocess.run(['pdfinfo', '-isodates', first], capture_output=True, check=True,
                              text=True).stdout
        self.assertRegex(info, r'CreationDate:\s+2026-11-30T14:41:05')

    def test_another_zone_shows_its_own_offset(self):
        path, _ = self.render(CERTIFICATE, tz='UTC')
        self.assertIn('2026-11-30 14:41:05 UTC (UTC+00:00)', self.text(path))

    def test_disposal_record(self):
        path, _ = self.render(
            b'{"disposal":{"asset-number":"USB-0007","kind":"destroyed","contractor":"ACME",'
            b'"reference":"R-1","date":"2026-11-30","at":"2026-11-30T15:10:00Z","by":"kanri"}}')
        text = self.text(path)
        for field in ('記録媒体廃棄記録', '物理破壊', 'ACME', 'R-1', '2026-11-30',
                      '2026-12-01 00:10:00 JST (UTC+09:00)', 'kanri'):
            self.assertIn(field, text)

    def test_not_a_document_is_refused(self):
        for data, why in ((b'', 'value expected'), (b'{"issued-at":"yesterday"}',
                                                    'not a certificate'),
                          (b'[1]', 'not an object'), (b'{"a":1} trailing', 'text after')):
            path, proc = self.render(data, check=False)
            self.assertEqual(proc.returncode, 1, data)
            self.assertIn(why, proc.stderr.decode())
            self.assertFalse(os.path.exists(path) and os.path.getsize(path) > 0)


if __name__ == '__main__':
    unittest.main(verbosity=2)
