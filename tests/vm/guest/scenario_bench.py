"""Benchmark scenario (tests/bench/vm-plug-latency): 20 plugs of a stick,
alternately registered and unregistered. The guest times, on its own clock,
the kernel's uevent for the stick (the baseline: enumeration by the real
kernel), udev's (its rules and our helper done: what usbledgerd waits for)
and usbledgerd's decision (DeviceChanged, sent after the decision is
committed and `authorized` written). The kernel's uevent is also marked to
the host at once, which ties the guest's times to the host's QMP
device_add."""

import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from guestbase import SEAT_USER, GuestScenario  # noqa: E402
from guestlib import UEvents  # noqa: E402

PLUGS = int(os.environ.get('UL_BENCH_PLUGS', '20'))


class Bench(GuestScenario):
    PARTS = ['register', 'plugs']

    def __init__(self):
        super().__init__()
        self.udev_events = UEvents(udev=True)

    def register(self):
        self.h.start_daemon()
        self.control.request('mark', label='daemon-ready')
        since_sig = len(self.h.signals)
        path, _ = self.plug_stick('reg', 'BENCH-REG')
        self.wait_decision(path, since_sig)
        since_sig = len(self.h.signals)
        self.h.ctl('register', '--device', os.path.basename(path), '--asset-number', 'BENCH-1',
                   '--user', SEAT_USER[0])
        rec = self.wait_decision(path, since_sig, 'allow')
        self.check('bench: the registered stick is allowed', rec['decision'] == 'allow', rec)
        self.unplug('reg')

    def plugs(self):
        decisions = []
        for i in range(PLUGS):
            registered = i % 2 == 0
            name, serial = ('reg', 'BENCH-REG') if registered else ('unreg', 'BENCH-UNREG')
            since_sig = len(self.h.signals)
            since_udev = self.udev_events.mark()
            since = self.uevents.mark()
            self.control.request('plug-stick', name=name, serial=serial)
            # timed on the guest's clock as the events arrive; only the first
            # is sent at once, to anchor the rest to the host's device_add
            path = self.uevents.added_usb_device(since, serial=serial.encode())
            self.sticks[name] = path
            kernel = self.uevents.find(lambda ev: ev.path == path, since).time
            self.control.request('mark', label='kernel-add', data=time.monotonic() - kernel)
            udev = self.udev_events.wait(lambda ev: ev['ACTION'] == 'add' and ev.path == path,
                                         since_udev, what='udev to announce ' + path).time
            rec = self.wait_decision(path, since_sig)
            decided = self.h.signal_times[self.h.signals.index(('DeviceChanged', rec),
                                                               since_sig)]
            self.control.request('mark', label='timings',
                                 data={'udev': udev - kernel, 'decided': decided - kernel,
                                       'decision': rec['decision']})
            decisions.append(rec['decision'] == ('allow' if registered else 'block-and-request'))
            self.unplug(name)
        self.check('bench: %d plugs, each decided as expected' % PLUGS, all(decisions),
                   decisions)

if __name__ == '__main__':
    Bench().run()
