/* ul-manager-signing.c: the key that signs erasure certificates, pinned in
 * the logbook. A key file that is lost while certificates exist is not made
 * anew (every certificate verified until then would seem to fail, and the
 * city could not tell a new key from a forger's); a key file replaced by
 * another key is refused. Both are said plainly, with the fingerprint to
 * restore. */
#include "config.h"

#include "ul-manager-private.h"
#include "ul-crypto.h"
#include "ul-error.h"
#include "ul-key-fingerprint.h"

UlSigner *
ul_manager_signer (UlManager *mgr, char **fingerprint, GError **error)
{
  g_autofree char *key_path = g_build_filename (mgr->key_dir, "signing-key.pem", NULL);
  g_autoptr(GPtrArray) pinned = ul_store_pinned_keys (mgr->store, error);
  g_autofree char *fp = NULL;
  const UlCryptoOps *crypto;
  gint64 n_certificates = 0;

  if (pinned == NULL || !ul_store_count_certificates (mgr->store, &n_certificates, error))
    return NULL;
  crypto = ul_crypto (error);
  if (crypto == NULL)
    return NULL;
  if (mgr->signer == NULL && n_certificates > 0 && !g_file_test (key_path, G_FILE_TEST_EXISTS))
    {
      g_set_error (error, UL_ERROR, UL_ERROR_BAD_STATE,
                   "the signing key %s is missing, and %" G_GINT64_FORMAT " certificate(s) "
                   "were signed with key %s: restore that key from the backup; a new key is "
                   "not made while certificates exist", key_path, n_certificates,
                   pinned->len > 0 ? (const char *) g_ptr_array_index (pinned, pinned->len - 1)
                                   : "(not pinned)");
      return NULL;
    }
  if (mgr->signer == NULL)
    {
      mgr->signer = crypto->signer_open (mgr->key_dir, mgr->organisation, error);
      if (mgr->signer == NULL)
        return NULL;
    }
  fp = ul_public_key_fingerprint (crypto->signer_public_pem (mgr->signer), error);
  if (fp == NULL)
    return NULL;
  if (pinned->len > 0 &&
      !g_ptr_array_find_with_equal_func (pinned, fp, g_str_equal, NULL))
    {
      g_set_error (error, UL_ERROR, UL_ERROR_BAD_STATE,
                   "the signing key %s (%s) is not the key the certificates were signed with "
                   "(%s): restore that key from the backup", key_path, fp,
                   (const char *) g_ptr_array_index (pinned, pinned->len - 1));
      /* opened again next time: the right file may be restored meanwhile */
      crypto->signer_free (mgr->signer);
      mgr->signer = NULL;
      return NULL;
    }
  *fingerprint = g_steal_pointer (&fp);
  return mgr->signer;
}

gboolean
ul_manager_pin_signer (UlManager *mgr, const char *fingerprint, gint64 now, GError **error)
{
  const UlCryptoOps *crypto = ul_crypto (error);

  return crypto != NULL &&
         ul_store_pin_key (mgr->store, fingerprint, crypto->signer_public_pem (mgr->signer), now,
                           error);
}
