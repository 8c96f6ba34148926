/* usbledgerctl ledger: the signed bundle for the city
 *   ledger YYYY-MM --out FOLDER [--files-appendix]   the bundle (ExportLedger)
 *   ledger YYYY-MM --csv-only [--out FOLDER]         only the CSV
 *   ledger verify FOLDER                             the bundle's signatures and
 *       files, and whether the logbook still derives the same ledger: a later
 *       edit of either side is shown, naming the first row that differs */
#include "ctl-common.h"
#include "ul-client-bundle.h"
#include "ul-canonical-json.h"
#include "ul-error.h"
#include "ul-json-parse.h"
#include "ul-key-fingerprint.h"
#include "ul-signing.h"
#include "ul-time.h"

#include <errno.h>
#include <fcntl.h>
#include <gio/gunixfdlist.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int
ctl_ledger_export (CtlContext *ctx, const char *month, const char *out, gboolean appendix,
                   gboolean csv_only)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GUnixFDList) fds = NULL;
  g_autoptr(GVariant) files = NULL;
  g_autofree char *csv = g_strdup_printf ("ledger-%s.csv", month);
  GVariantDict options;
  GVariantIter iter;
  const char *name;
  gint32 index;

  if (out != NULL && g_mkdir_with_parents (out, 0755) != 0)
    {
      g_printerr (_("usbledgerctl: cannot make %s: %s\n"), out, g_strerror (errno));
      return 1;
    }
  if (ctl_manager (ctx, &error) == NULL)
    {
      ctl_print_call_error (error);
      return 1;
    }
  g_variant_dict_init (&options, NULL);
  g_variant_dict_insert (&options, "files-appendix", "b", appendix);
  if (!ul_bus_manager1_call_export_ledger_sync (ctx->manager, month, g_variant_dict_end (&options),
                                                UL_CLIENT_CALL_FLAGS, UL_CLIENT_EXPORT_TIMEOUT_MS,
                                                NULL, &files, &fds, NULL, &error))
    {
      ctl_print_call_error (error);
      return 1;
    }
  g_variant_iter_init (&iter, files);
  while (g_variant_iter_next (&iter, "{&sh}", &name, &index))
    {
      g_autofree char *path = NULL;
      int fd;

      /* the daemon names its files; never a path of its choosing */
      if (strchr (name, '/') != NULL || name[0] == '.')
        continue;
      if (csv_only && !g_str_equal (name, csv))
        continue;
      fd = fds ? g_unix_fd_list_get (fds, index, &error) : -1;
      if (fd < 0)
        {
          g_printerr ("usbledgerctl: %s\n", error ? error->message : name);
          return 1;
        }
      if (csv_only && out == NULL)
        {
          char buf[65536];
          ssize_t n;

          while ((n = read (fd, buf, sizeof buf)) > 0)
            fwrite (buf, 1, (size_t) n, stdout);
          close (fd);
          continue;
        }
      path = g_build_filename (out, name, NULL);
      if (!ul_client_copy_fd (fd, path, &error))
        {
          close (fd);
          g_printerr ("usbledgerctl: %s\n", error->message);
          return 1;
        }
      close (fd);
      if (!csv_only || out != NULL)
        g_print ("%s\n", path);
    }
  if (!csv_only)
    g_print (_("Check it with: cd %s && openssl dgst -sha256 -verify signing-key.pub.pem "
               "-signature SHA256SUMS.sig SHA256SUMS && sha256sum -c SHA256SUMS\n"), out);
  return 0;
}

/* ---- verify ------------------------------------------------------------ */

static GBytes *
read_bundle_file (const char *dir, const char *name, GError **error)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autofree char *data = NULL;
  gsize len = 0;

  if (!g_file_get_contents (path, &data, &len, error))
    return NULL;
  return g_bytes_new_take (g_steal_pointer (&data), len);
}

static const char *
get (GVariant *dict, const char *key)
{
  const char *s = NULL;

  return dict != NULL && g_variant_lookup (dict, key, "&s", &s) ? s : NULL;
}

/* the signatures, with the bundle's key, which must be the daemon's */
static gboolean
check_signatures (CtlContext *ctx, const char *dir, GVariant *manifest, GError **error)
{
  g_autoptr(GBytes) pub = read_bundle_file (dir, "signing-key.pub.pem", error);
  g_autofree char *pub_pem = pub ? g_strndup (g_bytes_get_data (pub, NULL),
                                              g_bytes_get_size (pub)) : NULL;
  g_autofree char *fp = pub_pem ? ul_public_key_fingerprint (pub_pem, error) : NULL;
  g_autofree char *cert_pem = NULL;
  g_autofree char *daemon_pub = NULL;
  g_autofree char *daemon_fp = NULL;
  static const char *const signed_files[] = { "manifest.json", "SHA256SUMS" };

  if (fp == NULL)
    return FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (signed_files); i++)
    {
      g_autofree char *sig_name = g_strconcat (signed_files[i], ".sig", NULL);
      g_autoptr(GBytes) data = read_bundle_file (dir, signed_files[i], error);
      g_autoptr(GBytes) sig = data ? read_bundle_file (dir, sig_name, error) : NULL;

      if (sig == NULL)
        return FALSE;
      if (!ul_signature_verify (pub_pem, data, sig, error))
        {
          g_prefix_error (error, "%s: ", signed_files[i]);
          return FALSE;
        }
    }
  if (g_strcmp0 (get (manifest, "signing-key-sha256"), fp) != 0)
    {
      g_set_error (error, UL_ERROR, UL_ERROR_MALFORMED,
                   _("the bundle's key %s is not the key the manifest names"), fp);
      return FALSE;
    }
  if (ctl_manager (ctx, error) == NULL ||
      !ul_bus_manager1_call_get_signing_certificate_sync (ctx->manager, UL_CLIENT_CALL_FLAGS,
                                                          UL_CLIENT_TIMEOUT_MS, &cert_pem, NULL,
                                                          error))
    return FALSE;
  daemon_pub = ul_certificate_public_key_pem (cert_pem, error);
  daemon_fp = daemon_pub ? ul_public_key_fingerprint (daemon_pub, error) : NULL;
  if (daemon_fp == NULL)
    return FALSE;
  if (!g_str_equal (daemon_fp, fp))
    {
      g_set_error (error, UL_ERROR, UL_ERROR_MALFORMED,
                   _("signed with key %s, not with this logbook's key %s"), fp, daemon_fp);
      return FALSE;
    }
  return TRUE;
}

/* the SHA-256 of a file of the bundle is @sha */
static gboolean
check_sha (const char *dir, const char *name, const char *sha, GError **error)
{
  g_autoptr(GBytes) data = NULL;
  g_autofree char *actual = NULL;

  if (strchr (name, '/') != NULL || name[0] == '.')
    {
      g_set_error (error, UL_ERROR, UL_ERROR_MALFORMED, _("the manifest lists %s"), name);
      return FALSE;
    }
  data = read_bundle_file (dir, name, error);
  if (data == NULL)
    return FALSE;
  actual = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, data);
  if (!g_str_equal (actual, sha))
    {
      g_set_error (error, UL_ERROR, UL_ERROR_MALFORMED,
                   _("%s was changed: its SHA-256 is not the one signed"), name);
      return FALSE;
    }
  return TRUE;
}

/* what sha256sum -c checks (every line of SHA256SUMS), and that the files
 * the manifest lists are among them with the same SHA-256 */
static gboolean
check_files (const char *dir, GVariant *manifest, GError **error)
{
  g_autoptr(GVariant) files = g_variant_lookup_value (manifest, "files", G_VARIANT_TYPE_VARDICT);
  g_autoptr(GBytes) sums = read_bundle_file (dir, "SHA256SUMS", error);
  g_autoptr(GHashTable) listed = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_auto(GStrv) lines = NULL;
  GVariantIter iter;
  const char *name;
  GVariant *value;

  if (files == NULL || sums == NULL)
    {
      if (files == NULL)
        g_set_error (error, UL_ERROR, UL_ERROR_MALFORMED, _("the manifest lists no files"));
      return FALSE;
    }
  {
    g_autofree char *text = g_strndup (g_bytes_get_data (sums, NULL), g_bytes_get_size (sums));

    lines = g_strsplit (text, "\n", -1);
  }
  for (guint i = 0; lines[i] != NULL; i++)
    {
      const char *sep = strstr (lines[i], "  ");

      if (*lines[i] == '\0')
        continue;
      if (sep == NULL || sep - lines[i] != 64)
        {
          g_set_error (error, UL_ERROR, UL_ERROR_MALFORMED, _("SHA256SUMS is malformed"));
          return FALSE;
        }
      g_hash_table_insert (listed, g_strdup (sep + 2), g_strndup (lines[i], 64));
      if (!check_sha (dir, sep + 2, g_hash_table_lookup (listed, sep + 2), error))
        return FALSE;
    }
  g_variant_iter_init (&iter, files);
  while (g_variant_iter_next (&iter, "{&sv}", &name, &value))
    {
      g_autoptr(GVariant) v = value;

      if (!g_variant_is_of_type (v, G_VARIANT_TYPE_STRING) ||
          g_strcmp0 (g_hash_table_lookup (listed, name), g_variant_get_string (v, NULL)) != 0)
        {
          g_set_error (error, UL_ERROR, UL_ERROR_MALFORMED,
                       _("SHA256SUMS does not list %s as the manifest does"), name);
          return FALSE;
        }
    }
  return TRUE;
}

static const char *const parts[] = { "sessions", "blocked", "incidents" };

/* where two values of a row differ: the first key whose values differ */
static char *
row_difference (GVariant *signed_row, GVariant *now_row)
{
  g_autoptr(GHashTable) keys = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GList) sorted = NULL;
  GVariantIter iter;
  const char *key;
  GVariant *value;

  g_variant_iter_init (&iter, signed_row);
  while (g_variant_iter_next (&iter, "{&sv}", &key, &value))
    {
      g_hash_table_add (keys, (gpointer) key);
      g_variant_unref (value);
    }
  g_variant_iter_init (&iter, now_row);
  while (g_variant_iter_next (&iter, "{&sv}", &key, &value))
    {
      g_hash_table_add (keys, (gpointer) key);
      g_variant_unref (value);
    }
  sorted = g_list_sort (g_hash_table_get_keys (keys), (GCompareFunc) strcmp);
  for (GList *l = sorted; l != NULL; l = l->next)
    {
      g_autoptr(GVariant) a = g_variant_lookup_value (signed_row, l->data, NULL);
      g_autoptr(GVariant) b = g_variant_lookup_value (now_row, l->data, NULL);

      if (a == NULL || b == NULL || !g_variant_equal (a, b))
        {
          g_autofree char *sa = a ? g_variant_print (a, FALSE) : g_strdup (_("(none)"));
          g_autofree char *sb = b ? g_variant_print (b, FALSE) : g_strdup (_("(none)"));

          return g_strdup_printf (_("%s: %s in the bundle, %s in the logbook"),
                                  (const char *) l->data, sa, sb);
        }
    }
  return NULL;
}

static char *
row_name (const char *part, gsize index, GVariant *row)
{
  gint64 id = 0;

  if (row != NULL && g_variant_lookup (row, "session-id", "x", &id))
    return g_strdup_printf (_("%s row %u (session #%" PRId64 ")"), part, (guint) index + 1, id);
  if (row != NULL && g_variant_lookup (row, "event-id", "x", &id))
    return g_strdup_printf (_("%s row %u (event #%" PRId64 ")"), part, (guint) index + 1, id);
  return g_strdup_printf (_("%s row %u"), part, (guint) index + 1);
}

static GVariant *
row_at (GVariant *rows, gsize i)
{
  g_autoptr(GVariant) boxed = NULL;

  if (rows == NULL || i >= g_variant_n_children (rows))
    return NULL;
  boxed = g_variant_get_child_value (rows, i);
  return g_variant_is_of_type (boxed, G_VARIANT_TYPE_VARIANT) ? g_variant_get_variant (boxed)
                                                               : g_variant_ref (boxed);
}

/* the first row that differs between the signed ledger and the logbook's */
static char *
first_difference (GVariant *signed_ledger, GVariant *now)
{
  for (guint p = 0; p < G_N_ELEMENTS (parts); p++)
    {
      g_autoptr(GVariant) a = g_variant_lookup_value (signed_ledger, parts[p], NULL);
      g_autoptr(GVariant) b = g_variant_lookup_value (now, parts[p], NULL);
      gsize n = MAX (a ? g_variant_n_children (a) : 0, b ? g_variant_n_children (b) : 0);

      for (gsize i = 0; i < n; i++)
        {
          g_autoptr(GVariant) ra = row_at (a, i);
          g_autoptr(GVariant) rb = row_at (b, i);
          g_autofree char *name = row_name (parts[p], i, ra ? ra : rb);
          g_autofree char *what = NULL;

          if (ra == NULL)
            return g_strdup_printf (_("%s is in the logbook but not in the bundle"), name);
          if (rb == NULL)
            return g_strdup_printf (_("%s is in the bundle but no longer in the logbook"),
                                    name);
          what = row_difference (ra, rb);
          if (what != NULL)
            return g_strdup_printf ("%s: %s", name, what);
        }
    }
  {
    g_autoptr(GVariant) a = g_variant_lookup_value (signed_ledger, "summary", NULL);
    g_autoptr(GVariant) b = g_variant_lookup_value (now, "summary", NULL);
    g_autofree char *what = a && b ? row_difference (a, b) : NULL;

    if (what != NULL)
      return g_strdup_printf (_("the summary: %s"), what);
  }
  return g_strdup (_("a field outside the rows differs"));
}

/* the ledger derived again, as the logbook stood at the manifest's as-of */
static GVariant *
derive_again (CtlContext *ctx, GVariant *manifest, char **digest, GError **error)
{
  gint64 as_of = 0;
  g_autoptr(GVariant) now = NULL;
  g_autofree char *json = NULL;
  GVariantDict d;

  if (get (manifest, "as-of") == NULL || !ul_time_parse (get (manifest, "as-of"), &as_of, error))
    return NULL;
  now = ctl_fetch_ledger (ctx, get (manifest, "month"), as_of, error);
  if (now == NULL)
    return NULL;
  /* the reply's own keys are not the ledger's */
  g_variant_dict_init (&d, now);
  g_variant_dict_remove (&d, "content-digest");
  g_variant_dict_remove (&d, "as-of-us");
  g_clear_pointer (&now, g_variant_unref);
  now = g_variant_ref_sink (g_variant_dict_end (&d));
  json = ul_canonical_json (now, error);
  if (json == NULL)
    return NULL;
  *digest = g_compute_checksum_for_string (G_CHECKSUM_SHA256, json, -1);
  return g_steal_pointer (&now);
}

int
ctl_ledger_verify (CtlContext *ctx, const char *dir)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) manifest_bytes = read_bundle_file (dir, "manifest.json", &error);
  g_autoptr(GVariant) manifest = NULL;
  g_autoptr(GVariant) signed_ledger = NULL;
  g_autoptr(GVariant) now = NULL;
  g_autoptr(GBytes) ledger_bytes = NULL;
  g_autofree char *ledger_name = NULL;
  g_autofree char *digest = NULL;
  g_autofree char *difference = NULL;

  if (manifest_bytes != NULL)
    manifest = ul_json_parse (g_bytes_get_data (manifest_bytes, NULL),
                              g_bytes_get_size (manifest_bytes), &error);
  if (manifest == NULL || !g_variant_is_of_type (manifest, G_VARIANT_TYPE_VARDICT) ||
      get (manifest, "month") == NULL)
    {
      g_printerr (_("usbledgerctl: %s is not a ledger bundle: %s\n"), dir,
                  error ? error->message : _("no month in manifest.json"));
      return 1;
    }
  if (!check_signatures (ctx, dir, manifest, &error) || !check_files (dir, manifest, &error))
    {
      g_printerr (_("usbledgerctl: the bundle does not verify: %s\n"), error->message);
      return 1;
    }
  g_print (_("signatures verified, every file as signed (key %s)\n"),
           get (manifest, "signing-key-sha256"));
  ledger_name = g_strdup_printf ("ledger-%s.json", get (manifest, "month"));
  ledger_bytes = read_bundle_file (dir, ledger_name, &error);
  if (ledger_bytes != NULL)
    signed_ledger = ul_json_parse (g_bytes_get_data (ledger_bytes, NULL),
                                   g_bytes_get_size (ledger_bytes), &error);
  if (signed_ledger == NULL)
    {
      g_printerr (_("usbledgerctl: the bundle does not verify: %s\n"), error->message);
      return 1;
    }
  now = derive_again (ctx, manifest, &digest, &error);
  if (now == NULL)
    {
      ctl_print_call_error (error);
      return 1;
    }
  if (g_str_equal (digest, get (manifest, "content-digest")))
    {
      g_print (_("the logbook still derives this ledger (content digest %s)\n"), digest);
      return 0;
    }
  difference = first_difference (signed_ledger, now);
  g_print (_("the logbook no longer matches the signed ledger: %s\n"), difference);
  return 1;
}
