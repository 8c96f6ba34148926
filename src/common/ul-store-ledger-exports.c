/* ul-store-ledger-exports.c: the signed ledgers given to the city, and what
 * a new one links to (the previous month's manifest, the event chain's head) */
#include "ul-store-private.h"
#include "ul-error.h"
#include "ul-ledger.h"
#include "ul-escape.h"
#include "ul-time.h"

gboolean
ul_store_chain_head (UlStore *store, gint64 as_of, gint64 *event_id, char **hash,
                     GError **error)
{
  sqlite3_stmt *st = ul_store_stmt (store, "SELECT id, hash FROM events WHERE time <= ?1 "
                                           "ORDER BY id DESC LIMIT 1", error);
  int rc;

  *event_id = 0;
  *hash = NULL;
  if (st == NULL || !ul_bind_int64 (store, st, 1, as_of, error))
    return FALSE;
  rc = sqlite3_step (st);
  if (rc == SQLITE_ROW)
    {
      *event_id = sqlite3_column_int64 (st, 0);
      *hash = ul_column_text (st, 1);
    }
  else if (rc != SQLITE_DONE)
    return ul_store_set_sqlite_error (store, error, "cannot read the event chain's head");
  sqlite3_reset (st);
  return TRUE;
}

gboolean
ul_store_event_hash (UlStore *store, gint64 event_id, char **hash, gint64 *time,
                     GError **error)
{
  sqlite3_stmt *st = ul_store_stmt (store, "SELECT hash, time FROM events WHERE id = ?1", error);
  int rc;

  *hash = NULL;
  *time = 0;
  if (st == NULL || !ul_bind_int64 (store, st, 1, event_id, error))
    return FALSE;
  rc = sqlite3_step (st);
  if (rc == SQLITE_ROW)
    {
      *hash = ul_column_text (st, 0);
      *time = sqlite3_column_int64 (st, 1);
    }
  else if (rc != SQLITE_DONE)
    return ul_store_set_sqlite_error (store, error, "cannot read the event log");
  sqlite3_reset (st);
  return TRUE;
}

gboolean
ul_store_add_ledger_export (UlStore *store, const char *month, gint64 as_of, const char *by,
                            const char *content_digest, GBytes *manifest, GError **error)
{
  g_autofree char *sha = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, manifest);
  sqlite3_stmt *st = ul_store_stmt (store,
                                    "INSERT INTO ledger_exports (month, as_of, generated_by, "
                                    "content_digest, manifest_sha256, manifest) "
                                    "VALUES (?1, ?2, ?3, ?4, ?5, ?6)", error);

  return st != NULL && ul_bind_text (store, st, 1, month, error) &&
         ul_bind_int64 (store, st, 2, as_of, error) && ul_bind_text (store, st, 3, by, error) &&
         ul_bind_text (store, st, 4, content_digest, error) &&
         ul_bind_text (store, st, 5, sha, error) && ul_bind_bytes (store, st, 6, manifest, error) &&
         ul_store_step_done (store, st, error);
}

char *
ul_store_last_ledger_manifest (UlStore *store, const char *month, GError **error)
{
  sqlite3_stmt *st = ul_store_stmt (store, "SELECT manifest_sha256 FROM ledger_exports "
                                           "WHERE month = ?1 ORDER BY id DESC LIMIT 1", error);
  char *sha = NULL;
  int rc;

  if (st == NULL || !ul_bind_text (store, st, 1, month, error))
    return NULL;
  rc = sqlite3_step (st);
  if (rc == SQLITE_ROW)
    sha = ul_column_text (st, 0);
  else if (rc != SQLITE_DONE)
    {
      ul_store_set_sqlite_error (store, error, "cannot read the ledger exports");
      return NULL;
    }
  sqlite3_reset (st);
  /* none: "" (no error) */
  return sha != NULL ? sha : g_strdup ("");
}

GVariant *
ul_store_ledger_files (UlStore *store, const char *month, gint64 as_of, GError **error)
{
  gint64 since, until;
  sqlite3_stmt *st;
  GVariantBuilder rows;
  int rc;

  if (!ul_time_parse_month (month, &since, &until, error))
    return NULL;
  /* the file records of every session of the month's part 1, in order */
  st = ul_store_stmt (store,
                      "SELECT f.session_id, m.asset_number, f.time, f.action, f.path, f.old_path, "
                      "f.size, f.sha256, f.status FROM session_files f "
                      "JOIN sessions s ON s.id = f.session_id JOIN media m ON m.id = s.medium_id "
                      "WHERE s.id IN (" UL_LEDGER_SESSION_IDS ") "
                      "AND f.time <= ?3 ORDER BY s.started_at, s.id, f.id", error);
  if (st == NULL || !ul_bind_int64 (store, st, 1, since, error) ||
      !ul_bind_int64 (store, st, 2, until, error) || !ul_bind_int64 (store, st, 3, as_of, error))
    return NULL;
  g_variant_builder_init (&rows, G_VARIANT_TYPE ("av"));
  while ((rc = sqlite3_step (st)) == SQLITE_ROW)
    {
      GVariantBuilder b;
      g_autofree char *path = ul_escape_bytes (sqlite3_column_blob (st, 4),
                                               (gsize) sqlite3_column_bytes (st, 4));

      g_variant_builder_init (&b, G_VARIANT_TYPE_VARDICT);
      g_variant_builder_add (&b, "{sv}", "session-id",
                             g_variant_new_int64 (sqlite3_column_int64 (st, 0)));
      g_variant_builder_add (&b, "{sv}", "asset-number",
                             g_variant_new_take_string (ul_column_text (st, 1)));
      g_variant_builder_add (&b, "{sv}", "time",
                             g_variant_new_take_string (ul_time_format_iso8601 (
                               sqlite3_column_int64 (st, 2))));
      g_variant_builder_add (&b, "{sv}", "action",
                             g_variant_new_take_string (ul_column_text (st, 3)));
      g_variant_builder_add (&b, "{sv}", "path", g_variant_new_string (path));
      if (sqlite3_column_type (st, 5) != SQLITE_NULL)
        g_variant_builder_add (&b, "{sv}", "old-path",
                               g_variant_new_take_string (ul_escape_bytes (
                                 sqlite3_column_blob (st, 5),
                                 (gsize) sqlite3_column_bytes (st, 5))));
      if (sqlite3_column_type (st, 6) != SQLITE_NULL)
        g_variant_builder_add (&b, "{sv}", "size",
                               g_variant_new_int64 (sqlite3_column_int64 (st, 6)));
      if (sqlite3_column_type (st, 7) != SQLITE_NULL)
        g_variant_builder_add (&b, "{sv}", "sha256",
                               g_variant_new_take_string (ul_column_text (st, 7)));
      g_variant_builder_add (&b, "{sv}", "status",
                             g_variant_new_take_string (ul_column_text (st, 8)));
      g_variant_builder_add (&rows, "v", g_variant_builder_end (&b));
    }
  if (rc != SQLITE_DONE)
    {
      g_variant_builder_clear (&rows);
      ul_store_set_sqlite_error (store, error, "cannot read the month's files");
      return NULL;
    }
  return g_variant_ref_sink (g_variant_builder_end (&rows));
}
