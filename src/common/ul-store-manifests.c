/* ul-store-manifests.c: how the last checked session left each filesystem
 * of a medium, to find at the next mount what changed outside usbledger
 * (schema v5). State, not record: replaced and removed, never logged; but
 * sealed like the records (ul-record-seals.c), so it is updated in place
 * (REPLACE would delete the row without a seal of its removal). */
#include "ul-store-private.h"
#include "ul-error.h"

gboolean
ul_store_set_medium_manifest (UlStore *store, gint64 medium_id, gint64 part, gint64 session_id,
                              gint64 taken_at, gboolean at_mount, GBytes *manifest,
                              GError **error)
{
  sqlite3_stmt *st = ul_store_stmt (store,
                                    "INSERT INTO medium_manifests (medium_id, part, "
                                    "session_id, taken_at, manifest, at_mount) "
                                    "VALUES (?1, ?2, ?3, ?4, ?5, ?6) "
                                    "ON CONFLICT (medium_id, part) DO UPDATE SET "
                                    "session_id = excluded.session_id, "
                                    "taken_at = excluded.taken_at, "
                                    "manifest = excluded.manifest, "
                                    "at_mount = excluded.at_mount", error);

  return st != NULL && ul_bind_int64 (store, st, 1, medium_id, error) &&
         ul_bind_int64 (store, st, 2, part, error) &&
         ul_bind_int64 (store, st, 3, session_id, error) &&
         ul_bind_int64 (store, st, 4, taken_at, error) &&
         ul_bind_bytes (store, st, 5, manifest, error) &&
         ul_bind_int64 (store, st, 6, at_mount ? 1 : 0, error) &&
         ul_store_step_done (store, st, error);
}

GBytes *
ul_store_get_medium_manifest (UlStore *store, gint64 medium_id, gint64 part,
                              gint64 *session_id, gint64 *taken_at, gboolean *at_mount,
                              GError **error)
{
  sqlite3_stmt *st = ul_store_stmt (store,
                                    "SELECT session_id, taken_at, manifest, at_mount "
                                    "FROM medium_manifests WHERE medium_id = ?1 AND part = ?2",
                                    error);
  GBytes *manifest = NULL;
  int rc;

  if (st == NULL || !ul_bind_int64 (store, st, 1, medium_id, error) ||
      !ul_bind_int64 (store, st, 2, part, error))
    return NULL;
  rc = sqlite3_step (st);
  if (rc == SQLITE_ROW)
    {
      *session_id = sqlite3_column_int64 (st, 0);
      *taken_at = sqlite3_column_int64 (st, 1);
      manifest = ul_column_bytes (st, 2);
      *at_mount = sqlite3_column_int (st, 3) != 0;
    }
  sqlite3_reset (st);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    ul_store_set_sqlite_error (store, error, "cannot read the medium's last manifest");
  return manifest;
}

gboolean
ul_store_forget_medium_manifest (UlStore *store, gint64 medium_id, gint64 part, GError **error)
{
  sqlite3_stmt *st = ul_store_stmt (store,
                                    "DELETE FROM medium_manifests WHERE medium_id = ?1 AND "
                                    "(?2 < 0 OR part = ?2)", error);

  return st != NULL && ul_bind_int64 (store, st, 1, medium_id, error) &&
         ul_bind_int64 (store, st, 2, part, error) && ul_store_step_done (store, st, error);
}
