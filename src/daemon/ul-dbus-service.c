/* ul-dbus-service.c: every method call goes through ul_polkit_check() first
 * and is dispatched only on an explicit yes. The caller's personal account
 * (from the bus, never from an argument) is what the log records. */
#include "config.h"

#include "ul-dbus-service.h"
#include "ul-dbus-records.h"
#include "ul-erase.h"
#include "ul-time.h"
#include "ul-error.h"
#include "ul-polkit-gate.h"
#include "ul-dbus-pdf.h"

#include <pwd.h>

GResource *ul_daemon_get_resource (void);

struct _UlDbusService {
  UlManager *mgr;
  GDBusConnection *bus;
  GDBusNodeInfo *node;
  guint registration;
  gulong sig_device, sig_request, sig_medium, sig_session, sig_progress, sig_erased;
};

static void
emit (UlDbusService *svc, const char *signal, GVariant *record)
{
  g_autoptr(GError) error = NULL;

  if (!g_dbus_connection_emit_signal (svc->bus, NULL, UL_DBUS_PATH, UL_DBUS_INTERFACE, signal,
                                      g_variant_new_tuple (&record, 1), &error))
    g_warning ("cannot emit %s: %s", signal, error->message);
}

static void
on_device_changed (UlManager *mgr, gpointer present, gboolean removed, UlDbusService *svc)
{
  emit (svc, "DeviceChanged", ul_record_present (present, removed));
}

static void
on_request_changed (UlManager *mgr, gint64 id, UlDbusService *svc)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(UlRequest) r = ul_store_get_request (ul_manager_get_store (mgr), id, &error);

  if (r == NULL)
    g_warning ("request %" G_GINT64_FORMAT ": %s", id, error->message);
  else
    emit (svc, "RequestChanged", ul_record_request (r));
}

static void
on_session_changed (UlManager *mgr, gint64 id, UlDbusService *svc)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(UlSession) s = ul_store_get_session (ul_manager_get_store (mgr), id, &error);

  if (s == NULL)
    g_warning ("session %" G_GINT64_FORMAT ": %s", id, error->message);
  else
    emit (svc, "SessionChanged", ul_record_session (s));
}

static void
on_erase_progress (UlManager *mgr, gint64 id, gpointer progress, UlDbusService *svc)
{
  const UlEraseProgress *p = progress;
  g_autoptr(GError) error = NULL;

  if (!g_dbus_connection_emit_signal (svc->bus, NULL, UL_DBUS_PATH, UL_DBUS_INTERFACE,
                                      "EraseProgress",
                                      g_variant_new ("(xsttdd)", id,
                                                     p->phase == UL_ERASE_PHASE_WRITE
                                                       ? "write" : "verify",
                                                     p->done, p->total, p->bytes_per_second,
                                                     p->seconds_left), &error))
    g_warning ("cannot emit EraseProgress: %s", error->message);
}

static void
on_erase_finished (UlManager *mgr, gpointer erasure, UlDbusService *svc)
{
  emit (svc, "EraseFinished", ul_record_erasure (erasure));
}

static void
on_medium_changed (UlManager *mgr, const char *asset, UlDbusService *svc)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(UlMedium) m = ul_store_get_medium (ul_manager_get_store (mgr), asset, &error);

  if (m == NULL)
    g_warning ("medium %s: %s", asset, error->message);
  else
    emit (svc, "MediumChanged", ul_record_medium (m));
}

/* the caller's account as the bus daemon knows it */
static gboolean
get_actor (UlDbusService *svc, GDBusMethodInvocation *inv, UlActor *actor, char **name_out,
           GError **error)
{
  g_autoptr(GVariant) reply = NULL;
  struct passwd pw, *result = NULL;
  char buf[4096];
  guint32 uid;

  reply = g_dbus_connection_call_sync (svc->bus, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                                       "org.freedesktop.DBus", "GetConnectionUnixUser",
                                       g_variant_new ("(s)",
                                                      g_dbus_method_invocation_get_sender (inv)),
                                       G_VARIANT_TYPE ("(u)"), G_DBUS_CALL_FLAGS_NONE, 5000, NULL,
                                       error);
  if (reply == NULL)
    {
      g_prefix_error (error, "cannot identify the caller: ");
      return FALSE;
    }
  g_variant_get (reply, "(u)", &uid);
  if (getpwuid_r (uid, &pw, buf, sizeof buf, &result) == 0 && result != NULL)
    *name_out = g_strdup (pw.pw_name);
  else
    *name_out = g_strdup_printf ("uid:%u", uid);
  actor->name = *name_out;
  actor->uid = uid;
  return TRUE;
}

static GVariant *
list_to_variant (GPtrArray *items, GVariant *(*convert) (gconstpointer))
{
  GVariantBuilder b;

  g_variant_builder_init (&b, G_VARIANT_TYPE ("aa{sv}"));
  for (guint i = 0; i < items->len; i++)
    g_variant_builder_add_value (&b, convert (g_ptr_array_index (items, i)));
  return g_variant_builder_end (&b);
}

static GVariant *
present_convert (gconstpointer p)
{
  return ul_record_present (p, FALSE);
}

/* a page of file records stays far below D-Bus's message size limit even
 * with the longest paths (4096 bytes each) */
#define UL_MAX_FILES_PER_PAGE 5000

/* runs an authorized call; returns the reply or NULL with @error */
static GVariant *
dispatch (UlDbusService *svc, GDBusMethodInvocation *inv, GError **error)
{
  const char *method = g_dbus_method_invocation_get_method_name (inv);
  GVariant *params = g_dbus_method_invocation_get_parameters (inv);
  UlStore *store = ul_manager_get_store (svc->mgr);

  if (g_str_equal (method, "ListDevices"))
    {
      g_autoptr(GPtrArray) list = ul_manager_list_present (svc->mgr);

      return g_variant_new_tuple ((GVariant *[]){ list_to_variant (list, present_convert) }, 1);
    }
  if (g_str_equal (method, "ListRequests"))
    {
      const char *state;
      g_autoptr(GPtrArray) list = NULL;

      g_variant_get (params, "(&s)", &state);
      if (*state != '\0' && !g_strv_contains ((const char *[]){ "pending", "approved",
                                                                 "rejected", NULL }, state))
        {
          g_set_error (error, UL_ERROR, UL_ERROR_INVALID_ARGUMENT,
                       "state must be pending, approved, rejected or empty");
          return NULL;
        }
      list = ul_store_list_requests (store, *state ? state : NULL, error);
      if (list == NULL)
        return NULL;
      return g_variant_new_tuple ((GVariant *[]){ list_to_variant (list,
                                    (GVariant * (*) (gconstpointer)) ul_record_request) }, 1);
    }
  if (g_str_equal (method, "ListMedia"))
    {
      g_autoptr(GPtrArray) list = ul_store_list_media (store, error);

      if (list == NULL)
        return NULL;
      return g_variant_new_tuple ((GVariant *[]){ list_to_variant (list,
                                    (GVariant * (*) (gconstpointer)) ul_record_medium) }, 1);
    }
  if (g_str_equal (method, "ListSessions"))
    {
      g_autoptr(GVariant) dict = g_variant_get_child_value (params, 0);
      g_autofree char *user = NULL, *asset = NULL;
      UlSessionFilter f = { 0 };
      g_autoptr(GPtrArray) list = NULL;

      if (!ul_record_parse_session_filter (dict, &f, &user, &asset, error))
        return NULL;
      list = ul_store_list_sessions (store, &f, error);
      if (list == NULL)
        return NULL;
      return g_variant_new_tuple ((GVariant *[]){ list_to_variant (list,
                                    (GVariant * (*) (gconstpointer)) ul_record_session) }, 1);
    }
  if (g_str_equal (method, "GetSession"))
    {
      gint64 id;
      g_autoptr(UlSession) s = NULL;
      g_autoptr(GPtrArray) mounts = NULL;
      GVariant *seats = NULL;
      GVariant *record;

      g_variant_get (params, "(x)", &id);
      s = ul_store_get_session (store, id, error);
      if (s == NULL || (mounts = ul_store_list_session_mounts (store, id, error)) == NULL ||
          (seats = ul_store_list_seat_changes (store, id, error)) == NULL)
        return NULL;
      /* the session record, plus who came to the seat while it lasted */
      {
        g_autoptr(GVariant) base = g_variant_ref_sink (ul_record_session (s));
        GVariantDict dict;

        g_variant_dict_init (&dict, base);
        g_variant_dict_insert_value (&dict, "seat-changes", seats);
        record = g_variant_dict_end (&dict);
      }
      return g_variant_new_tuple ((GVariant *[]){
                                    record,
                                    list_to_variant (mounts,
                                      (GVariant * (*) (gconstpointer)) ul_record_mount) }, 2);
    }
  if (g_str_equal (method, "ListSessionFiles"))
    {
      gint64 id, after;
      guint32 limit;
      g_autoptr(UlSession) s = NULL;
      g_autoptr(GPtrArray) files = NULL;

      g_variant_get (params, "(xxu)", &id, &after, &limit);
      if (limit < 1 || limit > UL_MAX_FILES_PER_PAGE)
        {
          g_set_error (error, UL_ERROR, UL_ERROR_INVALID_ARGUMENT,
                       "limit must be 1 to %u", UL_MAX_FILES_PER_PAGE);
          return NULL;
        }
      s = ul_store_get_session (store, id, error);
      if (s == NULL || (files = ul_store_list_session_files (store, id, after, limit, error)) ==
                         NULL)
        return NULL;
      return g_variant_new_tuple ((GVariant *[]){ list_to_variant (files,
                                    (GVariant * (*) (gconstpointer)) ul_record_file) }, 1);
    }
  if (g_str_equal (method, "ListEvents"))
    {
      g_autoptr(GVariant) dict = g_variant_get_child_value (params, 0);
      g_autofree char *user = NULL, *asset = NULL;
      UlEventFilter f = { 0 };
      g_autoptr(GPtrArray) list = NULL;

      if (!ul_record_parse_event_filter (dict, &f, &user, &asset, error))
        return NULL;
      f.user = user;
      if (asset != NULL)
        {
          g_autoptr(UlMedium) m = ul_store_get_medium (store, asset, error);

          if (m == NULL)
            return NULL;
          f.medium_id = m->id;
        }
      list = ul_store_list_events (store, &f, error);
      if (list == NULL)
        return NULL;
      return g_variant_new_tuple ((GVariant *[]){ list_to_variant (list,
                                    (GVariant * (*) (gconstpointer)) ul_record_event) }, 1);
    }
  if (g_str_equal (method, "ListErasures"))
    {
      const char *asset;
      gint64 medium_id = 0;
      g_autoptr(GPtrArray) list = NULL;

      g_variant_get (params, "(&s)", &asset);
      if (*asset != '\0')
        {
          g_autoptr(UlMedium) m = ul_store_get_medium (store, asset, error);

          if (m == NULL)
            return NULL;
          medium_id = m->id;
        }
      list = ul_store_list_erasures (store, medium_id, error);
      if (list == NULL)
        return NULL;
      return g_variant_new_tuple ((GVariant *[]){ list_to_variant (list,
                                    (GVariant * (*) (gconstpointer)) ul_record_erasure) }, 1);
    }
  if (g_str_equal (method, "GetCertificate"))
    {
      const char *number;
      g_autoptr(UlCertificate) c = NULL;
      g_autofree char *pem = NULL;
      g_autofree char *pem_path = NULL;

      g_variant_get (params, "(&s)", &number);
      c = ul_store_get_certificate (store, number, error);
      if (c == NULL)
        return NULL;
      /* the key it names, pinned in the logbook: it verifies even when the
       * key file is lost; before schema 6, the key file's */
      if (c->key_sha256 != NULL)
        pem = ul_store_pinned_key_pem (store, c->key_sha256, error);
      else
        {
          pem_path = g_build_filename (ul_manager_get_key_dir (svc->mgr), "signing-key.pub.pem",
                                       NULL);
          if (!g_file_get_contents (pem_path, &pem, NULL, error))
            return NULL;
        }
      if (pem == NULL)
        return NULL;
      return g_variant_new ("(@ay@ays)",
                            g_variant_new_fixed_array (G_VARIANT_TYPE_BYTE,
                                                       g_bytes_get_data (c->json, NULL),
                                                       g_bytes_get_size (c->json), 1),
                            g_variant_new_fixed_array (G_VARIANT_TYPE_BYTE,
                                                       g_bytes_get_data (c->signature, NULL),
                                                       g_bytes_get_size (c->signature), 1),
                            pem);
    }
  if (g_str_equal (method, "GetCertificatePdf"))
    {
      const char *number;
      g_autoptr(UlCertificate) c = NULL;
      g_autofree char *name = NULL;
      g_autofree char *path = NULL;

      g_variant_get (params, "(&s)", &number);
      c = ul_store_get_certificate (store, number, error);
      if (c == NULL)
        return NULL;
      /* the number was found in the logbook: it names a file of ours */
      name = g_strdup_printf ("%s.pdf", c->number);
      path = g_build_filename (ul_manager_get_key_dir (svc->mgr), "certificates", name, NULL);
      return ul_dbus_pdf_reply (svc->mgr, inv, path, error);
    }
  if (g_str_equal (method, "GetSigningCertificate"))
    {
      g_autofree char *path = g_build_filename (ul_manager_get_key_dir (svc->mgr),
                                                "signing-cert.pem", NULL);
      g_autofree char *pem = NULL;

      if (!g_file_get_contents (path, &pem, NULL, NULL))
        {
          g_set_error (error, UL_ERROR, UL_ERROR_NOT_FOUND,
                       "no signing key yet: it is made with the first certificate");
          return NULL;
        }
      return g_variant_new ("(s)", pem);
    }
  if (g_str_equal (method, "GetDisposalPdf"))
    {
      const char *asset;
      g_autoptr(UlMedium) m = NULL;
      g_autofree char *name = NULL;
      g_autofree char *path = NULL;

      g_variant_get (params, "(&s)", &asset);
      m = ul_store_get_medium (store, asset, error);
      if (m == NULL)
        return NULL;
      name = g_strdup_printf ("medium-%" G_GINT64_FORMAT ".pdf", m->id);
      path = g_build_filename (ul_manager_get_key_dir (svc->mgr), "disposals", name, NULL);
      return ul_dbus_pdf_reply (svc->mgr, inv, path, error);
    }
  if (g_str_equal (method, "VerifyEventLog"))
    {
      guint64 n = 0;

      if (!ul_store_verify_chain (store, &n, error))
        return NULL;
      return g_variant_new ("(t)", n);
    }

  /* the mutating methods record who did it */
  {
    g_autofree char *actor_name = NULL;
    UlActor actor = { 0 };

    if (!get_actor (svc, inv, &actor, &actor_name, error))
      return NULL;

    if (g_str_equal (method, "ApproveRequest"))
      {
        gint64 id;
        g_autoptr(GVariant) dict = NULL;
        g_autoptr(UlMedium) reg = NULL, m = NULL;
        g_autofree char *note = NULL;
        UlRegisterChoices choices = { FALSE, FALSE };

        g_variant_get (params, "(x@a{sv})", &id, &dict);
        reg = ul_record_parse_registration (dict, &choices, FALSE, NULL, &note, error);
        if (reg == NULL)
          return NULL;
        m = ul_manager_approve_request (svc->mgr, id, reg, note, &choices, &actor, error);
        if (m == NULL)
          return NULL;
        return g_variant_new_tuple ((GVariant *[]){ ul_record_medium (m) }, 1);
      }
    if (g_str_equal (method, "EraseMedium"))
      {
        const char *asset, *confirm;
        g_autoptr(GVariant) options = NULL;
        const char *pattern = "zeros";
        gint64 id;

        g_variant_get (params, "(&s&s@a{sv})", &asset, &confirm, &options);
        g_variant_lookup (options, "pattern", "&s", &pattern);
        id = ul_manager_erase_medium (svc->mgr, asset, confirm, pattern, &actor, error);
        if (id == 0)
          return NULL;
        return g_variant_new ("(x)", id);
      }
    if (g_str_equal (method, "DisposeMedium"))
      {
        const char *asset, *kind;
        const char *contractor = NULL, *reference = NULL, *date = NULL, *note = NULL;
        g_autoptr(GVariant) details = NULL;

        g_variant_get (params, "(&s&s@a{sv})", &asset, &kind, &details);
        g_variant_lookup (details, "contractor", "&s", &contractor);
        g_variant_lookup (details, "reference", "&s", &reference);
        g_variant_lookup (details, "date", "&s", &date);
        g_variant_lookup (details, "note", "&s", &note);
        if (date != NULL)
          {
            gint64 t;

            if (!ul_time_parse (date, &t, error))
              return NULL;
          }
        if (!ul_manager_dispose_medium (svc->mgr, asset, kind, contractor, reference, date, note,
                                        &actor, error))
          return NULL;
        return g_variant_new ("()");
      }
    if (g_str_equal (method, "CancelErase"))
      {
        gint64 id;

        g_variant_get (params, "(x)", &id);
        if (!ul_manager_cancel_erase (svc->mgr, id, error))
          return NULL;
        return g_variant_new ("()");
      }
    if (g_str_equal (method, "RejectRequest"))
      {
        gint64 id;
        const char *note;

        g_variant_get (params, "(x&s)", &id, &note);
        if (!ul_manager_reject_request (svc->mgr, id, note, &actor, error))
          return NULL;
        return g_variant_new ("()");
      }
    if (g_str_equal (method, "RegisterMedium"))
      {
        g_autoptr(GVariant) dict = g_variant_get_child_value (params, 0);
        g_autofree char *device = NULL;
        g_autoptr(UlMedium) reg = NULL, m = NULL;
        UlRegisterChoices choices = { FALSE, FALSE };

        reg = ul_record_parse_registration (dict, &choices, TRUE, &device, NULL, error);
        if (reg == NULL)
          return NULL;
        m = ul_manager_register_medium (svc->mgr, reg, device, &choices, &actor, error);
        if (m == NULL)
          return NULL;
        return g_variant_new_tuple ((GVariant *[]){ ul_record_medium (m) }, 1);
      }
    if (g_str_equal (method, "RevokeMedium"))
      {
        const char *asset, *reason;

        g_variant_get (params, "(&s&s)", &asset, &reason);
        if (!ul_manager_revoke_medium (svc->mgr, asset, reason, &actor, error))
          return NULL;
        return g_variant_new ("()");
      }
  }
  g_set_error (error, G_DBUS_ERROR, G_DBUS_ERROR_UNKNOWN_METHOD, "unknown method %s", method);
  return NULL;
}

static void
on_authorized (GDBusMethodInvocation *inv, gboolean allowed, const char *why_not,
               gpointer user_data)
{
  UlDbusService *svc = user_data;
  g_autoptr(GError) error = NULL;
  GVariant *reply;

  if (!allowed)
    {
      g_dbus_method_invocation_return_error (inv, G_DBUS_ERROR, G_DBUS_ERROR_ACCESS_DENIED,
                                             "%s", why_not);
      return;
    }
  reply = dispatch (svc, inv, &error);
  if (reply == ul_dbus_reply_later)
    return;   /* answered when its document is written */
  if (reply == NULL)
    g_dbus_method_invocation_return_gerror (inv, error);
  else
    g_dbus_method_invocation_return_value (inv, reply);
}

static void
on_method_call (GDBusConnection *bus, const char *sender, const char *path, const char *iface,
                const char *method, GVariant *params, GDBusMethodInvocation *inv,
                gpointer user_data)
{
  /* the invocation is owned by us from here on; the gate hands it back */
  ul_polkit_check (inv, on_authorized, user_data);
}

static GVariant *
on_get_property (GDBusConnection *bus, const char *sender, const char *path, const char *iface,
                 const char *name, GError **error, gpointer user_data)
{
  UlDbusService *svc = user_data;

  if (g_str_equal (name, "Version"))
    return g_variant_new_string (PACKAGE_VERSION);
  if (g_str_equal (name, "Host"))
    return g_variant_new_string (ul_manager_get_host (svc->mgr));
  g_set_error (error, G_DBUS_ERROR, G_DBUS_ERROR_UNKNOWN_PROPERTY, "no property %s", name);
  return NULL;
}

static const GDBusInterfaceVTable vtable = { on_method_call, on_get_property, NULL, { 0 } };

UlDbusService *
ul_dbus_service_new (UlManager *mgr, GDBusConnection *bus, GError **error)
{
  g_autoptr(GBytes) xml = NULL;
  UlDbusService *svc;
  GDBusNodeInfo *node;

  xml = g_resource_lookup_data (ul_daemon_get_resource (),
                                "/org/usbledger/daemon/org.usbledger.Manager1.xml",
                                G_RESOURCE_LOOKUP_FLAGS_NONE, error);
  if (xml == NULL)
    return NULL;
  node = g_dbus_node_info_new_for_xml (g_bytes_get_data (xml, NULL), error);
  if (node == NULL)
    return NULL;

  svc = g_new0 (UlDbusService, 1);
  svc->mgr = g_object_ref (mgr);
  svc->bus = g_object_ref (bus);
  svc->node = node;
  svc->registration = g_dbus_connection_register_object (bus, UL_DBUS_PATH,
                                                         node->interfaces[0], &vtable, svc,
                                                         NULL, error);
  if (svc->registration == 0)
    {
      ul_dbus_service_free (svc);
      return NULL;
    }
  svc->sig_device = g_signal_connect (mgr, "device-changed", G_CALLBACK (on_device_changed), svc);
  svc->sig_request = g_signal_connect (mgr, "request-changed", G_CALLBACK (on_request_changed),
                                       svc);
  svc->sig_medium = g_signal_connect (mgr, "medium-changed", G_CALLBACK (on_medium_changed), svc);
  svc->sig_session = g_signal_connect (mgr, "session-changed", G_CALLBACK (on_session_changed),
                                       svc);
  svc->sig_progress = g_signal_connect (mgr, "erase-progress", G_CALLBACK (on_erase_progress),
                                        svc);
  svc->sig_erased = g_signal_connect (mgr, "erase-finished", G_CALLBACK (on_erase_finished),
                                      svc);
  return svc;
}

void
ul_dbus_service_free (UlDbusService *svc)
{
  if (svc == NULL)
    return;
  g_clear_signal_handler (&svc->sig_device, svc->mgr);
  g_clear_signal_handler (&svc->sig_request, svc->mgr);
  g_clear_signal_handler (&svc->sig_medium, svc->mgr);
  g_clear_signal_handler (&svc->sig_session, svc->mgr);
  g_clear_signal_handler (&svc->sig_progress, svc->mgr);
  g_clear_signal_handler (&svc->sig_erased, svc->mgr);
  if (svc->registration != 0)
    g_dbus_connection_unregister_object (svc->bus, svc->registration);
  g_dbus_node_info_unref (svc->node);
  g_object_unref (svc->bus);
  g_object_unref (svc->mgr);
  g_free (svc);
}
