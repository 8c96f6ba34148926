/* ul-manager-ledger.c: a month's ledger made into the signed bundle the
 * city receives:
 *
 *   ledger-YYYY-MM.json   the ledger as derived (canonical JSON: its SHA-256
 *                         is the content digest the paper's footer shows)
 *   ledger-YYYY-MM.pdf    drawn by usbledger-ledger-render (src/report), in a
 *   ledger-YYYY-MM.csv    process of its own, without holding the main loop
 *   ledger-YYYY-MM-files.csv   the files appendix, only when asked for
 *   manifest.json         month, host, row counts, content digest, SHA-256 of
 *                         each file, the event ids covered, the event chain's
 *                         head, the previous month's manifest
 *   SHA256SUMS            every file above and below but the signatures, for
 *                         sha256sum -c
 *   manifest.json.sig, SHA256SUMS.sig   ECDSA P-256 / SHA-256 (DER), with
 *   signing-cert.pem, signing-key.pub.pem   the erasure certificates' key
 *
 * so that the city checks it with openssl and sha256sum alone
 * (docs/ledger-verification.md). The export is recorded in the logbook with
 * its manifest, and as an event. */
#include "config.h"

#include "ul-manager-private.h"
#include "ul-canonical-json.h"
#include "ul-crypto.h"
#include "ul-error.h"
#include "ul-ledger.h"
#include "ul-time.h"

#include <errno.h>
#include <glib/gstdio.h>

#define MANIFEST_FORMAT "usbledger monthly ledger manifest v1"

typedef struct {
  UlManager *mgr;
  char *month;
  gint64 as_of;
  char *actor;
  gint64 actor_uid;
  GVariant *ledger;
  char *digest;
  char *folder;
  gboolean appendix;
  UlLedgerExported done;
  gpointer data;
} ExportJob;

static void
export_job_free (ExportJob *job)
{
  g_object_unref (job->mgr);
  g_free (job->month);
  g_free (job->actor);
  g_clear_pointer (&job->ledger, g_variant_unref);
  g_free (job->digest);
  g_free (job->folder);
  g_free (job);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ExportJob, export_job_free)

static void
finish (ExportJob *job, GPtrArray *names, const GError *error)
{
  job->done (job->folder, names, error, job->data);
  export_job_free (job);
}

static gboolean
write_file (const char *folder, const char *name, const void *data, gsize len, GError **error)
{
  g_autofree char *path = g_build_filename (folder, name, NULL);

  return g_file_set_contents_full (path, data, (gssize) len, G_FILE_SET_CONTENTS_CONSISTENT,
                                   0600, error);
}

static char *
file_sha256 (const char *folder, const char *name, GError **error)
{
  g_autofree char *path = g_build_filename (folder, name, NULL);
  g_autoptr(GMappedFile) map = g_mapped_file_new (path, FALSE, error);
  g_autoptr(GBytes) bytes = NULL;

  if (map == NULL)
    return NULL;
  bytes = g_mapped_file_get_bytes (map);
  return g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, bytes);
}

/* the previous calendar month of "YYYY-MM" */
static char *
previous_month (const char *month)
{
  int y = 0, m = 0;

  if (sscanf (month, "%4d-%2d", &y, &m) != 2)
    return g_strdup ("");
  return m == 1 ? g_strdup_printf ("%04d-12", y - 1) : g_strdup_printf ("%04d-%02d", y, m - 1);
}

static GVariant *
summary_int (GVariant *ledger, const char *key)
{
  g_autoptr(GVariant) sum = g_variant_lookup_value (ledger, "summary", G_VARIANT_TYPE_VARDICT);
  gint64 v = 0;

  if (sum != NULL)
    g_variant_lookup (sum, key, "x", &v);
  return g_variant_new_int64 (v);
}

/* manifest.json's content; @names: the documents, with their SHA-256 in @sums */
static GVariant *
manifest (ExportJob *job, GPtrArray *names, GPtrArray *sums, const char *key_sha256,
          GError **error)
{
  UlStore *store = job->mgr->store;
  g_autofree char *head_hash = NULL;
  g_autofree char *previous = previous_month (job->month);
  g_autofree char *previous_sha = NULL;
  g_autofree char *as_of = ul_time_format_iso8601_us (job->as_of);
  gint64 head_id = 0;
  GVariantBuilder b, files, rows, head;

  if (!ul_store_chain_head (store, job->as_of, &head_id, &head_hash, error) ||
      (previous_sha = ul_store_last_ledger_manifest (store, previous, error)) == NULL)
    return NULL;
  g_variant_builder_init (&files, G_VARIANT_TYPE_VARDICT);
  for (guint i = 0; i < names->len; i++)
    g_variant_builder_add (&files, "{sv}", (const char *) g_ptr_array_index (names, i),
                           g_variant_new_string (g_ptr_array_index (sums, i)));
  g_variant_builder_init (&rows, G_VARIANT_TYPE_VARDICT);
  g_variant_builder_add (&rows, "{sv}", "sessions", summary_int (job->ledger, "sessions"));
  g_variant_builder_add (&rows, "{sv}", "blocked",
                         summary_int (job->ledger, "blocked-insertions"));
  g_variant_builder_add (&rows, "{sv}", "incidents", summary_int (job->ledger, "incidents"));
  g_variant_builder_init (&head, G_VARIANT_TYPE_VARDICT);
  g_variant_builder_add (&head, "{sv}", "event-id", g_variant_new_int64 (head_id));
  g_variant_builder_add (&head, "{sv}", "hash", g_variant_new_string (head_hash ? head_hash : ""));

  g_variant_builder_init (&b, G_VARIANT_TYPE_VARDICT);
  g_variant_builder_add (&b, "{sv}", "manifest", g_variant_new_string (MANIFEST_FORMAT));
  g_variant_builder_add (&b, "{sv}", "month", g_variant_new_string (job->month));
  g_variant_builder_add (&b, "{sv}", "host", g_variant_new_string (job->mgr->host));
  g_variant_builder_add (&b, "{sv}", "as-of", g_variant_new_string (as_of));
  g_variant_builder_add (&b, "{sv}", "generated-by", g_variant_new_string (job->actor));
  g_variant_builder_add (&b, "{sv}", "content-digest", g_variant_new_string (job->digest));
  g_variant_builder_add (&b, "{sv}", "rows", g_variant_builder_end (&rows));
  g_variant_builder_add (&b, "{sv}", "files", g_variant_builder_end (&files));
  g_variant_builder_add (&b, "{sv}", "first-event-id",
                         summary_int (job->ledger, "first-event-id"));
  g_variant_builder_add (&b, "{sv}", "last-event-id", summary_int (job->ledger, "last-event-id"));
  g_variant_builder_add (&b, "{sv}", "chain-head", g_variant_builder_end (&head));
  g_variant_builder_add (&b, "{sv}", "previous-month", g_variant_new_string (previous));
  g_variant_builder_add (&b, "{sv}", "previous-manifest-sha256",
                         g_variant_new_string (previous_sha));
  g_variant_builder_add (&b, "{sv}", "signing-key-sha256", g_variant_new_string (key_sha256));
  return g_variant_ref_sink (g_variant_builder_end (&b));
}

/* signs @name in the folder: NAME.sig beside it */
static gboolean
sign_file (ExportJob *job, const UlCryptoOps *crypto, UlSigner *signer, const char *name,
           GBytes *data, GError **error)
{
  g_autoptr(GBytes) sig = crypto->signer_sign (signer, data, error);
  g_autofree char *sig_name = g_strconcat (name, ".sig", NULL);

  return sig != NULL && write_file (job->folder, sig_name, g_bytes_get_data (sig, NULL),
                                    g_bytes_get_size (sig), error);
}

/* the documents are written: hashed, listed, signed, recorded */
static gboolean
seal_bundle (ExportJob *job, GPtrArray *names, GError **error)
{
  UlManager *mgr = job->mgr;
  const UlCryptoOps *crypto = ul_crypto (error);
  g_autoptr(GPtrArray) sums = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GVariant) content = NULL;
  g_autoptr(GString) sumfile = g_string_new (NULL);
  g_autoptr(GBytes) manifest_bytes = NULL;
  g_autoptr(GBytes) sum_bytes = NULL;
  g_autoptr(UlEvent) ev = NULL;
  g_autofree char *key_sha256 = NULL;
  g_autofree char *json = NULL;
  g_autofree char *cert_pem = NULL;
  g_autofree char *cert_path = NULL;
  g_autofree char *manifest_sha = NULL;
  g_autofree char *as_of = ul_time_format_iso8601 (job->as_of);
  UlSigner *signer;
  const char *pub_pem;

  if (crypto == NULL || (signer = ul_manager_signer (mgr, &key_sha256, error)) == NULL)
    return FALSE;
  for (guint i = 0; i < names->len; i++)
    {
      char *sha = file_sha256 (job->folder, g_ptr_array_index (names, i), error);

      if (sha == NULL)
        return FALSE;
      g_ptr_array_add (sums, sha);
    }
  content = manifest (job, names, sums, key_sha256, error);
  if (content == NULL || (json = ul_canonical_json (content, error)) == NULL)
    return FALSE;
  manifest_bytes = g_bytes_new (json, strlen (json));
  manifest_sha = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, manifest_bytes);
  /* sha256sum's own format: every document, and the manifest */
  for (guint i = 0; i < names->len; i++)
    g_string_append_printf (sumfile, "%s  %s\n", (const char *) g_ptr_array_index (sums, i),
                            (const char *) g_ptr_array_index (names, i));
  g_string_append_printf (sumfile, "%s  manifest.json\n", manifest_sha);
  /* the key and its certificate too: no byte of the bundle goes unchecked */
  pub_pem = crypto->signer_public_pem (signer);
  cert_path = g_build_filename (mgr->key_dir, "signing-cert.pem", NULL);
  if (!g_file_get_contents (cert_path, &cert_pem, NULL, error))
    return FALSE;
  {
    g_autofree char *cert_sha = g_compute_checksum_for_string (G_CHECKSUM_SHA256, cert_pem, -1);
    g_autofree char *pub_sha = g_compute_checksum_for_string (G_CHECKSUM_SHA256, pub_pem, -1);

    g_string_append_printf (sumfile, "%s  signing-cert.pem\n%s  signing-key.pub.pem\n",
                            cert_sha, pub_sha);
  }
  sum_bytes = g_bytes_new (sumfile->str, sumfile->len);
  if (!write_file (job->folder, "manifest.json", json, strlen (json), error) ||
      !write_file (job->folder, "SHA256SUMS", sumfile->str, sumfile->len, error) ||
      !sign_file (job, crypto, signer, "manifest.json", manifest_bytes, error) ||
      !sign_file (job, crypto, signer, "SHA256SUMS", sum_bytes, error) ||
      !write_file (job->folder, "signing-cert.pem", cert_pem, strlen (cert_pem), error) ||
      !write_file (job->folder, "signing-key.pub.pem", pub_pem, strlen (pub_pem), error))
    return FALSE;

  ev = ul_event_new ("ledger-exported", job->actor, mgr->host, g_get_real_time ());
  ev->actor_uid = job->actor_uid;
  ev->detail = g_strdup_printf ("monthly ledger %s as of %s: %u file(s), content digest %s, "
                                "manifest SHA-256 %s", job->month, as_of, names->len,
                                job->digest, manifest_sha);
  if (!ul_store_begin (mgr->store, error))
    return FALSE;
  if (!ul_manager_pin_signer (mgr, key_sha256, g_get_real_time (), error) ||
      !ul_store_add_ledger_export (mgr->store, job->month, job->as_of, job->actor, job->digest,
                                   manifest_bytes, error) ||
      !ul_store_append_event (mgr->store, ev, error) || !ul_store_commit (mgr->store, error))
    {
      ul_store_rollback (mgr->store);
      return FALSE;
    }
  ul_manager_wrote_logbook (mgr);
  {
    g_autofree char *reason = g_strdup_printf ("monthly ledger %s", job->month);

    ul_manager_checkpoint_or_warn (mgr, reason);
  }
  g_ptr_array_add (names, g_strdup ("manifest.json"));
  g_ptr_array_add (names, g_strdup ("manifest.json.sig"));
  g_ptr_array_add (names, g_strdup ("SHA256SUMS"));
  g_ptr_array_add (names, g_strdup ("SHA256SUMS.sig"));
  g_ptr_array_add (names, g_strdup ("signing-cert.pem"));
  g_ptr_array_add (names, g_strdup ("signing-key.pub.pem"));
  return TRUE;
}

static void
on_rendered (GObject *source, GAsyncResult *res, gpointer data)
{
  g_autoptr(ExportJob) job = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) err = NULL;
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  ExportJob *j = job;

  if (!g_subprocess_communicate_finish (G_SUBPROCESS (source), res, NULL, &err, &error))
    {
      g_prefix_error (&error, "cannot draw the ledger: ");
      finish (g_steal_pointer (&job), NULL, error);
      return;
    }
  if (!g_subprocess_get_successful (G_SUBPROCESS (source)))
    {
      g_autofree char *why = err ? g_strndup (g_bytes_get_data (err, NULL), g_bytes_get_size (err))
                                 : g_strdup ("");

      g_set_error (&error, UL_ERROR, UL_ERROR_FAILED, "cannot draw the ledger: %s",
                   g_strchomp (why));
      finish (g_steal_pointer (&job), NULL, error);
      return;
    }
  g_ptr_array_add (names, g_strdup_printf ("ledger-%s.json", j->month));
  g_ptr_array_add (names, g_strdup_printf ("ledger-%s.pdf", j->month));
  g_ptr_array_add (names, g_strdup_printf ("ledger-%s.csv", j->month));
  if (j->appendix)
    g_ptr_array_add (names, g_strdup_printf ("ledger-%s-files.csv", j->month));
  if (!seal_bundle (j, names, &error))
    {
      g_prefix_error (&error, "cannot sign the ledger: ");
      finish (g_steal_pointer (&job), NULL, error);
      return;
    }
  finish (g_steal_pointer (&job), names, NULL);
}

/* how the ledger is presented on paper (ul-report-presentation.h) */
static void
add_presentation (UlManager *mgr, GVariantBuilder *p)
{
  if (mgr->organisation != NULL)
    g_variant_builder_add (p, "{sv}", "organisation", g_variant_new_string (mgr->organisation));
  if (mgr->department != NULL)
    g_variant_builder_add (p, "{sv}", "department", g_variant_new_string (mgr->department));
  if (mgr->seal_labels != NULL)
    {
      GVariantBuilder labels;

      g_variant_builder_init (&labels, G_VARIANT_TYPE ("av"));
      for (guint i = 0; mgr->seal_labels[i] != NULL; i++)
        g_variant_builder_add (&labels, "v", g_variant_new_string (mgr->seal_labels[i]));
      g_variant_builder_add (p, "{sv}", "seal-labels", g_variant_builder_end (&labels));
    }
  g_variant_builder_add (p, "{sv}", "wareki", g_variant_new_boolean (mgr->wareki));
}

GVariant *
ul_manager_ledger_presentation (UlManager *mgr)
{
  GVariantBuilder p;

  g_variant_builder_init (&p, G_VARIANT_TYPE_VARDICT);
  add_presentation (mgr, &p);
  return g_variant_builder_end (&p);
}

/* what the renderer reads: the ledger, how to present it, the appendix */
static GBytes *
render_input (ExportJob *job, GVariant *files, GError **error)
{
  UlManager *mgr = job->mgr;
  g_autofree char *generated = ul_time_format_iso8601_us (job->as_of);
  g_autofree char *json = NULL;
  g_autoptr(GVariant) input = NULL;
  GVariantBuilder b, p;
  gsize len;

  g_variant_builder_init (&p, G_VARIANT_TYPE_VARDICT);
  add_presentation (mgr, &p);
  g_variant_builder_add (&p, "{sv}", "generated-at", g_variant_new_string (generated));
  g_variant_builder_init (&b, G_VARIANT_TYPE_VARDICT);
  g_variant_builder_add (&b, "{sv}", "ledger", job->ledger);
  g_variant_builder_add (&b, "{sv}", "presentation", g_variant_builder_end (&p));
  if (files != NULL)
    g_variant_builder_add (&b, "{sv}", "files", files);
  input = g_variant_ref_sink (g_variant_builder_end (&b));
  json = ul_canonical_json (input, error);
  if (json == NULL)
    return NULL;
  len = strlen (json);
  return g_bytes_new_take (g_steal_pointer (&json), len);
}

void
ul_manager_export_ledger (UlManager *mgr, const char *month, gboolean files_appendix,
                          const UlActor *actor, UlLedgerExported done, gpointer data)
{
  g_autoptr(ExportJob) job = g_new0 (ExportJob, 1);
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) files = NULL;
  g_autoptr(GBytes) input = NULL;
  g_autoptr(GSubprocess) proc = NULL;
  g_autofree char *json = NULL;
  g_autofree char *json_name = NULL;
  g_autofree char *leaf = NULL;

  job->mgr = g_object_ref (mgr);
  job->month = g_strndup (month, 7);
  job->as_of = g_get_real_time ();
  job->actor = g_strdup (actor->name);
  job->actor_uid = actor->uid;
  job->appendix = files_appendix;
  job->done = done;
  job->data = data;

  job->ledger = ul_store_ledger_month (mgr->store, month, job->as_of, mgr->host, &error);
  if (job->ledger == NULL || (json = ul_canonical_json (job->ledger, &error)) == NULL ||
      (files_appendix &&
       (files = ul_store_ledger_files (mgr->store, month, job->as_of, &error)) == NULL))
    {
      finish (g_steal_pointer (&job), NULL, error);
      return;
    }
  job->digest = g_compute_checksum_for_string (G_CHECKSUM_SHA256, json, -1);
  /* a folder of its own for each export, named by the month and its as-of */
  leaf = g_strdup_printf ("%s-%" G_GINT64_FORMAT, job->month, job->as_of);
  job->folder = g_build_filename (mgr->key_dir, "ledgers", leaf, NULL);
  json_name = g_strdup_printf ("ledger-%s.json", job->month);
  if (g_mkdir_with_parents (job->folder, 0700) != 0)
    {
      g_set_error (&error, UL_ERROR, UL_ERROR_IO, "cannot make %s: %s", job->folder,
                   g_strerror (errno));
      finish (g_steal_pointer (&job), NULL, error);
      return;
    }
  input = render_input (job, files, &error);
  if (input == NULL || !write_file (job->folder, json_name, json, strlen (json), &error) ||
      (proc = g_subprocess_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE,
                                &error, mgr->ledger_helper, job->folder, NULL)) == NULL)
    {
      finish (g_steal_pointer (&job), NULL, error);
      return;
    }
  g_subprocess_communicate_async (proc, input, NULL, on_rendered, g_steal_pointer (&job));
}
