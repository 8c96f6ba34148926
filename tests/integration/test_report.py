#!/usr/bin/python3
"""The shared renderer (src/report) through the daemon's PDF helper: a
certificate's page is drawn from the bytes that were signed, shows local
time with its zone, shows strings as they are, is the same bytes each
time, and a document that is not one is refused with the reason."""

import csv
import hashlib
import io
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), '..', 'common'))

from harness import build_dir  # noqa: E402


def binary(name):
    for sub in ('src/daemon', 'src/report'):
        path = os.path.join(build_dir(), sub, name)
        if os.path.exists(path):
            return path
    raise FileNotFoundError(name)

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


def synthetic_ledger(n_sessions=320):
    """A ledger as usbledgerd derives it (ul-ledger.h), with more rows than
    fit on a page, Japanese names, an open session and cells that Excel
    would take for formulas."""
    sessions = []
    for i in range(n_sessions):
        day, hour = 1 + i % 29, i % 9
        row = {'session-id': i + 1, 'asset-number': 'YZ-USB-%04d' % (i % 40),
               'label': '総務課 %d' % i, 'vendor-id': '0781', 'product-id': '5567',
               'vendor': 'SanDisk', 'model': 'Cruzer Blade', 'serial': 'SN%08d' % i,
               'user': 'tanaka' if i % 2 else '鈴木', 'host': 'pc-1',
               'started-at': '2026-11-%02dT0%d:00:00Z' % (day, hour),
               'ended-at': '2026-11-%02dT0%d:30:00Z' % (day, hour),
               'end-reason': 'yanked' if i % 50 == 0 else 'ejected', 'files': i,
               'bytes': i * 1000, 'files-sha256': '%064x' % i, 'approved-by': 'sato',
               'approved-at': '2026-10-01T00:00:00Z',
               'remarks': ['read-only'] if i % 7 == 0 else []}
        if i % 3 == 0:
            row.update({'certificate': '2026-%04d' % i, 'erased-at': '2026-11-30T00:00:00Z'})
        sessions.append(row)
    # in use at generation, and cells that begin like formulas
    sessions.append({'session-id': 9999, 'asset-number': '=HYPERLINK("http://x")',
                     'label': '-1+2', 'vendor-id': '0781', 'product-id': '5567',
                     'serial': '@SUM(A1)', 'host': 'pc-1', 'user': 'tanaka',
                     'started-at': '2026-11-30T14:30:00Z', 'remarks': [], 'files': 0,
                     'bytes': 0, 'files-sha256': 'cd' * 32, 'approved-by': 'sato',
                     'approved-at': '2026-10-01T00:00:00Z'})
    return {
        'ledger': 'usbledger monthly ledger v1', 'month': '2026-11', 'zone': 'JST (UTC+09:00)',
        'since': '2026-10-31T15:00:00Z', 'until': '2026-11-30T15:00:00Z',
        'as-of': '2026-12-01T00:00:00Z', 'host': 'pc-1', 'sessions': sessions,
        'blocked': [{'event-id': 5, 'time': '2026-11-03T01:00:00Z', 'seat-user': 'tanaka',
                     'host': 'pc-1', 'kind': 'device-added', 'decision': 'block-and-request',
                     'detail': 'not registered', 'vendor-id': '0951', 'product-id': '1666',
                     'vendor': 'Kingston', 'model': 'DataTraveler', 'serial': 'BLOCKED-1',
                     'request-id': 3, 'request-state': 'approved', 'decided-by': 'sato',
                     'decided-at': '2026-11-03T02:00:00Z'}],
        'incidents': [{'time': '2026-11-01T00:30:00Z', 'kind': 'medium-yanked',
                       'actor': 'system', 'seat-user': '鈴木', 'asset-number': 'YZ-USB-0000',
                       'detail': '', 'session-id': 1}],
        'summary': {'sessions': n_sessions + 1, 'sessions-in-use': 1, 'media-used': 41,
                    'users': 2, 'files': 0, 'bytes': 0, 'blocked-insertions': 1, 'requests': 1,
                    'requests-approved': 1, 'requests-rejected': 0, 'incidents': 1,
                    'media-not-erased': 3, 'first-event-id': 1, 'last-event-id': 900}}


class LedgerRenderTest(unittest.TestCase):
    """The monthly ledger as the city receives it: every row once, the
    header on every page, n / N, the font embedded, nothing outside the
    margins, every page renders, a CSV Excel reads as text."""

    MARGIN = 12 * 72 / 25.4

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix='usbledger-ledger-')
        cls.ledger = synthetic_ledger()
        cls.input = json.dumps({'ledger': cls.ledger, 'presentation': {
            'organisation': '○○市', 'department': '総務課', 'wareki': True,
            'generated-at': '2026-12-01T00:00:05Z'}}, ensure_ascii=False).encode()
        cls.render(cls.tmp, cls.input)
        cls.pdf = os.path.join(cls.tmp, 'ledger-2026-11.pdf')
        cls.csv = os.path.join(cls.tmp, 'ledger-2026-11.csv')

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    @staticmethod
    def render(folder, data, check=True):
        proc = subprocess.run([binary('usbledger-ledger-render'), folder], input=data,
                              env=dict(os.environ, TZ='Asia/Tokyo'), capture_output=True)
        if check and proc.returncode != 0:
            raise AssertionError(proc.stderr.decode())
        return proc

    def pages(self):
        info = subprocess.run(['pdfinfo', self.pdf], capture_output=True, check=True,
                              text=True).stdout
        return int(re.search(r'Pages:\s+(\d+)', info).group(1))

    def page_text(self, page):
        return subprocess.run(['pdftotext', '-layout', '-f', str(page), '-l', str(page),
                               self.pdf, '-'], capture_output=True, check=True,
                              text=True).stdout

    def test_every_row_once_header_and_page_numbers_on_every_page(self):
        n = self.pages()
        self.assertGreater(n, 5)
        texts = [self.page_text(p) for p in range(1, n + 1)]
        whole = '\n'.join(texts)
        for row in self.ledger['sessions']:
            self.assertEqual(whole.count(row['serial']), 1, row['serial'])
        self.assertEqual(whole.count('BLOCKED-1'), 1)
        for p, text in enumerate(texts, 1):
            self.assertIn('%d / %d' % (p, n), text)
            self.assertIn('月次使用簿', text)
            self.assertIn('令和8年11月', text)
            self.assertIn('○○市', text)
            # the footer matches the paper to the signed bundle
            self.assertIn('E1〜E900', text)
        # part 1's header row on each of its pages
        part1 = [t for t in texts if '第1部 使用記録' in t]
        self.assertGreater(len(part1), 5)
        for text in part1:
            self.assertIn('ファイル一覧 SHA-256', text)
            self.assertIn('管理番号', text)
        self.assertIn('使用中', whole)
        self.assertIn('強制抜去', whole)
        # local time: 14:30 UTC is 23:30 in Tokyo (the cell wraps after the date)
        last = [t for t in texts if '@SUM(A1)' in t][0]
        self.assertIn('23:30', last)
        self.assertNotIn('14:30', last)
        self.assertIn('作成者', texts[-1])
        self.assertIn('管理者', texts[-1])

    def test_digest_in_the_footer_is_the_content_digest(self):
        canonical = json.dumps(self.ledger, ensure_ascii=False, sort_keys=True,
                               separators=(',', ':')).encode()
        digest = hashlib.sha256(canonical).hexdigest()
        flat = ''.join(self.page_text(1).split())
        self.assertIn(digest, flat)

    def test_font_embedded_and_nothing_outside_the_margins(self):
        fonts = subprocess.run(['pdffonts', self.pdf], capture_output=True, check=True,
                               text=True).stdout
        self.assertIn('NotoSansCJKjp', fonts)
        for line in fonts.splitlines()[2:]:
            self.assertEqual(line.split()[-5], 'yes', line)
        bbox = subprocess.run(['pdftotext', '-bbox', self.pdf, '-'], capture_output=True,
                              check=True, text=True).stdout
        width = height = None
        n_words = 0
        for m in re.finditer(r'<page width="([\d.]+)" height="([\d.]+)">|'
                             r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" '
                             r'yMax="([\d.]+)">([^<]*)</word>', bbox):
            if m.group(1):
                width, height = float(m.group(1)), float(m.group(2))
                continue
            x0, y0, x1, y1 = (float(m.group(i)) for i in range(3, 7))
            n_words += 1
            self.assertGreaterEqual(x0, self.MARGIN - 1, m.group(7))
            self.assertLessEqual(x1, width - self.MARGIN + 1, m.group(7))
            self.assertGreaterEqual(y0, self.MARGIN - 1, m.group(7))
            self.assertLessEqual(y1, height - self.MARGIN + 1, m.group(7))
        self.assertGreater(n_words, 1000)

    def test_every_page_renders(self):
        out = os.path.join(self.tmp, 'page')
        proc = subprocess.run(['pdftoppm', '-png', '-r', '40', self.pdf, out],
                              capture_output=True)
        self.assertEqual(proc.returncode, 0)
        self.assertEqual(proc.stderr, b'')
        images = [f for f in os.listdir(self.tmp) if f.startswith('page')]
        self.assertEqual(len(images), self.pages())

    def test_csv_reads_back_and_formulas_are_text(self):
        with open(self.csv, 'rb') as f:
            data = f.read()
        self.assertTrue(data.startswith(b'\xef\xbb\xbf'))
        self.assertGreater(data.count(b'\r\n'), len(self.ledger['sessions']))
        rows = list(csv.reader(io.StringIO(data.decode('utf-8-sig'), newline='')))
        self.assertEqual(rows[0], ['第1部 使用記録'])
        header = rows[1]
        self.assertEqual(header[:3], ['No.', '管理番号', '媒体'])
        body = rows[2:2 + len(self.ledger['sessions'])]
        self.assertEqual([r[3] for r in body[:-1]],
                         [s['serial'] for s in self.ledger['sessions'][:-1]])
        last = body[-1]
        self.assertEqual(last[1], "'=HYPERLINK(\"http://x\")")
        self.assertTrue(last[2].startswith("'-1+2"))
        self.assertEqual(last[3], "'@SUM(A1)")
        self.assertEqual(last[7], '使用中')
        self.assertEqual(last[11], 'cd' * 32)
        self.assertIn(['第2部 遮断された接続と申請'], rows)
        self.assertIn(['第3部 インシデント'], rows)

    def test_same_ledger_same_bytes(self):
        again = tempfile.mkdtemp(dir=self.tmp)
        self.render(again, self.input)
        for name in ('ledger-2026-11.pdf', 'ledger-2026-11.csv'):
            with open(os.path.join(self.tmp, name), 'rb') as a, \
                    open(os.path.join(again, name), 'rb') as b:
                self.assertEqual(a.read(), b.read(), name)

    def test_files_appendix_only_when_given(self):
        self.assertFalse(os.path.exists(os.path.join(self.tmp, 'ledger-2026-11-files.csv')))
        folder = tempfile.mkdtemp(dir=self.tmp)
        files = [{'session-id': 1, 'asset-number': 'YZ-USB-0000', 'time': '2026-11-01T00:05:00Z',
                  'action': 'created', 'path': '個人情報/名簿.xlsx', 'size': 1234,
                  'sha256': 'ab' * 32, 'status': 'ok'},
                 {'session-id': 1, 'asset-number': 'YZ-USB-0000', 'time': '2026-11-01T00:06:00Z',
                  'action': 'renamed', 'path': '=HYPERLINK("http://x","y").txt',
                  'old-path': 'a,b"c.txt', 'status': 'gone'}]
        data = json.dumps({'ledger': self.ledger, 'files': files, 'presentation': {
            'generated-at': '2026-12-01T00:00:05Z'}}, ensure_ascii=False).encode()
        self.render(folder, data)
        with open(os.path.join(folder, 'ledger-2026-11-files.csv'), 'rb') as f:
            rows = list(csv.reader(io.StringIO(f.read().decode('utf-8-sig'), newline='')))
        self.assertIn('庁内保管', rows[0][0])
        self.assertEqual(rows[2], ['1', 'YZ-USB-0000', '2026-11-01 09:05', 'created',
                                   '個人情報/名簿.xlsx', '', '1234', 'ab' * 32, 'ok'])
        self.assertEqual(rows[3][4], "'=HYPERLINK(\"http://x\",\"y\").txt")
        self.assertEqual(rows[3][5], 'a,b"c.txt')
        self.assertEqual(rows[3][6], '')

    def test_not_a_ledger_is_refused(self):
        folder = tempfile.mkdtemp(dir=self.tmp)
        for data, why in ((b'{"ledger": {"ledger": "something else"}, "presentation": '
                           b'{"generated-at": "2026-12-01T00:00:00Z"}}', 'not a usbledger'),
                          (b'{}', 'no ledger'), (b'[', 'JSON at byte')):
            proc = self.render(folder, data, check=False)
            self.assertEqual(proc.returncode, 1)
            self.assertIn(why, proc.stderr.decode())
        self.assertEqual(os.listdir(folder), [])


if __name__ == '__main__':
    unittest.main(verbosity=2)
