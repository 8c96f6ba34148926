/* ul-dbus-handlers-erase.c: the methods about erasure, disposal and their
 * documents (see ul-dbus-handlers.h) */
#include "config.h"

#include "ul-dbus-handlers.h"
#include "ul-dbus-pdf.h"
#include "ul-dbus-records.h"
#include "ul-error.h"
#include "ul-time.h"

GVariant *
ul_dbus_erase_medium (const UlDbusCall *call, GError **error)
{
  const char *asset, *confirm;
  g_autoptr(GVariant) options = NULL;
  const char *pattern = "zeros";
  gint64 id;

  g_variant_get (call->params, "(&s&s@a{sv})", &asset, &confirm, &options);
  g_variant_lookup (options, "pattern", "&s", &pattern);
  id = ul_manager_erase_medium (call->mgr, asset, confirm, pattern, call->actor, error);
  if (id == 0)
    return NULL;
  return g_variant_new ("(x)", id);
}

GVariant *
ul_dbus_cancel_erase (const UlDbusCall *call, GError **error)
{
  gint64 id;

  g_variant_get (call->params, "(x)", &id);
  if (!ul_manager_cancel_erase (call->mgr, id, call->actor, error))
    return NULL;
  return g_variant_new ("()");
}

GVariant *
ul_dbus_dispose_medium (const UlDbusCall *call, GError **error)
{
  const char *asset, *kind;
  const char *contractor = NULL, *reference = NULL, *date = NULL, *note = NULL;
  g_autoptr(GVariant) details = NULL;

  g_variant_get (call->params, "(&s&s@a{sv})", &asset, &kind, &details);
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
  if (!ul_manager_dispose_medium (call->mgr, asset, kind, contractor, reference, date, note,
                                  call->actor, error))
    return NULL;
  return g_variant_new ("()");
}

GVariant *
ul_dbus_list_erasures (const UlDbusCall *call, GError **error)
{
  const char *asset;
  gint64 medium_id = 0;
  g_autoptr(GPtrArray) list = NULL;

  g_variant_get (call->params, "(&s)", &asset);
  if (*asset != '\0')
    {
      g_autoptr(UlMedium) m = ul_store_get_medium (call->store, asset, error);

      if (m == NULL)
        return NULL;
      medium_id = m->id;
    }
  list = ul_store_list_erasures (call->store, medium_id, error);
  if (list == NULL)
    return NULL;
  return g_variant_new_tuple ((GVariant *[]){ ul_record_list (list, (UlRecordConvert)
                                                              ul_record_erasure) }, 1);
}

static GVariant *
bytes_variant (GBytes *b)
{
  return g_variant_new_fixed_array (G_VARIANT_TYPE_BYTE, g_bytes_get_data (b, NULL),
                                    g_bytes_get_size (b), 1);
}

GVariant *
ul_dbus_get_certificate (const UlDbusCall *call, GError **error)
{
  const char *number;
  g_autoptr(UlCertificate) c = NULL;
  g_autofree char *pem = NULL;

  g_variant_get (call->params, "(&s)", &number);
  c = ul_store_get_certificate (call->store, number, error);
  if (c == NULL)
    return NULL;
  /* the key it names, pinned in the logbook: it verifies even when the key
   * file is lost; before schema 6, the key file's */
  if (c->key_sha256 != NULL)
    pem = ul_store_pinned_key_pem (call->store, c->key_sha256, error);
  else
    {
      g_autofree char *pem_path = g_build_filename (ul_manager_get_key_dir (call->mgr),
                                                    "signing-key.pub.pem", NULL);

      if (!g_file_get_contents (pem_path, &pem, NULL, error))
        return NULL;
    }
  if (pem == NULL)
    return NULL;
  return g_variant_new ("(@ay@ays)", bytes_variant (c->json), bytes_variant (c->signature),
                        pem);
}

GVariant *
ul_dbus_get_certificate_pdf (const UlDbusCall *call, GError **error)
{
  const char *number;
  g_autoptr(UlCertificate) c = NULL;
  g_autofree char *name = NULL;
  g_autofree char *path = NULL;

  g_variant_get (call->params, "(&s)", &number);
  c = ul_store_get_certificate (call->store, number, error);
  if (c == NULL)
    return NULL;
  /* the number was found in the logbook: it names a file of ours */
  name = g_strdup_printf ("%s.pdf", c->number);
  path = g_build_filename (ul_manager_get_key_dir (call->mgr), "certificates", name, NULL);
  return ul_dbus_pdf_reply (call->mgr, call->invocation, path, error);
}

GVariant *
ul_dbus_get_signing_certificate (const UlDbusCall *call, GError **error)
{
  g_autofree char *path = g_build_filename (ul_manager_get_key_dir (call->mgr),
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

GVariant *
ul_dbus_get_disposal_pdf (const UlDbusCall *call, GError **error)
{
  const char *asset;
  g_autoptr(UlMedium) m = NULL;
  g_autofree char *name = NULL;
  g_autofree char *path = NULL;

  g_variant_get (call->params, "(&s)", &asset);
  m = ul_store_get_medium (call->store, asset, error);
  if (m == NULL)
    return NULL;
  name = g_strdup_printf ("medium-%" G_GINT64_FORMAT ".pdf", m->id);
  path = g_build_filename (ul_manager_get_key_dir (call->mgr), "disposals", name, NULL);
  return ul_dbus_pdf_reply (call->mgr, call->invocation, path, error);
}
