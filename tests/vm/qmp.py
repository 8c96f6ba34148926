"""A minimal QMP client: commands are answered in order, events that arrive
meanwhile are kept until someone waits for them."""

import json
import select
import time


class QMPError(Exception):
    pass


class QMP:
    def __init__(self, sock):
        self.sock = sock
        self.buf = b''
        self.events = []
        greeting = self._read(timeout=60)
        if 'QMP' not in greeting:
            raise QMPError('not a QMP greeting: %r' % greeting)
        self.command('qmp_capabilities')

    def _read(self, timeout):
        deadline = time.monotonic() + timeout
        while b'\n' not in self.buf:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self.sock], [], [], left)[0]:
                raise QMPError('qemu did not answer in %.0f s' % timeout)
            data = self.sock.recv(65536)
            if not data:
                raise QMPError('qemu closed the QMP socket')
            self.buf += data
        line, self.buf = self.buf.split(b'\n', 1)
        return json.loads(line)

    def command(self, name, timeout=60, **arguments):
        msg = {'execute': name}
        if arguments:
            msg['arguments'] = arguments
        self.sock.sendall(json.dumps(msg).encode() + b'\n')
        while True:
            reply = self._read(timeout)
            if 'event' in reply:
                self.events.append(reply)
            elif 'error' in reply:
                raise QMPError('%s: %s' % (name, reply['error'].get('desc', reply['error'])))
            elif 'return' in reply:
                return reply['return']

    def wait_event(self, name, match=lambda data: True, timeout=60):
        deadline = time.monotonic() + timeout
        while True:
            for i, ev in enumerate(self.events):
                if ev['event'] == name and match(ev.get('data', {})):
                    return self.events.pop(i)
            self.events.append(self._read(max(0.0, deadline - time.monotonic())))
