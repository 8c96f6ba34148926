/* ul-record-seals.c: every change of a record row leaves a seal, chained
 * (requirement L1, issue 10 item 7).
 *
 * The event chain shows that no event was changed; the rows the events
 * describe (sessions, file records, requests, media ...) need the same, or
 * an editor changes sessions.user_name and the log still verifies. A seal is
 * written by a trigger in the same statement as the change, so no write path
 * of the daemon can forget one: the SHA-256 of the row as it is after the
 * change, chained to the previous seal's hash. A row that differs from its
 * last seal was changed outside usbledgerd; a row without a seal was
 * inserted; a sealed row that is gone was removed. An editor who also
 * writes seals, and computes the chain again, is caught by the signed
 * checkpoints, which carry the seals' head (ul-checkpoints.c).
 *
 * Canonical forms (docs/design.md), so anyone can compute them again:
 *   row:  "usbledger-row-v1\n" TEXT(table) TEXT(rowid) then, for each column
 *         in table order, TEXT(name) VALUE; the digest is SHA-256 of it.
 *   seal: SHA-256 over the previous seal's hash (32 bytes, zeros for the
 *         first), then "usbledger-seal-v1\n" TEXT(table) TEXT(rowid) TEXT(op)
 *         and TEXT(digest in hex), or "-\n" after a delete.
 *   TEXT(x) is its byte length in decimal, ':', the bytes, '\n'. VALUE is
 *   "-\n" for NULL, else one letter (i integer, r real as %.17g, t text,
 *   b blob) followed by TEXT of its decimal or its bytes. */
#include "ul-record-seals.h"
#include "ul-store-private.h"
#include "ul-error.h"

#include <string.h>

#define DIGEST_LEN 32

/* the record tables, in the order they are checked; events have their own
 * chain (ul-audit-chain.c), record_seals is the chain itself */
static const char *const sealed_tables[] = {
  "media", "media_users", "devices_seen", "requests", "sessions", "session_mounts",
  "session_files", "session_seat_changes", "erasures", "certificates", "disposals",
  "medium_manifests", "signing_keys", "ledger_exports",
};

/* -- canonical forms ----------------------------------------------------- */

static void
put_bytes (GChecksum *sum, const void *p, gsize n)
{
  char head[32];

  g_snprintf (head, sizeof head, "%" G_GSIZE_FORMAT ":", n);
  g_checksum_update (sum, (const guchar *) head, -1);
  if (n > 0)
    g_checksum_update (sum, p, n);
  g_checksum_update (sum, (const guchar *) "\n", 1);
}

static void
put_text (GChecksum *sum, const char *s)
{
  put_bytes (sum, s, strlen (s));
}

static void
put_int (GChecksum *sum, gint64 v)
{
  char t[32];

  g_snprintf (t, sizeof t, "%" G_GINT64_FORMAT, v);
  put_text (sum, t);
}

/* one column's value, however SQLite gave it */
typedef struct {
  int type;
  gint64 i;
  double r;
  const void *p;
  gsize n;
} Cell;

static void
put_cell (GChecksum *sum, const Cell *c)
{
  char t[40];

  switch (c->type)
    {
    case SQLITE_INTEGER:
      g_checksum_update (sum, (const guchar *) "i", 1);
      put_int (sum, c->i);
      break;
    case SQLITE_FLOAT:
      g_checksum_update (sum, (const guchar *) "r", 1);
      g_snprintf (t, sizeof t, "%.17g", c->r);
      put_text (sum, t);
      break;
    case SQLITE_TEXT:
      g_checksum_update (sum, (const guchar *) "t", 1);
      put_bytes (sum, c->p, c->n);
      break;
    case SQLITE_BLOB:
      g_checksum_update (sum, (const guchar *) "b", 1);
      put_bytes (sum, c->p, c->n);
      break;
    default:
      g_checksum_update (sum, (const guchar *) "-\n", 2);
      break;
    }
}

static void
cell_from_value (Cell *c, sqlite3_value *v)
{
  c->type = sqlite3_value_type (v);
  if (c->type == SQLITE_INTEGER)
    c->i = sqlite3_value_int64 (v);
  else if (c->type == SQLITE_FLOAT)
    c->r = sqlite3_value_double (v);
  else if (c->type == SQLITE_TEXT)
    {
      c->p = sqlite3_value_text (v);
      c->n = (gsize) sqlite3_value_bytes (v);
    }
  else if (c->type == SQLITE_BLOB)
    {
      c->p = sqlite3_value_blob (v);
      c->n = (gsize) sqlite3_value_bytes (v);
    }
}

static void
cell_from_column (Cell *c, sqlite3_stmt *st, int col)
{
  c->type = sqlite3_column_type (st, col);
  if (c->type == SQLITE_INTEGER)
    c->i = sqlite3_column_int64 (st, col);
  else if (c->type == SQLITE_FLOAT)
    c->r = sqlite3_column_double (st, col);
  else if (c->type == SQLITE_TEXT)
    {
      c->p = sqlite3_column_text (st, col);
      c->n = (gsize) sqlite3_column_bytes (st, col);
    }
  else if (c->type == SQLITE_BLOB)
    {
      c->p = sqlite3_column_blob (st, col);
      c->n = (gsize) sqlite3_column_bytes (st, col);
    }
}

static void
row_begin (GChecksum *sum, const char *table, gint64 rowid)
{
  g_checksum_reset (sum);
  g_checksum_update (sum, (const guchar *) "usbledger-row-v1\n", -1);
  put_text (sum, table);
  put_int (sum, rowid);
}

/* the row that @st (SELECT rowid, * ...) stands on */
static void
row_digest_of_stmt (GChecksum *sum, const char *table, sqlite3_stmt *st,
                    guint8 out[DIGEST_LEN])
{
  gsize len = DIGEST_LEN;
  int n = sqlite3_column_count (st);

  row_begin (sum, table, sqlite3_column_int64 (st, 0));
  for (int col = 1; col < n; col++)
    {
      Cell c = { 0 };

      put_text (sum, sqlite3_column_name (st, col));
      cell_from_column (&c, st, col);
      put_cell (sum, &c);
    }
  g_checksum_get_digest (sum, out, &len);
}

static void
seal_hash (GChecksum *sum, const guint8 *prev, const char *table, gint64 row_id,
           const char *op, const guint8 *digest, guint8 out[DIGEST_LEN])
{
  static const guint8 genesis[DIGEST_LEN] = { 0 };
  gsize len = DIGEST_LEN;

  g_checksum_reset (sum);
  g_checksum_update (sum, prev != NULL ? prev : genesis, DIGEST_LEN);
  g_checksum_update (sum, (const guchar *) "usbledger-seal-v1\n", -1);
  put_text (sum, table);
  put_int (sum, row_id);
  put_text (sum, op);
  if (digest != NULL)
    {
      char hex[DIGEST_LEN * 2 + 1];

      for (int i = 0; i < DIGEST_LEN; i++)
        g_snprintf (hex + 2 * i, 3, "%02x", digest[i]);
      put_text (sum, hex);
    }
  else
    g_checksum_update (sum, (const guchar *) "-\n", 2);
  g_checksum_get_digest (sum, out, &len);
}

static char *
to_hex (const guint8 *p, gsize n)
{
  char *s = g_malloc (2 * n + 1);

  for (gsize i = 0; i < n; i++)
    g_snprintf (s + 2 * i, 3, "%02x", p[i]);
  return s;
}

/* -- the SQL functions the triggers call ---------------------------------- */

/* ul_row_digest(table, rowid, name1, value1, name2, value2, ...) */
static void
sql_row_digest (sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
  g_autoptr(GChecksum) sum = NULL;
  guint8 out[DIGEST_LEN];
  gsize len = DIGEST_LEN;

  if (argc < 2 || argc % 2 != 0 || sqlite3_value_type (argv[0]) != SQLITE_TEXT ||
      sqlite3_value_type (argv[1]) != SQLITE_INTEGER)
    {
      sqlite3_result_error (ctx, "ul_row_digest(table, rowid, name, value, ...)", -1);
      return;
    }
  sum = g_checksum_new (G_CHECKSUM_SHA256);
  row_begin (sum, (const char *) sqlite3_value_text (argv[0]), sqlite3_value_int64 (argv[1]));
  for (int i = 2; i < argc; i += 2)
    {
      Cell c = { 0 };

      put_text (sum, (const char *) sqlite3_value_text (argv[i]));
      cell_from_value (&c, argv[i + 1]);
      put_cell (sum, &c);
    }
  g_checksum_get_digest (sum, out, &len);
  sqlite3_result_blob (ctx, out, DIGEST_LEN, SQLITE_TRANSIENT);
}

static gboolean
is_digest (sqlite3_value *v)
{
  return sqlite3_value_type (v) == SQLITE_BLOB && sqlite3_value_bytes (v) == DIGEST_LEN;
}

/* ul_seal_hash(prev hash or NULL, table, rowid, op, digest or NULL) */
static void
sql_seal_hash (sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
  g_autoptr(GChecksum) sum = NULL;
  guint8 out[DIGEST_LEN];

  if (argc != 5 || !(sqlite3_value_type (argv[0]) == SQLITE_NULL || is_digest (argv[0])) ||
      sqlite3_value_type (argv[1]) != SQLITE_TEXT ||
      sqlite3_value_type (argv[2]) != SQLITE_INTEGER ||
      sqlite3_value_type (argv[3]) != SQLITE_TEXT ||
      !(sqlite3_value_type (argv[4]) == SQLITE_NULL || is_digest (argv[4])))
    {
      sqlite3_result_error (ctx, "ul_seal_hash(prev, table, rowid, op, digest)", -1);
      return;
    }
  sum = g_checksum_new (G_CHECKSUM_SHA256);
  seal_hash (sum, sqlite3_value_type (argv[0]) == SQLITE_NULL ? NULL : sqlite3_value_blob (argv[0]),
             (const char *) sqlite3_value_text (argv[1]), sqlite3_value_int64 (argv[2]),
             (const char *) sqlite3_value_text (argv[3]),
             sqlite3_value_type (argv[4]) == SQLITE_NULL ? NULL : sqlite3_value_blob (argv[4]),
             out);
  sqlite3_result_blob (ctx, out, DIGEST_LEN, SQLITE_TRANSIENT);
}

gboolean
ul_record_seals_register (sqlite3 *db, GError **error)
{
  /* innocuous: the triggers call them, and the logbook runs with
   * trusted_schema off; deterministic: they only hash their arguments */
  int flags = SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS;

  if (sqlite3_create_function (db, "ul_row_digest", -1, flags, NULL, sql_row_digest, NULL,
                               NULL) != SQLITE_OK ||
      sqlite3_create_function (db, "ul_seal_hash", 5, flags, NULL, sql_seal_hash, NULL,
                               NULL) != SQLITE_OK)
    {
      g_set_error (error, UL_ERROR, UL_ERROR_DATABASE, "cannot add the seal functions: %s",
                   sqlite3_errmsg (db));
      return FALSE;
    }
  return TRUE;
}

/* -- the triggers, made from each table's columns ------------------------- */

static GPtrArray *
table_columns (UlStore *store, const char *table, GError **error)
{
  g_autoptr(GPtrArray) cols = g_ptr_array_new_with_free_func (g_free);
  sqlite3_stmt *st = ul_store_stmt (store, "SELECT name FROM pragma_table_info(?1) ORDER BY cid",
                                    error);
  int rc;

  if (st == NULL || !ul_bind_text (store, st, 1, table, error))
    return NULL;
  while ((rc = sqlite3_step (st)) == SQLITE_ROW)
    {
      const char *name = (const char *) sqlite3_column_text (st, 0);

      /* the names go into the trigger's SQL: ours are plain identifiers */
      if (name == NULL || name[0] == '\0' ||
          strspn (name, "abcdefghijklmnopqrstuvwxyz_0123456789") != strlen (name))
        {
          sqlite3_reset (st);
          g_set_error (error, UL_ERROR, UL_ERROR_DATABASE, "table %s has a column named "
                       "unexpectedly", table);
          return NULL;
        }
      g_ptr_array_add (cols, g_strdup (name));
    }
  sqlite3_reset (st);
  if (rc != SQLITE_DONE)
    {
      ul_store_set_sqlite_error (store, error, "cannot read a table's columns");
      return NULL;
    }
  if (cols->len == 0)
    {
      g_set_error (error, UL_ERROR, UL_ERROR_DATABASE, "table %s is missing", table);
      return NULL;
    }
  return g_steal_pointer (&cols);
}

/* INSERT of one seal, for the row @which (NEW or OLD) */
static void
append_seal_insert (GString *sql, const char *table, const char *which, const char *op,
                    GPtrArray *cols)
{
  g_string_append_printf (sql, "INSERT INTO record_seals (tbl, row_id, op, digest, hash) "
                          "SELECT '%s', %s.rowid, '%s', d.v, ul_seal_hash("
                          "(SELECT hash FROM record_seals ORDER BY id DESC LIMIT 1), "
                          "'%s', %s.rowid, '%s', d.v) FROM (SELECT ",
                          table, which, op, table, which, op);
  if (cols == NULL)
    g_string_append (sql, "NULL");
  else
    {
      g_string_append_printf (sql, "ul_row_digest('%s', %s.rowid", table, which);
      for (guint i = 0; i < cols->len; i++)
        g_string_append_printf (sql, ", '%s', %s.%s", (char *) cols->pdata[i], which,
                                (char *) cols->pdata[i]);
      g_string_append (sql, ")");
    }
  g_string_append (sql, " AS v) AS d;");
}

static gboolean
exec_sql (UlStore *store, const char *sql, GError **error)
{
  char *msg = NULL;

  if (sqlite3_exec (store->db, sql, NULL, NULL, &msg) != SQLITE_OK)
    {
      g_set_error (error, UL_ERROR, UL_ERROR_DATABASE, "cannot make the seal triggers: %s",
                   msg ? msg : "unknown error");
      sqlite3_free (msg);
      return FALSE;
    }
  return TRUE;
}

static gboolean
install_triggers (UlStore *store, const char *table, GError **error)
{
  g_autoptr(GPtrArray) cols = table_columns (store, table, error);
  g_autoptr(GString) sql = g_string_new (NULL);

  if (cols == NULL)
    return FALSE;
  g_string_append_printf (sql,
                          "DROP TRIGGER IF EXISTS %1$s_seal_insert; "
                          "DROP TRIGGER IF EXISTS %1$s_seal_update; "
                          "DROP TRIGGER IF EXISTS %1$s_seal_renumber; "
                          "DROP TRIGGER IF EXISTS %1$s_seal_delete; ", table);
  g_string_append_printf (sql, "CREATE TRIGGER %s_seal_insert AFTER INSERT ON %s BEGIN ",
                          table, table);
  append_seal_insert (sql, table, "NEW", "insert", cols);
  g_string_append (sql, " END; ");
  g_string_append_printf (sql, "CREATE TRIGGER %s_seal_update AFTER UPDATE ON %s BEGIN ",
                          table, table);
  append_seal_insert (sql, table, "NEW", "update", cols);
  g_string_append (sql, " END; ");
  /* a row given another id: the old id is gone */
  g_string_append_printf (sql, "CREATE TRIGGER %s_seal_renumber AFTER UPDATE ON %s "
                          "WHEN OLD.rowid <> NEW.rowid BEGIN ", table, table);
  append_seal_insert (sql, table, "OLD", "delete", NULL);
  g_string_append (sql, " END; ");
  g_string_append_printf (sql, "CREATE TRIGGER %s_seal_delete AFTER DELETE ON %s BEGIN ",
                          table, table);
  append_seal_insert (sql, table, "OLD", "delete", NULL);
  g_string_append (sql, " END;");
  return exec_sql (store, sql->str, error);
}

/* the rows written before schema 9 get their first seal, table by table */
static gboolean
seal_existing_rows (UlStore *store, GError **error)
{
  g_autoptr(GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);
  guint8 prev[DIGEST_LEN];
  gboolean have_prev = FALSE;

  for (guint t = 0; t < G_N_ELEMENTS (sealed_tables); t++)
    {
      g_autofree char *select = g_strdup_printf ("SELECT rowid, * FROM %s ORDER BY rowid",
                                                 sealed_tables[t]);
      sqlite3_stmt *st = NULL;
      sqlite3_stmt *ins;
      int rc;

      ins = ul_store_stmt (store, "INSERT INTO record_seals (tbl, row_id, op, digest, hash) "
                                  "VALUES (?1, ?2, 'insert', ?3, ?4)", error);
      if (ins == NULL)
        return FALSE;
      if (sqlite3_prepare_v2 (store->db, select, -1, &st, NULL) != SQLITE_OK)
        return ul_store_set_sqlite_error (store, error, "cannot read a record table");
      while ((rc = sqlite3_step (st)) == SQLITE_ROW)
        {
          guint8 digest[DIGEST_LEN], hash[DIGEST_LEN];
          gint64 rowid = sqlite3_column_int64 (st, 0);

          row_digest_of_stmt (sum, sealed_tables[t], st, digest);
          seal_hash (sum, have_prev ? prev : NULL, sealed_tables[t], rowid, "insert", digest,
                     hash);
          if (sqlite3_bind_text (ins, 1, sealed_tables[t], -1, SQLITE_STATIC) != SQLITE_OK ||
              sqlite3_bind_int64 (ins, 2, rowid) != SQLITE_OK ||
              sqlite3_bind_blob (ins, 3, digest, DIGEST_LEN, SQLITE_TRANSIENT) != SQLITE_OK ||
              sqlite3_bind_blob (ins, 4, hash, DIGEST_LEN, SQLITE_TRANSIENT) != SQLITE_OK ||
              !ul_store_step_done (store, ins, error))
            {
              sqlite3_finalize (st);
              if (error != NULL && *error == NULL)
                ul_store_set_sqlite_error (store, error, "cannot write a seal");
              return FALSE;
            }
          memcpy (prev, hash, DIGEST_LEN);
          have_prev = TRUE;
        }
      sqlite3_finalize (st);
      if (rc != SQLITE_DONE)
        return ul_store_set_sqlite_error (store, error, "cannot read a record table");
    }
  return TRUE;
}

gboolean
ul_record_seals_install (UlStore *store, GError **error)
{
  /* seals first, then the triggers: the backfill's own inserts are seals */
  if (!seal_existing_rows (store, error))
    return FALSE;
  for (guint t = 0; t < G_N_ELEMENTS (sealed_tables); t++)
    if (!install_triggers (store, sealed_tables[t], error))
      return FALSE;
  return TRUE;
}

gboolean
ul_record_seals_remake_triggers (UlStore *store, const char *table, GError **error)
{
  for (guint t = 0; t < G_N_ELEMENTS (sealed_tables); t++)
    if (g_str_equal (sealed_tables[t], table))
      return install_triggers (store, table, error);
  g_set_error (error, UL_ERROR, UL_ERROR_INVALID_ARGUMENT, "%s is not a record table", table);
  return FALSE;
}

/* -- checking ------------------------------------------------------------- */

static gboolean
seal_fail (sqlite3_stmt *st, GError **error, gint64 id, const char *why)
{
  sqlite3_reset (st);
  g_set_error (error, UL_ERROR, UL_ERROR_BAD_STATE, "record seal %" G_GINT64_FORMAT " %s",
               id, why);
  return FALSE;
}

gboolean
ul_store_verify_seal_chain (UlStore *store, guint64 *n_seals, GError **error)
{
  g_autoptr(GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);
  sqlite3_stmt *st = ul_store_stmt (store, "SELECT id, tbl, row_id, op, digest, hash "
                                           "FROM record_seals ORDER BY id", error);
  guint8 prev[DIGEST_LEN];
  gint64 expected = 1;
  int rc;

  if (st == NULL)
    return FALSE;
  while ((rc = sqlite3_step (st)) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (st, 0);
      const char *tbl = (const char *) sqlite3_column_text (st, 1);
      const char *op = (const char *) sqlite3_column_text (st, 3);
      gboolean has_digest = sqlite3_column_type (st, 4) != SQLITE_NULL;
      const guint8 *digest = sqlite3_column_blob (st, 4);
      int digest_len = sqlite3_column_bytes (st, 4);
      const guint8 *hash = sqlite3_column_blob (st, 5);
      int hash_len = sqlite3_column_bytes (st, 5);
      guint8 want[DIGEST_LEN];

      if (id != expected)
        return seal_fail (st, error, expected, "is missing: the seals were edited");
      if (tbl == NULL || op == NULL || (has_digest && digest_len != DIGEST_LEN) ||
          hash_len != DIGEST_LEN || g_str_equal (op, "delete") == has_digest)
        return seal_fail (st, error, id, "is malformed: the seals were edited");
      seal_hash (sum, id > 1 ? prev : NULL, tbl, sqlite3_column_int64 (st, 2), op,
                 has_digest ? digest : NULL, want);
      if (memcmp (want, hash, DIGEST_LEN) != 0)
        {
          gint64 row_id = sqlite3_column_int64 (st, 2);
          g_autofree char *why = g_strdup_printf ("does not match its hash: the seals were "
                                                  "edited (it names %s row %" G_GINT64_FORMAT
                                                  ")", tbl, row_id);

          return seal_fail (st, error, id, why);
        }
      memcpy (prev, hash, DIGEST_LEN);
      expected++;
    }
  sqlite3_reset (st);
  if (rc != SQLITE_DONE)
    return ul_store_set_sqlite_error (store, error, "cannot read the record seals");
  if (n_seals != NULL)
    *n_seals = (guint64) (expected - 1);
  return TRUE;
}

/* one table's rows (by rowid) beside their last seals (by rowid) */
static gboolean
verify_table (UlStore *store, const char *table, GChecksum *sum, guint64 *n_rows,
              GError **error)
{
  g_autofree char *select = g_strdup_printf ("SELECT rowid, * FROM %s ORDER BY rowid", table);
  sqlite3_stmt *seals = ul_store_stmt (store, "SELECT row_id, max(id), op, digest "
                                              "FROM record_seals WHERE tbl = ?1 "
                                              "GROUP BY row_id ORDER BY row_id", error);
  sqlite3_stmt *rows = NULL;
  gboolean have_row, have_seal;
  int rc_row, rc_seal;
  g_autofree char *problem = NULL;

  if (seals == NULL || !ul_bind_text (store, seals, 1, table, error))
    return FALSE;
  if (sqlite3_prepare_v2 (store->db, select, -1, &rows, NULL) != SQLITE_OK)
    {
      sqlite3_reset (seals);
      return ul_store_set_sqlite_error (store, error, "cannot read a record table");
    }
  rc_row = sqlite3_step (rows);
  rc_seal = sqlite3_step (seals);
  while (problem == NULL)
    {
      gint64 row_id, seal_row_id, seal_id;

      have_row = rc_row == SQLITE_ROW;
      have_seal = rc_seal == SQLITE_ROW;
      if (!have_row && !have_seal)
        break;
      row_id = have_row ? sqlite3_column_int64 (rows, 0) : G_MAXINT64;
      seal_row_id = have_seal ? sqlite3_column_int64 (seals, 0) : G_MAXINT64;
      seal_id = have_seal ? sqlite3_column_int64 (seals, 1) : 0;
      if (have_row && (!have_seal || row_id < seal_row_id))
        problem = g_strdup_printf ("%s row %" G_GINT64_FORMAT " was inserted outside "
                                   "usbledgerd: it has no seal", table, row_id);
      else if (have_seal && (!have_row || seal_row_id < row_id))
        {
          if (sqlite3_column_type (seals, 3) != SQLITE_NULL)
            problem = g_strdup_printf ("%s row %" G_GINT64_FORMAT " was removed outside "
                                       "usbledgerd: record seal %" G_GINT64_FORMAT
                                       " recorded it", table, seal_row_id, seal_id);
          rc_seal = sqlite3_step (seals);
        }
      else
        {
          guint8 digest[DIGEST_LEN];

          row_digest_of_stmt (sum, table, rows, digest);
          if (sqlite3_column_type (seals, 3) == SQLITE_NULL)
            problem = g_strdup_printf ("%s row %" G_GINT64_FORMAT " was inserted outside "
                                       "usbledgerd: record seal %" G_GINT64_FORMAT
                                       " recorded its removal", table, row_id, seal_id);
          else if (sqlite3_column_bytes (seals, 3) != DIGEST_LEN ||
                   memcmp (sqlite3_column_blob (seals, 3), digest, DIGEST_LEN) != 0)
            problem = g_strdup_printf ("%s row %" G_GINT64_FORMAT " was changed outside "
                                       "usbledgerd: it differs from its last seal, record "
                                       "seal %" G_GINT64_FORMAT, table, row_id, seal_id);
          (*n_rows)++;
          rc_row = sqlite3_step (rows);
          rc_seal = sqlite3_step (seals);
        }
    }
  sqlite3_finalize (rows);
  sqlite3_reset (seals);
  if (problem != NULL)
    {
      g_set_error_literal (error, UL_ERROR, UL_ERROR_BAD_STATE, problem);
      return FALSE;
    }
  if ((rc_row != SQLITE_DONE && rc_row != SQLITE_ROW) ||
      (rc_seal != SQLITE_DONE && rc_seal != SQLITE_ROW))
    return ul_store_set_sqlite_error (store, error, "cannot read the records");
  return TRUE;
}

gboolean
ul_store_verify_records (UlStore *store, guint64 *n_rows, GError **error)
{
  g_autoptr(GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);
  guint64 n = 0;

  for (guint t = 0; t < G_N_ELEMENTS (sealed_tables); t++)
    if (!verify_table (store, sealed_tables[t], sum, &n, error))
      return FALSE;
  if (n_rows != NULL)
    *n_rows = n;
  return TRUE;
}

/* -- the head, for checkpoints -------------------------------------------- */

static gboolean
read_seal (UlStore *store, const char *sql, gint64 arg, gint64 *id, char **hash,
           GError **error)
{
  sqlite3_stmt *st = ul_store_stmt (store, sql, error);
  int rc;

  *hash = NULL;
  if (id != NULL)
    *id = 0;
  if (st == NULL || (arg > 0 && !ul_bind_int64 (store, st, 1, arg, error)))
    return FALSE;
  rc = sqlite3_step (st);
  if (rc == SQLITE_ROW && sqlite3_column_bytes (st, 1) == DIGEST_LEN)
    {
      if (id != NULL)
        *id = sqlite3_column_int64 (st, 0);
      *hash = to_hex (sqlite3_column_blob (st, 1), DIGEST_LEN);
    }
  sqlite3_reset (st);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    return ul_store_set_sqlite_error (store, error, "cannot read the record seals");
  return TRUE;
}

gboolean
ul_store_seal_head (UlStore *store, gint64 *id, char **hash, GError **error)
{
  return read_seal (store, "SELECT id, hash FROM record_seals ORDER BY id DESC LIMIT 1", 0, id,
                    hash, error);
}

gboolean
ul_store_seal_hash (UlStore *store, gint64 id, char **hash, GError **error)
{
  return read_seal (store, "SELECT id, hash FROM record_seals WHERE id = ?1", id, NULL, hash,
                    error);
}

gboolean
ul_store_seal_row (UlStore *store, gint64 id, char **table, gint64 *row_id, GError **error)
{
  sqlite3_stmt *st = ul_store_stmt (store, "SELECT tbl, row_id FROM record_seals WHERE id = ?1",
                                    error);
  int rc;

  *table = NULL;
  *row_id = 0;
  if (st == NULL || !ul_bind_int64 (store, st, 1, id, error))
    return FALSE;
  rc = sqlite3_step (st);
  if (rc == SQLITE_ROW)
    {
      *table = ul_column_text (st, 0);
      *row_id = sqlite3_column_int64 (st, 1);
    }
  sqlite3_reset (st);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    return ul_store_set_sqlite_error (store, error, "cannot read the record seals");
  return TRUE;
}
