#!/usr/bin/python3
"""usbledger-admin in a real window (Xvfb), on the real usbledgerd under
umockdev with polkit and logind mocks. ul-gui-driver runs the window and acts
as the supervisor would, on this test's commands; the test plays the kernel
and checks what the daemon did."""

import os
import select
import shutil
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, '..', 'common'))
sys.path.insert(0, os.path.join(HERE, '..', 'integration'))

from harness import Harness, build_dir  # noqa: E402
from mocksysfs import MASS_STORAGE  # noqa: E402
from test_sessions import can_run, registered_stick, sha256  # noqa: E402

# what the Japanese catalog says (po/ja.po)
JA_NOT_RUNNING = 'usbledgerd が動いていません'
JA_REFUSED = 'この操作は許可されていません (polkit が拒否しました)。'
JA_ALLOWED = '許可'
JA_BLOCKED_REQUEST = '遮断 (申請受付)'
JA_NOT_REGISTERED = '未登録'


class Gui:
    """One usbledger-admin window under ul-gui-driver."""

    def __init__(self, h, language='ja'):
        self.log_path = os.path.join(h.tmp, 'gui.log')
        self.log = open(self.log_path, 'ab')
        env = h.ctl_env(language)
        # a person reads local time: the city's
        env.update(NO_AT_BRIDGE='1', GSETTINGS_BACKEND='memory', GDK_BACKEND='x11',
                   G_DEBUG='fatal-criticals', TZ='Asia/Tokyo')
        self.proc = subprocess.Popen([os.environ['UL_GUI_DRIVER']], env=env,
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=self.log)

    def do(self, *fields, timeout=90):
        """Runs one command; returns its data ('' for none)."""
        self.proc.stdin.write(('\t'.join(fields) + '\n').encode())
        self.proc.stdin.flush()
        if not select.select([self.proc.stdout], [], [], timeout)[0]:
            raise AssertionError('the window did not answer %r' % (fields,))
        line = self.proc.stdout.readline().decode().rstrip('\n')
        if not line:
            raise AssertionError('the window exited (%s) at %r:\n%s' %
                                 (self.proc.wait(), fields, self.read_log()))
        status, _, data = line.partition('\t')
        if status != 'ok':
            raise AssertionError('%r failed: %s\n%s' % (fields, data, self.read_log()))
        return data

    def read_log(self):
        self.log.flush()
        with open(self.log_path, errors='replace') as f:
            return f.read()[-4000:]

    def labels(self, where):
        return self.do('labels', where).split('\x1f')

    def close(self):
        try:
            if self.proc.poll() is None:
                self.do('quit')
                self.proc.wait(timeout=30)
        finally:
            self.proc.stdin.close()
            self.proc.stdout.close()
            self.log.close()
        if self.proc.returncode != 0:
            raise AssertionError('ul-gui-driver exited with %d' % self.proc.returncode)


class AdminTest(unittest.TestCase):
    allowed = ('org.usbledger.view', 'org.usbledger.approve')
    daemon_config = None    # usbledgerd.conf's text, if the test needs one
    daemon_args = ()

    def setUp(self):
        self.h = Harness(allowed=self.allowed)
        args = list(self.daemon_args)
        if self.daemon_config is not None:
            args += ['--config', os.path.join(self.h.tmp, 'usbledgerd.conf')]
            with open(args[-1], 'w') as f:
                f.write(self.daemon_config)
        # the city's zone for the daemon too: the ledger's month and times
        self.h.start_daemon(args, extra_env={'TZ': 'Asia/Tokyo'})
        self.gui = Gui(self.h)
        self.gui.do('wait-running', 'yes')

    def tearDown(self):
        try:
            self.gui.close()
        finally:
            self.h.close()

    def plug(self, port=2, serial=b'4C530001230517', manufacturer=b'SanDisk',
             product=b'Cruzer Blade', decision='block-and-request'):
        box = {}
        self.h.expect_device(lambda: box.update(dev=self.h.usb.add(
            port, 0x0781, 0x5567, [[MASS_STORAGE]], serial=serial, manufacturer=manufacturer,
            product=product)), '1-%d' % port, decision)
        return box['dev']


class ApproveTest(AdminTest):
    def test_a_stick_plugged_in_is_approved_in_the_window_and_works(self):
        g = self.gui
        stick = self.plug()
        # the request arrives live
        g.do('wait-text', 'requests', 'Cruzer Blade')
        g.do('page', 'devices')
        g.do('wait-text', 'devices', JA_BLOCKED_REQUEST)
        g.do('wait-text', 'devices', JA_NOT_REGISTERED)
        self.assertNotIn('not registered', g.labels('window'))

        g.do('click-row', 'requests', 'Cruzer Blade', 'approve')
        g.do('wait-dialog')
        # Enter does not approve: the default button is Cancel
        self.assertEqual(g.do('default'), 'cancel_button')
        # the next free number, the end of the fiscal year, read-only
        self.assertEqual(g.do('get', 'asset_entry'), 'USB-0001')
        self.assertRegex(g.do('get', 'valid_until_entry'), r'^20\d\d-03-31$')
        g.do('set', 'asset_entry', 'YZ-USB-0001')
        g.do('set', 'label_entry', '総務課 USBメモリ 1')
        g.do('set', 'holder_entry', '総務課')
        g.do('set', 'purpose_entry', '会議資料の持ち出し')
        start = len(self.h.signals)
        g.do('click', 'approve_button')
        g.do('wait-no-dialog')

        # the daemon authorizes the stick still plugged in
        self.h.wait_device_since(start, '1-2', 'allow-read-only')
        self.assertEqual(stick.authorized(), '1')
        self.h.usb.play_kernel(stick)
        medium = self.h.call('ListMedia')[0][0]
        self.assertEqual(medium['asset-number'], 'YZ-USB-0001')
        self.assertEqual(medium['label'], '総務課 USBメモリ 1')
        self.assertEqual(medium['holder'], '総務課')
        self.assertTrue(medium['read-only'])
        self.assertTrue(medium['all-staff'])

        # the lists follow the daemon: the request leaves, the medium arrives
        g.do('wait-no-text', 'requests', 'Cruzer Blade')
        g.do('page', 'media')
        g.do('wait-text', 'media', 'YZ-USB-0001')
        g.do('wait-text', 'media', '総務課 USBメモリ 1')
        g.do('wait-text', 'media', '使用中')
        # the search hides what it does not find, and finds by holder
        g.do('search', 'media', 'YZ-USB-0002')
        g.do('wait-no-text', 'media', '総務課 USBメモリ 1')
        g.do('search', 'media', '総務')
        g.do('wait-text', 'media', '総務課 USBメモリ 1')
        g.do('page', 'devices')
        g.do('wait-text', 'devices', '許可 (読み取り専用)')

    def test_reject_asks_a_reason_and_the_request_leaves(self):
        g = self.gui
        self.plug()
        g.do('wait-text', 'requests', 'Cruzer Blade')
        g.do('click-row', 'requests', 'Cruzer Blade', 'reject')
        g.do('wait-dialog')
        self.assertEqual(g.do('default'), 'cancel_button')
        g.do('set', 'reason_entry', '私物のため')
        g.do('click', 'action_button')
        g.do('wait-no-text', 'requests', 'Cruzer Blade')
        request = self.h.call('ListRequests', ('',), '(s)')[0][0]
        self.assertEqual(request['state'], 'rejected')
        self.assertEqual(request['decision-note'], '私物のため')


class RefusalTest(AdminTest):
    # may view, may not approve
    allowed = ('org.usbledger.view',)

    def test_a_polkit_refusal_is_said_in_words_and_nothing_changes(self):
        g = self.gui
        stick = self.plug()
        g.do('wait-text', 'requests', 'Cruzer Blade')
        g.do('click-row', 'requests', 'Cruzer Blade', 'approve')
        g.do('wait-dialog')
        g.do('click', 'approve_button')
        g.do('wait-text', 'dialog', JA_REFUSED)
        # the dialog stays, the request stays, the stick stays blocked
        g.do('wait-dialog')
        self.assertEqual(stick.authorized(), '0')
        self.assertEqual(self.h.call('ListMedia')[0], [])
        g.do('click', 'cancel_button')
        g.do('wait-no-dialog')
        g.do('wait-text', 'requests', 'Cruzer Blade')


class DaemonMissingTest(AdminTest):
    def test_a_stopped_daemon_is_explained_and_the_window_recovers(self):
        g = self.gui
        self.plug()
        g.do('wait-text', 'requests', 'Cruzer Blade')
        self.h.stop_daemon()
        g.do('wait-running', 'no')
        g.do('wait-text', 'window', JA_NOT_RUNNING)
        # what was known stays in view, greyed
        g.do('wait-text', 'requests', 'Cruzer Blade')
        self.h.start_daemon()
        g.do('wait-running', 'yes')
        g.do('wait-no-text', 'window', JA_NOT_RUNNING)
        # loaded again from the daemon: the request is still pending
        g.do('wait-text', 'requests', 'Cruzer Blade')
        g.do('page', 'devices')
        g.do('wait-text', 'devices', JA_BLOCKED_REQUEST)


class HostileStringsTest(AdminTest):
    def test_device_strings_are_shown_literally(self):
        g = self.gui
        serial = b'S' * 126
        self.plug(serial=serial, manufacturer=b'\xe2\x80\xaeevil\x1b[31m',
                  product=b'<b>x</b>')
        g.do('wait-text', 'requests', '<b>x</b>')
        g.do('page', 'devices')
        g.do('wait-text', 'devices', '<b>x</b>')
        for where in ('requests', 'devices'):
            texts = g.labels(where)
            joined = '\n'.join(texts)
            # markup is not interpreted: the tags are there as text
            self.assertIn('<b>x</b>', joined)
            # the RTL override and the escape are shown as escapes, never raw
            # (the driver shows a raw escape character as \033)
            self.assertNotIn('\u202e', joined)
            self.assertNotIn('\\033', joined)
            self.assertIn('\\\\u{202E}evil\\\\x1b[31m', joined)
            # the whole serial, not cut
            self.assertIn('S' * 126, joined)


class LoopDiskTest(AdminTest):
    """Registered sticks with a real filesystem on a loop device; needs root
    (loop devices, mount, fanotify), as test_sessions."""

    def setUp(self):
        super().setUp()
        self.tmp = tempfile.mkdtemp(prefix='usbledger-gui-sessions-')
        self.disks = []

    def tearDown(self):
        for d in self.disks:
            d.close()
        shutil.rmtree(self.tmp, ignore_errors=True)
        super().tearDown()


@unittest.skipIf(can_run() is not None, can_run())
class SessionsPageTest(LoopDiskTest):
    """使用簿: a stick written to while the window looks"""

    def test_the_month_shows_the_session_live_and_its_files_with_hashes(self):
        g = self.gui
        dev, disk, sid = registered_stick(self.h, self.disks, self.tmp, 'ext4', b'GUI-SESSION-1',
                                          'YZ-USB-0042')
        g.do('page', 'sessions')
        # the session in use appears without asking again
        g.do('wait-text', 'sessions', 'YZ-USB-0042')
        g.do('wait-text', 'sessions', '使用中')
        disk.mount()
        # files written before the daemon follows the mount are not seen as
        # written (they are found by the manifest): wait for it, as a person
        # would not notice
        self.h.wait_session(sid, lambda s, m, f: len(m) == 1 and m[0]['watch'] == 'fanotify-names'
                            and m[0].get('manifest', '').startswith('taken at mount'),
                            'the mount followed')
        data = '第３回の議事録です。\n'.encode() * 50
        with open(os.path.join(disk.mnt, '議事録.txt'), 'wb') as f:
            f.write(data)
        self.h.wait_session(sid, lambda s, m, files: any(
            bytes(f['path']) == '議事録.txt'.encode() and f.get('sha256') == sha256(data)
            for f in files), 'the file recorded with its hash')
        g.do('activate-row', 'sessions', 'YZ-USB-0042')
        g.do('wait-dialog')
        g.do('wait-text', 'dialog', '議事録.txt')
        g.do('wait-text', 'dialog', sha256(data))
        g.do('wait-text', 'dialog', str(len(data)))
        g.do('click', 'close_button')
        g.do('wait-no-dialog')
        # ejected: the row says how the session ended, live
        disk.umount()
        self.h.usb.unplug(dev)
        g.do('wait-text', 'sessions', '取り外し')
        # the month before shows none of it; back, it is there again
        g.do('press', 'sessions', 'prev_button')
        g.do('wait-no-text', 'sessions', 'YZ-USB-0042')
        g.do('press', 'sessions', 'next_button')
        g.do('wait-text', 'sessions', 'YZ-USB-0042')


@unittest.skipIf(can_run() is not None, can_run())
class EraseTest(LoopDiskTest):
    allowed = ('org.usbledger.view', 'org.usbledger.approve', 'org.usbledger.erase')

    def test_erase_with_progress_then_the_certificate_exported_through_printing(self):
        g = self.gui
        registered_stick(self.h, self.disks, self.tmp, 'ext4', b'GUI-ERASE-1', 'YZ-USB-0043')
        g.do('page', 'erase')
        g.do('wait-text', 'erase', 'YZ-USB-0043')
        g.do('click-row', 'erase', 'YZ-USB-0043', 'erase')
        g.do('wait-dialog')
        self.assertEqual(g.do('default'), 'close_button')
        # not without the asset number typed
        with self.assertRaises(AssertionError):
            g.do('click', 'erase_button')
        g.do('set', 'confirm_entry', 'YZ-USB-0042')
        with self.assertRaises(AssertionError):
            g.do('click', 'erase_button')
        g.do('set', 'confirm_entry', 'YZ-USB-0043')
        g.do('click', 'erase_button')
        g.do('wait-text', 'dialog', '消去証明書 No. ')
        number = [t for t in g.labels('dialog') if '消去証明書 No. ' in t][0]
        number = number.split('No. ')[-1].rstrip('。.')
        self.assertRegex(number, r'^20\d\d-0001$')
        # the bar followed the daemon to the end: the read-back of every byte
        fraction, text = g.do('progress').split('\t')
        text = text.replace('\xa0', ' ')   # g_format_size's no-break space
        self.assertEqual(float(fraction), 1.0)
        self.assertIn('67.1 MB / 67.1 MB', text)
        self.assertIn('/s', text)
        # printed to a PDF file through GtkPrintOperation's export
        pdf = os.path.join(self.tmp, 'certificate.pdf')
        g.do('export-certificate', pdf)
        out = subprocess.run(['pdftotext', '-layout', pdf, '-'], capture_output=True, text=True,
                             check=True).stdout
        self.assertIn('YZ-USB-0043', out)
        self.assertIn(number, out)
        self.assertIn('GUI-ERASE-1', out)


class EraseFailureTest(LoopDiskTest):
    """An erasure that fails is said so, in words, with no certificate. The
    daemon runs with a crypto module of another version (a package upgraded
    under it), which fails every erasure before a byte is written."""
    allowed = ('org.usbledger.view', 'org.usbledger.approve', 'org.usbledger.erase')
    daemon_args = ('--crypto-module',
                   os.path.join(build_dir(), 'tests', 'integration', 'wrong-abi-crypto.so'))

    def test_a_failed_erasure_is_said_and_gives_no_certificate(self):
        g = self.gui
        registered_stick(self.h, self.disks, self.tmp, 'ext4', b'GUI-ERASE-2', 'YZ-USB-0044')
        g.do('page', 'erase')
        g.do('wait-text', 'erase', 'YZ-USB-0044')
        g.do('click-row', 'erase', 'YZ-USB-0044', 'erase')
        g.do('wait-dialog')
        g.do('set', 'confirm_entry', 'YZ-USB-0044')
        g.do('click', 'erase_button')
        # how it ended, in the vocabulary's Japanese, then the daemon's words
        g.do('wait-text', 'dialog', '消去されていません (失敗)')
        said = '\n'.join(g.labels('dialog'))
        self.assertIn('restart usbledgerd', said)
        self.assertNotIn('消去証明書 No.', said)
        self.assertNotIn('(failed)', said)
        erasure = self.h.call('ListErasures', ('YZ-USB-0044',), '(s)')[0][0]
        self.assertEqual(erasure['outcome'], 'failed')
        self.assertNotIn('certificate', erasure)


class DisposeTest(AdminTest):
    allowed = ('org.usbledger.view', 'org.usbledger.approve', 'org.usbledger.erase')

    def test_a_medium_destroyed_by_a_contractor_is_recorded_and_blocked(self):
        g = self.gui
        self.plug()
        rid = self.h.call('ListRequests', ('pending',), '(s)')[0][0]['id']
        self.h.ctl('approve', str(rid), '--asset-number', 'YZ-USB-0009')
        g.do('page', 'media')
        g.do('wait-text', 'media', 'YZ-USB-0009')
        g.do('click-row', 'media', 'YZ-USB-0009', 'dispose')
        g.do('wait-dialog')
        self.assertEqual(g.do('default'), 'cancel_button')
        # all three facts of a destruction are asked for
        g.do('set', 'contractor_entry', '株式会社データ破砕')
        g.do('click', 'dispose_button')
        g.do('wait-text', 'dialog', '受付番号')
        g.do('set', 'reference_entry', 'DS-2026-0042')
        g.do('click', 'dispose_button')
        g.do('wait-no-dialog')
        # the daemon says so, and the view follows
        g.do('wait-text', 'media', '廃棄済み')
        medium = [m for m in self.h.call('ListMedia')[0] if m['asset-number'] == 'YZ-USB-0009'][0]
        self.assertEqual(medium['status'], 'disposed')


class LedgerTest(AdminTest):
    # printed by the window as the daemon's own PDF prints it
    daemon_config = ('[certificate]\norganisation=○○市 総務部 情報政策課\n'
                     '[ledger]\ndepartment=総務課\nwareki=true\n')

    def test_the_month_previewed_and_printed_through_the_print_operation(self):
        g = self.gui
        stick = self.plug()
        rid = self.h.call('ListRequests', ('pending',), '(s)')[0][0]['id']
        start = len(self.h.signals)
        self.h.ctl('approve', str(rid), '--asset-number', 'YZ-USB-0007', '--label', '会計課 1')
        self.h.wait_device_since(start, '1-2', 'allow')
        self.h.usb.play_kernel(stick)
        self.plug(port=3, serial=b'BLOCKED-0003', product=b'Other Stick')
        g.do('page', 'ledger')
        g.do('press', 'ledger', 'show_button')
        # the summary and the preview's pages, from every page of GetLedger
        g.do('wait-text', 'ledger', 'セッション 1 件、遮断 2 件')
        g.do('wait-text', 'ledger', '1 / ')
        pdf = os.path.join(self.h.tmp, 'ledger.pdf')
        g.do('export-ledger', pdf)
        out = subprocess.run(['pdftotext', '-layout', pdf, '-'], capture_output=True, text=True,
                             check=True).stdout
        self.assertIn('月次使用簿', out)
        self.assertIn('YZ-USB-0007', out)
        self.assertIn('tanaka', out)
        self.assertIn('BLOCKED-0003', out)
        # part 2 says why in the vocabulary's Japanese, never the daemon's
        # English sentence
        self.assertIn('未登録', out)
        self.assertNotIn('not registered', out)
        # the organisation, department and era of the daemon's configuration
        # (its LedgerPresentation property)
        self.assertIn('情報政策課', out)
        self.assertIn('総務課', out)
        self.assertIn('令和', out)


class LogTest(AdminTest):
    def test_the_events_in_words_and_the_logbook_verified(self):
        g = self.gui
        self.plug()
        g.do('page', 'log')
        # each kind in the person's language, the daemon's details beside it
        g.do('wait-text', 'log', '監視開始')
        # followed live: what happens now appears without asking
        self.plug(port=3, serial=b'LIVE-0003', product=b'Live Stick')
        g.do('wait-text', 'log', 'LIVE-0003')
        g.do('press', 'log', 'show_button')
        g.do('wait-text', 'log', '機器の接続')
        g.do('wait-text', 'log', '申請の受付')
        g.do('press', 'log', 'verify_button')
        g.do('wait-text', 'log', '記録は検証に合格しました')
        labels = '\n'.join(g.labels('log'))
        self.assertNotIn('device-added', labels)
        # a decision's reason in the vocabulary's words, and not in English
        self.assertIn('未登録', labels)
        self.assertNotIn('not registered', labels)


class ScreenshotTest(AdminTest):
    """A picture of every page in Japanese, for the docs (tests/gui/screenshots
    keeps them in docs/screenshots): each must show something and cut no
    label short."""

    PAGES = ('requests', 'devices', 'media', 'erase', 'sessions', 'ledger', 'log')

    def test_every_page_is_drawn_whole(self):
        import gi
        gi.require_version('GdkPixbuf', '2.0')
        from gi.repository import GdkPixbuf

        g = self.gui
        approved = self.plug(port=2)
        rid = self.h.call('ListRequests', ('pending',), '(s)')[0][0]['id']
        start = len(self.h.signals)
        self.h.ctl('approve', str(rid), '--asset-number', 'YZ-USB-0001', '--label',
                   '総務課 USBメモリ 1', '--holder', '総務課', '--read-only')
        self.h.wait_device_since(start, '1-2', 'allow-read-only')
        self.h.usb.play_kernel(approved)
        self.plug(port=3, serial=b'AA00000000000042', manufacturer=b'BUFFALO',
                  product=b'RUF3-K')
        g.do('wait-text', 'requests', 'RUF3-K')
        # the media page makes its rows when first shown
        g.do('page', 'media')
        g.do('wait-text', 'media', 'YZ-USB-0001')
        g.do('wait-text', 'devices', '許可 (読み取り専用)')
        # registered without a last day: no limit, not the epoch
        g.do('wait-text', 'media', '有効期限 期限なし')
        self.assertNotIn('1970', '\n'.join(g.labels('media')))
        # the root hub names itself with nothing: its USB id is its name
        g.do('wait-text', 'devices', '1d6b:0002')
        g.do('wait-no-text', 'devices', 'シリアル番号 ・')
        g.do('page', 'ledger')
        g.do('press', 'ledger', 'show_button')
        g.do('wait-text', 'ledger', '1 / ')
        folder = os.environ.get('UL_SCREENSHOT_DIR', self.h.tmp)
        pictures = set()
        for name in self.PAGES:
            path = os.path.join(folder, 'admin-%s.ja.png' % name)
            cut = g.do('screenshot', name, path)
            self.assertEqual(cut, '', '%s: labels cut short: %r' % (name, cut.split('\x1f')))
            pixbuf = GdkPixbuf.Pixbuf.new_from_file(path)
            self.assertGreaterEqual(pixbuf.get_width(), 600)
            pixels = pixbuf.get_pixels()
            # text, frames and buttons: many colours, not one flat fill
            self.assertGreater(len(set(pixels[i:i + 3] for i in range(0, len(pixels), 3 * 7))),
                               20, '%s looks blank' % name)
            # each page drawn, not the one before it
            self.assertNotIn(pixels, pictures, '%s shows another page' % name)
            pictures.add(pixels)


if __name__ == '__main__':
    unittest.main(verbosity=2)
