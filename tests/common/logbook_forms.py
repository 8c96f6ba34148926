"""The logbook's canonical forms as docs/design.md describes them, written
again in Python: what an editor who recomputes the chains would compute, and
proof that the description is enough to do so."""

import hashlib

GENESIS = '0' * 64


def _text(b):
    return b'%d:' % len(b) + b + b'\n'


def event_hash(row, prev):
    """ul_audit_chain_hash: @row is (id, time, host, kind, actor, actor_uid,
    seat_user, device_id, medium_id, request_id, session_id, decision, detail
    [, reason_code]); reason_code (schema 11) is hashed only when not None."""
    (eid, time_, host, kind, actor, actor_uid, seat_user, device_id, medium_id, request_id,
     session_id, decision, detail) = row[:13]
    reason_code = row[13] if len(row) > 13 else None
    text = [prev.encode(), b'usbledger-event-v1\n']

    def put(v):
        text.append(b'-\n' if v is None else _text(str(v).encode()))
    for v in (eid, time_, host, kind, actor, actor_uid, seat_user):
        put(v)
    for v in (device_id, medium_id, request_id, session_id):
        put(v if v else None)
    put(decision)
    put(detail)
    if reason_code is not None:
        put(reason_code)
    return hashlib.sha256(b''.join(text)).hexdigest()


def _value(v):
    if v is None:
        return b'-\n'
    if isinstance(v, bool) or isinstance(v, int):
        return b'i' + _text(str(int(v)).encode())
    if isinstance(v, float):
        return b'r' + _text(('%.17g' % v).encode())
    if isinstance(v, str):
        return b't' + _text(v.encode())
    return b'b' + _text(bytes(v))


def row_digest(table, rowid, names, values):
    """The SHA-256 (32 bytes) of a record row: ul_row_digest."""
    text = [b'usbledger-row-v1\n', _text(table.encode()), _text(str(rowid).encode())]
    for name, v in zip(names, values):
        text.append(_text(name.encode()))
        text.append(_value(v))
    return hashlib.sha256(b''.join(text)).digest()


def seal_hash(prev, table, rowid, op, digest):
    """A record seal's hash (32 bytes): ul_seal_hash. @prev: the previous
    seal's hash, None for the first; @digest: None after a delete."""
    text = [prev if prev is not None else bytes(32), b'usbledger-seal-v1\n',
            _text(table.encode()), _text(str(rowid).encode()), _text(op.encode()),
            _text(digest.hex().encode()) if digest is not None else b'-\n']
    return hashlib.sha256(b''.join(text)).digest()


def table_row(db, table, rowid):
    """(column names, values) of one row, as SELECT * gives them."""
    cur = db.execute('SELECT * FROM %s WHERE rowid = ?' % table, (rowid,))
    names = [d[0] for d in cur.description]
    return names, cur.fetchone()
