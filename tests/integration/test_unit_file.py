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
# each of these makes the device policy an allow-list without /dev/sd*
DEVICE_ALLOW_LIST = ('ProtectClock', 'DeviceAllow', 'DevicePolicy')


def service_section():
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str
    parser.read(UNIT)
    return parser['Service']


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
        self.assertEqual([k for k in DEVICE_ALLOW_LIST if k in service], [])

    def test_narrowed_by_capabilities_and_calls(self):
        service = service_section()
        self.assertEqual(set(service['CapabilityBoundingSet'].split()),
                         {'CAP_SYS_ADMIN', 'CAP_DAC_OVERRIDE', 'CAP_DAC_READ_SEARCH'})
        self.assertTrue(service['SystemCallFilter'].startswith('@system-service'))
        self.assertEqual(service['NoNewPrivileges'], 'yes')
        self.assertEqual(service['RuntimeDirectory'], 'usbledger')


if __name__ == '__main__':
    unittest.main(verbosity=2)
