/* ctl-common.c: the CLI shows the daemon's messages as they are (the error
 * domain is registered with GDBus, so no "GDBus.Error:" prefixes) and shows
 * every string that may come from a device escaped */
#include "config.h"

#include "ctl-common.h"
#include "ul-error.h"
#include "ul-escape.h"
#include "ul-json.h"
#include "ul-time.h"
#include "ul-vocabulary.h"

#include <string.h>

UlBusManager1 *
ctl_manager (CtlContext *ctx, GError **error)
{
  if (ctx->manager == NULL)
    {
      ctx->manager = ul_client_manager_new_sync (NULL, G_DBUS_PROXY_FLAGS_DO_NOT_LOAD_PROPERTIES,
                                                 NULL, error);
      if (ctx->manager == NULL)
        g_prefix_error (error, _("cannot reach the system bus: "));
    }
  return ctx->manager;
}

UlBusManager1 *
ctl_manager_or_say (CtlContext *ctx)
{
  g_autoptr(GError) error = NULL;

  if (ctl_manager (ctx, &error) == NULL)
    ctl_print_call_error (error);
  return ctx->manager;
}

void
ctl_print_call_error (GError *error)
{
  g_autofree char *msg = NULL;

  if (g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_SERVICE_UNKNOWN) ||
      g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_NAME_HAS_NO_OWNER))
    {
      g_printerr (_("usbledgerctl: usbledgerd is not running\n"));
      return;
    }
  if (g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_ACCESS_DENIED))
    {
      g_dbus_error_strip_remote_error (error);
      msg = ctl_escape (error->message);
      g_printerr (_("usbledgerctl: permission denied: %s\n"), msg);
      return;
    }
  g_dbus_error_strip_remote_error (error);
  msg = ctl_escape (error->message);
  g_printerr ("usbledgerctl: %s\n", msg);
}

GVariant *
ctl_list_for_people (CtlContext *ctx, gboolean ok, GVariant *list, GError *error, int *code)
{
  *code = 1;
  if (!ok)
    {
      ctl_print_call_error (error);
      return NULL;
    }
  *code = 0;
  if (ctx->json)
    {
      ctl_print_json (list);
      return NULL;
    }
  return g_variant_ref (list);
}

gboolean
ctl_parse (const char *usage, const char *summary, GOptionEntry *entries, int *argc,
           char ***argv)
{
  g_autoptr(GOptionContext) oc = g_option_context_new (usage);
  g_autoptr(GError) error = NULL;

  g_option_context_set_summary (oc, summary);
  g_option_context_add_main_entries (oc, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (oc, argc, argv, &error))
    {
      g_printerr ("usbledgerctl: %s\n", error->message);
      return FALSE;
    }
  return TRUE;
}

const char *
ctl_rec_str (GVariant *rec, const char *key)
{
  const char *s = NULL;

  if (!g_variant_lookup (rec, key, "&s", &s))
    return NULL;
  return s;
}

gint64
ctl_rec_int64 (GVariant *rec, const char *key)
{
  gint64 v = 0;

  g_variant_lookup (rec, key, "x", &v);
  return v;
}

guint16
ctl_rec_uint16 (GVariant *rec, const char *key)
{
  guint16 v = 0;

  g_variant_lookup (rec, key, "q", &v);
  return v;
}

gboolean
ctl_rec_bool (GVariant *rec, const char *key)
{
  gboolean v = FALSE;

  g_variant_lookup (rec, key, "b", &v);
  return v;
}

char *
ctl_rec_bytes_escaped (GVariant *rec, const char *key)
{
  g_autoptr(GVariant) v = g_variant_lookup_value (rec, key, G_VARIANT_TYPE_BYTESTRING);
  const guint8 *data;
  gsize len = 0;

  if (v == NULL)
    return g_strdup ("-");
  data = g_variant_get_fixed_array (v, &len, 1);
  return ul_escape_bytes (data ? data : (const guint8 *) "", len);
}

char *
ctl_rec_time (GVariant *rec, const char *key)
{
  gint64 t = ctl_rec_int64 (rec, key);

  return t == 0 ? g_strdup ("-") : ul_time_format (t);
}

char *
ctl_escape (const char *s)
{
  if (s == NULL)
    return g_strdup ("-");
  return ul_escape_text (s);
}

char *
ctl_rec_reason (GVariant *rec)
{
  g_autofree char *sentence = ctl_escape (ctl_rec_str (rec, "reason"));
  const char *code = ctl_rec_str (rec, "reason-code");

  if (code == NULL)
    return g_steal_pointer (&sentence);
  return g_strdup_printf ("%s (%s)", ul_vocabulary_label (UL_VOCAB_REASON, code), sentence);
}

void
ctl_print_json (GVariant *v)
{
  g_autofree char *json = ul_json_from_variant (v);

  g_print ("%s\n", json);
}

void
ctl_registration_add_entries (GArray *entries, CtlRegistration *reg)
{
  GOptionEntry e[] = {
    { "asset-number", 'a', 0, G_OPTION_ARG_STRING, &reg->asset_number,
      N_("Asset number (管理番号) of the medium, required"), "ID" },
    { "label", 0, 0, G_OPTION_ARG_STRING, &reg->label, N_("Label written on the medium"), "TEXT" },
    { "holder", 0, 0, G_OPTION_ARG_STRING, &reg->holder, N_("Person or section holding it"),
      "NAME" },
    { "user", 'u', 0, G_OPTION_ARG_STRING_ARRAY, &reg->users,
      N_("Personal account allowed to use it (repeat; default: all staff)"), "ACCOUNT" },
    { "valid-from", 0, 0, G_OPTION_ARG_STRING, &reg->valid_from, N_("First day of use"),
      "YYYY-MM-DD" },
    { "valid-until", 0, 0, G_OPTION_ARG_STRING, &reg->valid_until,
      N_("Day from which it may no longer be used"), "YYYY-MM-DD" },
    { "read-only", 0, 0, G_OPTION_ARG_NONE, &reg->read_only, N_("Allow reading only"), NULL },
    { "note", 0, 0, G_OPTION_ARG_STRING, &reg->note, N_("Note for the logbook"), "TEXT" },
    { "override-suspicion", 0, 0, G_OPTION_ARG_NONE, &reg->override_suspicion,
      N_("Approve although the device was judged suspicious (logged)"), NULL },
    { "accept-weak-serial", 0, 0, G_OPTION_ARG_NONE, &reg->accept_weak_serial,
      N_("Register although its serial is not unique in practice (logged)"), NULL },
    { "card-reader", 0, 0, G_OPTION_ARG_NONE, &reg->card_reader,
      N_("The device is a card reader: each card in it is decided by itself"), NULL },
  };

  g_array_append_vals (entries, e, G_N_ELEMENTS (e));
}

gboolean
ctl_registration_build (CtlRegistration *reg, GVariantBuilder *b)
{
  g_autoptr(GError) error = NULL;
  gint64 t;

  if (reg->asset_number == NULL)
    {
      g_printerr (_("usbledgerctl: --asset-number is required\n"));
      return FALSE;
    }
  g_variant_builder_add (b, "{sv}", "asset-number", g_variant_new_string (reg->asset_number));
  if (reg->label != NULL)
    g_variant_builder_add (b, "{sv}", "label", g_variant_new_string (reg->label));
  if (reg->holder != NULL)
    g_variant_builder_add (b, "{sv}", "holder", g_variant_new_string (reg->holder));
  if (reg->users != NULL)
    g_variant_builder_add (b, "{sv}", "users",
                           g_variant_new_strv ((const char *const *) reg->users, -1));
  if (reg->valid_from != NULL)
    {
      if (!ul_time_parse (reg->valid_from, &t, &error))
        {
          g_printerr ("usbledgerctl: --valid-from: %s\n", error->message);
          return FALSE;
        }
      g_variant_builder_add (b, "{sv}", "valid-from", g_variant_new_int64 (t));
    }
  if (reg->valid_until != NULL)
    {
      if (!ul_time_parse (reg->valid_until, &t, &error))
        {
          g_printerr ("usbledgerctl: --valid-until: %s\n", error->message);
          return FALSE;
        }
      g_variant_builder_add (b, "{sv}", "valid-until", g_variant_new_int64 (t));
    }
  if (reg->read_only)
    g_variant_builder_add (b, "{sv}", "read-only", g_variant_new_boolean (TRUE));
  if (reg->note != NULL)
    g_variant_builder_add (b, "{sv}", "note", g_variant_new_string (reg->note));
  if (reg->override_suspicion)
    g_variant_builder_add (b, "{sv}", "override-suspicion", g_variant_new_boolean (TRUE));
  if (reg->accept_weak_serial)
    g_variant_builder_add (b, "{sv}", "accept-weak-serial", g_variant_new_boolean (TRUE));
  if (reg->card_reader)
    g_variant_builder_add (b, "{sv}", "card-reader", g_variant_new_boolean (TRUE));
  return TRUE;
}

void
ctl_registration_clear (CtlRegistration *reg)
{
  g_free (reg->asset_number);
  g_free (reg->label);
  g_free (reg->holder);
  g_strfreev (reg->users);
  g_free (reg->valid_from);
  g_free (reg->valid_until);
  g_free (reg->note);
}

int
ctl_show_medium (CtlContext *ctx, gboolean ok, GVariant *medium, GError *error)
{
  if (!ok)
    {
      ctl_print_call_error (error);
      return 1;
    }
  if (ctx->json)
    ctl_print_json (medium);
  else
    ctl_print_medium (medium);
  return 0;
}

void
ctl_print_medium (GVariant *m)
{
  g_autofree char *asset = ctl_escape (ctl_rec_str (m, "asset-number"));
  g_autofree char *serial = ctl_rec_bytes_escaped (m, "serial");
  g_autofree char *product = ctl_rec_bytes_escaped (m, "product");
  g_autofree char *label = ctl_escape (ctl_rec_str (m, "label"));
  g_autofree char *holder = ctl_escape (ctl_rec_str (m, "holder"));
  g_autofree char *from = ctl_rec_time (m, "valid-from");
  g_autofree char *until = ctl_rec_time (m, "valid-until");
  g_autofree char *by = ctl_escape (ctl_rec_str (m, "registered-by"));
  g_autofree char *at = ctl_rec_time (m, "registered-at");
  g_autofree const char **users = NULL;
  g_autoptr(GVariant) uv = g_variant_lookup_value (m, "users", G_VARIANT_TYPE_STRING_ARRAY);
  g_autofree char *users_text = NULL;

  if (uv != NULL)
    users = g_variant_get_strv (uv, NULL);
  users_text = ctl_rec_bool (m, "all-staff") || users == NULL || users[0] == NULL
                 ? g_strdup (_("all staff"))
                 : g_strjoinv (", ", (char **) users);
  g_autofree char *ids = ctl_rec_ids (m);

  g_print ("%s  %s  %s\n", asset, ids, ctl_rec_str (m, "status"));
  g_print (_("  serial:      %s\n"), serial);
  g_print (_("  product:     %s\n"), product);
  g_print (_("  label:       %s\n"), label);
  g_print (_("  holder:      %s\n"), holder);
  g_print (_("  users:       %s\n"), users_text);
  g_print (_("  valid:       %s .. %s\n"), from, until);
  g_print (_("  read-only:   %s\n"), ctl_rec_bool (m, "read-only") ? _("yes") : _("no"));
  g_print (_("  registered:  %s by %s\n"), at, by);
  if (g_strcmp0 (ctl_rec_str (m, "status"), "active") != 0)
    {
      g_autofree char *rby = ctl_escape (ctl_rec_str (m, "revoked-by"));
      g_autofree char *rat = ctl_rec_time (m, "revoked-at");
      g_autofree char *why = ctl_escape (ctl_rec_str (m, "revoke-reason"));

      g_print (_("  revoked:     %s by %s: %s\n"), rat, rby, why);
    }
}

char *
ctl_rec_ids (GVariant *rec)
{
  const char *kind = ctl_rec_str (rec, "kind");

  if (g_strcmp0 (kind, "card") == 0)
    return g_strdup (_("card"));
  if (g_strcmp0 (kind, "reader") == 0)
    return g_strdup_printf (_("%04x:%04x (card reader)"), ctl_rec_uint16 (rec, "vendor-id"),
                            ctl_rec_uint16 (rec, "product-id"));
  return g_strdup_printf ("%04x:%04x", ctl_rec_uint16 (rec, "vendor-id"),
                          ctl_rec_uint16 (rec, "product-id"));
}
