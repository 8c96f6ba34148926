/* usbledger-notify: tells the person at the seat, on their desktop, what
 * usbledgerd decided about their own USB media: blocked and why, a request
 * sent to the supervisor, then approved ("you can use it now") or rejected
 * with the reason. It runs in each desktop session (XDG autostart) as the
 * person, asks usbledgerd for that person's notices only (WatchNotices: the
 * daemon chooses them by the caller's uid) and shows each through
 * org.freedesktop.Notifications. It learns nothing about anyone else. */
#include "config.h"

#include <glib-unix.h>
#include <glib/gi18n.h>
#include <locale.h>

#include "ul-client.h"
#include "ul-client-record.h"
#include "ul-vocabulary.h"

typedef struct {
  GMainLoop *loop;
  GDBusConnection *session;
  UlBusManager1 *manager;
  gint64 last_id;     /* the daemon's id of the last notice shown */
} Notifier;

static char *
body_of (UlClientRecord *n, const char *kind)
{
  g_autofree char *device = ul_client_record_device_name (n);
  gint64 request = ul_client_record_int (n, "request-id");
  g_autofree char *number = g_strdup_printf ("%" G_GINT64_FORMAT, request);
  const char *why = ul_vocabulary_label (UL_VOCAB_REASON, ul_client_record_str (n, "reason-code"));
  const char *note = ul_client_record_str (n, "note");

  if (g_str_equal (kind, "blocked") && request > 0)
    /* TRANSLATORS: the device, why it was blocked, the request's number */
    return g_strdup_printf (_("%s was blocked: %s. A request (No. %s) was sent to your "
                              "supervisor; you will be told here when it is decided."),
                            device, why, number);
  if (g_str_equal (kind, "blocked"))
    /* TRANSLATORS: the device, why it was blocked */
    return g_strdup_printf (_("%s was blocked: %s."), device, why);
  if (g_str_equal (kind, "approved"))
    /* TRANSLATORS: the device, the request's number */
    return g_strdup_printf (_("%s was approved (request No. %s). You can use it now."), device,
                            number);
  /* TRANSLATORS: the device, the request's number, the supervisor's reason */
  return g_strdup_printf (_("%s was not approved (request No. %s). Reason: %s"), device, number,
                          *note != '\0' ? note : _("none given"));
}

static const char *
summary_of (const char *kind)
{
  if (g_str_equal (kind, "blocked"))
    return _("USB medium blocked");
  if (g_str_equal (kind, "approved"))
    return _("USB medium approved");
  return _("USB medium not approved");
}

static void
notify_done (GObject *source, GAsyncResult *res, gpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (source), res,
                                                             &error);

  if (reply == NULL)
    g_warning ("cannot show a notification: %s", error->message);
}

static void
show (Notifier *nf, GVariant *record)
{
  g_autoptr(UlClientRecord) n = ul_client_record_new (record);
  const char *kind = ul_client_record_str (n, "kind");
  gint64 id = ul_client_record_int (n, "id");
  g_autofree char *body = NULL;
  GVariantBuilder hints;

  /* a notice seen already (a reply and a signal may both carry it) */
  if (id <= nf->last_id)
    return;
  nf->last_id = id;
  if (!g_str_equal (kind, "blocked") && !g_str_equal (kind, "approved") &&
      !g_str_equal (kind, "rejected"))
    return;
  body = body_of (n, kind);
  g_variant_builder_init (&hints, G_VARIANT_TYPE_VARDICT);
  /* a block matters now; a decision can wait */
  g_variant_builder_add (&hints, "{sv}", "urgency",
                         g_variant_new_byte (g_str_equal (kind, "blocked") ? 2 : 1));
  g_variant_builder_add (&hints, "{sv}", "desktop-entry",
                         g_variant_new_string ("usbledger-notify"));
  g_dbus_connection_call (nf->session, "org.freedesktop.Notifications",
                          "/org/freedesktop/Notifications", "org.freedesktop.Notifications",
                          "Notify",
                          g_variant_new ("(susssasa{sv}i)", "usbledger", 0,
                                         "drive-removable-media", summary_of (kind), body, NULL,
                                         &hints, -1),
                          G_VARIANT_TYPE ("(u)"), G_DBUS_CALL_FLAGS_NONE, -1, NULL, notify_done,
                          NULL);
}

static void
on_notice (UlBusManager1 *manager, GVariant *record, Notifier *nf)
{
  show (nf, record);
}

static void
watch_done (GObject *source, GAsyncResult *res, gpointer data)
{
  Notifier *nf = data;
  g_autoptr(GVariant) notices = NULL;
  g_autoptr(GError) error = NULL;
  GVariantIter iter;
  GVariant *record;

  if (!ul_bus_manager1_call_watch_notices_finish (UL_BUS_MANAGER1 (source), &notices, res,
                                                  &error))
    {
      g_dbus_error_strip_remote_error (error);
      g_warning ("usbledgerd gives no notices: %s", error->message);
      return;
    }
  g_variant_iter_init (&iter, notices);
  while ((record = g_variant_iter_next_value (&iter)) != NULL)
    {
      show (nf, record);
      g_variant_unref (record);
    }
}

static void
watch (Notifier *nf)
{
  ul_bus_manager1_call_watch_notices (nf->manager, nf->last_id, G_DBUS_CALL_FLAGS_NONE,
                                      UL_CLIENT_TIMEOUT_MS, NULL, watch_done, nf);
}

static void
on_name_owner (GObject *proxy, GParamSpec *pspec, Notifier *nf)
{
  g_autofree char *owner = g_dbus_proxy_get_name_owner (G_DBUS_PROXY (proxy));

  /* a daemon started again numbers its notices afresh */
  nf->last_id = 0;
  if (owner != NULL)
    watch (nf);
}

static gboolean
on_stop (gpointer data)
{
  g_main_loop_quit (((Notifier *) data)->loop);
  return G_SOURCE_REMOVE;
}

int
main (int argc, char **argv)
{
  g_autoptr(GError) error = NULL;
  Notifier nf = { 0 };

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, g_getenv ("USBLEDGER_LOCALEDIR") != NULL
                                     ? g_getenv ("USBLEDGER_LOCALEDIR") : UL_LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
  nf.session = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, &error);
  if (nf.session == NULL)
    {
      g_printerr ("usbledger-notify: no desktop session bus: %s\n", error->message);
      return 1;
    }
  /* the daemon starts at boot; it is not started by asking it */
  nf.manager = ul_client_manager_new_sync (NULL, G_DBUS_PROXY_FLAGS_DO_NOT_AUTO_START, NULL,
                                           &error);
  if (nf.manager == NULL)
    {
      g_printerr ("usbledger-notify: %s\n", error->message);
      g_object_unref (nf.session);
      return 1;
    }
  nf.loop = g_main_loop_new (NULL, FALSE);
  g_signal_connect (nf.manager, "notice", G_CALLBACK (on_notice), &nf);
  g_signal_connect (nf.manager, "notify::g-name-owner", G_CALLBACK (on_name_owner), &nf);
  on_name_owner (G_OBJECT (nf.manager), NULL, &nf);
  g_unix_signal_add (SIGTERM, on_stop, &nf);
  g_unix_signal_add (SIGINT, on_stop, &nf);
  g_main_loop_run (nf.loop);
  g_signal_handlers_disconnect_by_data (nf.manager, &nf);
  g_object_unref (nf.manager);
  g_object_unref (nf.session);
  g_main_loop_unref (nf.loop);
  return 0;
}
