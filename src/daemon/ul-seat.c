/* ul-seat.c: the user recorded with a plug-in is the one logind says is
 * active on the seat; where there is none we record that, never a guess
 * (such as the owner of some process). Asked synchronously with a short
 * timeout, and cached until logind signals a change, so that a plug-in does
 * not wait for D-Bus round trips. */
#include "ul-seat.h"

#define LOGIND_NAME "org.freedesktop.login1"
#define LOGIND_TIMEOUT_MS 1000

struct _UlSeat {
  GDBusConnection *bus;
  char *seat_path;
  guint sub_props;
  guint sub_manager;
  gboolean dirty;
  UlSeatUser cached;
  void (*changed) (gpointer data);
  gpointer changed_data;
  guint changed_source;
};

void
ul_seat_user_clear (UlSeatUser *u)
{
  g_clear_pointer (&u->user, g_free);
  g_clear_pointer (&u->note, g_free);
  u->uid = -1;
}

static gboolean
on_changed_idle (gpointer data)
{
  UlSeat *seat = data;

  seat->changed_source = 0;
  if (seat->changed != NULL)
    seat->changed (seat->changed_data);
  return G_SOURCE_REMOVE;
}

static void
on_logind_signal (GDBusConnection *c, const char *sender, const char *path,
                  const char *iface, const char *signal, GVariant *params, gpointer data)
{
  UlSeat *seat = data;

  seat->dirty = TRUE;
  if (seat->changed != NULL && seat->changed_source == 0)
    seat->changed_source = g_idle_add (on_changed_idle, seat);
}

void
ul_seat_set_changed_func (UlSeat *seat, void (*func) (gpointer data), gpointer data)
{
  seat->changed = func;
  seat->changed_data = data;
}

UlSeat *
ul_seat_new (GDBusConnection *system_bus, const char *seat_id)
{
  UlSeat *seat = g_new0 (UlSeat, 1);

  seat->bus = g_object_ref (system_bus);
  seat->seat_path = g_strdup_printf ("/org/freedesktop/login1/seat/%s", seat_id);
  seat->dirty = TRUE;
  seat->cached.uid = -1;
  seat->sub_props = g_dbus_connection_signal_subscribe (system_bus, LOGIND_NAME,
                                                        "org.freedesktop.DBus.Properties",
                                                        "PropertiesChanged", NULL, NULL,
                                                        G_DBUS_SIGNAL_FLAGS_NONE,
                                                        on_logind_signal, seat, NULL);
  seat->sub_manager = g_dbus_connection_signal_subscribe (system_bus, LOGIND_NAME,
                                                          "org.freedesktop.login1.Manager",
                                                          NULL, NULL, NULL,
                                                          G_DBUS_SIGNAL_FLAGS_NONE,
                                                          on_logind_signal, seat, NULL);
  return seat;
}

void
ul_seat_free (UlSeat *seat)
{
  if (seat == NULL)
    return;
  g_dbus_connection_signal_unsubscribe (seat->bus, seat->sub_props);
  g_dbus_connection_signal_unsubscribe (seat->bus, seat->sub_manager);
  if (seat->changed_source != 0)
    g_source_remove (seat->changed_source);
  g_object_unref (seat->bus);
  g_free (seat->seat_path);
  ul_seat_user_clear (&seat->cached);
  g_free (seat);
}

static GVariant *
get_property (UlSeat *seat, const char *path, const char *iface, const char *name,
              GError **error)
{
  g_autoptr(GVariant) reply = NULL;
  GVariant *value = NULL;

  reply = g_dbus_connection_call_sync (seat->bus, LOGIND_NAME, path,
                                       "org.freedesktop.DBus.Properties", "Get",
                                       g_variant_new ("(ss)", iface, name),
                                       G_VARIANT_TYPE ("(v)"), G_DBUS_CALL_FLAGS_NO_AUTO_START,
                                       LOGIND_TIMEOUT_MS, NULL, error);
  if (reply == NULL)
    return NULL;
  g_variant_get (reply, "(v)", &value);
  return value;
}

static void
query (UlSeat *seat, UlSeatUser *out)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) active = NULL;
  g_autoptr(GVariant) name = NULL;
  g_autoptr(GVariant) user = NULL;
  const char *session_id = NULL, *session_path = NULL;
  guint32 uid = 0;

  out->uid = -1;
  active = get_property (seat, seat->seat_path, "org.freedesktop.login1.Seat",
                         "ActiveSession", &error);
  if (active == NULL || !g_variant_is_of_type (active, G_VARIANT_TYPE ("(so)")))
    {
      out->note = g_strdup_printf ("logind cannot say who is at the seat: %s",
                                   error ? error->message : "unexpected reply");
      return;
    }
  g_variant_get (active, "(&s&o)", &session_id, &session_path);
  if (*session_id == '\0' || g_strcmp0 (session_path, "/") == 0)
    {
      out->note = g_strdup ("no one logged in at the seat");
      return;
    }
  name = get_property (seat, session_path, "org.freedesktop.login1.Session", "Name", &error);
  if (name == NULL)
    user = NULL;
  else
    user = get_property (seat, session_path, "org.freedesktop.login1.Session", "User", &error);
  if (name == NULL || user == NULL || !g_variant_is_of_type (name, G_VARIANT_TYPE_STRING) ||
      !g_variant_is_of_type (user, G_VARIANT_TYPE ("(uo)")))
    {
      out->note = g_strdup_printf ("logind cannot say who owns session %s: %s", session_id,
                                   error ? error->message : "unexpected reply");
      return;
    }
  g_variant_get (user, "(uo)", &uid, NULL);
  out->user = g_variant_dup_string (name, NULL);
  out->uid = uid;
}

void
ul_seat_get_user (UlSeat *seat, UlSeatUser *out)
{
  if (seat->dirty)
    {
      ul_seat_user_clear (&seat->cached);
      query (seat, &seat->cached);
      /* an unanswered query is asked again next time, not cached */
      seat->dirty = seat->cached.user == NULL && seat->cached.note != NULL &&
                    !g_str_has_prefix (seat->cached.note, "no one");
    }
  out->user = g_strdup (seat->cached.user);
  out->uid = seat->cached.uid;
  out->note = g_strdup (seat->cached.note);
}
