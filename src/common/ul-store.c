/* ul-store.c: opening the logbook, migrations, transactions and statement
 * helpers. The other ul-store-*.c files hold the queries of one table each. */
#include "config.h"

#include "ul-store-private.h"
#include "ul-error.h"
#include "ul-record-seals.h"

#include <gio/gio.h>
#include <string.h>

/* 'USLG': marks a database as ours, so we never migrate someone else's file */
#define UL_APPLICATION_ID 0x55534c47

GResource *ul_db_get_resource (void);

static const char *const migrations[] = {
  "/org/usbledger/db/0001-initial.sql",
  "/org/usbledger/db/0002-audit-chain.sql",
  "/org/usbledger/db/0003-session-files.sql",
  "/org/usbledger/db/0004-erasures.sql",
  "/org/usbledger/db/0005-outside-changes.sql",
  "/org/usbledger/db/0006-evidence.sql",
  "/org/usbledger/db/0007-card-readers.sql",
  "/org/usbledger/db/0008-ledger.sql",
  "/org/usbledger/db/0009-record-seals.sql",
  "/org/usbledger/db/0010-session-totals.sql",
  "/org/usbledger/db/0011-reason-codes.sql",
};
G_STATIC_ASSERT (G_N_ELEMENTS (migrations) == UL_STORE_SCHEMA_VERSION);

gboolean
ul_store_set_sqlite_error (UlStore *store, GError **error, const char *what)
{
  g_set_error (error, UL_ERROR, UL_ERROR_DATABASE, "%s: %s (%s)", what,
               sqlite3_errmsg (store->db), sqlite3_errstr (sqlite3_extended_errcode (store->db)));
  return FALSE;
}

sqlite3_stmt *
ul_store_stmt (UlStore *store, const char *sql, GError **error)
{
  sqlite3_stmt *st = g_hash_table_lookup (store->stmts, sql);

  if (st != NULL)
    {
      sqlite3_reset (st);
      sqlite3_clear_bindings (st);
      return st;
    }
  if (sqlite3_prepare_v3 (store->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL) != SQLITE_OK)
    {
      ul_store_set_sqlite_error (store, error, "cannot prepare statement");
      return NULL;
    }
  g_hash_table_insert (store->stmts, (gpointer) sql, st);
  return st;
}

static gboolean
bind_result (UlStore *store, int rc, GError **error)
{
  if (rc == SQLITE_OK)
    return TRUE;
  return ul_store_set_sqlite_error (store, error, "cannot bind a value");
}

gboolean
ul_bind_text (UlStore *store, sqlite3_stmt *st, int idx, const char *v, GError **error)
{
  if (v == NULL)
    return bind_result (store, sqlite3_bind_null (st, idx), error);
  return bind_result (store, sqlite3_bind_text (st, idx, v, -1, SQLITE_TRANSIENT), error);
}

gboolean
ul_bind_int64 (UlStore *store, sqlite3_stmt *st, int idx, gint64 v, GError **error)
{
  return bind_result (store, sqlite3_bind_int64 (st, idx, v), error);
}

gboolean
ul_bind_int64_or_null (UlStore *store, sqlite3_stmt *st, int idx, gint64 v, GError **error)
{
  if (v == 0)
    return bind_result (store, sqlite3_bind_null (st, idx), error);
  return bind_result (store, sqlite3_bind_int64 (st, idx, v), error);
}

gboolean
ul_bind_bytes (UlStore *store, sqlite3_stmt *st, int idx, GBytes *v, GError **error)
{
  gsize len = 0;
  const void *data;

  if (v == NULL)
    return bind_result (store, sqlite3_bind_null (st, idx), error);
  data = g_bytes_get_data (v, &len);
  /* a zero-length blob must stay a blob, not become NULL */
  return bind_result (store, sqlite3_bind_blob64 (st, idx, data ? data : "", len,
                                                  SQLITE_TRANSIENT), error);
}

gboolean
ul_store_step_done (UlStore *store, sqlite3_stmt *st, GError **error)
{
  int rc;

  while ((rc = sqlite3_step (st)) == SQLITE_ROW)
    ;
  if (rc != SQLITE_DONE)
    {
      ul_store_set_sqlite_error (store, error, "cannot write to the logbook");
      sqlite3_reset (st);
      return FALSE;
    }
  sqlite3_reset (st);
  return TRUE;
}

char *
ul_column_text (sqlite3_stmt *st, int col)
{
  if (sqlite3_column_type (st, col) == SQLITE_NULL)
    return NULL;
  return g_strdup ((const char *) sqlite3_column_text (st, col));
}

GBytes *
ul_column_bytes (sqlite3_stmt *st, int col)
{
  const void *data;
  int len;

  if (sqlite3_column_type (st, col) == SQLITE_NULL)
    return NULL;
  data = sqlite3_column_blob (st, col);
  len = sqlite3_column_bytes (st, col);
  return g_bytes_new (data, (gsize) len);
}

/* for PRAGMAs and the migration scripts: fixed SQL, no parameters */
static gboolean
exec_fixed (UlStore *store, const char *sql, GError **error)
{
  char *msg = NULL;

  if (sqlite3_exec (store->db, sql, NULL, NULL, &msg) != SQLITE_OK)
    {
      g_set_error (error, UL_ERROR, UL_ERROR_DATABASE, "%s", msg ? msg : "unknown error");
      sqlite3_free (msg);
      return FALSE;
    }
  return TRUE;
}

static gboolean
query_int (UlStore *store, const char *sql, gint64 *out, GError **error)
{
  sqlite3_stmt *st = ul_store_stmt (store, sql, error);
  int rc;

  if (st == NULL)
    return FALSE;
  rc = sqlite3_step (st);
  if (rc != SQLITE_ROW)
    {
      ul_store_set_sqlite_error (store, error, "cannot read the database");
      sqlite3_reset (st);
      return FALSE;
    }
  *out = sqlite3_column_int64 (st, 0);
  sqlite3_reset (st);
  return TRUE;
}

static gboolean
check_integrity (UlStore *store, GError **error)
{
  sqlite3_stmt *st = ul_store_stmt (store, "PRAGMA quick_check", error);
  g_autofree char *result = NULL;

  if (st == NULL)
    return FALSE;
  if (sqlite3_step (st) != SQLITE_ROW)
    {
      ul_store_set_sqlite_error (store, error, "integrity check failed");
      sqlite3_reset (st);
      return FALSE;
    }
  result = ul_column_text (st, 0);
  sqlite3_reset (st);
  if (g_strcmp0 (result, "ok") != 0)
    {
      g_set_error (error, UL_ERROR, UL_ERROR_DATABASE, "the logbook is corrupt: %s",
                   result ? result : "unknown");
      return FALSE;
    }
  return TRUE;
}

gboolean
ul_store_quick_check (UlStore *store, GError **error)
{
  if (!check_integrity (store, error))
    {
      g_prefix_error (error, "%s: ", store->path);
      return FALSE;
    }
  return TRUE;
}

gboolean
ul_store_begin (UlStore *store, GError **error)
{
  sqlite3_stmt *st = ul_store_stmt (store, "BEGIN IMMEDIATE", error);

  if (st == NULL)
    return FALSE;
  if (!ul_store_step_done (store, st, error))
    return FALSE;
  store->in_transaction = 1;
  return TRUE;
}

gboolean
ul_store_commit (UlStore *store, GError **error)
{
  sqlite3_stmt *st = ul_store_stmt (store, "COMMIT", error);

  if (st == NULL)
    return FALSE;
  if (!ul_store_step_done (store, st, error))
    {
      ul_store_rollback (store);
      return FALSE;
    }
  store->in_transaction = 0;
  return TRUE;
}

void
ul_store_rollback (UlStore *store)
{
  if (sqlite3_get_autocommit (store->db) == 0)
    sqlite3_exec (store->db, "ROLLBACK", NULL, NULL, NULL);
  store->in_transaction = 0;
  /* records folded in what was rolled back: folded again from the logbook */
  g_hash_table_remove_all (store->session_folds);
}

static gboolean
run_migration (UlStore *store, int version, GError **error)
{
  g_autoptr(GBytes) sql = NULL;
  g_autofree char *script = NULL;
  g_autofree char *set_version = NULL;
  gsize len;

  sql = g_resource_lookup_data (ul_db_get_resource (), migrations[version - 1],
                                G_RESOURCE_LOOKUP_FLAGS_NONE, error);
  if (sql == NULL)
    return FALSE;
  script = g_strndup (g_bytes_get_data (sql, &len), g_bytes_get_size (sql));
  /* PRAGMA does not take parameters; the values are our own integers */
  set_version = g_strdup_printf ("PRAGMA user_version = %d; PRAGMA application_id = %d;",
                                 version, UL_APPLICATION_ID);

  if (!ul_store_begin (store, error))
    return FALSE;
  if (!exec_fixed (store, script, error) ||
      (version == 2 && !ul_audit_chain_backfill (store, error)) ||
      (version == 9 && !ul_record_seals_install (store, error)) ||
      (version == 10 && !ul_store_session_totals_install (store, error)) ||
      (version == 11 && !ul_store_request_reasons_install (store, error)) ||
      !exec_fixed (store, set_version, error))
    {
      ul_store_rollback (store);
      g_prefix_error (error, "migration to schema version %d failed: ", version);
      return FALSE;
    }
  return ul_store_commit (store, error);
}

static void
finalize_stmt (gpointer st)
{
  sqlite3_finalize (st);
}

/* @store's connection to @path, with the SQL functions the seal triggers
 * call (ul-record-seals.c) */
static gboolean
open_connection (UlStore *store, const char *path, gboolean create, GError **error)
{
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_NOFOLLOW |
              (create ? SQLITE_OPEN_CREATE : 0);

  store->path = g_strdup (path);
  store->stmts = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, finalize_stmt);
  store->session_folds = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free,
                                                (GDestroyNotify) ul_file_fold_free);
  if (sqlite3_open_v2 (path, &store->db, flags, NULL) != SQLITE_OK)
    {
      g_set_error (error, UL_ERROR, UL_ERROR_DATABASE, "cannot open the logbook %s: %s",
                   path, store->db ? sqlite3_errmsg (store->db) : "out of memory");
      return FALSE;
    }
  sqlite3_extended_result_codes (store->db, 1);
  return ul_record_seals_register (store->db, error);
}

UlStore *
ul_store_open (const char *path, GError **error)
{
  g_autoptr(UlStore) store = g_new0 (UlStore, 1);
  gboolean exists = g_file_test (path, G_FILE_TEST_EXISTS);
  gint64 version = 0, app_id = 0, n_objects = 0;
  g_autofree char *mode = NULL;
  sqlite3_stmt *st;

  if (!open_connection (store, path, !exists, error))
    return NULL;
  if (sqlite3_db_readonly (store->db, "main") == 1)
    {
      g_set_error (error, UL_ERROR, UL_ERROR_DATABASE,
                   "the logbook %s is read-only; usbledgerd must be able to record every "
                   "event, so it will not start", path);
      return NULL;
    }

  /* read before anything writes: a corrupt or foreign file fails here untouched */
  if (!query_int (store, "PRAGMA user_version", &version, error) ||
      !query_int (store, "PRAGMA application_id", &app_id, error) ||
      !query_int (store, "SELECT count(*) FROM sqlite_schema", &n_objects, error))
    {
      g_prefix_error (error, "%s is not a readable logbook: ", path);
      return NULL;
    }
  if (version == 0 && n_objects > 0)
    {
      g_set_error (error, UL_ERROR, UL_ERROR_DATABASE,
                   "%s holds tables but is not a usbledger logbook", path);
      return NULL;
    }
  if (version > 0 && app_id != UL_APPLICATION_ID)
    {
      g_set_error (error, UL_ERROR, UL_ERROR_DATABASE,
                   "%s is not a usbledger logbook (application id %" G_GINT64_FORMAT ")",
                   path, app_id);
      return NULL;
    }
  if (version > UL_STORE_SCHEMA_VERSION)
    {
      g_set_error (error, UL_ERROR, UL_ERROR_DATABASE,
                   "%s has schema version %" G_GINT64_FORMAT ", newer than this usbledger "
                   "(%d); install the newer version", path, version, UL_STORE_SCHEMA_VERSION);
      return NULL;
    }
  /* before a migration rewrites it, the whole file is checked; otherwise
   * the check runs after start (ul_store_quick_check on a connection of its
   * own: on five years of records it takes longer than systemd waits for a
   * start), and a corrupt page found then is an incident */
  if (version > 0 && version < UL_STORE_SCHEMA_VERSION && !check_integrity (store, error))
    {
      g_prefix_error (error, "%s: ", path);
      return NULL;
    }

  st = ul_store_stmt (store, "PRAGMA journal_mode = WAL", error);
  if (st == NULL || sqlite3_step (st) != SQLITE_ROW)
    {
      if (st != NULL)
        ul_store_set_sqlite_error (store, error, "cannot switch to WAL");
      return NULL;
    }
  mode = ul_column_text (st, 0);
  sqlite3_reset (st);
  if (g_strcmp0 (mode, "wal") != 0)
    {
      g_set_error (error, UL_ERROR, UL_ERROR_DATABASE,
                   "%s: cannot use write-ahead logging (journal mode %s)", path, mode);
      return NULL;
    }
  /* NORMAL in WAL mode: a committed event survives a crash of the daemon;
   * only a power cut may lose the last transactions before a checkpoint */
  /* checkpoints are run by ul_store_checkpoint() when the daemon is idle,
   * not by whichever commit crosses the threshold on a plug-in's path;
   * a 512 KiB page cache (default 2 MiB): the logbook is written at its
   * end and read through indexes, and the kernel caches the file anyway,
   * so a bigger one only grows the daemon's resident memory; temporary
   * tables (a month's ledger's sessions) in memory, never a file */
  if (!exec_fixed (store, "PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL; "
                          "PRAGMA busy_timeout = 5000; PRAGMA trusted_schema = OFF; "
                          "PRAGMA wal_autocheckpoint = 0; PRAGMA cache_size = -512; "
                          "PRAGMA temp_store = MEMORY;", error))
    return NULL;

  for (int v = (int) version + 1; v <= UL_STORE_SCHEMA_VERSION; v++)
    {
      if (!run_migration (store, v, error))
        return NULL;
      store->migrated = version > 0;
    }

  /* prove we can write (lock, WAL file) now rather than on the first plug */
  if (!ul_store_begin (store, error) || !ul_store_commit (store, error))
    {
      g_prefix_error (error, "the logbook %s is not writable: ", path);
      return NULL;
    }
  return g_steal_pointer (&store);
}

/* a logbook of this schema, for checking only: no migration, no write
 * (query_only), a connection of its own beside the daemon's */
UlStore *
ul_store_open_for_check (const char *path, GError **error)
{
  g_autoptr(UlStore) store = g_new0 (UlStore, 1);
  gint64 version = 0, app_id = 0;

  if (!open_connection (store, path, FALSE, error))
    return NULL;
  if (!exec_fixed (store, "PRAGMA query_only = ON; PRAGMA busy_timeout = 5000; "
                          "PRAGMA trusted_schema = OFF;", error) ||
      !query_int (store, "PRAGMA user_version", &version, error) ||
      !query_int (store, "PRAGMA application_id", &app_id, error))
    {
      g_prefix_error (error, "%s is not a readable logbook: ", path);
      return NULL;
    }
  if (app_id != UL_APPLICATION_ID || version != UL_STORE_SCHEMA_VERSION)
    {
      g_set_error (error, UL_ERROR, UL_ERROR_DATABASE,
                   "%s is not a usbledger logbook of schema version %d (application id %"
                   G_GINT64_FORMAT ", version %" G_GINT64_FORMAT "); a logbook of an older "
                   "version is checked after usbledgerd has opened it once",
                   path, UL_STORE_SCHEMA_VERSION, app_id, version);
      return NULL;
    }
  return g_steal_pointer (&store);
}

const char *
ul_store_get_path (UlStore *store)
{
  return store->path;
}

gboolean
ul_store_was_migrated (UlStore *store)
{
  return store->migrated;
}

gboolean
ul_store_checkpoint (UlStore *store, GError **error)
{
  int rc = sqlite3_wal_checkpoint_v2 (store->db, NULL, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);

  if (rc != SQLITE_OK && rc != SQLITE_BUSY)
    return ul_store_set_sqlite_error (store, error, "cannot checkpoint the logbook");
  return TRUE;
}

void
ul_store_free (UlStore *store)
{
  if (store == NULL)
    return;
  if (store->stmts != NULL)
    g_hash_table_destroy (store->stmts);
  g_clear_pointer (&store->session_folds, g_hash_table_destroy);
  if (store->db != NULL)
    sqlite3_close (store->db);
  g_free (store->path);
  g_free (store);
}

int
ul_store_schema_version (UlStore *store)
{
  gint64 v = 0;

  if (!query_int (store, "PRAGMA user_version", &v, NULL))
    return -1;
  return (int) v;
}
