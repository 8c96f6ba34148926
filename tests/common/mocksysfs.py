"""A simulated USB bus on a umockdev testbed, for usbledger's tests, demo
and benchmark.

Devices get real raw `descriptors` (device descriptor plus every
configuration), the individual string attributes the kernel exposes, and
`authorized`. Since testbed files do not react to writes, `MockBus` also
plays the kernel's part: after an `authorized` write it adds or removes the
interface children and sends their uevents, as a real kernel does.
"""

import os
import struct

import gi

gi.require_version('UMockdev', '1.0')
from gi.repository import UMockdev  # noqa: E402

MASS_STORAGE = (0x08, 0x06, 0x50)   # SCSI transparent, bulk-only
UAS = (0x08, 0x06, 0x62)
STILL_IMAGE = (0x06, 0x01, 0x01)    # PTP/MTP
MTP_VENDOR = (0xff, 0xff, 0x00)
HID_KEYBOARD = (0x03, 0x01, 0x01)
HID_MOUSE = (0x03, 0x01, 0x02)
HUB = (0x09, 0x00, 0x00)


def endpoints_for(cls):
    """Endpoint attribute types (2 bulk, 3 interrupt) an interface gets."""
    if cls in (MASS_STORAGE, UAS):
        return [2, 2]
    if cls in (STILL_IMAGE, MTP_VENDOR):
        return [2, 2, 3]
    return [3]


def make_descriptors(vid, pid, configs, bcd=0x0100, dev_class=0):
    """Raw descriptors as in sysfs: device descriptor, then each
    configuration with its interfaces and endpoints. `configs` is a list of
    configurations, each a list of (class, subclass, protocol) tuples."""
    out = struct.pack('<BBHBBBBHHHBBBB', 18, 1, 0x0200, dev_class, 0, 0, 64,
                      vid, pid, bcd, 1, 2, 3, len(configs))
    for cfg_no, ifaces in enumerate(configs, start=1):
        body = b''
        for if_no, (cls, sub, proto) in enumerate(ifaces):
            eps = endpoints_for((cls, sub, proto))
            body += struct.pack('<BBBBBBBBB', 9, 4, if_no, 0, len(eps), cls, sub, proto, 0)
            for i, ep_type in enumerate(eps):
                addr = (0x81 + i) if i % 2 == 0 else (0x02 + i)
                body += struct.pack('<BBBBHB', 7, 5, addr, ep_type, 512, 0)
        total = 9 + len(body)
        out += struct.pack('<BBHBBBBB', 9, 2, total, len(ifaces), cfg_no, 0, 0x80, 50) + body
    return out


class MockDevice:
    def __init__(self, bus, syspath, name, configs):
        self.bus = bus
        self.syspath = syspath
        self.name = name
        self.configs = configs
        self.interfaces = []
        self.disks = []         # (sysfs path, /sys/class/block and /sys/dev/block links)

    @property
    def authorized_path(self):
        return os.path.join(self.bus.root, self.syspath.lstrip('/'), 'authorized')

    def authorized(self):
        with open(self.authorized_path) as f:
            return f.read().strip()


def device_record(syspath, props, attrs):
    """A umockdev record: loading it creates the device with every attribute
    at once and emits its "add" uevent, as the kernel does. Attribute values
    are bytes, written hex-encoded so they arrive byte-exact."""
    lines = ['P: %s' % syspath[len('/sys'):]]
    lines += ['E: %s=%s' % kv for kv in props]
    for name, value in attrs:
        lines.append('H: %s=%s' % (name, value.hex()))
    return '\n'.join(lines) + '\n'


class Card:
    """A memory card as udev's blkid reads it: capacity, partition table,
    and each partition's filesystem properties."""

    DISK_KEYS = ('ID_PART_TABLE_TYPE', 'ID_PART_TABLE_UUID', 'ID_FS_TYPE', 'ID_FS_UUID',
                 'ID_FS_LABEL', 'ID_FS_LABEL_ENC')

    def __init__(self, capacity, ptuuid=None, pttype='dos', partitions=(), fs=None):
        self.capacity = capacity
        self.ptuuid = ptuuid
        self.pttype = pttype
        self.partitions = [list(p) for p in partitions]
        self.fs = fs                # properties of a filesystem on the whole card

    def disk_props(self):
        if self.ptuuid is not None:
            return [('ID_PART_TABLE_TYPE', self.pttype), ('ID_PART_TABLE_UUID', self.ptuuid)]
        return list(self.fs or [])


class MockBus:
    """A root hub with devices on its ports."""

    def __init__(self, testbed=None):
        self.testbed = testbed or UMockdev.Testbed.new()
        self.root = self.testbed.get_root_dir()
        self.hub = '/sys/devices/usb1'
        self.testbed.add_from_string(device_record(
            self.hub, [('SUBSYSTEM', 'usb'), ('DEVTYPE', 'usb_device')],
            [('idVendor', b'1d6b\n'), ('idProduct', b'0002\n'), ('busnum', b'1\n'),
             ('devnum', b'1\n'), ('authorized', b'1\n'), ('authorized_default', b'0\n'),
             ('speed', b'480\n'), ('bDeviceClass', b'09\n'),
             ('descriptors', make_descriptors(0x1d6b, 0x0002, [[HUB]], dev_class=9))]))
        self.next_devnum = 2
        self.partitions = {}    # disk path -> its partitions' paths

    def add(self, port, vid, pid, configs, serial=b'', manufacturer=b'ACME',
            product=b'Stick', authorized=0, descriptors=None, bcd=0x0100):
        """Plugs a device in at `1-<port>` (emitting "add"). Strings are
        bytes, byte-exact; an empty one means the device reports none (the
        kernel then has no attribute)."""
        name = '1-%s' % port
        syspath = '%s/%s' % (self.hub, name)
        devnum = self.next_devnum
        self.next_devnum += 1
        raw = descriptors if descriptors is not None else make_descriptors(vid, pid, configs,
                                                                           bcd=bcd)
        attrs = [('idVendor', b'%04x\n' % vid), ('idProduct', b'%04x\n' % pid),
                 ('bcdDevice', b'%04x\n' % bcd), ('busnum', b'1\n'), ('devnum', b'%d\n' % devnum),
                 ('authorized', b'%d\n' % authorized), ('speed', b'480\n'),
                 ('bDeviceClass', b'00\n'), ('descriptors', raw)]
        for attr, value in (('serial', serial), ('manufacturer', manufacturer),
                            ('product', product)):
            if value:
                # the kernel appends a newline to string attributes
                attrs.append((attr, value + b'\n'))
        dev = MockDevice(self, syspath, name, configs)
        self.testbed.add_from_string(device_record(
            syspath, [('SUBSYSTEM', 'usb'), ('DEVTYPE', 'usb_device')], attrs))
        if authorized:
            # already authorized, as at boot without authorized_default=0
            self.add_interfaces(dev)
        return dev

    def add_interfaces(self, dev):
        """What the kernel does when a device becomes authorized."""
        for if_no, (cls, sub, proto) in enumerate(dev.configs[0]):
            ipath = '%s/%s:1.%d' % (dev.syspath, dev.name, if_no)
            self.testbed.add_from_string(device_record(
                ipath, [('SUBSYSTEM', 'usb'), ('DEVTYPE', 'usb_interface'),
                        ('INTERFACE', '%d/%d/%d' % (cls, sub, proto))],
                [('bInterfaceNumber', b'%02x\n' % if_no), ('bInterfaceClass', b'%02x\n' % cls),
                 ('bInterfaceSubClass', b'%02x\n' % sub),
                 ('bInterfaceProtocol', b'%02x\n' % proto), ('authorized', b'1\n')]))
            dev.interfaces.append(ipath)

    def remove_interfaces(self, dev):
        """What the kernel does when a device is deauthorized."""
        for path, links in reversed(dev.disks):
            self.remove_partitions(path)
            self.testbed.uevent(path, 'remove')
            self.testbed.remove_device(path)
            # umockdev leaves the links, the kernel does not
            for link in links:
                if os.path.lexists(link):
                    os.unlink(link)
        dev.disks = []
        for ipath in reversed(dev.interfaces):
            self.testbed.uevent(ipath, 'remove')
            self.testbed.remove_device(ipath)
        dev.interfaces = []

    def play_kernel(self, dev):
        """Makes the testbed follow the device's `authorized` value."""
        want = dev.authorized() == '1'
        if want and not dev.interfaces:
            self.add_interfaces(dev)
        elif not want and dev.interfaces:
            self.remove_interfaces(dev)

    def add_child_device(self, dev, name):
        """A USB device behind a hub built into `dev` (a stick or card
        reader with a hub inside): a USB device of its own (bus and device
        numbers), so a disk under it is not `dev`'s. It has no product id,
        so usbledgerd does not take it for a device to decide. Returns the
        path of its interface, where a disk can be added."""
        path = '%s/%s' % (dev.syspath, name)
        self.testbed.add_from_string(device_record(
            path, [('SUBSYSTEM', 'usb'), ('DEVTYPE', 'usb_device')],
            [('idVendor', b'0bda\n'), ('busnum', b'1\n'), ('devnum', b'%d\n' % self.next_devnum)]))
        self.next_devnum += 1
        iface = '%s/%s:1.0' % (path, name)
        self.testbed.add_from_string(device_record(
            iface, [('SUBSYSTEM', 'usb'), ('DEVTYPE', 'usb_interface')],
            [('bInterfaceClass', b'08\n')]))
        return iface

    def add_disk(self, dev, block_dev, name='sdb', lun=0, under=None, devname=None,
                 card=None, diskseq=None):
        """A disk of an authorized stick, backed by a real block device
        (`block_dev`, a loop device the test made): its sysfs node says the
        loop device's major:minor, so the daemon ties mounts of the loop
        device to this stick, as it would a real /dev/sdb. For a card
        reader's disk, `card` is a Card (or None: no card in it) and
        `diskseq` the kernel's number of the medium."""
        st = os.stat(block_dev)
        major, minor = os.major(st.st_rdev), os.minor(st.st_rdev)
        fd = os.open(block_dev, os.O_RDONLY)
        try:
            sectors = os.lseek(fd, 0, os.SEEK_END) // 512
        finally:
            os.close(fd)
        path = '%s/host0/target0:0:0/0:0:0:%d/block/%s' % (under or dev.interfaces[0], lun, name)
        props = [('SUBSYSTEM', 'block'), ('DEVTYPE', 'disk'), ('DEVNAME', devname or block_dev),
                 ('MAJOR', str(major)), ('MINOR', str(minor))]
        attrs = [('dev', b'%d:%d\n' % (major, minor)), ('size', b'%d\n' % sectors)]
        records = []
        if diskseq is not None:
            attrs.append(('diskseq', b'%d\n' % diskseq))
            # udev keeps the uevent's DISKSEQ: the medium its record is of
            props.append(('DISKSEQ', str(diskseq)))
            if card is None:
                attrs[1] = ('size', b'0\n')
            else:
                attrs[1] = ('size', b'%d\n' % (card.capacity // 512))
                props += card.disk_props()
                records = [self.partition_record(path, i, p)
                           for i, p in enumerate(card.partitions, start=1)]
        # one load, children first as umockdev-record writes them: umockdev
        # sends the partitions' "add" before the disk's, so the disk's comes
        # when its partitions are there, as udev's does
        self.testbed.add_from_string('\n'.join([r for _, r in records] +
                                               [device_record(path, props, attrs)]))
        self.partitions[path] = [p for p, _ in records]
        # umockdev does not make the /sys/dev/block link the kernel makes
        links = os.path.join(self.root, 'sys', 'dev', 'block')
        os.makedirs(links, exist_ok=True)
        link = os.path.join(links, '%d:%d' % (major, minor))
        if os.path.lexists(link):
            os.unlink(link)
        os.symlink(os.path.relpath(os.path.join(self.root, path.lstrip('/')), links), link)
        dev.disks.append((path, [link, os.path.join(self.root, 'sys', 'class', 'block', name),
                                 os.path.join(self.root, 'sys', 'block', name)]))
        return path

    def insert_card(self, disk, card, diskseq):
        """A card put into (or, with `card` None, taken out of) a reader's
        disk: the kernel's media change. Its new size and number, what
        udev's blkid reads from it, its partitions, udev's record of the
        medium's number (DISKSEQ), then the disk's
        "change" uevent (the partitions exist by then: udev's blkid opened
        the disk, which made the kernel read the partition table)."""
        self.remove_partitions(disk)
        self.testbed.set_attribute(disk, 'size', '%d\n' % (card.capacity // 512 if card else 0))
        self.testbed.set_attribute(disk, 'diskseq', '%d\n' % diskseq)
        for key in Card.DISK_KEYS:
            self.testbed.set_property(disk, key, '')
        if card is not None:
            for key, value in card.disk_props():
                self.testbed.set_property(disk, key, value)
            for i, props in enumerate(card.partitions, start=1):
                path, record = self.partition_record(disk, i, props)
                self.testbed.add_from_string(record)
                self.partitions.setdefault(disk, []).append(path)
        # udev's record of the disk is of this medium once it has processed
        # the change: last, so that whoever reads it before sees udev behind
        self.testbed.set_property(disk, 'DISKSEQ', str(diskseq))
        self.testbed.uevent(disk, 'change')

    def remove_partitions(self, disk):
        for part in reversed(self.partitions.pop(disk, [])):
            self.testbed.uevent(part, 'remove')
            self.testbed.remove_device(part)
            # umockdev leaves the links, the kernel does not
            name = os.path.basename(part)
            for link in (os.path.join(self.root, 'sys', 'class', 'block', name),
                         os.path.join(self.root, 'sys', 'block', name)):
                if os.path.lexists(link):
                    os.unlink(link)

    @staticmethod
    def partition_record(disk, number, props):
        path = '%s/%s%d' % (disk, os.path.basename(disk), number)
        return path, device_record(
            path, [('SUBSYSTEM', 'block'), ('DEVTYPE', 'partition')] + list(props),
            [('partition', b'%d\n' % number), ('size', b'2048\n')])

    def unplug(self, dev):
        self.remove_interfaces(dev)
        self.testbed.uevent(dev.syspath, 'remove')
        self.testbed.remove_device(dev.syspath)
