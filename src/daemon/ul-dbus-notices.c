/* ul-dbus-notices.c: see ul-dbus-notices.h */
#include "config.h"

#include "ul-dbus-handlers.h"
#include "ul-dbus-notices.h"
#include "ul-dbus-records.h"
#include "ul-dbus-service.h"
#include "ul-error.h"

typedef struct {
  gint64 uid;
  gint64 time;
  GVariant *record;
} Notice;

typedef struct {
  gint64 uid;
  guint watch;    /* the bus name watch that forgets it when it leaves */
} Watcher;

struct _UlDbusNotices {
  UlManager *mgr;
  GDBusConnection *bus;
  GQueue notices;            /* Notice, oldest first */
  gint64 last_id;
  GHashTable *watchers;      /* unique name -> Watcher */
  GHashTable *told;          /* devices told about: "name@since", until pulled out */
  GHashTable *decisions;     /* decisions told: "request id:state" -> decided at (µs) */
  gulong device, request;
};

static void
notice_free (Notice *n)
{
  g_variant_unref (n->record);
  g_free (n);
}

static void
watcher_free (Watcher *w)
{
  g_bus_unwatch_name (w->watch);
  g_free (w);
}

static void
forget_old (UlDbusNotices *notices, gint64 now)
{
  GHashTableIter iter;
  gpointer decided_at;
  Notice *n;

  while ((n = g_queue_peek_head (&notices->notices)) != NULL &&
         (n->time < now - UL_NOTICE_KEEP_USEC ||
          g_queue_get_length (&notices->notices) > UL_NOTICES_MAX))
    notice_free (g_queue_pop_head (&notices->notices));
  /* a decision older than the notices kept is never told (see
   * on_request_changed): its key need not be kept either */
  g_hash_table_iter_init (&iter, notices->decisions);
  while (g_hash_table_iter_next (&iter, NULL, &decided_at))
    if (*(gint64 *) decided_at < now - UL_NOTICE_KEEP_USEC)
      g_hash_table_iter_remove (&iter);
}

/* keeps @record for @uid and sends it to that uid's watchers alone */
static void
tell (UlDbusNotices *notices, gint64 uid, gint64 now, GVariant *record)
{
  Notice *n = g_new0 (Notice, 1);
  GHashTableIter iter;
  const char *name;
  Watcher *w;

  n->uid = uid;
  n->time = now;
  n->record = g_variant_ref_sink (record);
  g_queue_push_tail (&notices->notices, n);
  forget_old (notices, now);
  g_hash_table_iter_init (&iter, notices->watchers);
  while (g_hash_table_iter_next (&iter, (gpointer *) &name, (gpointer *) &w))
    {
      g_autoptr(GError) error = NULL;

      if (w->uid != uid)
        continue;
      /* a destination: the bus delivers it to that connection only */
      if (!g_dbus_connection_emit_signal (notices->bus, name, UL_DBUS_PATH, UL_DBUS_INTERFACE,
                                          "Notice", g_variant_new ("(@a{sv})", n->record),
                                          &error))
        g_warning ("cannot send a notice to %s: %s", name, error->message);
    }
}

/* once per thing told: a device's decision is sent again on every change */
static gboolean
first_time (UlDbusNotices *notices, const char *key)
{
  if (g_hash_table_contains (notices->told, key))
    return FALSE;
  g_hash_table_add (notices->told, g_strdup (key));
  return TRUE;
}

static gboolean
is_block (UlDecision d)
{
  return d == UL_DECISION_BLOCK || d == UL_DECISION_BLOCK_AND_REQUEST ||
         d == UL_DECISION_BLOCK_SUSPICIOUS;
}

static void
on_device_changed (UlManager *mgr, gpointer present, gboolean removed, UlDbusNotices *notices)
{
  const UlPresent *p = present;
  gint64 now = g_get_real_time ();
  g_autofree char *key = g_strdup_printf ("%s@%" G_GINT64_FORMAT, p->dev->name, p->since);

  if (removed)
    {
      /* plugged in again, it is a new device to tell about */
      g_hash_table_remove (notices->told, key);
      return;
    }
  /* no one at the seat: no one to tell */
  if (!p->controlled || !is_block (p->decision) || p->seat_user == NULL || p->seat_uid < 0)
    return;
  if (!first_time (notices, key))
    return;
  tell (notices, p->seat_uid, now, ul_record_notice_blocked (p, ++notices->last_id, now));
}

static void
on_request_changed (UlManager *mgr, gint64 id, UlDbusNotices *notices)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(UlRequest) r = ul_store_get_request (ul_manager_get_store (mgr), id, &error);
  gint64 now = g_get_real_time ();
  g_autofree char *key = NULL;

  if (r == NULL)
    {
      g_warning ("request %" G_GINT64_FORMAT ": %s", id, error->message);
      return;
    }
  /* a raised request is told with the block that raised it; a decision
   * older than the notices kept is history, not news */
  if (r->requester_uid < 0 || g_strcmp0 (r->state, "pending") == 0 ||
      r->decided_at < now - UL_NOTICE_KEEP_USEC)
    return;
  key = g_strdup_printf ("request %" G_GINT64_FORMAT ":%s", r->id, r->state);
  if (g_hash_table_contains (notices->decisions, key))
    return;
  g_hash_table_insert (notices->decisions, g_steal_pointer (&key),
                       g_memdup2 (&r->decided_at, sizeof r->decided_at));
  tell (notices, r->requester_uid, now, ul_record_notice_decided (r, ++notices->last_id, now));
}

static void
on_watcher_vanished (GDBusConnection *bus, const char *name, gpointer data)
{
  UlDbusNotices *notices = data;

  g_hash_table_remove (notices->watchers, name);
}

static guint
watchers_of (UlDbusNotices *notices, gint64 uid)
{
  GHashTableIter iter;
  Watcher *w;
  guint n = 0;

  g_hash_table_iter_init (&iter, notices->watchers);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &w))
    n += w->uid == uid;
  return n;
}

GVariant *
ul_dbus_notices_watch (UlDbusNotices *notices, const char *sender, gint64 uid, gint64 after,
                       GError **error)
{
  GVariantBuilder b;
  Watcher *w;

  if (!g_hash_table_contains (notices->watchers, sender))
    {
      if (watchers_of (notices, uid) >= UL_NOTICE_WATCHERS_PER_UID ||
          g_hash_table_size (notices->watchers) >= UL_NOTICE_WATCHERS_MAX)
        {
          g_set_error (error, UL_ERROR, UL_ERROR_BUSY,
                       "too many connections watch notices already");
          return NULL;
        }
      w = g_new0 (Watcher, 1);
      w->uid = uid;
      g_hash_table_insert (notices->watchers, g_strdup (sender), w);
      /* after the insert: a name already gone is forgotten at once */
      w->watch = g_bus_watch_name_on_connection (notices->bus, sender,
                                                 G_BUS_NAME_WATCHER_FLAGS_NONE, NULL,
                                                 on_watcher_vanished, notices, NULL);
    }
  forget_old (notices, g_get_real_time ());
  g_variant_builder_init (&b, G_VARIANT_TYPE ("aa{sv}"));
  for (GList *l = notices->notices.head; l != NULL; l = l->next)
    {
      Notice *n = l->data;
      gint64 id = 0;

      g_variant_lookup (n->record, "id", "x", &id);
      if (n->uid == uid && id > after)
        g_variant_builder_add_value (&b, n->record);
    }
  return g_variant_new ("(aa{sv})", &b);
}

UlDbusNotices *
ul_dbus_notices_new (UlManager *mgr, GDBusConnection *bus)
{
  UlDbusNotices *notices = g_new0 (UlDbusNotices, 1);

  notices->mgr = g_object_ref (mgr);
  notices->bus = g_object_ref (bus);
  g_queue_init (&notices->notices);
  notices->watchers = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                             (GDestroyNotify) watcher_free);
  notices->told = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  notices->decisions = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  notices->device = g_signal_connect (mgr, "device-changed", G_CALLBACK (on_device_changed),
                                      notices);
  notices->request = g_signal_connect (mgr, "request-changed", G_CALLBACK (on_request_changed),
                                       notices);
  return notices;
}

void
ul_dbus_notices_free (UlDbusNotices *notices)
{
  if (notices == NULL)
    return;
  g_clear_signal_handler (&notices->device, notices->mgr);
  g_clear_signal_handler (&notices->request, notices->mgr);
  g_hash_table_destroy (notices->watchers);
  g_hash_table_destroy (notices->told);
  g_hash_table_destroy (notices->decisions);
  g_queue_clear_full (&notices->notices, (GDestroyNotify) notice_free);
  g_object_unref (notices->bus);
  g_object_unref (notices->mgr);
  g_free (notices);
}

GVariant *
ul_dbus_watch_notices (const UlDbusCall *call, GError **error)
{
  gint64 after;

  g_variant_get (call->params, "(x)", &after);
  return ul_dbus_notices_watch (call->notices,
                                g_dbus_method_invocation_get_sender (call->invocation),
                                call->actor->uid, after, error);
}
