/* ul-record-seals.h: the record tables bound into a chain of seals
 * (schema version 9; the canonical forms are in docs/design.md) */
#pragma once

#include <glib.h>
#include <sqlite3.h>

#include "ul-store.h"

G_BEGIN_DECLS

/* the SQL functions the seal triggers call, ul_row_digest() and
 * ul_seal_hash(), on @db: every connection that writes a record table needs
 * them (usbledger's own; the plain sqlite3 shell has none, so its writes to
 * a record table fail while the triggers are there) */
gboolean ul_record_seals_register (sqlite3 *db, GError **error);

/* migration 9: the triggers, and a seal for every row already there */
gboolean ul_record_seals_install (UlStore *store, GError **error);

/* a migration that changed @table's columns: its triggers made again from
 * them (the migration then seals each row again in the new form) */
gboolean ul_record_seals_remake_triggers (UlStore *store, const char *table, GError **error);

/* the seals' chain, seal by seal: ids without a gap, each hash computed
 * again; names the first seal that differs */
gboolean ul_store_verify_seal_chain (UlStore *store, guint64 *n_seals, GError **error);

/* every row of every record table against its last seal; names the first
 * row changed, inserted or removed outside usbledgerd */
gboolean ul_store_verify_records (UlStore *store, guint64 *n_rows, GError **error);

/* the last seal (0 and NULL: none yet), and one seal's hash (NULL: no such seal) */
gboolean ul_store_seal_head (UlStore *store, gint64 *id, char **hash, GError **error);
gboolean ul_store_seal_hash (UlStore *store, gint64 id, char **hash, GError **error);

/* the row seal @id names (NULL and 0: no such seal) */
gboolean ul_store_seal_row (UlStore *store, gint64 id, char **table, gint64 *row_id,
                            GError **error);

G_END_DECLS
