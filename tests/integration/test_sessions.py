#!/usr/bin/python3
"""Usage sessions (使用簿, requirement M2): the real usbledgerd follows a
registered stick's filesystems and records every file written, renamed or
deleted, on real filesystems. The stick is simulated (umockdev); its disk is
a loop device made by the test, ext4 (kernel) or exFAT (FUSE), so mounts,
fanotify and hashing run on the real kernel.

Needs root (loop devices, mount, fanotify), like the daemon itself."""

import hashlib
import select
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), '..', 'common'))

from gi.repository import Gio  # noqa: E402

from harness import Harness, HoldHook, binary  # noqa: E402
from mainloop import iterate_until  # noqa: E402
from mocksysfs import MASS_STORAGE  # noqa: E402

JAPANESE = '議事録（第３回）.txt'


def run(*cmd, **kw):
    """A system tool, outside umockdev's preload (it would hide /dev)."""
    env = dict(os.environ)
    env.pop('LD_PRELOAD', None)
    return subprocess.run(list(cmd), check=kw.pop('check', True), capture_output=True,
                          env=env, **kw)


def sha256(data):
    return hashlib.sha256(data).hexdigest()


class LoopDisk:
    """A filesystem image on a loop device, mounted by the test as a user's
    file manager would."""

    def __init__(self, tmp, fstype, size_mb=64):
        self.image = os.path.join(tmp, 'disk-%s.img' % fstype)
        self.mnt = os.path.join(tmp, 'mnt-%s' % fstype)
        self.fstype = fstype
        os.makedirs(self.mnt)
        with open(self.image, 'wb') as f:
            f.truncate(size_mb * 1024 * 1024)
        mkfs = {'ext4': ['mkfs.ext4', '-q', '-F'], 'exfat': ['mkfs.exfat']}[fstype]
        run(*mkfs, self.image)
        self.dev = run('losetup', '-f', '--show', self.image, text=True).stdout.strip()
        self.mounted = False

    def mount(self):
        # this kernel has no exfat: the FUSE driver, as a desktop would use
        run('mount', '-t', 'exfat-fuse' if self.fstype == 'exfat' else self.fstype, self.dev,
            self.mnt)
        self.mounted = True

    def umount(self):
        run('umount', self.mnt)
        self.mounted = False

    def close(self):
        if self.mounted:
            run('umount', '-l', self.mnt, check=False)
        run('losetup', '-d', self.dev, check=False)


def registered_stick(h, disks, tmp, fstype, serial, asset, port=2, size_mb=64):
    """Plugs a simulated stick, registers it as @asset, and gives it a disk on
    a new loop device (added to @disks); returns (device, disk, session id)."""
    disk = LoopDisk(tmp, fstype, size_mb)
    disks.append(disk)
    box = {}
    h.expect_device(lambda: box.update(dev=h.usb.add(
        port, 0x0781, 0x5567, [[MASS_STORAGE]], serial=serial)), '1-%d' % port)
    dev = box['dev']
    start = len(h.signals)
    h.ctl('register', '--device', dev.name, '--asset-number', asset)
    rec = h.wait_device_since(start, dev.name, 'allow')
    h.usb.play_kernel(dev)
    h.usb.add_disk(dev, disk.dev)
    return dev, disk, rec['session-id']


def can_run():
    if os.geteuid() != 0:
        return 'needs root for loop devices, mount and fanotify'
    for tool in ('losetup', 'mkfs.ext4', 'mkfs.exfat', 'mount.exfat-fuse', 'sha256sum'):
        if shutil.which(tool) is None:
            return '%s is missing (.ci/setup installs it)' % tool
    return None


@unittest.skipIf(can_run() is not None, can_run())
class SessionTest(unittest.TestCase):
    def setUp(self):
        self.h = Harness()
        self.tmp = tempfile.mkdtemp(prefix='usbledger-sessions-')
        self.disks = []

    def tearDown(self):
        for d in self.disks:
            d.close()
        shutil.rmtree(self.tmp, ignore_errors=True)
        self.h.close()

    # -- helpers ------------------------------------------------------------
    def watch_daemon_log(self):
        """A file monitor on the daemon's log: what it writes there wakes
        the main loop. Keep the returned monitor while waiting."""
        monitor = Gio.File.new_for_path(self.h.daemon_log).monitor_file(
            Gio.FileMonitorFlags.NONE, None)
        monitor.connect('changed', lambda *a: None)
        return monitor

    def lock_logbook(self):
        """Another process holds the logbook's write lock (a full disk
        takes the daemon down the same path); rollback() and close() free it."""
        lock = sqlite3.connect(self.h.db_path(), timeout=30)
        lock.execute('BEGIN EXCLUSIVE')
        return lock
    def start(self):
        self.h.start_daemon()

    def registered_stick(self, fstype, serial=b'SESSION-1', port=2):
        """A registered stick, allowed, with a disk on a loop device; returns
        (device, disk, session id)."""
        return registered_stick(self.h, self.disks, self.tmp, fstype, serial,
                                'USB-S%d' % port, port)

    def session(self, sid):
        return self.h.session(sid)

    def wait_session(self, sid, pred, what, timeout=60):
        return self.h.wait_session(sid, pred, what, timeout)

    final = staticmethod(Harness.final_files)

    # -- tests --------------------------------------------------------------
    def test_ext4_files_written_renamed_deleted_with_hashes(self):
        self.start()
        dev, disk, sid = self.registered_stick('ext4')
        disk.mount()
        self.wait_session(sid, lambda s, m, f: len(m) == 1 and m[0]['watch'] == 'fanotify-names'
                          and m[0].get('manifest', '').startswith('taken at mount'),
                          'the mount followed with names, its manifest taken')
        contents = {
            JAPANESE: '第３回の議事録です。\n'.encode() * 100,
            'folder/sub/deep.bin': os.urandom(300000),
            'overwrite.txt': b'second version\n',
            'renamed-to.txt': b'moved\n',
        }
        os.makedirs(os.path.join(disk.mnt, 'folder', 'sub'))
        with open(os.path.join(disk.mnt, 'overwrite.txt'), 'wb') as f:
            f.write(b'first version\n')
        # (written twice at once, the kernel may merge both into one event)
        self.wait_session(sid, lambda s, m, f: b'overwrite.txt' in self.final(f),
                          'the first version recorded')
        with open(os.path.join(disk.mnt, 'renamed-from.txt'), 'wb') as f:
            f.write(b'moved\n')
        with open(os.path.join(disk.mnt, 'deleted.txt'), 'wb') as f:
            f.write(b'short-lived\n')
        for name, data in contents.items():
            if name != 'renamed-to.txt':
                with open(os.path.join(disk.mnt, name), 'wb') as f:
                    f.write(data)
        os.rename(os.path.join(disk.mnt, 'renamed-from.txt'),
                  os.path.join(disk.mnt, 'renamed-to.txt'))
        os.unlink(os.path.join(disk.mnt, 'deleted.txt'))

        def all_seen(s, m, files):
            final = self.final(files)
            return (b'deleted.txt' in final and final[b'deleted.txt']['action'] == 'deleted' and
                    all(final.get(n.encode(), {}).get('sha256') == sha256(d)
                        for n, d in contents.items() if n != 'renamed-to.txt'))
        _, _, files = self.wait_session(sid, all_seen, 'every change recorded')
        final = self.final(files)
        self.assertEqual(final[JAPANESE.encode()]['action'], 'created')
        self.assertEqual(final[JAPANESE.encode()]['size'], len(contents[JAPANESE]))
        self.assertEqual(final[b'overwrite.txt']['action'], 'modified')
        self.assertEqual(final[b'folder/sub/deep.bin']['status'], 'ok')
        self.assertEqual(final[b'renamed-to.txt']['action'], 'renamed')
        self.assertEqual(bytes(final[b'renamed-to.txt']['old-path']), b'renamed-from.txt')
        self.assertIn(b'folder/sub', final)   # folders are changes too
        writer = final[JAPANESE.encode()]
        self.assertEqual(writer['uid'], 0)
        self.assertTrue(writer['program'].endswith('python3') or 'python' in writer['program'],
                        writer['program'])
        self.assertTrue(all(f['source'] == 'fanotify' for f in files))

        # a folder renamed: later files in it get its new path
        os.rename(os.path.join(disk.mnt, 'folder'), os.path.join(disk.mnt, 'moved'))
        with open(os.path.join(disk.mnt, 'moved', 'sub', 'after.txt'), 'wb') as f:
            f.write(b'after the move\n')
        files = self.wait_session(
            sid, lambda s, m, f: b'moved/sub/after.txt' in self.final(f),
            'the file in the renamed folder')[2]
        self.assertEqual(bytes(self.final(files)[b'moved']['old-path']), b'folder')

        disk.umount()
        session, mounts, files = self.wait_session(
            sid, lambda s, m, f: m[0]['unmounted-at'] and
            m[0].get('manifest', '').startswith('checked'), 'the manifest check at unmount')
        self.assertEqual(mounts[0]['manifest'], 'checked: 0 change(s) found only by the manifest')
        self.h.expect_device(lambda: self.h.usb.unplug(dev), dev.name, removed=True)
        session = self.wait_session(sid, lambda s, m, f: s['ended-at'], 'the session end')[0]
        self.assertEqual(session['end-reason'], 'ejected')
        self.assertEqual(session['user'], 'tanaka')

        out = self.h.ctl('sessions', 'show', str(sid)).stdout.decode()
        self.assertIn(JAPANESE, out)
        self.assertIn(sha256(contents[JAPANESE]), out)
        self.assertIn('renamed-from.txt', out)
        self.assertIn('ejected', out)

    def test_exfat_on_fuse_writes_by_fanotify_renames_and_deletes_by_manifest(self):
        self.start()
        dev, disk, sid = self.registered_stick('exfat')
        disk.mount()
        self.wait_session(sid, lambda s, m, f: len(m) == 1 and
                          m[0].get('manifest', '').startswith('taken at mount'), 'the FUSE mount')
        mounts = self.session(sid)[1]
        self.assertEqual(mounts[0]['watch'], 'fanotify-fd')   # FUSE has no file handles
        os.makedirs(os.path.join(disk.mnt, '資料'))
        contents = {'資料/' + JAPANESE: '中身\n'.encode() * 50, 'keep.txt': b'kept\n',
                    'to-rename.txt': b'renamed later\n', 'to-delete.txt': b'deleted later\n'}
        for name, data in contents.items():
            with open(os.path.join(disk.mnt, name), 'wb') as f:
                f.write(data)
        self.wait_session(
            sid, lambda s, m, f: all(self.final(f).get(n.encode(), {}).get('sha256') ==
                                     sha256(d) for n, d in contents.items()),
            'every written file recorded with its hash')
        os.rename(os.path.join(disk.mnt, 'to-rename.txt'), os.path.join(disk.mnt, 'renamed.txt'))
        os.unlink(os.path.join(disk.mnt, 'to-delete.txt'))
        disk.umount()
        _, mounts, files = self.wait_session(
            sid, lambda s, m, f: m[0].get('manifest', '').startswith('checked'),
            'the manifest check at unmount')
        found = {(f['action'], bytes(f['path'])): f for f in files if f['source'] == 'manifest'}
        # renamed.txt and the folder appeared, two files are gone: no events for
        # these on FUSE
        self.assertEqual(mounts[0]['manifest'], 'checked: 4 change(s) found only by the manifest',
                         found)
        self.assertIn(('created', '資料'.encode()), found)
        self.assertIn(('deleted', b'to-delete.txt'), found)
        self.assertIn(('deleted', b'to-rename.txt'), found)
        self.assertEqual(found[('created', b'renamed.txt')]['sha256'],
                         sha256(contents['to-rename.txt']))
        out = self.h.ctl('sessions', 'show', str(sid)).stdout.decode()
        self.assertIn('(found by the manifest)', out)
        self.assertIn('資料/' + JAPANESE, out)

    def replug(self, disk, serial, decision='allow'):
        """The same stick (and its disk) plugged in again; returns (device,
        session id)."""
        box = {}
        rec = self.h.expect_device(lambda: box.update(dev=self.h.usb.add(
            2, 0x0781, 0x5567, [[MASS_STORAGE]], serial=serial)), '1-2', decision)
        self.h.usb.play_kernel(box['dev'])
        self.h.usb.add_disk(box['dev'], disk.dev)
        return box['dev'], rec['session-id']

    def mount_and_compare(self, disk, sid):
        disk.mount()
        return self.wait_session(sid, lambda s, m, f: m and m[-1].get(
            'manifest', '').startswith('taken at mount'), 'the manifest at mount')[1][-1]

    def test_changes_made_outside_usbledger_found_at_next_mount(self):
        self.start()
        dev, disk, sid = self.registered_stick('ext4', serial=b'OUTSIDE-1')
        mount = self.mount_and_compare(disk, sid)
        self.assertIn('no checked earlier session to compare with', mount['manifest'])
        for name in ('keep.txt', 'change.txt', 'gone.txt'):
            with open(os.path.join(disk.mnt, name), 'wb') as f:
                f.write(b'at the office: ' + name.encode() + b'\n')
        self.wait_session(sid, lambda s, m, f: len([x for x in self.final(f).values()
                                                    if x.get('status') == 'ok']) == 3,
                          'the three files')
        disk.umount()
        self.wait_session(sid, lambda s, m, f: m[0].get('manifest', '').startswith('checked'),
                          'the check at unmount')
        self.h.expect_device(lambda: self.h.usb.unplug(dev), dev.name, removed=True)

        # at home: the stick in a computer without usbledger
        disk.mount()
        with open(os.path.join(disk.mnt, '自宅で追加.txt'), 'wb') as f:
            f.write(b'added at home\n')
        with open(os.path.join(disk.mnt, 'change.txt'), 'wb') as f:
            f.write(b'changed at home, longer than before\n')
        os.unlink(os.path.join(disk.mnt, 'gone.txt'))
        disk.umount()

        # back at the office
        dev, sid2 = self.replug(disk, b'OUTSIDE-1')
        mount = self.mount_and_compare(disk, sid2)
        self.assertIn('3 change(s) made outside usbledger since session %d' % sid,
                      mount['manifest'])
        files = self.wait_session(sid2, lambda s, m, f: len(
            [x for x in f if x['source'] == 'outside' and
             (x['action'] == 'deleted' or x.get('status') == 'ok')]) == 3,
            'the outside changes hashed')[2]
        outside = {bytes(x['path']): x for x in files if x['source'] == 'outside'}
        self.assertEqual(sorted(outside), sorted([b'change.txt', b'gone.txt',
                                                  '自宅で追加.txt'.encode()]))
        self.assertEqual(outside['自宅で追加.txt'.encode()]['action'], 'created')
        self.assertEqual(outside['自宅で追加.txt'.encode()]['sha256'], sha256(b'added at home\n'))
        self.assertEqual(outside[b'change.txt']['action'], 'modified')
        self.assertEqual(outside[b'change.txt']['sha256'],
                         sha256(b'changed at home, longer than before\n'))
        self.assertEqual(outside[b'gone.txt']['action'], 'deleted')
        log = self.h.ctl('log').stdout.decode()
        self.assertIn('medium-changed-outside', log)
        self.assertIn('3 change(s) made outside usbledger since session %d ended' % sid, log)
        self.assertIn('changed outside usbledger, found at mount',
                      self.h.ctl('sessions', 'show', str(sid2)).stdout.decode())
        # what was found at mount is not found again at unmount
        disk.umount()
        mounts = self.wait_session(sid2, lambda s, m, f: m[0].get('manifest', '').startswith(
            'checked'), 'the check at unmount')[1]
        self.assertEqual(mounts[0]['manifest'], 'checked: 0 change(s) found only by the manifest')
        self.h.expect_device(lambda: self.h.usb.unplug(dev), dev.name, removed=True)

        # untouched in between: nothing to report
        dev, sid3 = self.replug(disk, b'OUTSIDE-1')
        mount = self.mount_and_compare(disk, sid3)
        self.assertIn('unchanged since session %d' % sid2, mount['manifest'])
        # pulled while mounted: compared with the walk at that session's
        # mount (issue 9, item 8); nothing changed but what it recorded
        self.h.expect_device(lambda: self.h.usb.unplug(dev), dev.name, removed=True)
        disk.umount()
        dev, sid4 = self.replug(disk, b'OUTSIDE-1')
        mount = self.mount_and_compare(disk, sid4)
        self.assertIn('no change but those recorded since session %d was mounted' % sid3,
                      mount['manifest'])
        self.assertEqual(self.h.ctl('log').stdout.decode().count('medium-changed-outside'), 1)
        self.assertNotIn('unseen-changes', self.h.ctl('log').stdout.decode())

    def test_writes_the_watch_missed_show_after_a_yank(self):
        # issue 9, item 8: on a FUSE medium the watch is a mount mark; a
        # write through a bind mount in another mount namespace is not seen.
        # Pulled out, the walk at its mount is kept, and at the next mount
        # that write shows, as an incident; what the watch saw does not
        self.start()
        dev, disk, sid = self.registered_stick('exfat', serial=b'UNSEEN-0001')
        mount = self.mount_and_compare(disk, sid)
        self.assertTrue(mount['watch'].startswith('fanotify'), mount)
        with open(os.path.join(disk.mnt, 'seen.txt'), 'wb') as f:
            f.write(b'written through the watched mount\n')
        self.wait_session(sid, lambda s, m, f: self.final(f).get(b'seen.txt', {}).get(
            'status') == 'ok', 'seen.txt')
        other = os.path.join(self.tmp, 'other')
        os.makedirs(other)
        run('unshare', '-m', '--propagation', 'private', 'sh', '-c',
            'mount --bind "$0" "$1" && echo unseen > "$1/unseen.txt" && umount "$1"',
            disk.mnt, other)
        self.h.expect_device(lambda: self.h.usb.unplug(dev), dev.name, removed=True)
        session = self.h.session(sid)
        self.assertEqual(session[0]['end-reason'], 'yanked')
        self.assertNotIn(b'unseen.txt', self.final(session[2]))
        disk.umount()
        dev, sid2 = self.replug(disk, b'UNSEEN-0001')
        mount = self.mount_and_compare(disk, sid2)
        self.assertIn('1 change(s) not seen by usbledgerd since session %d was mounted' % sid,
                      mount['manifest'])
        files = self.wait_session(sid2, lambda s, m, f: self.final(f).get(
            b'unseen.txt', {}).get('status') == 'ok', 'the unseen file hashed')[2]
        unseen = self.final(files)[b'unseen.txt']
        self.assertEqual((unseen['source'], unseen['action']), ('outside', 'created'))
        self.assertEqual(unseen['sha256'], sha256(b'unseen\n'))
        self.assertNotIn(b'seen.txt', self.final(files))
        self.assertIn('unseen-changes', self.h.ctl('log').stdout.decode())

    def test_burst_of_10000_files_all_recorded_and_hashes_match_sha256sum(self):
        self.start()
        dev, disk, sid = self.registered_stick('ext4')
        disk.mount()
        self.wait_session(sid, lambda s, m, f: len(m) == 1, 'the mount')
        n = 10000
        for d in range(10):
            os.makedirs(os.path.join(disk.mnt, 'burst', 'd%d' % d))
        names = ['burst/d%d/f%05d.txt' % (i % 10, i) for i in range(n)]
        for i, name in enumerate(names):
            with open(os.path.join(disk.mnt, name), 'wb') as f:
                f.write(b'file %d\n' % i)
        # the daemon keeps answering while it works through the burst
        self.assertEqual(len(self.h.call('ListDevices')[0]), 2)
        self.wait_session(sid, lambda s, m, f: s['files'] >= n + 11,
                          'all %d files recorded' % n, timeout=300)
        files = self.final(self.session(sid)[2])
        sums = run('sha256sum', *names, cwd=disk.mnt, text=True).stdout.splitlines()
        expected = {line[66:].encode(): line[:64] for line in sums}
        got = {p: files[p].get('sha256') for p in expected}
        self.assertEqual(got, expected)
        self.assertEqual(sum(1 for f in files.values() if f['status'] != 'ok' and
                             f['path'][:6] == list(b'burst/') and
                             not bytes(f['path']).endswith(tuple(b'd%d' % d for d in range(10)))),
                         0)

    def test_yanked_while_writing_closes_session_as_yanked(self):
        self.start()
        dev, disk, sid = self.registered_stick('ext4')
        disk.mount()
        self.wait_session(sid, lambda s, m, f: len(m) == 1, 'the mount')
        with open(os.path.join(disk.mnt, 'done.txt'), 'wb') as f:
            f.write(b'finished before the yank\n')
        self.wait_session(sid, lambda s, m, f: b'done.txt' in self.final(f), 'done.txt')
        writing = open(os.path.join(disk.mnt, 'half.bin'), 'wb')
        writing.write(os.urandom(1 << 20))
        # pulled while half.bin is still open for writing, without unmounting
        self.h.expect_device(lambda: self.h.usb.unplug(dev), dev.name, removed=True)
        writing.close()
        session, mounts, files = self.wait_session(
            sid, lambda s, m, f: s['ended-at'] and b'half.bin' in self.final(f),
            'the session end and the last records')
        self.assertEqual(session['end-reason'], 'yanked')
        self.assertEqual(mounts[0]['manifest'],
                         'not checked: the medium was removed while mounted')
        self.assertTrue(mounts[0]['unmounted-at'])
        final = self.final(files)
        self.assertEqual(final[b'done.txt']['sha256'], sha256(b'finished before the yank\n'))
        # still open for writing when pulled: recorded, never with a hash
        self.assertEqual(final[b'half.bin']['status'], 'incomplete')
        self.assertNotIn('sha256', final[b'half.bin'])
        log = self.h.ctl('log').stdout.decode()
        self.assertIn('(yanked)', log)

    def test_existing_file_written_never_closed_then_yanked(self):
        # issue 9, item 8: an existing file written through a descriptor that
        # is never closed gives no close-write; pulled out, it is recorded all
        # the same, as modified and incomplete
        self.start()
        dev, disk, sid = self.registered_stick('ext4')
        self.mount_and_compare(disk, sid)
        path = os.path.join(disk.mnt, 'report.docx')
        with open(path, 'wb') as f:
            f.write(b'first version\n')
        self.wait_session(sid, lambda s, m, f: self.final(f).get(b'report.docx', {}).get(
            'status') == 'ok', 'report.docx')
        fd = os.open(path, os.O_WRONLY | os.O_APPEND)
        try:
            os.write(fd, os.urandom(92 * 1024))
            os.fsync(fd)
            self.h.expect_device(lambda: self.h.usb.unplug(dev), dev.name, removed=True)
        finally:
            os.close(fd)
        session, mounts, files = self.wait_session(
            sid, lambda s, m, f: s['ended-at'] and
            len([x for x in f if bytes(x['path']) == b'report.docx']) == 2,
            'the session end and the record of the second write')
        self.assertEqual(session['end-reason'], 'yanked')
        last = self.final(files)[b'report.docx']
        self.assertEqual((last['action'], last['status']), ('modified', 'incomplete'))
        self.assertNotIn('sha256', last)

    def test_a_huge_sparse_file_is_not_hashed_and_stalls_nothing(self):
        # issue 9, item 16: each hash has a byte budget (default: FAT32's
        # largest file); a 1 TiB sparse file is recorded with its size as
        # too large, and a file written after it is recorded as usual
        self.start()
        dev, disk, sid = self.registered_stick('ext4')
        self.mount_and_compare(disk, sid)
        with open(os.path.join(disk.mnt, 'huge.img'), 'wb') as f:
            f.truncate(1 << 40)
        with open(os.path.join(disk.mnt, 'after.txt'), 'wb') as f:
            f.write(b'written after the huge one\n')
        files = self.wait_session(sid, lambda s, m, f: self.final(f).get(
            b'after.txt', {}).get('status') == 'ok', 'the file after the huge one', timeout=30)[2]
        huge = self.final(files)[b'huge.img']
        self.assertEqual((huge['status'], huge['size']), ('too-large', 1 << 40))
        self.assertNotIn('sha256', huge)
        self.assertIn('too-large', self.h.ctl('sessions', 'show', str(sid)).stdout.decode())

    def test_revoked_while_mounted_and_daemon_restart(self):
        self.start()
        dev, disk, sid = self.registered_stick('ext4')
        self.mount_and_compare(disk, sid)
        # restarted while mounted: the old mount record ends, the session
        # goes on and follows the filesystem again
        self.h.stop_daemon()
        self.start()
        session, mounts, _ = self.wait_session(sid, lambda s, m, f: len(m) == 2, 'the new mount')
        self.assertEqual(mounts[0]['manifest'],
                         'not checked: usbledgerd stopped while it was mounted')
        self.assertTrue(mounts[0]['unmounted-at'])
        self.assertFalse(session['ended-at'])
        with open(os.path.join(disk.mnt, 'after-restart.txt'), 'wb') as f:
            f.write(b'followed again\n')
        self.wait_session(sid, lambda s, m, f: b'after-restart.txt' in self.final(f),
                          'a file written after the restart')
        # revoked while mounted: blocked at once, the session ends as such
        rec = self.h.expect_device(lambda: self.h.ctl('revoke', 'USB-S2', '--reason', 'lost'),
                                   dev.name, 'block')
        self.assertFalse(rec['authorized'])
        session, mounts, _ = self.wait_session(sid, lambda s, m, f: s['ended-at'],
                                               'the session end')
        self.assertEqual(session['end-reason'], 'blocked')
        self.assertTrue(mounts[1]['unmounted-at'])
        self.assertEqual(self.h.ctl('log', '--verify', check=False).returncode, 0)

    def test_logbook_unavailable_records_kept_then_written(self):
        # the logbook cannot take the records for a while (here: another
        # process holds its write lock; a full disk takes the same path): the
        # records are kept and written once it can, none lost
        self.start()
        dev, disk, sid = self.registered_stick('ext4')
        self.mount_and_compare(disk, sid)
        monitor = self.watch_daemon_log()
        lock = self.lock_logbook()
        try:
            names = ['kept-%02d.txt' % i for i in range(20)]
            for name in names:
                with open(os.path.join(disk.mnt, name), 'wb') as f:
                    f.write(name.encode())
            iterate_until(lambda: 'will retry' in self.h.read_log(), timeout=60,
                          what='the daemon to keep the records it cannot write')
        finally:
            lock.rollback()
            lock.close()
        files = self.wait_session(
            sid, lambda s, m, f: all(self.final(f).get(n.encode(), {}).get('status') == 'ok'
                                     for n in names), 'the kept records written')[2]
        final = self.final(files)
        self.assertEqual([final[n.encode()]['sha256'] for n in names],
                         [sha256(n.encode()) for n in names])

    def test_records_waiting_for_the_logbook_are_bounded(self):
        # issue 9, item 17: past the bound (5 here) reading file events stops,
        # the kernel keeps them; nothing is lost, and the backlog is an incident
        self.h.start_daemon(['--max-unwritten-records', '5'])
        dev, disk, sid = self.registered_stick('ext4')
        self.mount_and_compare(disk, sid)
        monitor = self.watch_daemon_log()
        lock = self.lock_logbook()
        names = ['bounded-%02d.txt' % i for i in range(40)]
        try:
            for name in names:
                with open(os.path.join(disk.mnt, name), 'wb') as f:
                    f.write(name.encode())
            iterate_until(lambda: 'reading file events paused, no new session' in
                          self.h.read_log(), timeout=60, what='the bound reached')
        finally:
            lock.rollback()
            lock.close()
        files = self.wait_session(
            sid, lambda s, m, f: all(self.final(f).get(n.encode(), {}).get('status') == 'ok'
                                     for n in names), 'every record written')[2]
        final = self.final(files)
        self.assertEqual([final[n.encode()]['sha256'] for n in names],
                         [sha256(n.encode()) for n in names])
        self.assertIn('records-backlog', self.h.ctl('log').stdout.decode())

    def test_check_helper_leaves_nothing_mounted_when_usbledgerd_dies(self):
        # issue 9, item 10: the check at unmount mounts the medium privately
        # (exFAT: a mount.exfat-fuse process); usbledgerd killed meanwhile
        # must not leave that mount or process behind
        disk = LoopDisk(self.tmp, 'exfat')
        self.disks.append(disk)
        fifo = os.path.join(self.tmp, 'hold')
        os.mkfifo(fifo)
        reader = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)
        self.addCleanup(os.close, reader)
        env = dict(os.environ, USBLEDGER_MANIFEST_TEST_HOLD=fifo)
        # the helper's parent stands in for usbledgerd
        parent = subprocess.Popen(['sh', '-c', '"$0" check "$1" fuseblk < /dev/null; exit',
                                   binary('usbledger-manifest'), disk.dev], env=env)
        ready = select.select([reader], [], [], 60)[0]
        line = os.read(reader, 4096).decode() if ready else ''
        self.assertTrue(line.startswith('mounted '), 'the helper never mounted the medium')
        helper_pid, check_dir = line.split(' ', 2)[1:]
        check_dir = check_dir.strip()
        helper = os.pidfd_open(int(helper_pid))
        self.addCleanup(os.close, helper)
        def cmdline(pid):
            try:
                with open('/proc/%s/cmdline' % pid, 'rb') as f:
                    return f.read()
            except OSError:
                return b''
        fuse = [pid for pid in os.listdir('/proc') if pid.isdigit() and
                disk.dev.encode() in cmdline(pid) and b'exfat' in cmdline(pid)]
        self.assertEqual(len(fuse), 1, 'one mount.exfat-fuse for the check')
        pidfd = os.pidfd_open(int(fuse[0]))
        self.addCleanup(os.close, pidfd)
        parent.kill()
        parent.wait()
        # the FUSE daemon exits once the helper, told by the kernel that its
        # parent died, detaches the mount
        self.assertTrue(select.select([pidfd], [], [], 30)[0],
                        'mount.exfat-fuse still running: the check mount was left behind')
        self.assertTrue(select.select([helper], [], [], 30)[0], 'the helper did not end')
        self.assertFalse(os.path.exists(check_dir))

    def test_under_the_units_capability_set(self):
        # issue 9, item 9: as systemd runs it (the unit's bounding set), the
        # program a staff member writes with is recorded, and the check at
        # unmount works
        self.h.start_daemon(unit_capabilities=True)
        with open('/proc/%d/status' % self.h.daemon.pid) as f:
            status = dict(line.split(':\t', 1) for line in f.read().splitlines() if ':\t' in line)
        names = {'CAP_DAC_OVERRIDE': 1, 'CAP_DAC_READ_SEARCH': 2, 'CAP_SYS_PTRACE': 19,
                 'CAP_SYS_ADMIN': 21}
        expected = sum(1 << names[c] for c in self.h.unit_capabilities())
        self.assertEqual(int(status['CapBnd'], 16), expected)
        self.assertEqual(int(status['CapEff'], 16), expected)
        dev, disk, sid = self.registered_stick('ext4')
        self.mount_and_compare(disk, sid)
        os.chmod(self.tmp, 0o755)   # the way to the mount, for uid 1000
        os.chmod(disk.mnt, 0o777)
        # a staff member (uid 1000) writes, and stays until the record is in
        writer = subprocess.Popen(['setpriv', '--reuid', '1000', '--regid', '1000',
                                   '--clear-groups', '/bin/sh', '-c',
                                   'echo data > "$1"; read x', 'sh',
                                   os.path.join(disk.mnt, 'staff.txt')], stdin=subprocess.PIPE)
        try:
            files = self.wait_session(
                sid, lambda s, m, f: self.final(f).get(b'staff.txt', {}).get('status') == 'ok',
                'the file written')[2]
        finally:
            writer.communicate(b'\n')
        record = self.final(files)[b'staff.txt']
        self.assertEqual(record['uid'], 1000)
        self.assertEqual(record.get('program'), os.path.realpath('/bin/sh'))
        disk.umount()
        mounts = self.wait_session(sid, lambda s, m, f: m[-1].get('manifest', '').startswith(
            ('checked', 'not')), 'the check at unmount')[1]
        self.assertTrue(mounts[-1]['manifest'].startswith('checked'), mounts[-1])

    # -- issue 9, items 7 and 17: mounts and names someone else chose -------
    def test_a_foreign_mount_naming_the_disk_is_not_adopted(self):
        self.start()
        dev, disk, sid = self.registered_stick('ext4')
        # anyone can mount a filesystem of no device (tmpfs, FUSE) whose
        # source names the medium's disk, at a path of their choosing
        os.makedirs('/home', exist_ok=True)
        home = tempfile.mkdtemp(prefix='usbledger-test-', dir='/home')
        self.addCleanup(shutil.rmtree, home, ignore_errors=True)
        fake = os.path.join(home, 'fake\x1b[31m')
        os.makedirs(fake)
        run('mount', '-t', 'tmpfs', '-o', 'size=1m', disk.dev, fake)
        self.addCleanup(run, 'umount', '-l', fake, check=False)
        disk.mount()
        session, mounts, files = self.wait_session(
            sid, lambda s, m, f: m and m[-1].get('manifest', '').startswith('taken at mount'),
            'the real mount')
        self.assertEqual([m['fstype'] for m in mounts], ['ext4'])
        shown = self.h.ctl('sessions', 'show', str(sid)).stdout
        self.assertNotIn(b'\x1b', shown)
        self.assertNotIn(b'tmpfs', shown)
        # it blocks no erasure either ("system filesystem /home/...")
        disk.umount()
        self.h.set_allowed(('org.usbledger.view', 'org.usbledger.approve',
                            'org.usbledger.erase'))
        out = self.h.ctl('erase', 'USB-S2', '--confirm', 'USB-S2 SESSION-1').stdout.decode()
        self.assertIn('erased and verified', out)

    def test_unmount_waits_for_the_hasher_without_holding_the_daemon(self):
        """Issue 9, item 16: the check at unmount compares against every
        record, so it starts once the files still queued for hashing are
        written; the main loop is not held meanwhile (before, it drained
        the hash queue at the unmount and answered nothing until then)."""
        with HoldHook(self.tmp, 'hasher') as hold:
            self.h.start_daemon(extra_env={'USBLEDGER_HASHER_TEST_HOLD': hold.fifo})
            dev, disk, sid = self.registered_stick('ext4')
            disk.mount()
            self.wait_session(sid, lambda s, m, f: m and
                              m[-1].get('manifest', '').startswith('taken at mount'), 'the mount')
            with open(os.path.join(disk.mnt, 'report.hold'), 'wb') as f:
                f.write(b'queued behind a held hasher\n')
            # the hasher has taken the file and is held there
            hold.wait_held('the hasher')
            disk.umount()
            # the daemon answers while the record waits; the unmount is recorded
            session, mounts, files = self.wait_session(
                sid, lambda s, m, f: m and m[-1].get('unmounted-at', 0) != 0, 'the unmount')
            self.assertNotIn(b'report.hold', self.final(files))
            self.assertFalse(mounts[-1].get('manifest', '').startswith('checked'))
            # released: the watch's record is written first (the file is gone
            # with the unmount, so its content is unreadable to it), then the
            # check, which compares against it, finds the content and hashes it
            hold.release()
            session, mounts, files = self.wait_session(
                sid, lambda s, m, f: m[-1].get('manifest', '').startswith('checked'), 'the check')
            held_records = [(f['source'], f['status']) for f in files
                            if bytes(f['path']) == b'report.hold']
            self.assertEqual(held_records, [('fanotify', 'unreadable'), ('manifest', 'ok')])
            self.assertEqual(self.final(files)[b'report.hold']['sha256'],
                             sha256(b'queued behind a held hasher\n'))
            self.assertEqual(mounts[-1]['manifest'],
                             'checked: 1 change(s) found only by the manifest')

    def test_erase_waits_for_the_check_of_the_last_unmount(self):
        """The check at unmount has the disk mounted privately, so it cannot
        be erased (opened exclusively) meanwhile: the daemon says busy, and
        usbledgerctl waits for the check's end and asks again."""
        fifo = os.path.join(self.tmp, 'hold')
        os.mkfifo(fifo)
        reader = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)
        self.addCleanup(os.close, reader)
        self.h.start_daemon(extra_env={'USBLEDGER_MANIFEST_TEST_HOLD': fifo})
        dev, disk, sid = self.registered_stick('ext4')
        disk.mount()
        self.wait_session(sid, lambda s, m, f: m and
                          m[-1].get('manifest', '').startswith('taken at mount'), 'the mount')
        disk.umount()
        # the check has mounted the disk, and is held there
        ready = select.select([reader], [], [], 60)[0]
        line = os.read(reader, 4096).decode() if ready else ''
        self.assertTrue(line.startswith('mounted '), 'the check never mounted the disk')
        helper_pid = int(line.split(' ', 2)[1])
        self.h.set_allowed(('org.usbledger.view', 'org.usbledger.approve',
                            'org.usbledger.erase'))
        erase = subprocess.Popen([binary('usbledgerctl'), 'erase', 'USB-S2', '--confirm',
                                  'USB-S2 SESSION-1'], env=self.h.ctl_env(),
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        self.addCleanup(erase.kill)
        said = b''
        while b'waiting for the check' not in said:
            self.assertTrue(select.select([erase.stderr], [], [], 60)[0],
                            'usbledgerctl did not say it waits: %r' % said)
            chunk = os.read(erase.stderr.fileno(), 4096)
            self.assertTrue(chunk, 'usbledgerctl ended: %r' % said)
            said += chunk
        # the check ends (here stopped: its end is all that counts)
        os.kill(helper_pid, signal.SIGTERM)
        out, err = erase.communicate(timeout=120)
        self.assertEqual(erase.returncode, 0, said + err)
        self.assertIn(b'erased and verified', out)

    def test_program_path_not_utf8_is_recorded_escaped(self):
        self.start()
        dev, disk, sid = self.registered_stick('ext4')
        self.mount_and_compare(disk, sid)
        # a program whose path is not UTF-8 writes a file, and stays until
        # its record is in (a program already gone is unknown)
        tool = os.path.join(self.tmp.encode(), b'sh\xff\xfe')
        shutil.copy('/bin/sh', tool)
        writer = subprocess.Popen([tool, '-c', 'echo data > "$1"; read x', 'sh',
                                   os.path.join(disk.mnt, 'written.txt')], stdin=subprocess.PIPE)
        try:
            session, mounts, files = self.wait_session(
                sid, lambda s, m, f: self.final(f).get(b'written.txt', {}).get('status') == 'ok',
                'the file written')
        finally:
            writer.communicate(b'\n')
        program = self.final(files)[b'written.txt'].get('program')
        self.assertEqual(program, os.path.join(self.tmp, 'sh\\xff\\xfe'))
        self.assertIsNone(self.h.daemon.poll())

    def test_seat_change_during_session_is_recorded(self):
        self.start()
        dev, disk, sid = self.registered_stick('ext4')
        self.h.switch_seat('c2', 'suzuki', 1001)
        session = self.wait_session(sid, lambda s, m, f: s.get('seat-changes'),
                                    'the seat change')[0]
        self.assertEqual([u for _, u in session['seat-changes']], ['suzuki'])
        self.assertEqual(session['user'], 'tanaka')   # who plugged it in stays recorded
        self.h.log_out_seat()
        session = self.wait_session(sid, lambda s, m, f: len(s.get('seat-changes', [])) == 2,
                                    'no one at the seat')[0]
        out = self.h.ctl('sessions', 'show', str(sid)).stdout.decode()
        self.assertIn('seat user now suzuki', out)
        self.assertIn('seat user now (no one logged in)', out)
        # both people appear in a search by user
        self.assertIn('USB-S2', self.h.ctl('sessions', '--user', 'suzuki').stdout.decode())
        self.assertIn('session-seat-changed', self.h.ctl('log').stdout.decode())

    def test_no_one_logged_in_and_filters(self):
        self.h.log_out_seat()
        self.start()
        dev, disk, sid = self.registered_stick('ext4')
        session = self.session(sid)[0]
        self.assertNotIn('user', session)
        out = self.h.ctl('sessions').stdout.decode()
        self.assertIn('(no one logged in)', out)
        month = run('date', '+%Y-%m', text=True).stdout.strip()
        self.assertIn('USB-S2', self.h.ctl('sessions', '--month', month).stdout.decode())
        self.assertNotIn('USB-S2', self.h.ctl('sessions', '--month', '2001-01').stdout.decode())
        self.assertNotIn('USB-S2', self.h.ctl('sessions', '--user', 'tanaka').stdout.decode())
        self.assertIn('USB-S2', self.h.ctl('sessions', '-a', 'USB-S2').stdout.decode())
        bad = self.h.ctl('sessions', '--month', '2024-13', check=False)
        self.assertEqual(bad.returncode, 2)
        self.assertIn('YYYY-MM', bad.stderr.decode())
        bad = self.h.ctl('sessions', 'show', 'x', check=False)
        self.assertEqual(bad.returncode, 2)
        for limit in (0, 5001):
            with self.assertRaises(Exception) as cm:
                self.h.call('ListSessionFiles', (sid, 0, limit), '(xxu)')
            self.assertIn('limit must be 1 to 5000', str(cm.exception))
        missing = self.h.ctl('sessions', 'show', '99', check=False)
        self.assertEqual(missing.returncode, 1)
        self.assertIn('no session 99', missing.stderr.decode())


if __name__ == '__main__':
    unittest.main(verbosity=2)
