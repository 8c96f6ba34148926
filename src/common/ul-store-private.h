/* ul-store-private.h: what the ul-store-*.c files share */
#pragma once

#include <sqlite3.h>

#include "ul-store.h"

struct _UlStore {
  sqlite3 *db;
  char *path;
  GHashTable *stmts;      /* SQL text -> sqlite3_stmt*, prepared once */
  int in_transaction;
  gboolean migrated;      /* a migration ran when it was opened */
  /* open sessions' distinct file paths, as 64-bit hashes, to keep
   * sessions.files without counting: &session_id -> set of &hash */
  GHashTable *session_paths;
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

/* ul-audit-chain.c */
char *ul_audit_chain_hash (const UlEvent *ev, const char *prev_hash);
gboolean ul_audit_chain_backfill (UlStore *store, GError **error);
