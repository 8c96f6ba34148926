/* ul-store-ledger.c: the monthly ledger's rows, read from the logbook as it
 * stood at a given moment (as-of), so that the ledger signed at generation
 * can be derived again, byte for byte, to check that the logbook still
 * matches (see ul-ledger.h). */
#include "ul-store-private.h"
#include "ul-canonical-json.h"
#include "ul-error.h"
#include "ul-escape.h"
#include "ul-ledger.h"
#include "ul-rows-writer.h"
#include "ul-time.h"

/* what a city supervisor would call an incident (part 3); the events whose
 * decision is block-suspicious are incidents too */
#define INCIDENT_KINDS \
  "'request-suspicious', 'suspicion-overridden', 'weak-serial-accepted', 'erase-failed', " \
  "'erase-interrupted', 'medium-changed-outside', 'medium-changed-inside', " \
  "'medium-binding-differs', 'medium-disposed', 'authorize-failed', 'records-backlog', " \
  "'driver-aliases-missing', 'policy-reload-failed', 'manifest-not-checked', " \
  "'chain-checkpoint-mismatch', 'logbook-corrupt'"

/* the month's sessions (UL_LEDGER_SESSION_IDS), found once by
 * month_sessions_find: each part reads them, and the three index scans
 * that find them cost more than the rows themselves */
#define MONTH_SESSIONS "temp.ledger_month"

/* the events that are an insertion */
#define INSERTION_KINDS "'device-added', 'device-coldplug', 'card-inserted', 'card-coldplug'"
#define BLOCKING_DECISIONS "'block', 'block-and-request', 'block-suspicious'"

/* a text column as valid UTF-8 (escaped where it is not); NULL for NULL */
static char *
col_str (sqlite3_stmt *st, int col)
{
  const char *text;
  int len;

  if (sqlite3_column_type (st, col) == SQLITE_NULL)
    return NULL;
  text = (const char *) sqlite3_column_text (st, col);
  len = sqlite3_column_bytes (st, col);
  if (g_utf8_validate_len (text, (gsize) len, NULL))
    return g_strndup (text, (gsize) len);
  return ul_escape_bytes ((const guint8 *) text, (gsize) len);
}

/* a blob column (device strings, exactly as the device gave them), escaped */
static char *
col_escaped (sqlite3_stmt *st, int col)
{
  if (sqlite3_column_type (st, col) == SQLITE_NULL)
    return NULL;
  return ul_escape_bytes (sqlite3_column_blob (st, col), (gsize) sqlite3_column_bytes (st, col));
}

/* the entries of a part's row (ul-rows-writer.c: a month's ledger has
 * hundreds of thousands) */
static void
add_str (UlRowsWriter *w, const char *key, const char *value)
{
  ul_rows_writer_add_string (w, key, value);
}

static void
add_take (UlRowsWriter *w, const char *key, char *value)
{
  add_str (w, key, value);
  g_free (value);
}

static void
add_int (UlRowsWriter *w, const char *key, gint64 value)
{
  ul_rows_writer_add_int64 (w, key, value);
}

/* a time column, as UTC ISO 8601; absent for NULL */
static void
add_time (UlRowsWriter *w, const char *key, sqlite3_stmt *st, int col)
{
  char text[UL_TIME_ISO8601_SIZE];
  gint64 t;

  if (sqlite3_column_type (st, col) == SQLITE_NULL)
    return;
  t = sqlite3_column_int64 (st, col);
  if (ul_time_format_iso8601_into (t, text))
    add_str (w, key, text);
  else
    add_take (w, key, ul_time_format_iso8601 (t));
}

static void
add_hex16 (UlRowsWriter *w, const char *key, sqlite3_stmt *st, int col)
{
  static const char digits[] = "0123456789abcdef";
  guint v = (guint) sqlite3_column_int (st, col);
  char hex[16];

  if (v > 0xffff)
    {
      g_snprintf (hex, sizeof hex, "%04x", v);
      add_str (w, key, hex);
      return;
    }
  /* "%04x" of a 16-bit id, without printf: a month has tens of thousands */
  for (int i = 3; i >= 0; i--, v >>= 4)
    hex[i] = digits[v & 0xf];
  ul_rows_writer_add_string_len (w, key, hex, 4);
}

/* a text column as valid UTF-8, straight from SQLite's buffer (escaped
 * where it is not); absent for NULL. As col_str, without a copy. */
static void
add_col (UlRowsWriter *w, const char *key, sqlite3_stmt *st, int col)
{
  const char *text;
  int len;

  if (sqlite3_column_type (st, col) == SQLITE_NULL)
    return;
  text = (const char *) sqlite3_column_text (st, col);
  len = sqlite3_column_bytes (st, col);
  /* g_utf8_validate_len refuses a NUL within @len: such text is escaped */
  if (g_utf8_validate_len (text, (gsize) len, NULL))
    ul_rows_writer_add_string_len (w, key, text, (gsize) len);
  else
    add_take (w, key, ul_escape_bytes ((const guint8 *) text, (gsize) len));
}

/* the entries of the ledger's own a{sv} and of its summary */
static void
put_str (GVariantBuilder *b, const char *key, const char *value)
{
  g_variant_builder_add_value (b, g_variant_new_dict_entry (
                                    g_variant_new_string (key),
                                    g_variant_new_variant (g_variant_new_string (value))));
}

static void
put_take (GVariantBuilder *b, const char *key, char *value)
{
  put_str (b, key, value);
  g_free (value);
}

static void
put_int (GVariantBuilder *b, const char *key, gint64 value)
{
  g_variant_builder_add_value (b, g_variant_new_dict_entry (
                                    g_variant_new_string (key),
                                    g_variant_new_variant (g_variant_new_int64 (value))));
}

/* the bounds bound as ?1 since, ?2 until (exclusive), ?3 as-of */
static gboolean
bind_bounds (UlStore *store, sqlite3_stmt *st, gint64 since, gint64 until, gint64 as_of,
             GError **error)
{
  return ul_bind_int64 (store, st, 1, since, error) && ul_bind_int64 (store, st, 2, until, error) &&
         ul_bind_int64 (store, st, 3, as_of, error);
}

static void
file_totals_add (const UlFileTotals *t, UlRowsWriter *w)
{
  add_int (w, "files", t->files);
  add_int (w, "bytes", t->bytes);
  add_str (w, "files-sha256", t->sha256);
}

static gboolean
month_sessions_find (UlStore *store, gint64 since, gint64 until, gint64 as_of, GError **error)
{
  /* in memory (PRAGMA temp_store, ul-store.c), this connection's own */
  sqlite3_stmt *make = ul_store_stmt (store, "CREATE TEMP TABLE IF NOT EXISTS ledger_month "
                                             "(id INTEGER PRIMARY KEY)", error);
  sqlite3_stmt *empty, *fill;

  if (make == NULL || !ul_store_step_done (store, make, error) ||
      (empty = ul_store_stmt (store, "DELETE FROM temp.ledger_month", error)) == NULL ||
      !ul_store_step_done (store, empty, error) ||
      (fill = ul_store_stmt (store, "INSERT OR IGNORE INTO temp.ledger_month "
                                    UL_LEDGER_SESSION_IDS, error)) == NULL)
    return FALSE;
  return bind_bounds (store, fill, since, until, as_of, error) &&
         ul_store_step_done (store, fill, error);
}

/* the totals of the month's sessions that had file records after @as_of,
 * folded from the records up to @as_of (the others' totals, in their rows,
 * hold as they are): &session id -> UlFileTotals */
static GHashTable *
fold_month_files (UlStore *store, gint64 since, gint64 until, gint64 as_of, GError **error)
{
  sqlite3_stmt *st = ul_store_stmt (
    store,
    "SELECT session_id, " UL_FOLD_COLUMNS " FROM session_files "
    "WHERE session_id IN (SELECT id FROM sessions WHERE id IN " MONTH_SESSIONS " "
    "AND files_last > ?3) AND time <= ?3 ORDER BY session_id, id", error);
  g_autoptr(GHashTable) totals = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free,
                                                        g_free);
  g_autoptr(UlFileFold) fold = ul_file_fold_new ();
  gint64 current = 0;
  int rc;

  if (st == NULL || !bind_bounds (store, st, since, until, as_of, error))
    return NULL;
  while (TRUE)
    {
      gint64 id;

      rc = sqlite3_step (st);
      id = rc == SQLITE_ROW ? sqlite3_column_int64 (st, 0) : 0;
      /* a session's records end: its totals */
      if (current != 0 && id != current)
        {
          UlFileTotals *t = g_new0 (UlFileTotals, 1);

          ul_file_fold_totals (fold, t);
          g_hash_table_insert (totals, g_memdup2 (&current, sizeof current), t);
          ul_file_fold_reset (fold);
        }
      if (rc != SQLITE_ROW)
        break;
      current = id;
      ul_store_fold_file_row (fold, st, 1);
    }
  if (rc != SQLITE_DONE)
    {
      ul_store_set_sqlite_error (store, error, "cannot read the month's files");
      return NULL;
    }
  return g_steal_pointer (&totals);
}

/* the month's sessions that a query of session ids selects, as a set */
static GHashTable *
session_set (UlStore *store, const char *sql, gint64 since, gint64 until, gint64 as_of,
             GError **error)
{
  sqlite3_stmt *st = ul_store_stmt (store, sql, error);
  g_autoptr(GHashTable) set = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  int rc;

  if (st == NULL || !bind_bounds (store, st, since, until, as_of, error))
    return NULL;
  while ((rc = sqlite3_step (st)) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (st, 0);

      g_hash_table_add (set, g_memdup2 (&id, sizeof id));
    }
  if (rc != SQLITE_DONE)
    {
      ul_store_set_sqlite_error (store, error, "cannot read the month's sessions");
      return NULL;
    }
  return g_steal_pointer (&set);
}

/* an erasure with a certificate issued by as-of */
typedef struct {
  gint64 started_at;
  char *number;
  gint64 issued_at;
} Certified;

static void
certified_clear (gpointer data)
{
  g_free (((Certified *) data)->number);
}

/* per medium, its certified erasures in start order: &medium id -> GArray */
static GHashTable *
certified_erasures (UlStore *store, gint64 as_of, GError **error)
{
  sqlite3_stmt *st = ul_store_stmt (
    store,
    "SELECT e.medium_id, e.started_at, c.number, c.issued_at FROM certificates c "
    "JOIN erasures e ON e.id = c.erasure_id WHERE c.issued_at <= ?1 "
    "ORDER BY e.medium_id, e.started_at, c.issued_at, c.id", error);
  g_autoptr(GHashTable) by_medium = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free,
                                                           (GDestroyNotify) g_array_unref);
  int rc;

  if (st == NULL || !ul_bind_int64 (store, st, 1, as_of, error))
    return NULL;
  while ((rc = sqlite3_step (st)) == SQLITE_ROW)
    {
      gint64 medium = sqlite3_column_int64 (st, 0);
      GArray *list = g_hash_table_lookup (by_medium, &medium);
      Certified c = { sqlite3_column_int64 (st, 1), col_str (st, 2),
                      sqlite3_column_int64 (st, 3) };

      if (list == NULL)
        {
          list = g_array_new (FALSE, FALSE, sizeof (Certified));
          g_array_set_clear_func (list, certified_clear);
          g_hash_table_insert (by_medium, g_memdup2 (&medium, sizeof medium), list);
        }
      g_array_append_val (list, c);
    }
  if (rc != SQLITE_DONE)
    {
      ul_store_set_sqlite_error (store, error, "cannot read the erasures");
      return NULL;
    }
  return g_steal_pointer (&by_medium);
}

/* the certificate of the first erasure of the medium after the session
 * began: the one that erased it */
static void
add_erasure (UlRowsWriter *w, GHashTable *certified, gint64 medium_id, gint64 started_at)
{
  GArray *list = g_hash_table_lookup (certified, &medium_id);

  for (guint i = 0; list != NULL && i < list->len; i++)
    {
      Certified *c = &g_array_index (list, Certified, i);

      if (c->started_at >= started_at)
        {
          add_str (w, "certificate", c->number);
          add_take (w, "erased-at", ul_time_format_iso8601 (c->issued_at));
          return;
        }
    }
}

/* what the 備考 column says, as codes */
static void
add_remarks (UlRowsWriter *w, gint64 id, gboolean read_only, gboolean card,
             GHashTable *seat_changed, GHashTable *outside, const UlFileTotals *files)
{
  const char *codes[5];
  guint n = 0;

  if (read_only)
    codes[n++] = "read-only";
  if (card)
    codes[n++] = "card";
  if (g_hash_table_contains (seat_changed, &id))
    codes[n++] = "seat-changed";
  if (g_hash_table_contains (outside, &id) || (files->flags & UL_FILE_TOTALS_OUTSIDE))
    codes[n++] = "outside-changes";
  if (files->flags & UL_FILE_TOTALS_UNHASHED)
    codes[n++] = "not-all-hashed";
  ul_rows_writer_add_strings (w, "remarks", codes, n);
}

/* the summary's counts of part 1, gathered while it is built */
typedef struct {
  gint64 sessions;
  gint64 in_use;
  GHashTable *media;      /* &medium id */
  GHashTable *users;      /* account */
  gint64 files;
  gint64 bytes;
} Totals;

static void
totals_clear (Totals *t)
{
  g_clear_pointer (&t->media, g_hash_table_unref);
  g_clear_pointer (&t->users, g_hash_table_unref);
}

static void
totals_add_files (Totals *t, const UlFileTotals *f)
{
  t->files += f->files;
  t->bytes += f->bytes;
}

static GVariant *
sessions_part (UlStore *store, gint64 since, gint64 until, gint64 as_of, Totals *totals,
               GError **error)
{
  sqlite3_stmt *st;
  g_autoptr(GHashTable) files = NULL;
  g_autoptr(GHashTable) certified = NULL;
  g_autoptr(GHashTable) seat_changed = NULL;
  g_autoptr(GHashTable) outside = NULL;
  UlRowsWriter rows;
  int rc;
  /* a session without a file record by as-of */
  const UlFileTotals no_files = { 0, 0, UL_FILE_TOTALS_EMPTY_SHA256, 0 };

  /* each kind of row read once for the whole month, not once per session */
  if (!month_sessions_find (store, since, until, as_of, error))
    return NULL;
  files = fold_month_files (store, since, until, as_of, error);
  if (files == NULL ||
      (certified = certified_erasures (store, as_of, error)) == NULL ||
      (seat_changed = session_set (store, "SELECT DISTINCT session_id FROM session_seat_changes "
                                          "WHERE session_id IN " MONTH_SESSIONS " "
                                          "AND time <= ?3", since, until, as_of, error)) == NULL ||
      (outside = session_set (store, "SELECT DISTINCT session_id FROM events "
                                     "WHERE session_id IN " MONTH_SESSIONS " "
                                     "AND kind = 'medium-changed-outside' AND time <= ?3",
                              since, until, as_of, error)) == NULL)
    return NULL;
  st = ul_store_stmt (
    store,
    "SELECT s.id, m.asset_number, m.label, m.vendor_id, m.product_id, m.manufacturer, "
    "m.product, m.serial, m.kind = 'card', m.read_only, m.registered_by, m.registered_at, "
    "s.user_name, s.host, s.started_at, "
    "CASE WHEN s.ended_at <= ?3 THEN s.ended_at END, "
    "CASE WHEN s.ended_at <= ?3 THEN s.end_reason END, s.medium_id, "
    "s.files_last > ?3, s.files, s.files_bytes, s.files_sha256, s.files_flags "
    "FROM sessions s JOIN media m ON m.id = s.medium_id "
    "WHERE s.id IN " MONTH_SESSIONS " "
    "ORDER BY s.started_at, s.id", error);
  if (st == NULL || !bind_bounds (store, st, since, until, as_of, error))
    return NULL;
  ul_rows_writer_init (&rows);
  while ((rc = sqlite3_step (st)) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (st, 0);
      gint64 medium_id = sqlite3_column_int64 (st, 17);
      UlFileTotals stored;
      const UlFileTotals *fold;

      if (sqlite3_column_int (st, 18) != 0)
        {
          /* records written after as-of: folded from those before it */
          fold = g_hash_table_lookup (files, &id);
          if (fold == NULL)
            fold = &no_files;
        }
      else
        {
          const char *sha256 = (const char *) sqlite3_column_text (st, 21);

          stored.files = sqlite3_column_int64 (st, 19);
          stored.bytes = sqlite3_column_int64 (st, 20);
          g_strlcpy (stored.sha256, sha256 != NULL ? sha256 : "", sizeof stored.sha256);
          stored.flags = (guint) sqlite3_column_int (st, 22);
          fold = &stored;
        }

      totals->sessions++;
      if (sqlite3_column_type (st, 15) == SQLITE_NULL)
        totals->in_use++;
      /* copied for a medium or an account not counted yet only */
      if (!g_hash_table_contains (totals->media, &medium_id))
        g_hash_table_add (totals->media, g_memdup2 (&medium_id, sizeof medium_id));
      if (sqlite3_column_type (st, 12) != SQLITE_NULL &&
          !g_hash_table_contains (totals->users, sqlite3_column_text (st, 12)))
        g_hash_table_add (totals->users, col_str (st, 12));
      totals_add_files (totals, fold);
      ul_rows_writer_begin_row (&rows);
      add_int (&rows, "session-id", id);
      add_col (&rows, "asset-number", st, 1);
      add_col (&rows, "label", st, 2);
      add_hex16 (&rows, "vendor-id", st, 3);
      add_hex16 (&rows, "product-id", st, 4);
      add_take (&rows, "vendor", col_escaped (st, 5));
      add_take (&rows, "model", col_escaped (st, 6));
      add_take (&rows, "serial", col_escaped (st, 7));
      add_col (&rows, "approved-by", st, 10);
      add_time (&rows, "approved-at", st, 11);
      add_col (&rows, "user", st, 12);
      add_col (&rows, "host", st, 13);
      add_time (&rows, "started-at", st, 14);
      add_time (&rows, "ended-at", st, 15);
      add_col (&rows, "end-reason", st, 16);
      file_totals_add (fold, &rows);
      add_erasure (&rows, certified, medium_id, sqlite3_column_int64 (st, 14));
      add_remarks (&rows, id, sqlite3_column_int (st, 9) != 0, sqlite3_column_int (st, 8) != 0,
                   seat_changed, outside, fold);
      ul_rows_writer_end_row (&rows);
    }
  if (rc != SQLITE_DONE)
    {
      ul_rows_writer_clear (&rows);
      ul_store_set_sqlite_error (store, error, "cannot read the month's sessions");
      return NULL;
    }
  return ul_rows_writer_end (&rows);
}

/* the rows of a part: @sql (bound to ?1 since, ?2 until, ?3 as-of) read
 * into an av of a{sv}, each row made by @row */
typedef void (*RowFunc) (UlRowsWriter *w, sqlite3_stmt *st);

static GVariant *
read_part (UlStore *store, const char *sql, RowFunc row, const char *what, gint64 since,
           gint64 until, gint64 as_of, GError **error)
{
  sqlite3_stmt *st = ul_store_stmt (store, sql, error);
  UlRowsWriter rows;
  int rc;

  if (st == NULL || !bind_bounds (store, st, since, until, as_of, error))
    return NULL;
  ul_rows_writer_init (&rows);
  while ((rc = sqlite3_step (st)) == SQLITE_ROW)
    {
      ul_rows_writer_begin_row (&rows);
      row (&rows, st);
      ul_rows_writer_end_row (&rows);
    }
  if (rc != SQLITE_DONE)
    {
      g_autofree char *message = g_strdup_printf ("cannot read the month's %s", what);

      ul_rows_writer_clear (&rows);
      ul_store_set_sqlite_error (store, error, message);
      return NULL;
    }
  return ul_rows_writer_end (&rows);
}

static void
blocked_row (UlRowsWriter *w, sqlite3_stmt *st)
{
  add_int (w, "event-id", sqlite3_column_int64 (st, 0));
  add_time (w, "time", st, 1);
  add_col (w, "seat-user", st, 2);
  add_col (w, "host", st, 3);
  add_col (w, "kind", st, 4);
  add_col (w, "decision", st, 5);
  add_col (w, "detail", st, 6);
  add_col (w, "reason-code", st, 17);
  add_hex16 (w, "vendor-id", st, 8);
  add_hex16 (w, "product-id", st, 9);
  add_take (w, "vendor", col_escaped (st, 10));
  add_take (w, "model", col_escaped (st, 11));
  add_take (w, "serial", col_escaped (st, 12));
  if (sqlite3_column_type (st, 7) != SQLITE_NULL)
    {
      add_int (w, "request-id", sqlite3_column_int64 (st, 7));
      add_col (w, "request-state", st, 14);
      add_col (w, "decided-by", st, 15);
      add_time (w, "decided-at", st, 16);
    }
}

/* part 2: the blocked insertions, with how their requests stood at as-of */
static GVariant *
blocked_part (UlStore *store, gint64 since, gint64 until, gint64 as_of, GError **error)
{
  return read_part (
    store,
    "SELECT e.id, e.time, e.seat_user, e.host, e.kind, e.decision, e.detail, e.request_id, "
    "d.vendor_id, d.product_id, d.manufacturer, d.product, d.serial, d.kind = 'card', "
    "CASE WHEN r.decided_at <= ?3 THEN r.state ELSE 'pending' END, "
    "CASE WHEN r.decided_at <= ?3 THEN r.decided_by END, "
    "CASE WHEN r.decided_at <= ?3 THEN r.decided_at END, e.reason_code "
    "FROM events e JOIN devices_seen d ON d.id = e.device_id "
    "LEFT JOIN requests r ON r.id = e.request_id "
    "WHERE e.time >= ?1 AND e.time < ?2 AND e.time <= ?3 "
    "AND e.kind IN (" INSERTION_KINDS ") AND e.decision IN (" BLOCKING_DECISIONS ") "
    "ORDER BY e.id", blocked_row, "blocked insertions", since, until, as_of, error);
}

static void
incident_row (UlRowsWriter *w, sqlite3_stmt *st)
{
  if (sqlite3_column_type (st, 0) != SQLITE_NULL)
    add_int (w, "event-id", sqlite3_column_int64 (st, 0));
  add_time (w, "time", st, 1);
  add_col (w, "kind", st, 2);
  add_col (w, "actor", st, 3);
  add_col (w, "seat-user", st, 4);
  add_col (w, "asset-number", st, 5);
  add_col (w, "detail", st, 6);
  if (sqlite3_column_type (st, 7) != SQLITE_NULL)
    add_int (w, "session-id", sqlite3_column_int64 (st, 7));
  add_col (w, "reason-code", st, 8);
}

/* part 3: the incidents, the events and the media pulled out while in use
 * (a session that ended "yanked"), in time order */
static GVariant *
incidents_part (UlStore *store, gint64 since, gint64 until, gint64 as_of, GError **error)
{
  return read_part (
    store,
    "SELECT e.id, e.time, CASE WHEN e.decision = 'block-suspicious' THEN 'device-suspicious' "
    "ELSE e.kind END, e.actor, e.seat_user, m.asset_number, e.detail, e.session_id, "
    "e.reason_code FROM events e LEFT JOIN media m ON m.id = e.medium_id "
    "WHERE e.time >= ?1 AND e.time < ?2 AND e.time <= ?3 "
    "AND (e.kind IN (" INCIDENT_KINDS ") OR (e.decision = 'block-suspicious' AND e.kind IN ("
    INSERTION_KINDS "))) "
    "UNION ALL "
    "SELECT NULL, s.ended_at, 'medium-yanked', 'system', s.user_name, m.asset_number, "
    "'', s.id, NULL FROM sessions s JOIN media m ON m.id = s.medium_id "
    /* a session that ended in the month is one of the month's: found by
     * their indexes rather than by reading every session */
    "WHERE s.id IN " MONTH_SESSIONS " AND s.end_reason = 'yanked' "
    "AND s.ended_at >= ?1 AND s.ended_at < ?2 AND s.ended_at <= ?3 "
    "ORDER BY 2, 1", incident_row, "incidents", since, until, as_of, error);
}

/* the summary: part 1's totals, the parts' sizes, and the counts that are
 * not rows of the parts */
static GVariant *
summary (UlStore *store, const Totals *totals, GVariant *blocked, GVariant *incidents,
         gint64 since, gint64 until, gint64 as_of, GError **error)
{
  /* requests created in the month, and how they stand; media used by the
   * month's end and not erased since their last use */
  sqlite3_stmt *st = ul_store_stmt (
    store,
    "SELECT (SELECT count(*) FROM requests WHERE created_at >= ?1 AND created_at < ?2 "
    "AND created_at <= ?3), "
    "(SELECT count(*) FROM requests WHERE created_at >= ?1 AND created_at < ?2 "
    "AND created_at <= ?3 AND state = 'approved' AND decided_at <= ?3), "
    "(SELECT count(*) FROM requests WHERE created_at >= ?1 AND created_at < ?2 "
    "AND created_at <= ?3 AND state = 'rejected' AND decided_at <= ?3), "
    /* a medium is erased at the month's end if an erasure certified by
     * then began after its last session: per medium, by index */
    "(SELECT count(*) FROM (SELECT m.id AS medium_id, (SELECT max(s.started_at) FROM sessions s "
    "WHERE s.medium_id = m.id AND s.started_at < min(?2, ?3 + 1)) AS last FROM media m) u "
    "WHERE u.last IS NOT NULL AND NOT EXISTS (SELECT 1 FROM erasures e "
    "JOIN certificates c ON c.erasure_id = e.id WHERE e.medium_id = u.medium_id "
    "AND e.started_at >= u.last AND c.issued_at < min(?2, ?3 + 1))), "
    "(SELECT min(id) FROM events WHERE time >= ?1 AND time < ?2 AND time <= ?3), "
    "(SELECT max(id) FROM events WHERE time >= ?1 AND time < ?2 AND time <= ?3)", error);
  GVariantBuilder b;

  if (st == NULL || !bind_bounds (store, st, since, until, as_of, error))
    return NULL;
  if (sqlite3_step (st) != SQLITE_ROW)
    {
      ul_store_set_sqlite_error (store, error, "cannot count the month");
      return NULL;
    }
  g_variant_builder_init (&b, G_VARIANT_TYPE_VARDICT);
  put_int (&b, "sessions", totals->sessions);
  put_int (&b, "sessions-in-use", totals->in_use);
  put_int (&b, "media-used", g_hash_table_size (totals->media));
  put_int (&b, "users", g_hash_table_size (totals->users));
  put_int (&b, "files", totals->files);
  put_int (&b, "bytes", totals->bytes);
  put_int (&b, "blocked-insertions", (gint64) g_variant_n_children (blocked));
  put_int (&b, "requests", sqlite3_column_int64 (st, 0));
  put_int (&b, "requests-approved", sqlite3_column_int64 (st, 1));
  put_int (&b, "requests-rejected", sqlite3_column_int64 (st, 2));
  put_int (&b, "incidents", (gint64) g_variant_n_children (incidents));
  put_int (&b, "media-not-erased", sqlite3_column_int64 (st, 3));
  put_int (&b, "first-event-id", sqlite3_column_int64 (st, 4));
  put_int (&b, "last-event-id", sqlite3_column_int64 (st, 5));
  sqlite3_reset (st);
  return g_variant_builder_end (&b);
}

/* "JST (UTC+09:00)" at @usec, in the local zone */
static char *
zone_at (gint64 usec)
{
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (usec / G_USEC_PER_SEC);
  g_autoptr(GDateTime) local = utc ? g_date_time_to_local (utc) : NULL;

  return local ? g_date_time_format (local, "%Z (UTC%:z)") : g_strdup ("");
}

GVariant *
ul_store_ledger_month (UlStore *store, const char *month, gint64 as_of, const char *host,
                       GError **error)
{
  gint64 since, until;
  g_autoptr(GVariant) sessions = NULL;
  g_autoptr(GVariant) blocked = NULL;
  g_autoptr(GVariant) incidents = NULL;
  Totals totals = { 0 };
  GVariant *counts;
  GVariantBuilder b;

  if (!ul_time_parse_month (month, &since, &until, error))
    return NULL;
  /* the parts are read one after the other; the daemon, the logbook's only
   * writer, writes nothing meanwhile, and nothing later than @as_of counts */
  totals.media = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  totals.users = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  sessions = sessions_part (store, since, until, as_of, &totals, error);
  if (sessions != NULL)
    g_variant_ref_sink (sessions);
  blocked = sessions ? blocked_part (store, since, until, as_of, error) : NULL;
  if (blocked != NULL)
    g_variant_ref_sink (blocked);
  incidents = blocked ? incidents_part (store, since, until, as_of, error) : NULL;
  if (incidents != NULL)
    g_variant_ref_sink (incidents);
  counts = incidents ? summary (store, &totals, blocked, incidents, since, until, as_of, error)
                     : NULL;
  totals_clear (&totals);
  if (counts == NULL)
    return NULL;

  g_variant_builder_init (&b, G_VARIANT_TYPE_VARDICT);
  put_str (&b, "ledger", UL_LEDGER_FORMAT);
  put_take (&b, "month", g_strndup (month, 7));
  put_take (&b, "zone", zone_at (since));
  put_take (&b, "since", ul_time_format_iso8601 (since));
  put_take (&b, "until", ul_time_format_iso8601 (until));
  put_take (&b, "as-of", ul_time_format_iso8601_us (as_of));
  put_str (&b, "host", host);
  g_variant_builder_add (&b, "{sv}", "sessions", sessions);
  g_variant_builder_add (&b, "{sv}", "blocked", blocked);
  g_variant_builder_add (&b, "{sv}", "incidents", incidents);
  g_variant_builder_add (&b, "{sv}", "summary", counts);
  return g_variant_ref_sink (g_variant_builder_end (&b));
}

char *
ul_ledger_digest (GVariant *ledger, GError **error)
{
  g_autofree char *json = ul_canonical_json (ledger, error);

  if (json == NULL)
    return NULL;
  return g_compute_checksum_for_string (G_CHECKSUM_SHA256, json, -1);
}
