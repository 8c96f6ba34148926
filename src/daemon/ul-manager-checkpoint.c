/* ul-manager-checkpoint.c: signed checkpoints of the event chain, kept
 * outside the database (KEY-DIR/checkpoints/EVENT-ID.json and .sig).
 *
 * The chain alone cannot show that its last rows were removed, nor that an
 * editor recomputed every hash after changing an event: what remains is a
 * valid chain. A checkpoint names an event and its hash at a moment, signed
 * with the certificates' key (the city checks one with openssl dgst), and
 * lives in a file of its own. When the log no longer has that event with
 * that hash, the log was cut or rewritten after the checkpoint was made.
 * One is made at every erasure certificate, every ledger export, and daily;
 * the daemon compares them with the log at start, and `log --verify` does. */
#include "config.h"

#include "ul-manager-private.h"
#include "ul-canonical-json.h"
#include "ul-crypto.h"
#include "ul-error.h"
#include "ul-json-parse.h"
#include "ul-ledger.h"
#include "ul-time.h"

#include <errno.h>
#include <glib/gstdio.h>

#define CHECKPOINT_FORMAT "usbledger event chain checkpoint v1"

static char *
checkpoint_dir (UlManager *mgr)
{
  return g_build_filename (mgr->key_dir, "checkpoints", NULL);
}

gboolean
ul_manager_checkpoint (UlManager *mgr, const char *reason, GError **error)
{
  const UlCryptoOps *crypto = ul_crypto (error);
  g_autofree char *dir = checkpoint_dir (mgr);
  g_autofree char *hash = NULL;
  g_autofree char *key_sha256 = NULL;
  g_autofree char *at = NULL;
  g_autofree char *json = NULL;
  g_autofree char *name = NULL;
  g_autofree char *path = NULL;
  g_autofree char *sig_path = NULL;
  g_autoptr(GVariant) body = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GBytes) sig = NULL;
  g_autoptr(UlEvent) ev = NULL;
  UlSigner *signer;
  gint64 now = g_get_real_time ();
  gint64 id = 0;
  GVariantBuilder b;

  if (crypto == NULL || !ul_store_chain_head (mgr->store, G_MAXINT64, &id, &hash, error))
    return FALSE;
  if (id == 0)
    return TRUE;   /* an empty log */
  name = g_strdup_printf ("%" G_GINT64_FORMAT ".json", id);
  path = g_build_filename (dir, name, NULL);
  if (g_file_test (path, G_FILE_TEST_EXISTS))
    return TRUE;   /* nothing happened since the last one */
  signer = ul_manager_signer (mgr, &key_sha256, error);
  if (signer == NULL)
    return FALSE;
  at = ul_time_format_iso8601_us (now);
  g_variant_builder_init (&b, G_VARIANT_TYPE_VARDICT);
  g_variant_builder_add (&b, "{sv}", "checkpoint", g_variant_new_string (CHECKPOINT_FORMAT));
  g_variant_builder_add (&b, "{sv}", "host", g_variant_new_string (mgr->host));
  g_variant_builder_add (&b, "{sv}", "event-id", g_variant_new_int64 (id));
  g_variant_builder_add (&b, "{sv}", "hash", g_variant_new_string (hash ? hash : ""));
  g_variant_builder_add (&b, "{sv}", "at", g_variant_new_string (at));
  g_variant_builder_add (&b, "{sv}", "reason", g_variant_new_string (reason));
  g_variant_builder_add (&b, "{sv}", "signing-key-sha256", g_variant_new_string (key_sha256));
  body = g_variant_ref_sink (g_variant_builder_end (&b));
  json = ul_canonical_json (body, error);
  if (json == NULL)
    return FALSE;
  bytes = g_bytes_new (json, strlen (json));
  sig = crypto->signer_sign (signer, bytes, error);
  if (sig == NULL)
    return FALSE;
  sig_path = g_strconcat (path, ".sig", NULL);
  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      g_set_error (error, UL_ERROR, UL_ERROR_IO, "cannot make %s: %s", dir, g_strerror (errno));
      return FALSE;
    }
  /* the signature first: a checkpoint file is never there without it */
  if (!g_file_set_contents_full (sig_path, g_bytes_get_data (sig, NULL), g_bytes_get_size (sig),
                                 G_FILE_SET_CONTENTS_CONSISTENT, 0600, error) ||
      !g_file_set_contents_full (path, json, (gssize) strlen (json),
                                 G_FILE_SET_CONTENTS_CONSISTENT, 0600, error))
    return FALSE;
  ev = ul_event_new ("chain-checkpoint", "system", mgr->host, now);
  ev->detail = g_strdup_printf ("checkpoint of event %" G_GINT64_FORMAT " (hash %s), signed: %s",
                                id, hash ? hash : "", reason);
  if (!ul_store_begin (mgr->store, error))
    return FALSE;
  if (!ul_manager_pin_signer (mgr, key_sha256, now, error) ||
      !ul_store_append_event (mgr->store, ev, error) || !ul_store_commit (mgr->store, error))
    {
      ul_store_rollback (mgr->store);
      return FALSE;
    }
  ul_manager_wrote_logbook (mgr);
  return TRUE;
}

void
ul_manager_checkpoint_or_warn (UlManager *mgr, const char *reason)
{
  g_autoptr(GError) error = NULL;

  if (!ul_manager_checkpoint (mgr, reason, &error))
    g_warning ("no checkpoint of the event chain (%s): %s", reason, error->message);
}

/* one checkpoint file against the log */
static gboolean
check_one (UlManager *mgr, const char *path, gint64 last_id, GError **error)
{
  g_autofree char *text = NULL;
  g_autoptr(GVariant) cp = NULL;
  g_autofree char *hash = NULL;
  const char *signed_hash = NULL, *at = "";
  gint64 id = 0, event_time = 0, signed_at = 0;
  gsize len = 0;

  if (!g_file_get_contents (path, &text, &len, error) ||
      (cp = ul_json_parse (text, len, error)) == NULL)
    {
      g_prefix_error (error, "checkpoint %s: ", path);
      return FALSE;
    }
  if (!g_variant_is_of_type (cp, G_VARIANT_TYPE_VARDICT) ||
      !g_variant_lookup (cp, "event-id", "x", &id) ||
      !g_variant_lookup (cp, "hash", "&s", &signed_hash))
    {
      g_set_error (error, UL_ERROR, UL_ERROR_MALFORMED, "checkpoint %s is not one", path);
      return FALSE;
    }
  g_variant_lookup (cp, "at", "&s", &at);
  if (id > last_id)
    {
      g_set_error (error, UL_ERROR, UL_ERROR_DATABASE,
                   "the event log ends at event %" G_GINT64_FORMAT ", but the checkpoint "
                   "signed at %s names event %" G_GINT64_FORMAT ": the events after %"
                   G_GINT64_FORMAT " were removed", last_id, at, id, last_id);
      return FALSE;
    }
  if (!ul_store_event_hash (mgr->store, id, &hash, &event_time, error))
    return FALSE;
  /* the event that has that number now was recorded after the checkpoint:
   * the events from there on were removed (and new ones took their numbers) */
  if (hash != NULL && !g_str_equal (hash, signed_hash) && ul_time_parse (at, &signed_at, NULL) &&
      event_time > signed_at)
    {
      g_set_error (error, UL_ERROR, UL_ERROR_DATABASE,
                   "the checkpoint signed at %s names event %" G_GINT64_FORMAT ", but the event "
                   "with that number now was recorded later: the events after %" G_GINT64_FORMAT
                   " were removed", at, id, id - 1);
      return FALSE;
    }
  if (hash == NULL || !g_str_equal (hash, signed_hash))
    {
      g_set_error (error, UL_ERROR, UL_ERROR_DATABASE,
                   "event %" G_GINT64_FORMAT " is not the one the checkpoint signed at %s "
                   "names (%s): the log up to it was changed and its chain computed again",
                   id, at, hash == NULL ? "the event is gone" : "another hash");
      return FALSE;
    }
  return TRUE;
}

gboolean
ul_manager_check_checkpoints (UlManager *mgr, guint *n_checked, GError **error)
{
  g_autofree char *dir = checkpoint_dir (mgr);
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  g_autofree char *last_hash = NULL;
  gint64 last_id = 0;
  const char *name;

  *n_checked = 0;
  if (d == NULL)
    return TRUE;   /* none made yet */
  if (!ul_store_chain_head (mgr->store, G_MAXINT64, &last_id, &last_hash, error))
    return FALSE;
  while ((name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = NULL;

      if (!g_str_has_suffix (name, ".json"))
        continue;
      path = g_build_filename (dir, name, NULL);
      if (!check_one (mgr, path, last_id, error))
        return FALSE;
      (*n_checked)++;
    }
  return TRUE;
}
