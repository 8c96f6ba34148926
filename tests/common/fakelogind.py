"""A logind the test holds in its hand: it owns org.freedesktop.login1 on
the private bus from the test's own process and answers the seat's and the
sessions' property questions, at once or, while held, only when released.
python-dbusmock's logind answers at once and cannot stand for a logind that
hangs; this one can, so a test sees what usbledgerd does meanwhile."""

from gi.repository import Gio, GLib

LOGIND = 'org.freedesktop.login1'
SEAT_PATH = '/org/freedesktop/login1/seat/seat0'
PROPERTIES_XML = '''<node><interface name="org.freedesktop.DBus.Properties">
  <method name="Get">
    <arg name="interface" type="s" direction="in"/>
    <arg name="name" type="s" direction="in"/>
    <arg name="value" type="v" direction="out"/>
  </method>
  <signal name="PropertiesChanged">
    <arg type="s"/><arg type="a{sv}"/><arg type="as"/>
  </signal>
</interface></node>'''


def session_path(session_id):
    return '/org/freedesktop/login1/session/' + session_id


class FakeLogind:
    def __init__(self, bus_address, user, uid, session_id='c1'):
        self.conn = Gio.DBusConnection.new_for_address_sync(
            bus_address,
            Gio.DBusConnectionFlags.AUTHENTICATION_CLIENT |
            Gio.DBusConnectionFlags.MESSAGE_BUS_CONNECTION, None, None)
        self.iface = Gio.DBusNodeInfo.new_for_xml(PROPERTIES_XML).interfaces[0]
        self.sessions = {}     # id -> (user, uid)
        self.registrations = []
        self.active = None
        self.holding = False
        self.held = []         # invocations not answered yet
        self.asked = 0         # questions received
        self._register(SEAT_PATH)
        self.add_session(session_id, user, uid)
        self.active = session_id
        self.conn.call_sync('org.freedesktop.DBus', '/org/freedesktop/DBus',
                            'org.freedesktop.DBus', 'RequestName',
                            GLib.Variant('(su)', (LOGIND, 0)), GLib.VariantType('(u)'),
                            Gio.DBusCallFlags.NONE, -1, None)

    def _register(self, path):
        self.registrations.append(
            self.conn.register_object(path, self.iface, self._on_call, None, None))

    def add_session(self, session_id, user, uid):
        self.sessions[session_id] = (user, uid)
        self._register(session_path(session_id))

    def _value(self, path, iface, name):
        if path == SEAT_PATH and name == 'ActiveSession':
            if self.active is None:
                return GLib.Variant('(so)', ('', '/'))
            return GLib.Variant('(so)', (self.active, session_path(self.active)))
        for sid, (user, uid) in self.sessions.items():
            if path == session_path(sid) and name == 'Name':
                return GLib.Variant('s', user)
            if path == session_path(sid) and name == 'User':
                return GLib.Variant('(uo)', (uid, '/org/freedesktop/login1/user/_%d' % uid))
        return None

    def _answer(self, inv):
        iface, name = inv.get_parameters().unpack()
        value = self._value(inv.get_object_path(), iface, name)
        if value is None:
            inv.return_dbus_error('org.freedesktop.DBus.Error.UnknownProperty', name)
        else:
            inv.return_value(GLib.Variant('(v)', (value,)))

    def _on_call(self, conn, sender, path, iface, method, params, inv):
        self.asked += 1
        if self.holding:
            self.held.append(inv)
        else:
            self._answer(inv)

    def hold(self):
        """Questions from now on are answered only by release()."""
        self.holding = True

    def release(self):
        """Answers the questions held, with what is true now."""
        self.holding = False
        held, self.held = self.held, []
        for inv in held:
            self._answer(inv)

    def switch_seat(self, session_id, user, uid):
        """Another person takes the seat; announced as logind does."""
        if session_id not in self.sessions:
            self.add_session(session_id, user, uid)
        self.active = session_id
        self.conn.emit_signal(None, SEAT_PATH, 'org.freedesktop.DBus.Properties',
                              'PropertiesChanged',
                              GLib.Variant('(sa{sv}as)', ('org.freedesktop.login1.Seat', {},
                                                          ['ActiveSession'])))

    def close(self):
        for r in self.registrations:
            self.conn.unregister_object(r)
        self.conn.close_sync(None)
