#!/usr/bin/python3
"""The systemd unit as built: systemd accepts it, and it gives usbledgerd
nothing that would cut it off from the host's mounts or from /dev/sd*. There
is no systemd as PID 1 on the test machines, so what the unit would break is
checked here by the options that cause it (see the unit's comments)."""

import configparser
import os
import shutil
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), '..', 'common'))

from harness import build_dir  # noqa: E402

UNIT = os.path.join(build_dir(), 'src', 'daemon', 'usbledgerd.service')

# each of these puts the service in a mount namespace of its own: its
# unmount before an erasure and its fanotify mount marks would act on copies
MOUNT_NAMESPACE = ('ProtectSystem', 'ProtectHome', 'PrivateTmp', 'PrivateDevices',
                   'PrivateMounts', 'ProtectKernelModules', 'ProtectKernelLogs',
                   'ProtectKernelTunables', 'ProtectControlGroups', 'ProtectProc',
                   'ReadWritePaths', 'ReadOnlyPaths', 'InaccessiblePaths', 'TemporaryFileSystem',
                   'BindPaths', 'BindReadOnlyPaths', 'RootDirectory', 'RootImage',
                   'MountAPIVFS', 'PrivateUsers', 'DynamicUser')
# the devices it erases and checks, and the FUSE device of the check helper
DEVICES = {'block-sd rw', 'block-blkext rw', 'block-mmc rw', '/dev/fuse rw'}
# the unit's exposure as `systemd-analyze security` scores it; a change that
# makes it worse fails (lower is better: lower this when it improves)
SECURITY_BASELINE = os.path.join(os.path.dirname(__file__), 'unit-security-baseline')
SOURCE = os.path.join(os.path.dirname(__file__), '..', '..')


def service_section():
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str
    parser.read(UNIT)
    return parser['Service']


def all_values(key):
    """Every value of a key that may be repeated (configparser keeps one)."""
    with open(UNIT) as f:
        return [line.split('=', 1)[1].strip() for line in f
                if line.startswith(key + '=')]


def service_section_unit(key):
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str
    parser.read(UNIT)
    return parser['Unit'][key]


class UnitFileTest(unittest.TestCase):
    def test_systemd_accepts_it(self):
        if shutil.which('systemd-analyze') is None:
            self.fail('systemd-analyze is missing (.ci/packages installs systemd)')
        proc = subprocess.run(['systemd-analyze', 'verify', '--man=no', UNIT],
                              capture_output=True, text=True)
        # the ExecStart= binary is not installed on a build machine
        lines = [line for line in proc.stderr.splitlines()
                 if 'is not executable' not in line and line.strip()]
        self.assertEqual(lines, [], proc.stderr)

    def test_host_mounts_and_disks_reachable(self):
        service = service_section()
        self.assertEqual([k for k in MOUNT_NAMESPACE if k in service], [])
        # an explicit device allow-list (issue 9, item 18) that keeps the disks
        self.assertEqual(service['DevicePolicy'], 'closed')
        self.assertEqual(set(all_values('DeviceAllow')), DEVICES)
        self.assertNotIn('ProtectClock', service)

    def test_narrowed_by_capabilities_and_calls(self):
        service = service_section()
        # CAP_SYS_PTRACE: /proc/PID/exe of the program that wrote a file
        self.assertEqual(set(service['CapabilityBoundingSet'].split()),
                         {'CAP_SYS_ADMIN', 'CAP_DAC_OVERRIDE', 'CAP_DAC_READ_SEARCH',
                          'CAP_SYS_PTRACE'})
        self.assertEqual(all_values('ExecReload'), ['/bin/kill -HUP $MAINPID'])
        self.assertEqual((service['WatchdogSec'], service['NotifyAccess']), ('60s', 'main'))
        self.assertTrue(service['SystemCallFilter'].startswith('@system-service'))
        self.assertEqual(service['NoNewPrivileges'], 'yes')
        self.assertEqual(service['RuntimeDirectory'], 'usbledger')

    def test_security_exposure_no_worse(self):
        proc = subprocess.run(['systemd-analyze', 'security', '--offline=true', '--no-pager',
                               UNIT], capture_output=True, text=True)
        line = [l for l in proc.stdout.splitlines() if 'Overall exposure level' in l]
        self.assertEqual(len(line), 1, proc.stdout + proc.stderr)
        score = float(line[0].split(':', 1)[1].split()[0])
        with open(SECURITY_BASELINE) as f:
            baseline = float(f.read().split()[0])
        print('systemd-analyze security: %.1f (baseline %.1f)' % (score, baseline))
        self.assertLessEqual(score, baseline, proc.stdout)

    def test_man_pages_document_every_option_and_command(self):
        # the unit points to man:usbledgerd(8)
        self.assertIn('man:usbledgerd(8)', service_section_unit('Documentation'))
        with open(os.path.join(SOURCE, 'docs', 'man', 'usbledgerd.8')) as f:
            page = f.read().replace('\\-', '-')
        helptext = subprocess.run([os.path.join(build_dir(), 'src', 'daemon', 'usbledgerd'),
                                   '--help'], capture_output=True, text=True).stdout
        options = [w.split('=')[0] for w in helptext.split() if w.startswith('--') and
                   w != '--help']
        self.assertGreater(len(options), 10)
        self.assertEqual([o for o in options if o not in page], [])
        with open(os.path.join(SOURCE, 'docs', 'man', 'usbledgerctl.1')) as f:
            page = f.read().replace('\\-', '-').replace('\\fB', '').replace('\\fR', '')
        usage = subprocess.run([os.path.join(build_dir(), 'src', 'cli', 'usbledgerctl'),
                                '--help'], capture_output=True, text=True)
        commands = [line.split()[0] for line in (usage.stdout + usage.stderr).splitlines()
                    if line.startswith('  ')]
        self.assertGreater(len(commands), 10)
        self.assertEqual([c for c in commands if '.B ' + c not in page], [])

    def test_every_command_helps_without_a_bus(self):
        # a command's --help needs no daemon, not even a system bus (issue 11)
        ctl = os.path.join(build_dir(), 'src', 'cli', 'usbledgerctl')
        env = dict(os.environ, DBUS_SYSTEM_BUS_ADDRESS='unix:path=/nonexistent/bus',
                   LC_ALL='C.UTF-8', LANGUAGE='')
        usage = subprocess.run([ctl, '--help'], capture_output=True, text=True, env=env)
        commands = [line.split()[0] for line in (usage.stdout + usage.stderr).splitlines()
                    if line.startswith('  ')]
        self.assertGreater(len(commands), 10)
        for command in commands:
            proc = subprocess.run([ctl, command, '--help'], capture_output=True, text=True,
                                  env=env)
            self.assertEqual(proc.returncode, 0, (command, proc.stderr))
            self.assertIn('usbledgerctl %s' % command, proc.stdout, command)
        # and a call says plainly that the bus cannot be reached
        proc = subprocess.run([ctl, 'media'], capture_output=True, text=True, env=env)
        self.assertEqual(proc.returncode, 1)
        self.assertIn('cannot reach the system bus', proc.stderr)


if __name__ == '__main__':
    unittest.main(verbosity=2)
