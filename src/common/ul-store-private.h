/* ul-store-private.h: what the ul-store-*.c files share */
#pragma once

#include <sqlite3.h>

#include "ul-file-fold.h"
#include "ul-store.h"

struct _UlStore {
  sqlite3 *db;
  char *path;
  GHashTable *stmts;      /* SQL text -> sqlite3_stmt*, prepared once */
  int in_transaction;
  gboolean migrated;      /* a migration ran when it was opened */
  /* the file records of the sessions written to, folded, to keep each
   * session's totals in its row: &session_id -> UlFileFold */
  GHashTable *session_folds;
};

/* a prepared, reset statement for @sql; owned by the store */
sqlite3_stmt *ul_store_stmt (UlStore *store, const char *sql, GError **error);
gboolean ul_store_set_sqlite_error (UlStore *store, GError **error, const char *what);

/* binding helpers: each checks sqlite3_bind_*'s result */
gboolean ul_bind_text (UlStore *store, sqlite3_stmt *st, int idx, const char *v, GError **error);
gboolean ul_bind_int64 (UlStore *store, sqlite3_stmt *st, int idx, gint64 v, GError **error);
/* binds NULL for 0 (our "none" for ids and optional times) */
gboolean ul_bind_int64_or_null (UlStore *store, sqlite3_stmt *st, int idx, gint64 v,
                                GError **error);
gboolean ul_bind_bytes (UlStore *store, sqlite3_stmt *st, int idx, GBytes *v, GError **error);

/* runs a statement that returns no rows (or whose rows are ignored) */
gboolean ul_store_step_done (UlStore *store, sqlite3_stmt *st, GError **error);

char *ul_column_text (sqlite3_stmt *st, int col);
GBytes *ul_column_bytes (sqlite3_stmt *st, int col);

/* ul-store-session-totals.c: a session's totals follow its file records.
 * _load before a record's insert (the fold must not read the record from
 * the logbook), _add after it; _forget when the session ends */
gboolean ul_store_session_totals_load (UlStore *store, gint64 session_id, GError **error);
gboolean ul_store_session_totals_add (UlStore *store, const UlFileRecord *f, GError **error);
void ul_store_session_totals_forget (UlStore *store, gint64 session_id);
/* migration 10: every session's totals folded from its records */
gboolean ul_store_session_totals_install (UlStore *store, GError **error);
/* folds one row of UL_FOLD_COLUMNS, read from column @col on */
#define UL_FOLD_COLUMNS "action, path, size, sha256, status, source"
void ul_store_fold_file_row (UlFileFold *fold, sqlite3_stmt *st, int col);

/* ul-audit-chain.c */
char *ul_audit_chain_hash (const UlEvent *ev, const char *prev_hash);
gboolean ul_audit_chain_backfill (UlStore *store, GError **error);
