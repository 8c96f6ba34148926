/* ul-store-sessions.c: usage sessions, and what happened during them: mounts,
 * files written, seat changes */
#include "ul-store-private.h"
#include "ul-error.h"

gboolean
ul_store_open_session (UlStore *store, gint64 medium_id, gint64 device_id,
                       const char *user_name, gint64 uid, const char *host, gint64 now,
                       gint64 *session_id, GError **error)
{
  sqlite3_stmt *st = ul_store_stmt (store,
                                    "INSERT INTO sessions (medium_id, device_id, user_name, uid, "
                                    "host, started_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6) "
                                    "RETURNING id", error);

  if (st == NULL || !ul_bind_int64 (store, st, 1, medium_id, error) ||
      !ul_bind_int64 (store, st, 2, device_id, error) ||
      !ul_bind_text (store, st, 3, user_name, error) ||
      (uid < 0 ? !ul_bind_text (store, st, 4, NULL, error)
               : !ul_bind_int64 (store, st, 4, uid, error)) ||
      !ul_bind_text (store, st, 5, host, error) ||
      !ul_bind_int64 (store, st, 6, now, error))
    return FALSE;
  if (sqlite3_step (st) != SQLITE_ROW)
    {
      sqlite3_reset (st);
      return ul_store_set_sqlite_error (store, error, "cannot open the session");
    }
  *session_id = sqlite3_column_int64 (st, 0);
  sqlite3_reset (st);
  return TRUE;
}

gboolean
ul_store_close_session (UlStore *store, gint64 session_id, gint64 now,
                        const char *end_reason, GError **error)
{
  sqlite3_stmt *st = ul_store_stmt (store,
                                    "UPDATE sessions SET ended_at = ?1, end_reason = ?2 "
                                    "WHERE id = ?3 AND ended_at IS NULL", error);

  /* its fold is no longer needed in memory (a late record reads the
   * records again) */
  ul_store_session_totals_forget (store, session_id);
  return st != NULL && ul_bind_int64 (store, st, 1, now, error) &&
         ul_bind_text (store, st, 2, end_reason, error) &&
         ul_bind_int64 (store, st, 3, session_id, error) &&
         ul_store_step_done (store, st, error);
}

void
ul_session_free (UlSession *s)
{
  if (s == NULL)
    return;
  g_free (s->user_name);
  g_free (s->host);
  g_free (s->end_reason);
  g_free (s->asset_number);
  g_free (s);
}

static UlSession *
session_from_row (sqlite3_stmt *st)
{
  UlSession *s = g_new0 (UlSession, 1);

  s->id = sqlite3_column_int64 (st, 0);
  s->medium_id = sqlite3_column_int64 (st, 1);
  s->device_id = sqlite3_column_int64 (st, 2);
  s->user_name = ul_column_text (st, 3);
  s->uid = sqlite3_column_type (st, 4) == SQLITE_NULL ? -1 : sqlite3_column_int64 (st, 4);
  s->host = ul_column_text (st, 5);
  s->started_at = sqlite3_column_int64 (st, 6);
  s->ended_at = sqlite3_column_int64 (st, 7);
  s->end_reason = ul_column_text (st, 8);
  s->erased = sqlite3_column_int (st, 9) != 0;
  s->asset_number = ul_column_text (st, 10);
  s->n_files = sqlite3_column_int64 (st, 11);
  return s;
}

#define SESSION_COLUMNS \
  "s.id, s.medium_id, s.device_id, s.user_name, s.uid, s.host, s.started_at, s.ended_at, " \
  "s.end_reason, s.erased, m.asset_number, s.files " \
  "FROM sessions s JOIN media m ON m.id = s.medium_id "

/* the conditions of a listing; a session belongs to a period if it was in
 * use during any of it */
#define SESSION_FILTER \
  "(?1 IS NULL OR m.asset_number = ?1) " \
  "AND (?2 IS NULL OR s.user_name = ?2 OR EXISTS (SELECT 1 " \
  "FROM session_seat_changes c WHERE c.session_id = s.id AND c.user_name = ?2)) " \
  "AND (?3 IS NULL OR s.ended_at IS NULL OR s.ended_at >= ?3) " \
  "AND (?4 IS NULL OR s.started_at < ?4) " \
  "AND (?5 IS NULL OR s.medium_id = ?5) " \
  "AND s.id > ?6 "

/* A period's sessions found through the indexes the ledger reads
 * (db/0008-ledger.sql), as UL_LEDGER_SESSION_IDS finds a month's: begun in
 * it; begun before and still open; begun before and ended in it or later,
 * looked for only as far back as the longest session lasted. Without it a
 * page of an old month walks every session numbered before it. ?8: the
 * period's end, or the largest time. */
#define SESSION_IDS_IN_PERIOD \
  "s.id IN (SELECT id FROM sessions WHERE started_at >= ?3 AND started_at < ?8 " \
  "UNION ALL SELECT id FROM sessions WHERE ended_at IS NULL AND started_at < ?3 " \
  "UNION ALL SELECT id FROM sessions WHERE started_at < ?3 " \
  "AND started_at >= ?3 - (SELECT coalesce (max (ended_at - started_at), 0) FROM sessions) " \
  "AND ended_at >= ?3) AND "

/* the sessions in use now, through the index of open sessions: a handful
 * on any machine, however big the logbook (the window's live list). "Since
 * now" is not the same: a clock set back, or a logbook copied from a machine
 * whose clock ran ahead, has sessions ended after now */
#define SESSION_IDS_IN_USE \
  "s.id IN (SELECT id FROM sessions WHERE ended_at IS NULL) AND "

GPtrArray *
ul_store_list_sessions (UlStore *store, const UlSessionFilter *filter, GError **error)
{
  static const UlSessionFilter all = { 0 };
  g_autoptr(GPtrArray) out = g_ptr_array_new_with_free_func ((GDestroyNotify) ul_session_free);
  sqlite3_stmt *st;
  int rc;

  if (filter == NULL)
    filter = &all;
  if (filter->in_use)
    st = ul_store_stmt (store, "SELECT " SESSION_COLUMNS "WHERE " SESSION_IDS_IN_USE
                        SESSION_FILTER "ORDER BY s.id LIMIT ?7", error);
  else if (filter->since > 0)
    st = ul_store_stmt (store, "SELECT " SESSION_COLUMNS "WHERE " SESSION_IDS_IN_PERIOD
                        SESSION_FILTER "ORDER BY s.id LIMIT ?7", error);
  else
    st = ul_store_stmt (store, "SELECT " SESSION_COLUMNS "WHERE " SESSION_FILTER
                        "ORDER BY s.id LIMIT ?7", error);
  if (st != NULL && filter->since > 0 && !filter->in_use &&
      !ul_bind_int64 (store, st, 8, filter->until > 0 ? filter->until : G_MAXINT64, error))
    return NULL;
  if (st == NULL || !ul_bind_text (store, st, 1, filter->asset_number, error) ||
      !ul_bind_text (store, st, 2, filter->user, error) ||
      !ul_bind_int64_or_null (store, st, 3, filter->since, error) ||
      !ul_bind_int64_or_null (store, st, 4, filter->until, error) ||
      !ul_bind_int64_or_null (store, st, 5, filter->medium_id, error) ||
      !ul_bind_int64 (store, st, 6, filter->after_id, error) ||
      /* a negative LIMIT is none */
      !ul_bind_int64 (store, st, 7, filter->limit > 0 ? (gint64) filter->limit : -1, error))
    return NULL;
  while ((rc = sqlite3_step (st)) == SQLITE_ROW)
    g_ptr_array_add (out, session_from_row (st));
  sqlite3_reset (st);
  if (rc != SQLITE_DONE)
    {
      ul_store_set_sqlite_error (store, error, "cannot read sessions");
      return NULL;
    }
  return g_steal_pointer (&out);
}

UlSession *
ul_store_get_session (UlStore *store, gint64 id, GError **error)
{
  sqlite3_stmt *st = ul_store_stmt (store, "SELECT " SESSION_COLUMNS "WHERE s.id = ?1", error);
  UlSession *s = NULL;
  int rc;

  if (st == NULL || !ul_bind_int64 (store, st, 1, id, error))
    return NULL;
  rc = sqlite3_step (st);
  if (rc == SQLITE_ROW)
    s = session_from_row (st);
  sqlite3_reset (st);
  if (rc == SQLITE_DONE)
    g_set_error (error, UL_ERROR, UL_ERROR_NOT_FOUND, "no session %" G_GINT64_FORMAT, id);
  else if (rc != SQLITE_ROW)
    ul_store_set_sqlite_error (store, error, "cannot read the session");
  return s;
}

gboolean
ul_store_find_open_session (UlStore *store, gint64 medium_id, gint64 *session_id,
                            GError **error)
{
  sqlite3_stmt *st = ul_store_stmt (store,
                                    "SELECT id FROM sessions WHERE medium_id = ?1 AND "
                                    "ended_at IS NULL ORDER BY id DESC LIMIT 1", error);
  int rc;

  if (st == NULL || !ul_bind_int64 (store, st, 1, medium_id, error))
    return FALSE;
  rc = sqlite3_step (st);
  *session_id = rc == SQLITE_ROW ? sqlite3_column_int64 (st, 0) : 0;
  sqlite3_reset (st);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    return ul_store_set_sqlite_error (store, error, "cannot read sessions");
  return TRUE;
}

/* -- mounts ------------------------------------------------------------ */

void
ul_mount_record_free (UlMountRecord *m)
{
  if (m == NULL)
    return;
  g_free (m->device);
  g_clear_pointer (&m->mount_point, g_bytes_unref);
  g_free (m->fstype);
  g_free (m->watch);
  g_free (m->manifest);
  g_free (m);
}

gboolean
ul_store_add_mount (UlStore *store, UlMountRecord *m, GError **error)
{
  sqlite3_stmt *st = ul_store_stmt (store,
                                    "INSERT INTO session_mounts (session_id, device, mount_point, "
                                    "fstype, watch, mounted_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6) "
                                    "RETURNING id", error);

  if (st == NULL || !ul_bind_int64 (store, st, 1, m->session_id, error) ||
      !ul_bind_text (store, st, 2, m->device, error) ||
      !ul_bind_bytes (store, st, 3, m->mount_point, error) ||
      !ul_bind_text (store, st, 4, m->fstype, error) ||
      !ul_bind_text (store, st, 5, m->watch, error) ||
      !ul_bind_int64 (store, st, 6, m->mounted_at, error))
    return FALSE;
  if (sqlite3_step (st) != SQLITE_ROW)
    {
      sqlite3_reset (st);
      return ul_store_set_sqlite_error (store, error, "cannot record the mount");
    }
  m->id = sqlite3_column_int64 (st, 0);
  sqlite3_reset (st);
  return TRUE;
}

gboolean
ul_store_end_mount (UlStore *store, gint64 mount_id, gint64 now, GError **error)
{
  sqlite3_stmt *st = ul_store_stmt (store,
                                    "UPDATE session_mounts SET unmounted_at = ?1 "
                                    "WHERE id = ?2 AND unmounted_at IS NULL", error);

  return st != NULL && ul_bind_int64 (store, st, 1, now, error) &&
         ul_bind_int64 (store, st, 2, mount_id, error) && ul_store_step_done (store, st, error);
}

gboolean
ul_store_end_open_mounts (UlStore *store, gint64 now, const char *why, GError **error)
{
  sqlite3_stmt *st = ul_store_stmt (store,
                                    "UPDATE session_mounts SET unmounted_at = ?1, manifest = ?2 "
                                    "WHERE unmounted_at IS NULL", error);

  return st != NULL && ul_bind_int64 (store, st, 1, now, error) &&
         ul_bind_text (store, st, 2, why, error) && ul_store_step_done (store, st, error);
}

gboolean
ul_store_set_mount_manifest (UlStore *store, gint64 mount_id, const char *manifest,
                             GError **error)
{
  sqlite3_stmt *st = ul_store_stmt (store,
                                    "UPDATE session_mounts SET manifest = ?1 WHERE id = ?2",
                                    error);

  return st != NULL && ul_bind_text (store, st, 1, manifest, error) &&
         ul_bind_int64 (store, st, 2, mount_id, error) && ul_store_step_done (store, st, error);
}

static UlFileRecord *
latest_row (sqlite3_stmt *st, int path_col)
{
  UlFileRecord *f = g_new0 (UlFileRecord, 1);

  f->id = sqlite3_column_int64 (st, 0);
  f->action = ul_column_text (st, 1);
  f->sha256 = ul_column_text (st, 2);
  f->status = ul_column_text (st, 3);
  f->path = ul_column_bytes (st, path_col);
  f->size = -1;
  f->uid = -1;
  return f;
}

GHashTable *
ul_store_latest_files (UlStore *store, gint64 mount_id, GError **error)
{
  /* one pass in id order: a later row replaces an earlier one */
  sqlite3_stmt *st = ul_store_stmt (store,
                                    "SELECT id, action, sha256, status, path, old_path "
                                    "FROM session_files WHERE mount_id = ?1 ORDER BY id", error);
  g_autoptr(GHashTable) latest = NULL;
  int rc;

  if (st == NULL || !ul_bind_int64 (store, st, 1, mount_id, error))
    return NULL;
  latest = g_hash_table_new_full (g_bytes_hash, g_bytes_equal, (GDestroyNotify) g_bytes_unref,
                                  (GDestroyNotify) ul_file_record_free);
  while ((rc = sqlite3_step (st)) == SQLITE_ROW)
    for (int col = 4; col <= 5; col++)
      if (sqlite3_column_type (st, col) != SQLITE_NULL)
        {
          UlFileRecord *f = latest_row (st, col);

          g_hash_table_replace (latest, g_bytes_ref (f->path), f);
        }
  sqlite3_reset (st);
  if (rc != SQLITE_DONE)
    {
      ul_store_set_sqlite_error (store, error, "cannot read files");
      return NULL;
    }
  return g_steal_pointer (&latest);
}

GPtrArray *
ul_store_list_live_paths (UlStore *store, gint64 mount_id, GError **error)
{
  /* the last record of each path, as path or as the old path of a rename
   * (SQLite takes the bare column from the row of max(id)) */
  sqlite3_stmt *st = ul_store_stmt (store,
                                    "SELECT p, action, max(id) FROM ("
                                    "SELECT path AS p, action, id FROM session_files "
                                    "WHERE mount_id = ?1 UNION ALL "
                                    "SELECT old_path, 'deleted', id FROM session_files "
                                    "WHERE mount_id = ?1 AND old_path IS NOT NULL) GROUP BY p",
                                    error);
  g_autoptr(GPtrArray) out = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  int rc;

  if (st == NULL || !ul_bind_int64 (store, st, 1, mount_id, error))
    return NULL;
  while ((rc = sqlite3_step (st)) == SQLITE_ROW)
    {
      const char *action = (const char *) sqlite3_column_text (st, 1);

      if (g_strcmp0 (action, "deleted") != 0)
        g_ptr_array_add (out, ul_column_bytes (st, 0));
    }
  sqlite3_reset (st);
  if (rc != SQLITE_DONE)
    {
      ul_store_set_sqlite_error (store, error, "cannot read files");
      return NULL;
    }
  return g_steal_pointer (&out);
}

GPtrArray *
ul_store_list_renames (UlStore *store, gint64 mount_id, GError **error)
{
  sqlite3_stmt *st = ul_store_stmt (store,
                                    "SELECT old_path, path FROM session_files WHERE mount_id = ?1 "
                                    "AND action = 'renamed' AND old_path IS NOT NULL ORDER BY id",
                                    error);
  g_autoptr(GPtrArray) out = g_ptr_array_new_with_free_func (g_free);
  int rc;

  if (st == NULL || !ul_bind_int64 (store, st, 1, mount_id, error))
    return NULL;
  while ((rc = sqlite3_step (st)) == SQLITE_ROW)
    {
      g_ptr_array_add (out, g_strndup ((const char *) sqlite3_column_blob (st, 0),
                                       (gsize) sqlite3_column_bytes (st, 0)));
      g_ptr_array_add (out, g_strndup ((const char *) sqlite3_column_blob (st, 1),
                                       (gsize) sqlite3_column_bytes (st, 1)));
    }
  sqlite3_reset (st);
  if (rc != SQLITE_DONE)
    {
      ul_store_set_sqlite_error (store, error, "cannot read renames");
      return NULL;
    }
  return g_steal_pointer (&out);
}

GPtrArray *
ul_store_list_session_mounts (UlStore *store, gint64 session_id, GError **error)
{
  sqlite3_stmt *st = ul_store_stmt (store,
                                    "SELECT id, session_id, device, mount_point, fstype, watch, "
                                    "mounted_at, unmounted_at, manifest FROM session_mounts "
                                    "WHERE session_id = ?1 ORDER BY id", error);
  g_autoptr(GPtrArray) out = g_ptr_array_new_with_free_func (
    (GDestroyNotify) ul_mount_record_free);
  int rc;

  if (st == NULL || !ul_bind_int64 (store, st, 1, session_id, error))
    return NULL;
  while ((rc = sqlite3_step (st)) == SQLITE_ROW)
    {
      UlMountRecord *m = g_new0 (UlMountRecord, 1);

      m->id = sqlite3_column_int64 (st, 0);
      m->session_id = sqlite3_column_int64 (st, 1);
      m->device = ul_column_text (st, 2);
      m->mount_point = ul_column_bytes (st, 3);
      m->fstype = ul_column_text (st, 4);
      m->watch = ul_column_text (st, 5);
      m->mounted_at = sqlite3_column_int64 (st, 6);
      m->unmounted_at = sqlite3_column_int64 (st, 7);
      m->manifest = ul_column_text (st, 8);
      g_ptr_array_add (out, m);
    }
  sqlite3_reset (st);
  if (rc != SQLITE_DONE)
    {
      ul_store_set_sqlite_error (store, error, "cannot read mounts");
      return NULL;
    }
  return g_steal_pointer (&out);
}

/* -- files ------------------------------------------------------------- */

void
ul_file_record_free (UlFileRecord *f)
{
  if (f == NULL)
    return;
  g_free (f->action);
  g_clear_pointer (&f->path, g_bytes_unref);
  g_clear_pointer (&f->old_path, g_bytes_unref);
  g_free (f->sha256);
  g_free (f->status);
  g_free (f->source);
  g_free (f->program);
  g_free (f);
}

gboolean
ul_store_add_file (UlStore *store, UlFileRecord *f, GError **error)
{
  /* the session's fold is read before the insert, which it must not hold */
  sqlite3_stmt *st = !ul_store_session_totals_load (store, f->session_id, error) ? NULL :
                     ul_store_stmt (store,
                                    "INSERT INTO session_files (session_id, mount_id, action, "
                                    "path, old_path, size, sha256, status, source, time, uid, "
                                    "program) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, "
                                    "?11, ?12) RETURNING id", error);

  if (st == NULL || !ul_bind_int64 (store, st, 1, f->session_id, error) ||
      !ul_bind_int64 (store, st, 2, f->mount_id, error) ||
      !ul_bind_text (store, st, 3, f->action, error) ||
      !ul_bind_bytes (store, st, 4, f->path, error) ||
      !ul_bind_bytes (store, st, 5, f->old_path, error) ||
      (f->size < 0 ? !ul_bind_text (store, st, 6, NULL, error)
                   : !ul_bind_int64 (store, st, 6, f->size, error)) ||
      !ul_bind_text (store, st, 7, f->sha256, error) ||
      !ul_bind_text (store, st, 8, f->status, error) ||
      !ul_bind_text (store, st, 9, f->source, error) ||
      !ul_bind_int64 (store, st, 10, f->time, error) ||
      (f->uid < 0 ? !ul_bind_text (store, st, 11, NULL, error)
                  : !ul_bind_int64 (store, st, 11, f->uid, error)) ||
      !ul_bind_text (store, st, 12, f->program, error))
    return FALSE;
  if (sqlite3_step (st) != SQLITE_ROW)
    {
      sqlite3_reset (st);
      return ul_store_set_sqlite_error (store, error, "cannot record the file");
    }
  f->id = sqlite3_column_int64 (st, 0);
  sqlite3_reset (st);
  return ul_store_session_totals_add (store, f, error);
}

GPtrArray *
ul_store_list_session_files (UlStore *store, gint64 session_id, gint64 after_id, guint limit,
                             GError **error)
{
  sqlite3_stmt *st = ul_store_stmt (store,
                                    "SELECT id, session_id, mount_id, action, path, old_path, "
                                    "size, sha256, status, source, time, uid, program "
                                    "FROM session_files WHERE session_id = ?1 AND id > ?2 "
                                    "ORDER BY id LIMIT ?3", error);
  g_autoptr(GPtrArray) out = g_ptr_array_new_with_free_func (
    (GDestroyNotify) ul_file_record_free);
  int rc;

  if (st == NULL || !ul_bind_int64 (store, st, 1, session_id, error) ||
      !ul_bind_int64 (store, st, 2, after_id, error) ||
      !ul_bind_int64 (store, st, 3, limit == 0 ? -1 : (gint64) limit, error))
    return NULL;
  while ((rc = sqlite3_step (st)) == SQLITE_ROW)
    {
      UlFileRecord *f = g_new0 (UlFileRecord, 1);

      f->id = sqlite3_column_int64 (st, 0);
      f->session_id = sqlite3_column_int64 (st, 1);
      f->mount_id = sqlite3_column_int64 (st, 2);
      f->action = ul_column_text (st, 3);
      f->path = ul_column_bytes (st, 4);
      f->old_path = ul_column_bytes (st, 5);
      f->size = sqlite3_column_type (st, 6) == SQLITE_NULL ? -1 : sqlite3_column_int64 (st, 6);
      f->sha256 = ul_column_text (st, 7);
      f->status = ul_column_text (st, 8);
      f->source = ul_column_text (st, 9);
      f->time = sqlite3_column_int64 (st, 10);
      f->uid = sqlite3_column_type (st, 11) == SQLITE_NULL ? -1 : sqlite3_column_int64 (st, 11);
      f->program = ul_column_text (st, 12);
      g_ptr_array_add (out, f);
    }
  sqlite3_reset (st);
  if (rc != SQLITE_DONE)
    {
      ul_store_set_sqlite_error (store, error, "cannot read files");
      return NULL;
    }
  return g_steal_pointer (&out);
}

/* -- seat changes ------------------------------------------------------ */

gboolean
ul_store_add_seat_change (UlStore *store, gint64 session_id, gint64 now, const char *user_name,
                          gint64 uid, GError **error)
{
  sqlite3_stmt *st = ul_store_stmt (store,
                                    "INSERT INTO session_seat_changes (session_id, time, "
                                    "user_name, uid) VALUES (?1, ?2, ?3, ?4)", error);

  return st != NULL && ul_bind_int64 (store, st, 1, session_id, error) &&
         ul_bind_int64 (store, st, 2, now, error) &&
         ul_bind_text (store, st, 3, user_name, error) &&
         (uid < 0 ? ul_bind_text (store, st, 4, NULL, error)
                  : ul_bind_int64 (store, st, 4, uid, error)) &&
         ul_store_step_done (store, st, error);
}

GVariant *
ul_store_list_seat_changes (UlStore *store, gint64 session_id, GError **error)
{
  sqlite3_stmt *st = ul_store_stmt (store,
                                    "SELECT time, user_name FROM session_seat_changes "
                                    "WHERE session_id = ?1 ORDER BY id", error);
  GVariantBuilder b;
  int rc;

  if (st == NULL || !ul_bind_int64 (store, st, 1, session_id, error))
    return NULL;
  g_variant_builder_init (&b, G_VARIANT_TYPE ("a(xs)"));
  while ((rc = sqlite3_step (st)) == SQLITE_ROW)
    {
      const char *user = (const char *) sqlite3_column_text (st, 1);

      /* "" for no one logged in */
      g_variant_builder_add (&b, "(xs)", sqlite3_column_int64 (st, 0), user ? user : "");
    }
  sqlite3_reset (st);
  if (rc != SQLITE_DONE)
    {
      g_variant_builder_clear (&b);
      ul_store_set_sqlite_error (store, error, "cannot read seat changes");
      return NULL;
    }
  return g_variant_builder_end (&b);
}
