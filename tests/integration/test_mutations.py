#!/usr/bin/python3
"""The mutation campaign (issue 10): a logbook made by the real daemon on a
simulated bus, then 1,000 random single edits of copies of it, each made as
someone with the plain sqlite3 shell would make it (the triggers dropped
first). Every edit must be found by `usbledgerd --verify-logbook`, and the
message must name the row that was edited (or, for an edit whose chain was
computed again, the stretch between two signed checkpoints that holds it).

The seed is printed; UL_MUTATION_SEED repeats a run, UL_MUTATIONS changes
the count."""

import os
import random
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), '..', 'common'))
sys.path.insert(0, os.path.dirname(__file__))

from harness import Harness, binary  # noqa: E402
from logbook_forms import event_hash, row_digest, seal_hash, table_row  # noqa: E402
from mocksysfs import MASS_STORAGE  # noqa: E402
from test_sessions import can_run, registered_stick  # noqa: E402

# the record tables the campaign edits, with how often; events and the
# seals themselves too
TABLES = {'sessions': 4, 'session_files': 4, 'requests': 3, 'media': 3, 'events': 4,
          'record_seals': 3, 'devices_seen': 1, 'session_mounts': 1, 'media_users': 1,
          'signing_keys': 1}
KINDS = {'change': 40, 'delete': 14, 'insert': 14, 'swap': 10, 'tail': 10, 'rewrite': 12}


class Skip(Exception):
    """this edit cannot be made on this logbook (a constraint, no change)"""


def row_pattern(table, rowid):
    if table == 'events':
        return r'\bevent %d\b' % rowid
    if table == 'record_seals':
        return r'\brecord seal %d\b' % rowid
    return r'\b%s row %d\b' % (table, rowid)


def ids(db, table):
    return [r[0] for r in db.execute('SELECT rowid FROM %s ORDER BY rowid' % table)]


def other_value(rng, v):
    """a value of the same kind that differs from @v"""
    if v is None:
        return rng.choice([1, 'x'])
    if isinstance(v, int):
        return v + rng.choice([1, -1, 1000])
    if isinstance(v, float):
        return v + 1.5
    if isinstance(v, str):
        return rng.choice([v + 'x', v[:-1], 'suzuki']) if v else 'x'
    b = bytearray(v)
    if not b:
        return b'\x00'
    b[rng.randrange(len(b))] ^= 1 << rng.randrange(8)
    return bytes(b)


class Campaign:
    def __init__(self, db, rng):
        self.db = db
        self.rng = rng

    def pick_table(self, minimum=1):
        tables = [t for t in TABLES if len(ids(self.db, t)) >= minimum]
        return self.rng.choices(tables, [TABLES[t] for t in tables])[0]

    # each returns (what was done, [patterns any of which names it])
    def change(self):
        table = self.pick_table()
        rowid = self.rng.choice(ids(self.db, table))
        names, values = table_row(self.db, table, rowid)
        i = self.rng.randrange(len(names))
        new = other_value(self.rng, values[i])
        if new == values[i]:
            raise Skip()
        self.db.execute('UPDATE %s SET %s = ? WHERE rowid = ?' % (table, names[i]), (new, rowid))
        patterns = [row_pattern(table, rowid)]
        if names[i] == 'id' and isinstance(new, int):
            patterns.append(row_pattern(table, new))   # the row now has that id
        return 'change %s row %d: %s' % (table, rowid, names[i]), patterns

    def delete(self):
        table = self.pick_table()
        rowid = self.rng.choice(ids(self.db, table))
        last = ids(self.db, table)[-1]
        self.db.execute('DELETE FROM %s WHERE rowid = ?' % table, (rowid,))
        return 'delete %s row %d' % (table, rowid), self.removed(table, rowid, rowid == last)

    def removed(self, table, first, was_tail):
        patterns = [row_pattern(table, first)]
        if was_tail and table == 'events':
            patterns.append(r'the events after %d were removed' % (first - 1))
        if was_tail and table == 'record_seals':
            patterns.append(r'the seals after %d were removed' % (first - 1))
        return patterns

    def insert(self):
        table = self.pick_table()
        names, values = table_row(self.db, table, self.rng.choice(ids(self.db, table)))
        new_id = ids(self.db, table)[-1] + 1
        values = list(values)
        for i, name in enumerate(names):
            if name == 'id':
                values[i] = new_id
            elif isinstance(values[i], str) and name in ('asset_number', 'number', 'sha256'):
                values[i] += '-forged'   # UNIQUE columns
        cols = ', '.join(names)
        marks = ', '.join('?' * len(names))
        if 'id' not in names:
            cols, marks, values = 'rowid, ' + cols, '?, ' + marks, [new_id] + values
        try:
            self.db.execute('INSERT INTO %s (%s) VALUES (%s)' % (table, cols, marks), values)
        except sqlite3.IntegrityError:
            raise Skip()
        return 'insert %s row %d' % (table, new_id), [row_pattern(table, new_id)]

    def swap(self):
        table = self.pick_table(minimum=2)
        a, b = sorted(self.rng.sample(ids(self.db, table), 2))
        names, va = table_row(self.db, table, a)
        _, vb = table_row(self.db, table, b)
        keep = [i for i, n in enumerate(names) if n != 'id']
        if [va[i] for i in keep] == [vb[i] for i in keep]:
            raise Skip()
        sets = ', '.join('%s = ?' % names[i] for i in keep)
        try:
            # through a free id: the UNIQUE columns never hold one value twice
            self.db.execute('UPDATE %s SET rowid = -1 WHERE rowid = ?' % table, (a,))
            self.db.execute('UPDATE %s SET %s WHERE rowid = ?' % (table, sets),
                            [vb[i] for i in keep] + [-1])
            self.db.execute('UPDATE %s SET rowid = ? WHERE rowid = -1' % table, (a,))
            self.db.execute('UPDATE %s SET rowid = -2 WHERE rowid = ?' % table, (b,))
            self.db.execute('UPDATE %s SET %s WHERE rowid = ?' % (table, sets),
                            [va[i] for i in keep] + [-2])
            self.db.execute('UPDATE %s SET rowid = ? WHERE rowid = -2' % table, (b,))
        except sqlite3.IntegrityError:
            raise Skip()
        return 'swap %s rows %d and %d' % (table, a, b), [row_pattern(table, a),
                                                          row_pattern(table, b)]

    def tail(self):
        table = self.pick_table(minimum=2)
        all_ids = ids(self.db, table)
        first = self.rng.choice(all_ids[len(all_ids) // 2:])
        self.db.execute('DELETE FROM %s WHERE rowid >= ?' % table, (first,))
        return ('cut %s from row %d' % (table, first),
                self.removed(table, first, True))

    def rewrite(self):
        """an edit whose chain is computed again: of an event, or of a
        record with its seal (written anew at the end, or changed in place)"""
        how = self.rng.choice(['event', 'record-new-seal', 'record-seal-in-place'])
        if how == 'event':
            rowid = self.rng.choice(ids(self.db, 'events'))
            self.db.execute("UPDATE events SET detail = detail || ' (edited)' WHERE id = ?",
                            (rowid,))
            self.recompute_events(rowid)
            return 'event %d edited, chain computed again' % rowid, self.bounded('event', rowid)
        table = self.rng.choice(['sessions', 'requests', 'media'])
        rowid = self.rng.choice(ids(self.db, table))
        col = {'sessions': 'user_name', 'requests': 'decided_by', 'media': 'holder'}[table]
        self.db.execute("UPDATE %s SET %s = 'suzuki' WHERE rowid = ?" % (table, col), (rowid,))
        names, values = table_row(self.db, table, rowid)
        digest = row_digest(table, rowid, names, values)
        if how == 'record-new-seal':
            prev = self.db.execute('SELECT hash FROM record_seals ORDER BY id DESC '
                                   'LIMIT 1').fetchone()[0]
            seal = ids(self.db, 'record_seals')[-1] + 1
            self.db.execute('INSERT INTO record_seals (id, tbl, row_id, op, digest, hash) '
                            "VALUES (?, ?, ?, 'update', ?, ?)",
                            (seal, table, rowid, digest,
                             seal_hash(prev, table, rowid, 'update', digest)))
            return ('%s row %d edited, a seal written for it' % (table, rowid),
                    [row_pattern('record_seals', seal)])
        seal = self.db.execute('SELECT max(id) FROM record_seals WHERE tbl = ? AND row_id = ?',
                               (table, rowid)).fetchone()[0]
        self.db.execute('UPDATE record_seals SET digest = ? WHERE id = ?', (digest, seal))
        self.recompute_seals(seal)
        return ('%s row %d edited, its seal %d and the chain computed again'
                % (table, rowid, seal), self.bounded('record seal', seal))

    @staticmethod
    def bounded(what, rowid):
        """the message names the stretch between two checkpoints that holds
        the edit: 'WHAT N is not the one ... (after WHAT G, ...)'"""
        return [('bounded', what, rowid)]

    def recompute_events(self, start):
        prev = self.db.execute('SELECT hash FROM events WHERE id = ?',
                               (start - 1,)).fetchone()
        prev = prev[0] if prev else '0' * 64
        for row in self.db.execute('SELECT id, time, host, kind, actor, actor_uid, seat_user, '
                                   'device_id, medium_id, request_id, session_id, decision, '
                                   'detail, reason_code FROM events WHERE id >= ? ORDER BY id',
                                   (start,)).fetchall():
            h = event_hash(row, prev)
            self.db.execute('UPDATE events SET prev_hash = ?, hash = ? WHERE id = ?',
                            (prev, h, row[0]))
            prev = h

    def recompute_seals(self, start):
        prev = self.db.execute('SELECT hash FROM record_seals WHERE id = ?',
                               (start - 1,)).fetchone()
        prev = prev[0] if prev else None
        for sid, tbl, rowid, op, digest in self.db.execute(
                'SELECT id, tbl, row_id, op, digest FROM record_seals WHERE id >= ? ORDER BY id',
                (start,)).fetchall():
            h = seal_hash(prev, tbl, rowid, op, digest)
            self.db.execute('UPDATE record_seals SET hash = ? WHERE id = ?', (h, sid))
            prev = h


def names_it(message, patterns):
    for p in patterns:
        if isinstance(p, tuple):
            _, what, rowid = p
            m = re.search(r'%s (\d+) is not the one the checkpoint' % what, message)
            if m is None:
                continue
            after = re.search(r'after %s (\d+), which an earlier checkpoint' % what, message)
            low = int(after.group(1)) if after else 0
            if low < rowid <= int(m.group(1)):
                return True
        elif re.search(p, message):
            return True
    return False


@unittest.skipIf(can_run() is not None, can_run())
class MutationCampaignTest(unittest.TestCase):
    def setUp(self):
        self.h = Harness()
        self.addCleanup(self.h.close)
        self.tmp = tempfile.mkdtemp(prefix='usbledger-mutations-')
        self.addCleanup(shutil.rmtree, self.tmp, True)
        self.disks = []
        self.addCleanup(lambda: [d.close() for d in self.disks])

    def make_logbook(self):
        """sessions with files, requests approved and rejected, media; the
        daemon stopped at the end, as for a copy taken for an audit"""
        h = self.h
        h.start_daemon()
        dev, disk, sid = registered_stick(h, self.disks, self.tmp, 'ext4', b'MUTATION-0001',
                                          'YZ-USB-0001')
        disk.mount()
        # written once the mount is followed, or the files predate the watch
        h.wait_session(sid, lambda s, m, f: len(m) == 1 and m[0]['watch'] == 'fanotify-names'
                       and m[0].get('manifest', '').startswith('taken at mount'),
                       'the mount followed')
        for i in range(4):
            with open(os.path.join(disk.mnt, '報告書-%d.txt' % i), 'wb') as f:
                f.write(b'x' * (100 + i))
        h.wait_session(sid, lambda s, m, f: len(h.final_files(f)) == 4, 'four files recorded')
        disk.umount()
        h.expect_device(lambda: h.usb.unplug(dev), '1-2', removed=True)
        for port, serial in ((3, b'MUTATION-0002'), (4, b'MUTATION-0003')):
            h.expect_device(lambda: h.usb.add(port, 0x0781, 0x5567, [[MASS_STORAGE]],
                                              serial=serial), '1-%d' % port,
                            'block-and-request')
        pending = sorted(r['id'] for r in h.call('ListRequests', ('pending',), '(s)')[0])
        h.expect_device(lambda: h.ctl('approve', str(pending[0]), '--asset-number',
                                      'YZ-USB-0002'), '1-3', 'allow')
        h.ctl('reject', str(pending[1]), '--note', '私物')
        self.assertEqual(h.stop_daemon(), 0)

    def verify(self, db, state):
        env = {k: v for k, v in os.environ.items() if k != 'LD_PRELOAD'}
        return subprocess.run([binary('usbledgerd'), '--verify-logbook', '--db', db,
                               '--state-dir', state], env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True, timeout=60)

    def test_every_mutation_is_detected_and_named(self):
        self.make_logbook()
        state = os.path.join(self.tmp, 'state')
        shutil.copytree(os.path.join(self.h.state_dir, 'checkpoints'),
                        os.path.join(state, 'checkpoints'))
        with open(self.h.db_path(), 'rb') as f:
            base = f.read()
        copy = os.path.join(self.tmp, 'copy.db')
        with open(copy, 'wb') as f:
            f.write(base)
        proc = self.verify(copy, state)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertIn('intact', proc.stdout)
        self.check_forms_from_the_docs(copy)

        seed = int(os.environ.get('UL_MUTATION_SEED', random.randrange(1 << 32)))
        total = int(os.environ.get('UL_MUTATIONS', '1000'))
        print('mutation seed %d' % seed, file=sys.stderr)
        rng = random.Random(seed)
        detected = named = 0
        missed = []
        kinds = {}
        n = 0
        while n < total:
            with open(copy, 'wb') as f:
                f.write(base)
            db = sqlite3.connect(copy, isolation_level=None)
            db.execute('BEGIN')
            for (name,) in db.execute("SELECT name FROM sqlite_schema WHERE type = 'trigger'"
                                      ).fetchall():
                db.execute('DROP TRIGGER %s' % name)
            kind = rng.choices(list(KINDS), list(KINDS.values()))[0]
            try:
                what, patterns = getattr(Campaign(db, rng), kind)()
            except (Skip, sqlite3.IntegrityError):
                db.execute('ROLLBACK')
                db.close()
                continue
            db.execute('COMMIT')
            db.close()
            n += 1
            kinds[kind] = kinds.get(kind, 0) + 1
            proc = self.verify(copy, state)
            if proc.returncode == 1:
                detected += 1
                if names_it(proc.stderr, patterns):
                    named += 1
                    continue
            missed.append('%s -> %d %s' % (what, proc.returncode,
                                           (proc.stderr or proc.stdout).strip()))
        print('mutations: %s' % ', '.join('%s %d' % kv for kv in sorted(kinds.items())),
              file=sys.stderr)
        print('detected %d/%d, the edited row named %d/%d' % (detected, total, named, total),
              file=sys.stderr)
        self.assertEqual(missed, [])
        self.assertEqual((detected, named), (total, total))

    def check_forms_from_the_docs(self, path):
        """every record row's digest, computed from docs/design.md alone,
        is its last seal's"""
        db = sqlite3.connect(path)
        try:
            n = 0
            for tbl, rowid, digest in db.execute(
                    "SELECT tbl, row_id, digest FROM record_seals s WHERE id = (SELECT max(id) "
                    "FROM record_seals WHERE tbl = s.tbl AND row_id = s.row_id) "
                    "AND op != 'delete'").fetchall():
                names, values = table_row(db, tbl, rowid)
                self.assertEqual(row_digest(tbl, rowid, names, values), digest, (tbl, rowid))
                n += 1
            self.assertGreater(n, 12)
            self.assertGreater(db.execute('SELECT count(*) FROM session_files').fetchone()[0], 3)
        finally:
            db.close()


if __name__ == '__main__':
    unittest.main(verbosity=2)
