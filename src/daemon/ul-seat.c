/* ul-seat.c: the user recorded with a plug-in is the one logind says is
 * active on the seat; where there is none we record that, never a guess
 * (such as the owner of some process).
 *
 * logind is asked asynchronously: a logind that hangs must not stall the
 * main loop, which decides about every plugged device. The answer is cached
 * and asked again whenever logind announces a change or comes and goes;
 * until the newest question is answered the seat is "not known", and the
 * manager puts off decisions that depend on who sits there rather than make
 * them for the person who sat there before. */
#include "ul-seat.h"

#define LOGIND_NAME "org.freedesktop.login1"
/* long: nothing waits on it but devices that stay blocked meanwhile; a
 * logind that does not answer in this time is recorded as not saying */
#define LOGIND_TIMEOUT_MS 25000

typedef struct _Query Query;

struct _UlSeat {
  GDBusConnection *bus;
  char *seat_path;
  guint sub_props;
  guint sub_manager;
  guint watch;
  Query *query;           /* the question in flight, NULL: none */
  gboolean ask_again;     /* something changed while it was in flight */
  gboolean known;         /* cached answers the newest question */
  UlSeatUser cached;
  void (*changed) (gpointer data);
  gpointer changed_data;
};

/* one question, in three round trips: the seat's active session, then its
 * name and its user */
struct _Query {
  UlSeat *seat;           /* NULL once the seat is gone */
  char *session_id;
  char *session_path;
  char *name;
  UlSeatUser answer;
};

static void ask (UlSeat *seat);

void
ul_seat_user_clear (UlSeatUser *u)
{
  g_clear_pointer (&u->user, g_free);
  g_clear_pointer (&u->note, g_free);
  u->uid = -1;
}

static void
query_free (Query *q)
{
  g_free (q->session_id);
  g_free (q->session_path);
  g_free (q->name);
  ul_seat_user_clear (&q->answer);
  g_free (q);
}

/* the question is answered (@q->answer filled in) */
static void
query_done (Query *q)
{
  UlSeat *seat = q->seat;

  if (seat == NULL)
    {
      query_free (q);
      return;
    }
  seat->query = NULL;
  if (seat->ask_again)
    {
      /* the answer may be out of date already */
      query_free (q);
      ask (seat);
      return;
    }
  ul_seat_user_clear (&seat->cached);
  seat->cached = q->answer;
  q->answer.user = NULL;
  q->answer.note = NULL;
  query_free (q);
  seat->known = TRUE;
  if (seat->changed != NULL)
    seat->changed (seat->changed_data);
}

static void
query_failed (Query *q, const char *what, const GError *error, const char *unexpected)
{
  q->answer.uid = -1;
  q->answer.note = g_strdup_printf ("%s: %s", what, error ? error->message : unexpected);
  query_done (q);
}

static void
get_property (Query *q, const char *path, const char *iface, const char *name,
              GAsyncReadyCallback callback)
{
  g_dbus_connection_call (q->seat->bus, LOGIND_NAME, path, "org.freedesktop.DBus.Properties",
                          "Get", g_variant_new ("(ss)", iface, name), G_VARIANT_TYPE ("(v)"),
                          G_DBUS_CALL_FLAGS_NO_AUTO_START, LOGIND_TIMEOUT_MS, NULL, callback, q);
}

/* the property's value of @type; NULL with @error set, or with @error NULL
 * for a value of another type */
static GVariant *
property_finish (GObject *source, GAsyncResult *res, const GVariantType *type, GError **error)
{
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GVariant) value = NULL;

  reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (source), res, error);
  if (reply == NULL)
    return NULL;
  g_variant_get (reply, "(v)", &value);
  if (!g_variant_is_of_type (value, type))
    return NULL;
  return g_steal_pointer (&value);
}

static void
on_user (GObject *source, GAsyncResult *res, gpointer data)
{
  Query *q = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) user = property_finish (source, res, G_VARIANT_TYPE ("(uo)"), &error);
  g_autofree char *what = NULL;
  guint32 uid = 0;

  if (q->seat == NULL)
    {
      query_done (q);
      return;
    }
  if (user == NULL)
    {
      what = g_strdup_printf ("logind cannot say who owns session %s", q->session_id);
      query_failed (q, what, error, "unexpected reply");
      return;
    }
  g_variant_get (user, "(uo)", &uid, NULL);
  q->answer.user = g_steal_pointer (&q->name);
  q->answer.uid = uid;
  query_done (q);
}

static void
on_name (GObject *source, GAsyncResult *res, gpointer data)
{
  Query *q = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) name = property_finish (source, res, G_VARIANT_TYPE_STRING, &error);
  g_autofree char *what = NULL;

  if (q->seat == NULL)
    {
      query_done (q);
      return;
    }
  if (name == NULL)
    {
      what = g_strdup_printf ("logind cannot say who owns session %s", q->session_id);
      query_failed (q, what, error, "unexpected reply");
      return;
    }
  q->name = g_variant_dup_string (name, NULL);
  get_property (q, q->session_path, "org.freedesktop.login1.Session", "User", on_user);
}

static void
on_active_session (GObject *source, GAsyncResult *res, gpointer data)
{
  Query *q = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) active = property_finish (source, res, G_VARIANT_TYPE ("(so)"), &error);

  if (q->seat == NULL)
    {
      query_done (q);
      return;
    }
  if (active == NULL)
    {
      query_failed (q, "logind cannot say who is at the seat", error, "unexpected reply");
      return;
    }
  g_variant_get (active, "(so)", &q->session_id, &q->session_path);
  if (*q->session_id == '\0' || g_strcmp0 (q->session_path, "/") == 0)
    {
      q->answer.uid = -1;
      q->answer.note = g_strdup ("no one logged in at the seat");
      query_done (q);
      return;
    }
  get_property (q, q->session_path, "org.freedesktop.login1.Session", "Name", on_name);
}

static void
ask (UlSeat *seat)
{
  Query *q;

  seat->known = FALSE;
  if (seat->query != NULL)
    {
      /* one question at a time: asked again when this one is answered */
      seat->ask_again = TRUE;
      return;
    }
  seat->ask_again = FALSE;
  q = g_new0 (Query, 1);
  q->seat = seat;
  q->answer.uid = -1;
  seat->query = q;
  get_property (q, seat->seat_path, "org.freedesktop.login1.Seat", "ActiveSession",
                on_active_session);
}

static void
on_logind_signal (GDBusConnection *c, const char *sender, const char *path,
                  const char *iface, const char *signal, GVariant *params, gpointer data)
{
  ask (data);
}

/* logind started, restarted or stopped: what it says now (or that it is
 * gone) is asked; the first call comes at once and asks the first time */
static void
on_logind_appeared (GDBusConnection *c, const char *name, const char *owner, gpointer data)
{
  ask (data);
}

static void
on_logind_vanished (GDBusConnection *c, const char *name, gpointer data)
{
  ask (data);
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
  seat->watch = g_bus_watch_name_on_connection (system_bus, LOGIND_NAME,
                                                G_BUS_NAME_WATCHER_FLAGS_NONE,
                                                on_logind_appeared, on_logind_vanished, seat,
                                                NULL);
  return seat;
}

void
ul_seat_free (UlSeat *seat)
{
  if (seat == NULL)
    return;
  g_dbus_connection_signal_unsubscribe (seat->bus, seat->sub_props);
  g_dbus_connection_signal_unsubscribe (seat->bus, seat->sub_manager);
  g_bus_unwatch_name (seat->watch);
  /* a question in flight is answered to no one */
  if (seat->query != NULL)
    seat->query->seat = NULL;
  g_object_unref (seat->bus);
  g_free (seat->seat_path);
  ul_seat_user_clear (&seat->cached);
  g_free (seat);
}

gboolean
ul_seat_is_known (UlSeat *seat)
{
  return seat->known;
}

void
ul_seat_get_user (UlSeat *seat, UlSeatUser *out)
{
  if (!seat->known)
    {
      /* never the person who sat there before */
      out->user = NULL;
      out->uid = -1;
      out->note = g_strdup ("logind has not yet said who is at the seat");
      return;
    }
  out->user = g_strdup (seat->cached.user);
  out->uid = seat->cached.uid;
  out->note = g_strdup (seat->cached.note);
}
