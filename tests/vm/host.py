"""Runs one scenario in the test guest: starts qemu with an xHCI controller,
the host's root and a results folder over 9p, QMP, and a virtio-serial
control channel on which the scenario asks the host to plug or pull USB
devices and reports its checks. Prints one line per check and the summary."""

import hashlib
import json
import os
import select
import shlex
import shutil
import socket
import subprocess
import sys
import time

from qmp import QMP, QMPError

STICK_MB = 64
# UL_VM_PARTS: the scenario's parts to run, comma-separated (all by default)
PASSED_ON = ('G_DEBUG', 'MALLOC_PERTURB_', 'ASAN_OPTIONS', 'UBSAN_OPTIONS', 'LSAN_OPTIONS',
             'UL_VM_PARTS')


def accelerator():
    """KVM only where the CPU really has it: the nested /dev/kvm seen on
    these machines runs a stock kernel far slower than TCG."""
    forced = os.environ.get('UL_VM_ACCEL')
    if forced:
        return forced
    try:
        with open('/proc/cpuinfo') as f:
            flags = ' '.join(line for line in f if line.startswith('flags'))
    except OSError:
        flags = ''
    if os.access('/dev/kvm', os.R_OK | os.W_OK) and (' vmx' in flags or ' svm' in flags):
        return 'kvm'
    return 'tcg'


class Guest:
    def __init__(self, vmlinux, initramfs, workdir, source_root, build_dir, scenario,
                 memory=512, quiet=False, passthrough_env=None):
        self.vmlinux = vmlinux
        self.initramfs = initramfs
        self.workdir = workdir
        self.source_root = source_root
        self.build_dir = build_dir
        self.scenario = scenario
        self.memory = memory
        self.quiet = quiet
        self.passthrough_env = dict(passthrough_env or {})
        self.results = os.path.join(workdir, 'results')
        self.images = os.path.join(workdir, 'images')
        self.console_log = os.path.join(workdir, 'console.log')
        self.plugged = {}      # device id -> block node name (or None)
        self.marks = []        # (label, host monotonic time, data)
        self.checks = []       # (name, ok, detail)
        self.summary = None
        self.ready_at = None
        self.started_at = None

    # -- the scenario's requests -------------------------------------------
    def image(self, name, size_mb=STICK_MB, label=None):
        path = os.path.join(self.images, name + '.img')
        if not os.path.exists(path):
            with open(path, 'wb') as f:
                f.truncate(size_mb * 1024 * 1024)
            subprocess.run(['mkfs.vfat', '-n', (label or name)[:11].upper(), path],
                           check=True, capture_output=True)
        return path

    def op_plug_stick(self, name, serial, vendor=None, model=None, size_mb=STICK_MB,
                      label=None):
        """A USB stick with the given USB serial. qemu's USB ids and strings
        are fixed (46f4:0001 "QEMU USB HARDDRIVE"); a SCSI vendor and model
        need a usb-bot with a scsi-hd of our own, attached once complete."""
        node = 'drive-' + name
        self.qmp.command('blockdev-add', driver='raw', **{'node-name': node},
                         file={'driver': 'file', 'filename': self.image(name, size_mb, label)})
        if vendor is None and model is None:
            self.mark('device_add', name)
            self.qmp.command('device_add', driver='usb-storage', bus='xhci.0', id=name,
                             drive=node, serial=serial, removable=True)
        else:
            self.qmp.command('device_add', driver='usb-bot', bus='xhci.0', id=name,
                             serial=serial)
            disk = {'vendor': vendor, 'product': model}
            self.qmp.command('device_add', driver='scsi-hd', bus=name + '.0', id=name + '-disk',
                             drive=node, serial=serial, removable=True,
                             **{k: v for k, v in disk.items() if v is not None})
            self.mark('device_add', name)
            self.qmp.command('qom-set', path='/machine/peripheral/' + name, property='attached',
                             value=True)
        self.plugged[name] = node
        return {}

    def op_plug_kbd(self, name):
        self.qmp.command('device_add', driver='usb-kbd', bus='xhci.0', id=name)
        self.plugged[name] = None
        return {}

    def op_unplug(self, name):
        # like pulling the stick: the guest is not asked first
        self.qmp.command('device_del', id=name)
        self.qmp.wait_event('DEVICE_DELETED', lambda d: d.get('device') == name)
        node = self.plugged.pop(name, None)
        if node is not None:
            self.qmp.command('blockdev-del', **{'node-name': node})
        return {}

    def op_key(self, name, key):
        # without a display there is no console to name the device by; qemu
        # sends to the keyboard activated last, which is the hot-plugged one
        # (the guest checks that the key arrives on that keyboard)
        events = [{'type': 'key', 'data': {'down': down, 'key': {'type': 'qcode', 'data': key}}}
                  for down in (True, False)]
        self.qmp.command('input-send-event', events=events)
        return {'keyboard': name}

    def op_image_sha256(self, name, paths):
        """SHA-256 of files on a pulled stick's image, read with mtools on
        the host: what the guest wrote, independent of the guest."""
        image = os.path.join(self.images, name + '.img')
        out = {}
        env = dict(os.environ, LC_ALL='C.UTF-8', MTOOLS_SKIP_CHECK='1')
        for path in paths:
            proc = subprocess.run(['mcopy', '-n', '-i', image, '::/' + path, '-'],
                                  capture_output=True, env=env)
            out[path] = (hashlib.sha256(proc.stdout).hexdigest() if proc.returncode == 0
                         else 'mcopy failed: %s' % proc.stderr.decode(errors='replace'))
        return {'sha256': out}

    def op_image_zero(self, name):
        """Whether every byte of a pulled stick's image is zero, read on the
        host; the offset of the first that is not."""
        with open(os.path.join(self.images, name + '.img'), 'rb') as f:
            offset = 0
            while True:
                block = f.read(1 << 20)
                if not block:
                    return {'first_nonzero': None, 'size': offset}
                stripped = block.lstrip(b'\0')
                if stripped:
                    return {'first_nonzero': offset + len(block) - len(stripped), 'size': None}
                offset += len(block)

    def op_openssl_verify(self, folder, number):
        """The city's check of a certificate the guest exported into the
        results folder, with the host's openssl."""
        d = os.path.join(self.results, folder)
        proc = subprocess.run(['openssl', 'dgst', '-sha256', '-verify',
                               os.path.join(d, 'signing-key.pub.pem'), '-signature',
                               os.path.join(d, number + '.json.sig'),
                               os.path.join(d, number + '.json')], capture_output=True)
        return {'verified': proc.returncode == 0 and b'Verified OK' in proc.stdout,
                'output': (proc.stdout + proc.stderr).decode(errors='replace')}

    def op_mark(self, label, data=None):
        self.mark(label, data)
        return {}

    def op_hello(self):
        self.ready_at = time.monotonic()
        return {'boot_seconds': self.ready_at - self.started_at}

    def op_check(self, name, ok, detail=''):
        self.checks.append((name, ok, detail))
        line = '%s: %s' % ('PASS' if ok else 'FAIL', name)
        if not ok and detail:
            line += '\n      ' + detail.replace('\n', '\n      ')
        print(line, flush=True)
        return {}

    def op_log(self, text):
        if not self.quiet:
            print('      ' + text, flush=True)
        return {}

    def op_done(self, passed, failed):
        self.summary = (passed, failed)
        return {}

    def mark(self, label, data=None):
        self.marks.append((label, time.monotonic(), data))

    # -- running ------------------------------------------------------------
    def write_env(self):
        """What the guest's stage 2 needs to know: where the tree and the
        build are, which scenario to run, and the test settings of this run
        (sanitizer options, G_DEBUG) so that the guest's daemon runs as the
        host's would."""
        env = {'UL_SOURCE_ROOT': self.source_root, 'UL_BUILD_DIR': self.build_dir,
               'UL_SCENARIO': self.scenario}
        for key in PASSED_ON:
            if key in os.environ:
                env[key] = os.environ[key]
        env.update(self.passthrough_env)
        with open(os.path.join(self.results, 'guest.env'), 'w') as f:
            for key, value in sorted(env.items()):
                f.write("%s=%s\n" % (key, shlex.quote(value)))

    def qemu_command(self, qmp_path, ctl_path):
        append = ('console=ttyS0 panic=-1 quiet mitigations=off '
                  # fail-closed from the first moment, as the admin guide says
                  'usbcore.authorized_default=0 usb_storage.delay_use=0')
        accel = accelerator()
        cmd = ['qemu-system-x86_64', '-nodefaults', '-display', 'none', '-no-reboot',
               '-machine', 'q35', '-accel', accel, '-m', str(self.memory), '-smp', '2',
               '-kernel', self.vmlinux, '-initrd', self.initramfs, '-append', append,
               '-serial', 'file:' + self.console_log,
               '-device', 'qemu-xhci,id=xhci,p2=8,p3=8',
               '-fsdev', 'local,id=hostroot,path=/,security_model=none,readonly=on,'
                         'multidevs=remap',
               '-device', 'virtio-9p-pci,fsdev=hostroot,mount_tag=hostroot',
               '-fsdev', 'local,id=results,path=%s,security_model=none,multidevs=remap'
                         % self.results,
               '-device', 'virtio-9p-pci,fsdev=results,mount_tag=results',
               '-chardev', 'socket,id=qmp,path=%s' % qmp_path,
               '-mon', 'chardev=qmp,mode=control',
               '-device', 'virtio-serial-pci',
               '-chardev', 'socket,id=ctl,path=%s' % ctl_path,
               '-device', 'virtserialport,chardev=ctl,name=usbledger.ctl']
        if accel == 'kvm':
            cmd += ['-cpu', 'host']
        return cmd

    def run(self, timeout):
        for d in (self.results, self.images):
            os.makedirs(d, exist_ok=True)
        self.write_env()
        qmp_path = os.path.join(self.workdir, 'qmp.sock')
        ctl_path = os.path.join(self.workdir, 'ctl.sock')
        listeners = []
        for path in (qmp_path, ctl_path):
            if os.path.exists(path):
                os.unlink(path)
            s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            s.bind(path)
            s.listen(1)
            listeners.append(s)
        self.started_at = time.monotonic()
        qemu = subprocess.Popen(self.qemu_command(qmp_path, ctl_path),
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        try:
            conns = []
            for s in listeners:
                s.settimeout(30)
                try:
                    conns.append(s.accept()[0])
                except socket.timeout:
                    raise RuntimeError('qemu did not start: %s' %
                                       qemu.stdout.read().decode(errors='replace'))
            self.qmp = QMP(conns[0])
            self.serve(conns[1], qemu, self.started_at + timeout)
            qemu.wait(timeout=max(1, self.started_at + timeout - time.monotonic()))
        except (QMPError, RuntimeError, subprocess.TimeoutExpired, OSError) as e:
            self.op_check('the guest ran to the end', False, str(e))
        finally:
            if qemu.poll() is None:
                qemu.kill()
                qemu.wait()
            out = qemu.stdout.read().decode(errors='replace').strip()
            if out:
                print('qemu: ' + out, flush=True)
            for s in listeners:
                s.close()

    def serve(self, ctl, qemu, deadline):
        buf = b''
        while self.summary is None:
            left = deadline - time.monotonic()
            if left <= 0:
                raise RuntimeError('the scenario did not finish in time')
            if qemu.poll() is not None:
                raise RuntimeError('the guest stopped before the scenario finished '
                                   '(qemu exit %d)' % qemu.returncode)
            if not select.select([ctl], [], [], min(left, 1.0))[0]:
                continue
            data = ctl.recv(65536)
            if not data:
                raise RuntimeError('the control channel closed')
            buf += data
            while b'\n' in buf:
                line, buf = buf.split(b'\n', 1)
                reply = self.dispatch(line)
                ctl.sendall(json.dumps(reply).encode() + b'\n')

    def dispatch(self, line):
        try:
            req = json.loads(line)
            op = req.pop('op')
            handler = getattr(self, 'op_' + op.replace('-', '_'))
            return dict(handler(**req), ok=True)
        except (QMPError, ValueError, KeyError, TypeError, AttributeError,
                subprocess.CalledProcessError) as e:
            return {'ok': False, 'error': '%s: %s' % (type(e).__name__, e)}

    # -- results ------------------------------------------------------------
    def report(self):
        passed = sum(1 for c in self.checks if c[1])
        failed = len(self.checks) - passed
        if self.summary is not None and self.summary != (passed, failed):
            print('FAIL: the guest counted %d passed, %d failed' % self.summary)
            failed += 1
        print('%d passed, %d failed' % (passed, failed), flush=True)
        return failed == 0 and passed > 0

    def keep_logs_hint(self):
        print('guest console log: %s' % self.console_log)
        print('daemon log and logbook: %s' % self.results)
        try:
            with open(self.console_log, errors='replace') as f:
                tail = f.readlines()[-40:]
            print('--- last lines of the guest console ---')
            sys.stdout.write(''.join(tail))
        except OSError:
            pass

    def clean(self):
        shutil.rmtree(self.images, ignore_errors=True)
