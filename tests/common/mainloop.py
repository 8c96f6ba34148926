"""Waiting in the GLib main loop for events, with a deadline."""

from gi.repository import GLib


def iterate_until(predicate, timeout=10.0, what='condition'):
    """Runs the default main context until predicate() is true; waits for
    events (D-Bus signals, child exits), never a fixed time."""
    ctx = GLib.MainContext.default()
    timed_out = []
    source = GLib.timeout_add(int(timeout * 1000), lambda: timed_out.append(True) or False)
    try:
        while not predicate():
            if timed_out:
                raise TimeoutError('timed out after %.0f s waiting for %s' % (timeout, what))
            ctx.iteration(True)
    finally:
        if not timed_out:
            GLib.source_remove(source)
