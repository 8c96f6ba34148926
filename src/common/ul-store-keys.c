/* ul-store-keys.c: the keys that signed erasure certificates, pinned in the
 * logbook (schema 6) */
#include "ul-store-private.h"
#include "ul-error.h"

gboolean
ul_store_count_certificates (UlStore *store, gint64 *n, GError **error)
{
  sqlite3_stmt *st = ul_store_stmt (store, "SELECT count(*) FROM certificates", error);

  if (st == NULL)
    return FALSE;
  if (sqlite3_step (st) != SQLITE_ROW)
    {
      sqlite3_reset (st);
      return ul_store_set_sqlite_error (store, error, "cannot count the certificates");
    }
  *n = sqlite3_column_int64 (st, 0);
  sqlite3_reset (st);
  return TRUE;
}

GPtrArray *
ul_store_pinned_keys (UlStore *store, GError **error)
{
  sqlite3_stmt *st = ul_store_stmt (store, "SELECT sha256 FROM signing_keys ORDER BY id", error);
  g_autoptr(GPtrArray) out = g_ptr_array_new_with_free_func (g_free);
  int rc;

  if (st == NULL)
    return NULL;
  while ((rc = sqlite3_step (st)) == SQLITE_ROW)
    g_ptr_array_add (out, ul_column_text (st, 0));
  sqlite3_reset (st);
  if (rc != SQLITE_DONE)
    {
      ul_store_set_sqlite_error (store, error, "cannot read the signing keys");
      return NULL;
    }
  return g_steal_pointer (&out);
}

gboolean
ul_store_pin_key (UlStore *store, const char *sha256, const char *public_pem, gint64 now,
                  GError **error)
{
  sqlite3_stmt *st = ul_store_stmt (store,
                                    "INSERT INTO signing_keys (sha256, public_pem, first_used) "
                                    "VALUES (?1, ?2, ?3) ON CONFLICT (sha256) DO NOTHING", error);
  int rc;

  if (st == NULL || !ul_bind_text (store, st, 1, sha256, error) ||
      !ul_bind_text (store, st, 2, public_pem, error) ||
      !ul_bind_int64 (store, st, 3, now, error))
    return FALSE;
  rc = sqlite3_step (st);
  sqlite3_reset (st);
  if (rc != SQLITE_DONE)
    return ul_store_set_sqlite_error (store, error, "cannot pin the signing key");
  return TRUE;
}

char *
ul_store_pinned_key_pem (UlStore *store, const char *sha256, GError **error)
{
  sqlite3_stmt *st = ul_store_stmt (store, "SELECT public_pem FROM signing_keys WHERE sha256 = ?1",
                                    error);
  char *pem = NULL;
  int rc;

  if (st == NULL || !ul_bind_text (store, st, 1, sha256, error))
    return NULL;
  rc = sqlite3_step (st);
  if (rc == SQLITE_ROW)
    pem = ul_column_text (st, 0);
  sqlite3_reset (st);
  if (rc == SQLITE_DONE)
    g_set_error (error, UL_ERROR, UL_ERROR_NOT_FOUND, "no signing key %s in the logbook", sha256);
  else if (rc != SQLITE_ROW)
    ul_store_set_sqlite_error (store, error, "cannot read the signing key");
  return pem;
}
