/* ul-audit-chain.c: each event's hash covers the previous event's hash and
 * the row's own fields, so editing, removing or reordering any row breaks
 * every hash after it (requirement L1).
 *
 * The canonical form is documented in docs/design.md so that it can be
 * recomputed by anyone: "usbledger-event-v1\n" then, for each field in
 * column order, its decimal byte length, ':', the bytes, '\n'; a NULL field
 * is written as "-\n". The hash is SHA-256 over prev_hash (64 hex digits, or
 * 64 zeros for the first row) followed by that text.
 *
 * Schema 11 added reason_code after detail. It is hashed only when it is
 * not NULL, as one more field in the same encoding: every row written before
 * (all NULL) keeps its hash, and a row's code cannot be added, removed or
 * changed without breaking the chain. */
#include "ul-store-private.h"
#include "ul-error.h"


#define GENESIS_HASH "0000000000000000000000000000000000000000000000000000000000000000"

static void
put_text (GString *s, const char *v)
{
  if (v == NULL)
    {
      g_string_append (s, "-\n");
      return;
    }
  g_string_append_printf (s, "%zu:", strlen (v));
  g_string_append (s, v);
  g_string_append_c (s, '\n');
}

static void
put_int (GString *s, gint64 v, gboolean zero_is_null)
{
  g_autofree char *t = NULL;

  if (zero_is_null && v == 0)
    {
      put_text (s, NULL);
      return;
    }
  t = g_strdup_printf ("%" G_GINT64_FORMAT, v);
  put_text (s, t);
}

char *
ul_audit_chain_hash (const UlEvent *ev, const char *prev_hash)
{
  g_autoptr(GString) s = g_string_new (prev_hash ? prev_hash : GENESIS_HASH);

  g_string_append (s, "usbledger-event-v1\n");
  put_int (s, ev->id, FALSE);
  put_int (s, ev->time, FALSE);
  put_text (s, ev->host);
  put_text (s, ev->kind);
  put_text (s, ev->actor);
  if (ev->actor_uid < 0)
    put_text (s, NULL);
  else
    put_int (s, ev->actor_uid, FALSE);
  put_text (s, ev->seat_user);
  put_int (s, ev->device_id, TRUE);
  put_int (s, ev->medium_id, TRUE);
  put_int (s, ev->request_id, TRUE);
  put_int (s, ev->session_id, TRUE);
  put_text (s, ev->decision);
  put_text (s, ev->detail);
  if (ev->reason_code != NULL)
    put_text (s, ev->reason_code);

  return g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guint8 *) s->str, s->len);
}

static UlEvent *
event_from_row (sqlite3_stmt *st)
{
  UlEvent *ev = g_new0 (UlEvent, 1);

  ev->id = sqlite3_column_int64 (st, 0);
  ev->time = sqlite3_column_int64 (st, 1);
  ev->host = ul_column_text (st, 2);
  ev->kind = ul_column_text (st, 3);
  ev->actor = ul_column_text (st, 4);
  ev->actor_uid = sqlite3_column_type (st, 5) == SQLITE_NULL ? -1 : sqlite3_column_int64 (st, 5);
  ev->seat_user = ul_column_text (st, 6);
  ev->device_id = sqlite3_column_int64 (st, 7);
  ev->medium_id = sqlite3_column_int64 (st, 8);
  ev->request_id = sqlite3_column_int64 (st, 9);
  ev->session_id = sqlite3_column_int64 (st, 10);
  ev->decision = ul_column_text (st, 11);
  ev->detail = ul_column_text (st, 12);
  ev->prev_hash = ul_column_text (st, 13);
  ev->hash = ul_column_text (st, 14);
  return ev;
}

#define EVENT_COLUMNS \
  "id, time, host, kind, actor, actor_uid, seat_user, device_id, medium_id, " \
  "request_id, session_id, decision, detail, prev_hash, hash"
/* and the column of schema 11 (migration 2 runs before it exists) */
#define EVENT_COLUMNS_11 EVENT_COLUMNS ", reason_code"
#define REASON_CODE_COLUMN 15

/* migration 2: rows written by schema version 1 get their hashes, in order */
gboolean
ul_audit_chain_backfill (UlStore *store, GError **error)
{
  sqlite3_stmt *sel;
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func ((GDestroyNotify) ul_event_free);
  g_autofree char *prev = NULL;
  int rc;

  sel = ul_store_stmt (store, "SELECT " EVENT_COLUMNS " FROM events ORDER BY id", error);
  if (sel == NULL)
    return FALSE;
  while ((rc = sqlite3_step (sel)) == SQLITE_ROW)
    g_ptr_array_add (rows, event_from_row (sel));
  sqlite3_reset (sel);
  if (rc != SQLITE_DONE)
    return ul_store_set_sqlite_error (store, error, "cannot read the event log");

  for (guint i = 0; i < rows->len; i++)
    {
      UlEvent *ev = g_ptr_array_index (rows, i);
      g_autofree char *hash = ul_audit_chain_hash (ev, prev);
      sqlite3_stmt *up = ul_store_stmt (store,
                                        "UPDATE events SET prev_hash = ?1, hash = ?2 WHERE id = ?3",
                                        error);

      if (up == NULL || !ul_bind_text (store, up, 1, prev ? prev : GENESIS_HASH, error) ||
          !ul_bind_text (store, up, 2, hash, error) ||
          !ul_bind_int64 (store, up, 3, ev->id, error) ||
          !ul_store_step_done (store, up, error))
        return FALSE;
      g_free (prev);
      prev = g_steal_pointer (&hash);
    }
  return TRUE;
}

/* inside a write transaction: the chain needs the previous row's hash and
 * this row's id, which no other writer may change meanwhile */
static gboolean
append_event_locked (UlStore *store, UlEvent *ev, GError **error)
{
  sqlite3_stmt *st;
  g_autofree char *prev = NULL;
  gint64 next_id = 1;
  int rc;

  st = ul_store_stmt (store, "SELECT id, hash FROM events ORDER BY id DESC LIMIT 1", error);
  if (st == NULL)
    return FALSE;
  rc = sqlite3_step (st);
  if (rc == SQLITE_ROW)
    {
      next_id = sqlite3_column_int64 (st, 0) + 1;
      prev = ul_column_text (st, 1);
    }
  sqlite3_reset (st);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    return ul_store_set_sqlite_error (store, error, "cannot read the event log");

  ev->id = next_id;
  /* the column is NOT NULL: hash what is stored */
  if (ev->detail == NULL)
    ev->detail = g_strdup ("");
  g_free (ev->prev_hash);
  ev->prev_hash = g_strdup (prev ? prev : GENESIS_HASH);
  g_free (ev->hash);
  ev->hash = ul_audit_chain_hash (ev, prev);

  st = ul_store_stmt (store,
                      "INSERT INTO events (" EVENT_COLUMNS_11 ") VALUES "
                      "(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)",
                      error);
  return st != NULL &&
         ul_bind_int64 (store, st, 1, ev->id, error) &&
         ul_bind_int64 (store, st, 2, ev->time, error) &&
         ul_bind_text (store, st, 3, ev->host, error) &&
         ul_bind_text (store, st, 4, ev->kind, error) &&
         ul_bind_text (store, st, 5, ev->actor, error) &&
         (ev->actor_uid < 0 ? ul_bind_text (store, st, 6, NULL, error)
                            : ul_bind_int64 (store, st, 6, ev->actor_uid, error)) &&
         ul_bind_text (store, st, 7, ev->seat_user, error) &&
         ul_bind_int64_or_null (store, st, 8, ev->device_id, error) &&
         ul_bind_int64_or_null (store, st, 9, ev->medium_id, error) &&
         ul_bind_int64_or_null (store, st, 10, ev->request_id, error) &&
         ul_bind_int64_or_null (store, st, 11, ev->session_id, error) &&
         ul_bind_text (store, st, 12, ev->decision, error) &&
         ul_bind_text (store, st, 13, ev->detail, error) &&
         ul_bind_text (store, st, 14, ev->prev_hash, error) &&
         ul_bind_text (store, st, 15, ev->hash, error) &&
         ul_bind_text (store, st, 16, ev->reason_code, error) &&
         ul_store_step_done (store, st, error);
}

gboolean
ul_store_append_event (UlStore *store, UlEvent *ev, GError **error)
{
  /* join the caller's transaction, so an event and what it records commit together */
  if (sqlite3_get_autocommit (store->db) == 0)
    return append_event_locked (store, ev, error);

  if (!ul_store_begin (store, error))
    return FALSE;
  if (!append_event_locked (store, ev, error))
    {
      ul_store_rollback (store);
      return FALSE;
    }
  return ul_store_commit (store, error);
}

/* the hash covers the fields as the daemon reads them back: an id column
 * holding text reads as 0, and 0 hashes as NULL. So the types are checked
 * too: each column holds what append_event_locked writes, nothing else. */
static gboolean
event_types_ok (sqlite3_stmt *st)
{
  /* per column of EVENT_COLUMNS_11: i integer, t text; upper case: NULL allowed too */
  static const char types[] = "iitttITIIIITtttT";

  for (int col = 0; types[col] != '\0'; col++)
    {
      int type = sqlite3_column_type (st, col);
      char want = types[col];

      if (type == SQLITE_NULL)
        {
          if (g_ascii_islower (want))
            return FALSE;
          continue;
        }
      /* the ids are written as NULL, never as 0 */
      if (g_ascii_tolower (want) == 'i' &&
          (type != SQLITE_INTEGER ||
           (col >= 7 && col <= 10 && sqlite3_column_int64 (st, col) <= 0)))
        return FALSE;
      if (g_ascii_tolower (want) == 't' && type != SQLITE_TEXT)
        return FALSE;
    }
  return TRUE;
}

gboolean
ul_store_verify_chain (UlStore *store, guint64 *n_events, GError **error)
{
  sqlite3_stmt *st = ul_store_stmt (store, "SELECT " EVENT_COLUMNS_11 " FROM events ORDER BY id",
                                    error);
  g_autofree char *prev = g_strdup (GENESIS_HASH);
  guint64 n = 0;
  gint64 expected_id = 1;
  int rc;

  if (st == NULL)
    return FALSE;
  while ((rc = sqlite3_step (st)) == SQLITE_ROW)
    {
      g_autoptr(UlEvent) ev = event_from_row (st);
      g_autofree char *hash = NULL;

      ev->reason_code = ul_column_text (st, REASON_CODE_COLUMN);
      if (ev->id != expected_id)
        {
          sqlite3_reset (st);
          g_set_error (error, UL_ERROR, UL_ERROR_BAD_STATE,
                       "event %" G_GINT64_FORMAT " is missing from the log", expected_id);
          return FALSE;
        }
      hash = ul_audit_chain_hash (ev, prev);
      if (!event_types_ok (st) || g_strcmp0 (ev->prev_hash, prev) != 0 ||
          g_strcmp0 (ev->hash, hash) != 0)
        {
          sqlite3_reset (st);
          g_set_error (error, UL_ERROR, UL_ERROR_BAD_STATE,
                       "event %" G_GINT64_FORMAT " does not match its hash: the log was "
                       "changed", ev->id);
          return FALSE;
        }
      g_free (prev);
      prev = g_steal_pointer (&hash);
      expected_id++;
      n++;
    }
  sqlite3_reset (st);
  if (rc != SQLITE_DONE)
    return ul_store_set_sqlite_error (store, error, "cannot read the event log");
  if (n_events != NULL)
    *n_events = n;
  return TRUE;
}

UlEvent *
ul_event_new (const char *kind, const char *actor, const char *host, gint64 now)
{
  UlEvent *ev = g_new0 (UlEvent, 1);

  ev->kind = g_strdup (kind);
  ev->actor = g_strdup (actor);
  ev->host = g_strdup (host);
  ev->time = now;
  ev->actor_uid = -1;
  return ev;
}

void
ul_event_free (UlEvent *ev)
{
  if (ev == NULL)
    return;
  g_free (ev->host);
  g_free (ev->kind);
  g_free (ev->actor);
  g_free (ev->seat_user);
  g_free (ev->decision);
  g_free (ev->detail);
  g_free (ev->reason_code);
  g_free (ev->prev_hash);
  g_free (ev->hash);
  g_clear_pointer (&ev->device_serial, g_bytes_unref);
  g_free (ev->asset_number);
  g_free (ev);
}

GPtrArray *
ul_store_list_events (UlStore *store, const UlEventFilter *f, GError **error)
{
  static const char sql[] =
    "SELECT e.id, e.time, e.host, e.kind, e.actor, e.actor_uid, e.seat_user, e.device_id, "
    "e.medium_id, e.request_id, e.session_id, e.decision, e.detail, e.prev_hash, e.hash, "
    "e.reason_code, d.vendor_id, d.product_id, d.serial, m.asset_number "
    "FROM events e LEFT JOIN devices_seen d ON d.id = e.device_id "
    "LEFT JOIN media m ON m.id = e.medium_id "
    "WHERE (?1 IS NULL OR e.device_id = ?1) AND (?2 IS NULL OR e.medium_id = ?2) "
    "AND (?3 IS NULL OR e.actor = ?3 OR e.seat_user = ?3) "
    "AND (?4 IS NULL OR e.time >= ?4) AND (?5 IS NULL OR e.time < ?5) AND e.id > ?7 "
    "ORDER BY e.id LIMIT ?6";
  g_autoptr(GPtrArray) out = g_ptr_array_new_with_free_func ((GDestroyNotify) ul_event_free);
  UlEventFilter none = { 0 };
  sqlite3_stmt *st;
  int rc;

  if (f == NULL)
    f = &none;
  st = ul_store_stmt (store, sql, error);
  if (st == NULL ||
      !ul_bind_int64_or_null (store, st, 1, f->device_id, error) ||
      !ul_bind_int64_or_null (store, st, 2, f->medium_id, error) ||
      !ul_bind_text (store, st, 3, f->user, error) ||
      !ul_bind_int64_or_null (store, st, 4, f->since, error) ||
      !ul_bind_int64_or_null (store, st, 5, f->until, error) ||
      !ul_bind_int64 (store, st, 6, f->limit > 0 ? (gint64) f->limit : -1, error) ||
      !ul_bind_int64 (store, st, 7, f->after_id, error))
    return NULL;
  while ((rc = sqlite3_step (st)) == SQLITE_ROW)
    {
      UlEvent *ev = event_from_row (st);

      ev->reason_code = ul_column_text (st, REASON_CODE_COLUMN);
      ev->device_vendor_id = (guint16) sqlite3_column_int (st, 16);
      ev->device_product_id = (guint16) sqlite3_column_int (st, 17);
      ev->device_serial = ul_column_bytes (st, 18);
      ev->asset_number = ul_column_text (st, 19);
      g_ptr_array_add (out, ev);
    }
  sqlite3_reset (st);
  if (rc != SQLITE_DONE)
    {
      ul_store_set_sqlite_error (store, error, "cannot read the event log");
      return NULL;
    }
  return g_steal_pointer (&out);
}
