/* ul-manager-checkpoint.c: signed checkpoints of the logbook, kept outside
 * the database (KEY-DIR/checkpoints/EVENT-ID.json and .sig).
 *
 * A checkpoint names the events' head and the record seals' head, signed
 * with the certificates' key (the city checks one with openssl dgst), in a
 * file of its own; ul-checkpoints.c compares the logbook with them. The
 * checkpoint's own event is the head it names: it is written and signed in
 * one transaction, and the files are written once it commits, so the record
 * of a checkpoint is never the one row after it that no checkpoint covers.
 * One is made at every erasure certificate, every ledger export, when the
 * daemon stops, and daily; the daemon compares them with the logbook at
 * start, and `log --verify` does. */
#include "config.h"

#include "ul-manager-private.h"
#include "ul-canonical-json.h"
#include "ul-checkpoints.h"
#include "ul-crypto.h"
#include "ul-error.h"
#include "ul-ledger.h"
#include "ul-record-seals.h"
#include "ul-time.h"

#include <errno.h>
#include <glib/gstdio.h>

/* the signed body: what the logbook's heads are, now */
static GVariant *
checkpoint_body (UlManager *mgr, gint64 event_id, const char *event_hash, gint64 seal_id,
                 const char *seal_hash, gint64 now, const char *reason, const char *key_sha256)
{
  g_autofree char *at = ul_time_format_iso8601_us (now);
  GVariantBuilder b;

  g_variant_builder_init (&b, G_VARIANT_TYPE_VARDICT);
  g_variant_builder_add (&b, "{sv}", "checkpoint", g_variant_new_string (UL_CHECKPOINT_FORMAT));
  g_variant_builder_add (&b, "{sv}", "host", g_variant_new_string (mgr->host));
  g_variant_builder_add (&b, "{sv}", "event-id", g_variant_new_int64 (event_id));
  g_variant_builder_add (&b, "{sv}", "hash", g_variant_new_string (event_hash));
  g_variant_builder_add (&b, "{sv}", "seal-id", g_variant_new_int64 (seal_id));
  g_variant_builder_add (&b, "{sv}", "seal-hash",
                         g_variant_new_string (seal_hash ? seal_hash : ""));
  g_variant_builder_add (&b, "{sv}", "at", g_variant_new_string (at));
  g_variant_builder_add (&b, "{sv}", "reason", g_variant_new_string (reason));
  g_variant_builder_add (&b, "{sv}", "signing-key-sha256", g_variant_new_string (key_sha256));
  return g_variant_ref_sink (g_variant_builder_end (&b));
}

/* @body as canonical JSON, and its signature */
static gboolean
sign_checkpoint (UlSigner *signer, GVariant *body, char **json, GBytes **sig, GError **error)
{
  const UlCryptoOps *crypto = ul_crypto (error);
  g_autoptr(GBytes) bytes = NULL;

  if (crypto == NULL || (*json = ul_canonical_json (body, error)) == NULL)
    return FALSE;
  bytes = g_bytes_new (*json, strlen (*json));
  *sig = crypto->signer_sign (signer, bytes, error);
  return *sig != NULL;
}

/* the signature first: a checkpoint file is never there without it */
static gboolean
write_checkpoint (const char *dir, gint64 event_id, const char *json, GBytes *sig,
                  GError **error)
{
  g_autofree char *name = g_strdup_printf ("%" G_GINT64_FORMAT ".json", event_id);
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autofree char *sig_path = g_strconcat (path, ".sig", NULL);

  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      g_set_error (error, UL_ERROR, UL_ERROR_IO, "cannot make %s: %s", dir, g_strerror (errno));
      return FALSE;
    }
  return g_file_set_contents_full (sig_path, g_bytes_get_data (sig, NULL),
                                   g_bytes_get_size (sig), G_FILE_SET_CONTENTS_CONSISTENT, 0600,
                                   error) &&
         g_file_set_contents_full (path, json, (gssize) strlen (json),
                                   G_FILE_SET_CONTENTS_CONSISTENT, 0600, error);
}

/* nothing was recorded since the last checkpoint: its event is the head */
static gboolean
head_is_checkpointed (UlManager *mgr, const char *dir)
{
  g_autofree char *hash = NULL;
  g_autofree char *name = NULL;
  g_autofree char *path = NULL;
  gint64 id = 0;

  if (!ul_store_chain_head (mgr->store, G_MAXINT64, &id, &hash, NULL))
    return FALSE;
  name = g_strdup_printf ("%" G_GINT64_FORMAT ".json", id);
  path = g_build_filename (dir, name, NULL);
  return id > 0 && g_file_test (path, G_FILE_TEST_EXISTS);
}

/* inside the write transaction: the checkpoint's event, and the signed
 * checkpoint of the heads it makes */
static gboolean
checkpoint_locked (UlManager *mgr, UlSigner *signer, const char *key_sha256, const char *reason,
                   gint64 *event_id, char **json, GBytes **sig, GError **error)
{
  g_autoptr(UlEvent) ev = NULL;
  g_autoptr(GVariant) body = NULL;
  g_autofree char *seal_hash = NULL;
  gint64 now = g_get_real_time ();
  gint64 seal_id = 0;

  /* the key is pinned first: pinning it writes a sealed row */
  if (!ul_manager_pin_signer (mgr, key_sha256, now, error) ||
      !ul_store_seal_head (mgr->store, &seal_id, &seal_hash, error))
    return FALSE;
  ev = ul_event_new ("chain-checkpoint", "system", mgr->host, now);
  ev->detail = g_strdup_printf ("signed checkpoint of the logbook up to this event and record "
                                "seal %" G_GINT64_FORMAT ": %s", seal_id, reason);
  if (!ul_store_append_event (mgr->store, ev, error))
    return FALSE;
  body = checkpoint_body (mgr, ev->id, ev->hash, seal_id, seal_hash, now, reason, key_sha256);
  *event_id = ev->id;
  return sign_checkpoint (signer, body, json, sig, error);
}

gboolean
ul_manager_checkpoint (UlManager *mgr, const char *reason, GError **error)
{
  g_autofree char *dir = ul_checkpoints_dir (mgr->key_dir);
  g_autofree char *key_sha256 = NULL;
  g_autofree char *json = NULL;
  g_autoptr(GBytes) sig = NULL;
  gint64 event_id = 0;
  UlSigner *signer;

  signer = ul_manager_signer (mgr, &key_sha256, error);
  if (signer == NULL || !ul_store_begin (mgr->store, error))
    return FALSE;
  if (head_is_checkpointed (mgr, dir))
    {
      ul_store_rollback (mgr->store);
      return TRUE;
    }
  if (!checkpoint_locked (mgr, signer, key_sha256, reason, &event_id, &json, &sig, error))
    {
      ul_store_rollback (mgr->store);
      return FALSE;
    }
  if (!ul_store_commit (mgr->store, error))
    return FALSE;
  ul_manager_wrote_logbook (mgr);
  /* written once its event is committed, so a checker that lists the files
   * and then reads the logbook finds every event they name. If it cannot
   * be written, the event says a checkpoint was signed that is not there:
   * the journal says why. */
  return write_checkpoint (dir, event_id, json, sig, error);
}

void
ul_manager_checkpoint_or_warn (UlManager *mgr, const char *reason)
{
  g_autoptr(GError) error = NULL;

  if (!ul_manager_checkpoint (mgr, reason, &error))
    g_warning ("no checkpoint of the event chain (%s): %s", reason, error->message);
}

gboolean
ul_manager_check_checkpoints (UlManager *mgr, guint *n_checked, GError **error)
{
  g_autofree char *dir = ul_checkpoints_dir (mgr->key_dir);
  g_autoptr(GPtrArray) list = ul_checkpoints_list (dir);

  return ul_checkpoints_check (mgr->store, list, n_checked, error);
}
