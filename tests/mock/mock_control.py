"""The small window of `usbledger-mock --gui` that plugs and pulls simulated
sticks on the mock's bus, and plays the kernel when usbledgerd authorizes or
deauthorizes one (as the real kernel binds or unbinds its drivers)."""

import gi

gi.require_version('Gtk', '3.0')
from gi.repository import Gio, Gtk  # noqa: E402

from harness import BUS_NAME, IFACE, OBJ_PATH  # noqa: E402
from mocksysfs import HID_KEYBOARD, MASS_STORAGE  # noqa: E402

# what a newcomer can plug: (button label, vendor, product, interfaces,
# manufacturer, product string)
STICKS = [
    ('USB stick (SanDisk Cruzer Blade)', 0x0781, 0x5567, [[MASS_STORAGE]], b'SanDisk',
     b'Cruzer Blade'),
    ('USB stick (BUFFALO RUF3)', 0x0411, 0x01e0, [[MASS_STORAGE]], b'BUFFALO', b'RUF3-K'),
    ('A stick that is also a keyboard (BadUSB)', 0x1234, 0x5678,
     [[MASS_STORAGE, HID_KEYBOARD]], b'Free', b'Gift Stick'),
    ('A stick with hostile strings', 0x0781, 0x5581, [[MASS_STORAGE]],
     b'\xe2\x80\xaeevil\x1b[31m', b'<b>x</b>'),
]


class MockControl:
    def __init__(self, h):
        self.h = h
        self.plugged = {}      # name -> (MockDevice, its row)
        # after the walkthrough's ports (1-1 to 1-3)
        self.next_port = 10
        self.next_serial = 1
        self.window = Gtk.Window(title='usbledger-mock: simulated USB bus')
        self.window.set_default_size(420, -1)
        box = Gtk.Box(orientation=Gtk.Orientation.VERTICAL, spacing=6, margin=12)
        self.window.add(box)
        box.pack_start(Gtk.Label(label='Plug in:', xalign=0), False, False, 0)
        for stick in STICKS:
            button = Gtk.Button(label=stick[0])
            button.connect('clicked', lambda _b, s=stick: self.plug(s))
            box.pack_start(button, False, False, 0)
        box.pack_start(Gtk.Label(label='Plugged in (click to pull out):', xalign=0),
                       False, False, 6)
        self.list = Gtk.Box(orientation=Gtk.Orientation.VERTICAL, spacing=4)
        box.pack_start(self.list, False, False, 0)
        # the kernel's part: follow `authorized` as the daemon writes it
        h.gbus.signal_subscribe(BUS_NAME, IFACE, 'DeviceChanged', OBJ_PATH, None,
                                Gio.DBusSignalFlags.NONE, self.on_device_changed)
        self.window.show_all()

    def plug(self, stick):
        label, vid, pid, configs, manufacturer, product = stick
        port = self.next_port
        self.next_port += 1
        serial = b'MOCK%08d' % self.next_serial
        self.next_serial += 1
        dev = self.h.usb.add(port, vid, pid, configs, serial=serial, manufacturer=manufacturer,
                             product=product)
        row = Gtk.Button(label='1-%d  %s  (serial %s)' % (port, label, serial.decode()))
        row.connect('clicked', lambda _b: self.pull(dev.name))
        self.list.pack_start(row, False, False, 0)
        row.show()
        self.plugged[dev.name] = (dev, row)
        return dev

    def pull(self, name):
        dev, row = self.plugged.pop(name)
        self.h.usb.unplug(dev)
        row.destroy()

    def on_device_changed(self, conn, sender, path, iface, signal, params):
        record = params.unpack()[0]
        entry = self.plugged.get(record.get('name'))
        if entry is not None and not record.get('removed', False):
            self.h.usb.play_kernel(entry[0])
