/* ul-store-session-totals.c: each session's file totals (distinct files,
 * bytes, the SHA-256 of its file list, flags), kept in its row as its
 * records are written, so that a month's ledger reads one row per session
 * instead of every file record (schema 10) */
#include "ul-store-private.h"
#include "ul-error.h"
#include "ul-file-fold.h"
#include "ul-record-seals.h"

void
ul_store_fold_file_row (UlFileFold *fold, sqlite3_stmt *st, int col)
{
  ul_file_fold_add (fold, (const char *) sqlite3_column_text (st, col),
                    sqlite3_column_blob (st, col + 1), (gsize) sqlite3_column_bytes (st, col + 1),
                    sqlite3_column_type (st, col + 2) == SQLITE_NULL
                      ? -1 : sqlite3_column_int64 (st, col + 2),
                    (const char *) sqlite3_column_text (st, col + 3),
                    (const char *) sqlite3_column_text (st, col + 4),
                    (const char *) sqlite3_column_text (st, col + 5));
}

/* @session_id's records folded from the logbook into a new fold; @last:
 * the latest record's time (G_MININT64: none) */
static UlFileFold *
fold_from_rows (UlStore *store, gint64 session_id, gint64 *last, GError **error)
{
  sqlite3_stmt *st = ul_store_stmt (store, "SELECT time, " UL_FOLD_COLUMNS " FROM session_files "
                                           "WHERE session_id = ?1 ORDER BY id", error);
  g_autoptr(UlFileFold) fold = ul_file_fold_new ();
  int rc;

  *last = G_MININT64;
  if (st == NULL || !ul_bind_int64 (store, st, 1, session_id, error))
    return NULL;
  while ((rc = sqlite3_step (st)) == SQLITE_ROW)
    {
      *last = MAX (*last, sqlite3_column_int64 (st, 0));
      ul_store_fold_file_row (fold, st, 1);
    }
  sqlite3_reset (st);
  if (rc != SQLITE_DONE)
    {
      ul_store_set_sqlite_error (store, error, "cannot read the session's files");
      return NULL;
    }
  return g_steal_pointer (&fold);
}

/* the fold of @session_id, kept in memory while it is written to; read
 * from the logbook the first time (a session resumed after a restart, a
 * late record after its end, or after a rollback) */
static UlFileFold *
session_fold (UlStore *store, gint64 session_id, GError **error)
{
  UlFileFold *fold = g_hash_table_lookup (store->session_folds, &session_id);
  gint64 last;

  if (fold != NULL)
    return fold;
  fold = fold_from_rows (store, session_id, &last, error);
  if (fold != NULL)
    g_hash_table_insert (store->session_folds, g_memdup2 (&session_id, sizeof session_id),
                         fold);
  return fold;
}

static gboolean
write_totals (UlStore *store, gint64 session_id, const UlFileTotals *t, gint64 last,
              GError **error)
{
  /* files_last: the latest record's time, which says up to when the
   * totals hold (a ledger as of an earlier time folds the records) */
  sqlite3_stmt *st = ul_store_stmt (store,
                                    "UPDATE sessions SET files = ?1, files_bytes = ?2, "
                                    "files_sha256 = ?3, files_flags = ?4, "
                                    "files_last = CASE WHEN files_last IS NULL OR "
                                    "files_last < ?5 THEN ?5 ELSE files_last END "
                                    "WHERE id = ?6", error);

  return st != NULL && ul_bind_int64 (store, st, 1, t->files, error) &&
         ul_bind_int64 (store, st, 2, t->bytes, error) &&
         ul_bind_text (store, st, 3, t->sha256, error) &&
         ul_bind_int64 (store, st, 4, t->flags, error) &&
         (last == G_MININT64 ? ul_bind_text (store, st, 5, NULL, error)
                             : ul_bind_int64 (store, st, 5, last, error)) &&
         ul_bind_int64 (store, st, 6, session_id, error) &&
         ul_store_step_done (store, st, error);
}

gboolean
ul_store_session_totals_add (UlStore *store, const UlFileRecord *f, GError **error)
{
  UlFileFold *fold = session_fold (store, f->session_id, error);
  const guint8 *path = NULL;
  gsize len = 0;
  UlFileTotals t;

  if (fold == NULL)
    return FALSE;
  if (f->path != NULL)
    path = g_bytes_get_data (f->path, &len);
  ul_file_fold_add (fold, f->action, path, len, f->size < 0 ? -1 : f->size, f->sha256,
                    f->status, f->source);
  ul_file_fold_totals (fold, &t);
  if (write_totals (store, f->session_id, &t, f->time, error))
    return TRUE;
  /* the fold holds a record the row does not: read again next time */
  ul_store_session_totals_forget (store, f->session_id);
  return FALSE;
}

gboolean
ul_store_session_totals_load (UlStore *store, gint64 session_id, GError **error)
{
  return session_fold (store, session_id, error) != NULL;
}

void
ul_store_session_totals_forget (UlStore *store, gint64 session_id)
{
  g_hash_table_remove (store->session_folds, &session_id);
}

/* -- migration 10 ------------------------------------------------------ */

static GArray *
all_session_ids (UlStore *store, GError **error)
{
  sqlite3_stmt *st = ul_store_stmt (store, "SELECT id FROM sessions ORDER BY id", error);
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  int rc;

  if (st == NULL)
    return NULL;
  while ((rc = sqlite3_step (st)) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (st, 0);

      g_array_append_val (ids, id);
    }
  sqlite3_reset (st);
  if (rc != SQLITE_DONE)
    {
      ul_store_set_sqlite_error (store, error, "cannot read the sessions");
      return NULL;
    }
  return g_steal_pointer (&ids);
}

gboolean
ul_store_session_totals_install (UlStore *store, GError **error)
{
  g_autoptr(GArray) ids = NULL;

  /* the sessions' columns changed: their triggers are made again first, so
   * that each row's update below is its seal in the new form */
  if (!ul_record_seals_remake_triggers (store, "sessions", error) ||
      (ids = all_session_ids (store, error)) == NULL)
    return FALSE;
  for (guint i = 0; i < ids->len; i++)
    {
      gint64 id = g_array_index (ids, gint64, i);
      gint64 last;
      g_autoptr(UlFileFold) fold = fold_from_rows (store, id, &last, error);
      UlFileTotals t;

      if (fold == NULL)
        return FALSE;
      ul_file_fold_totals (fold, &t);
      if (!write_totals (store, id, &t, last, error))
        return FALSE;
    }
  return TRUE;
}

/* -- checking ------------------------------------------------------------ */

/* a session's totals as its row has them */
typedef struct {
  gint64 id;
  gint64 files;
  gint64 bytes;
  char *sha256;
  gint64 flags;
  gint64 last;            /* G_MININT64: none */
} Stored;

static gint64
column_time (sqlite3_stmt *st, int col)
{
  return sqlite3_column_type (st, col) == SQLITE_NULL ? G_MININT64
                                                      : sqlite3_column_int64 (st, col);
}

static char *
time_text (gint64 t)
{
  return t == G_MININT64 ? g_strdup ("none") : g_strdup_printf ("%" G_GINT64_FORMAT, t);
}

static char *
int_text (gint64 v)
{
  return g_strdup_printf ("%" G_GINT64_FORMAT, v);
}

/* takes @row and @folded */
static gboolean
mismatch (const Stored *s, const char *column, char *row, char *folded, GError **error)
{
  g_autofree char *r = row;
  g_autofree char *f = folded;

  g_set_error (error, UL_ERROR, UL_ERROR_BAD_STATE,
               "sessions row %" G_GINT64_FORMAT " does not match its file records: its %s "
               "is %s, the records give %s", s->id, column, r, f);
  return FALSE;
}

/* the first of @s's totals that its records do not give, named */
static gboolean
compare (const Stored *s, UlFileFold *fold, gint64 last, GError **error)
{
  UlFileTotals t;

  ul_file_fold_totals (fold, &t);
  if (s->files != t.files)
    return mismatch (s, "files", int_text (s->files), int_text (t.files), error);
  if (s->bytes != t.bytes)
    return mismatch (s, "files_bytes", int_text (s->bytes), int_text (t.bytes), error);
  if (g_strcmp0 (s->sha256, t.sha256) != 0)
    return mismatch (s, "files_sha256", g_strdup (s->sha256 ? s->sha256 : "none"),
                     g_strdup (t.sha256), error);
  if (s->flags != (gint64) t.flags)
    return mismatch (s, "files_flags", int_text (s->flags), int_text (t.flags), error);
  if (s->last != last)
    return mismatch (s, "files_last", time_text (s->last), time_text (last), error);
  return TRUE;
}

gboolean
ul_store_verify_session_totals (UlStore *store, guint64 *n_sessions, GError **error)
{
  /* every session with its records, in one pass, in session order; a
   * session without a record comes once, with NULL in the record's columns */
  sqlite3_stmt *st = ul_store_stmt (
    store,
    "SELECT s.id, s.files, s.files_bytes, s.files_sha256, s.files_flags, s.files_last, "
    "f.id, f.time, f.action, f.path, f.size, f.sha256, f.status, f.source "
    "FROM sessions s LEFT JOIN session_files f ON f.session_id = s.id ORDER BY s.id, f.id",
    error);
  g_autoptr(UlFileFold) fold = ul_file_fold_new ();
  Stored s = { 0 };
  gint64 last = G_MININT64;
  gboolean ok = TRUE;
  int rc;

  *n_sessions = 0;
  if (st == NULL)
    return FALSE;
  while (ok)
    {
      gint64 id;

      rc = sqlite3_step (st);
      id = rc == SQLITE_ROW ? sqlite3_column_int64 (st, 0) : 0;
      /* a session's records end: its row must have what they give */
      if (s.id != 0 && id != s.id)
        {
          ok = compare (&s, fold, last, error);
          g_clear_pointer (&s.sha256, g_free);
          ul_file_fold_reset (fold);
          last = G_MININT64;
          (*n_sessions)++;
        }
      if (rc != SQLITE_ROW || !ok)
        break;
      if (id != s.id)
        {
          s.id = id;
          s.files = sqlite3_column_int64 (st, 1);
          s.bytes = sqlite3_column_int64 (st, 2);
          s.sha256 = ul_column_text (st, 3);
          s.flags = sqlite3_column_int64 (st, 4);
          s.last = column_time (st, 5);
        }
      if (sqlite3_column_type (st, 6) == SQLITE_NULL)
        continue;
      last = MAX (last, column_time (st, 7));
      ul_store_fold_file_row (fold, st, 8);
    }
  sqlite3_reset (st);
  g_free (s.sha256);
  if (!ok)
    return FALSE;
  if (rc != SQLITE_DONE)
    return ul_store_set_sqlite_error (store, error, "cannot read the sessions' files");
  return TRUE;
}
