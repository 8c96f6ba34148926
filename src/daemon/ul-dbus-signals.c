/* ul-dbus-signals.c: see ul-dbus-signals.h. Each record is read again from
 * the logbook, so a signal says what was committed. */
#include "config.h"

#include "ul-dbus-signals.h"
#include "ul-dbus-records.h"
#include "ul-dbus-service.h"
#include "ul-erase.h"

struct _UlDbusSignals {
  UlManager *mgr;
  GDBusConnection *bus;
  gulong device, request, medium, session, progress, erased, presentation;
};

static void
emit (UlDbusSignals *sigs, const char *signal, GVariant *record)
{
  g_autoptr(GError) error = NULL;

  if (!g_dbus_connection_emit_signal (sigs->bus, NULL, UL_DBUS_PATH, UL_DBUS_INTERFACE, signal,
                                      g_variant_new_tuple (&record, 1), &error))
    g_warning ("cannot emit %s: %s", signal, error->message);
}

static void
on_device_changed (UlManager *mgr, gpointer present, gboolean removed, UlDbusSignals *sigs)
{
  emit (sigs, "DeviceChanged", ul_record_present (present, removed));
}

static void
on_request_changed (UlManager *mgr, gint64 id, UlDbusSignals *sigs)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(UlRequest) r = ul_store_get_request (ul_manager_get_store (mgr), id, &error);

  if (r == NULL)
    g_warning ("request %" G_GINT64_FORMAT ": %s", id, error->message);
  else
    emit (sigs, "RequestChanged", ul_record_request (r));
}

static void
on_session_changed (UlManager *mgr, gint64 id, UlDbusSignals *sigs)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(UlSession) s = ul_store_get_session (ul_manager_get_store (mgr), id, &error);

  if (s == NULL)
    g_warning ("session %" G_GINT64_FORMAT ": %s", id, error->message);
  else
    emit (sigs, "SessionChanged", ul_record_session (s));
}

static void
on_erase_progress (UlManager *mgr, gint64 id, gpointer progress, UlDbusSignals *sigs)
{
  const UlEraseProgress *p = progress;
  g_autoptr(GError) error = NULL;

  if (!g_dbus_connection_emit_signal (sigs->bus, NULL, UL_DBUS_PATH, UL_DBUS_INTERFACE,
                                      "EraseProgress",
                                      g_variant_new ("(xsttdd)", id,
                                                     p->phase == UL_ERASE_PHASE_WRITE
                                                       ? "write" : "verify",
                                                     p->done, p->total, p->bytes_per_second,
                                                     p->seconds_left), &error))
    g_warning ("cannot emit EraseProgress: %s", error->message);
}

static void
on_erase_finished (UlManager *mgr, gpointer erasure, UlDbusSignals *sigs)
{
  emit (sigs, "EraseFinished", ul_record_erasure (erasure));
}

static void
on_medium_changed (UlManager *mgr, const char *asset, UlDbusSignals *sigs)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(UlMedium) m = ul_store_get_medium (ul_manager_get_store (mgr), asset, &error);

  if (m == NULL)
    g_warning ("medium %s: %s", asset, error->message);
  else
    emit (sigs, "MediumChanged", ul_record_medium (m));
}

/* the window keeps the property (GDBusProxy's cache), and the change's
 * value comes with the signal */
static void
on_presentation_changed (UlManager *mgr, UlDbusSignals *sigs)
{
  g_autoptr(GError) error = NULL;
  GVariantBuilder changed;

  g_variant_builder_init (&changed, G_VARIANT_TYPE_VARDICT);
  g_variant_builder_add (&changed, "{sv}", "LedgerPresentation",
                         ul_manager_ledger_presentation (mgr));
  if (!g_dbus_connection_emit_signal (sigs->bus, NULL, UL_DBUS_PATH,
                                      "org.freedesktop.DBus.Properties", "PropertiesChanged",
                                      g_variant_new ("(sa{sv}@as)", UL_DBUS_INTERFACE, &changed,
                                                     g_variant_new_strv (NULL, 0)), &error))
    g_warning ("cannot emit PropertiesChanged: %s", error->message);
}

UlDbusSignals *
ul_dbus_signals_connect (UlManager *mgr, GDBusConnection *bus)
{
  UlDbusSignals *sigs = g_new0 (UlDbusSignals, 1);

  sigs->mgr = g_object_ref (mgr);
  sigs->bus = g_object_ref (bus);
  sigs->device = g_signal_connect (mgr, "device-changed", G_CALLBACK (on_device_changed), sigs);
  sigs->request = g_signal_connect (mgr, "request-changed", G_CALLBACK (on_request_changed),
                                    sigs);
  sigs->medium = g_signal_connect (mgr, "medium-changed", G_CALLBACK (on_medium_changed), sigs);
  sigs->session = g_signal_connect (mgr, "session-changed", G_CALLBACK (on_session_changed),
                                    sigs);
  sigs->progress = g_signal_connect (mgr, "erase-progress", G_CALLBACK (on_erase_progress),
                                     sigs);
  sigs->erased = g_signal_connect (mgr, "erase-finished", G_CALLBACK (on_erase_finished), sigs);
  sigs->presentation = g_signal_connect (mgr, "presentation-changed",
                                         G_CALLBACK (on_presentation_changed), sigs);
  return sigs;
}

void
ul_dbus_signals_disconnect (UlDbusSignals *sigs)
{
  if (sigs == NULL)
    return;
  g_clear_signal_handler (&sigs->device, sigs->mgr);
  g_clear_signal_handler (&sigs->request, sigs->mgr);
  g_clear_signal_handler (&sigs->medium, sigs->mgr);
  g_clear_signal_handler (&sigs->session, sigs->mgr);
  g_clear_signal_handler (&sigs->progress, sigs->mgr);
  g_clear_signal_handler (&sigs->erased, sigs->mgr);
  g_clear_signal_handler (&sigs->presentation, sigs->mgr);
  g_object_unref (sigs->bus);
  g_object_unref (sigs->mgr);
  g_free (sigs);
}
