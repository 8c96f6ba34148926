/* ul-store-ledger.c: the monthly ledger's rows, read from the logbook as it
 * stood at a given moment (as-of), so that the ledger signed at generation
 * can be derived again, byte for byte, to check that the logbook still
 * matches (see ul-ledger.h). */
#include "ul-store-private.h"
#include "ul-canonical-json.h"
#include "ul-error.h"
#include "ul-escape.h"
#include "ul-ledger.h"
#include "ul-time.h"

/* what a city supervisor would call an incident (part 3); the events whose
 * decision is block-suspicious are incidents too */
#define INCIDENT_KINDS \
  "'request-suspicious', 'suspicion-overridden', 'weak-serial-accepted', 'erase-failed', " \
  "'erase-interrupted', 'medium-changed-outside', 'medium-changed-inside', " \
  "'medium-binding-differs', 'medium-disposed', 'authorize-failed', 'records-backlog', " \
  "'driver-aliases-missing', 'policy-reload-failed', 'manifest-not-checked'"

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

static void
add_str (GVariantBuilder *b, const char *key, const char *value)
{
  if (value != NULL)
    g_variant_builder_add (b, "{sv}", key, g_variant_new_string (value));
}

static void
add_take (GVariantBuilder *b, const char *key, char *value)
{
  add_str (b, key, value);
  g_free (value);
}

static void
add_int (GVariantBuilder *b, const char *key, gint64 value)
{
  g_variant_builder_add (b, "{sv}", key, g_variant_new_int64 (value));
}

/* a time column, as UTC ISO 8601; absent for NULL */
static void
add_time (GVariantBuilder *b, const char *key, sqlite3_stmt *st, int col)
{
  if (sqlite3_column_type (st, col) != SQLITE_NULL)
    add_take (b, key, ul_time_format_iso8601 (sqlite3_column_int64 (st, col)));
}

static void
add_hex16 (GVariantBuilder *b, const char *key, sqlite3_stmt *st, int col)
{
  add_take (b, key, g_strdup_printf ("%04x", (guint) sqlite3_column_int (st, col)));
}

/* the bounds bound as ?1 since, ?2 until (exclusive), ?3 as-of */
static gboolean
bind_bounds (UlStore *store, sqlite3_stmt *st, gint64 since, gint64 until, gint64 as_of,
             GError **error)
{
  return ul_bind_int64 (store, st, 1, since, error) && ul_bind_int64 (store, st, 2, until, error) &&
         ul_bind_int64 (store, st, 3, as_of, error);
}

char *
ul_store_session_files_digest (UlStore *store, gint64 session_id, gint64 as_of, GError **error)
{
  g_autoptr(GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);
  sqlite3_stmt *st = ul_store_stmt (store,
                                    "SELECT action, path, size, sha256 FROM session_files "
                                    "WHERE session_id = ?1 AND time <= ?2 ORDER BY id", error);
  int rc;

  if (st == NULL || !ul_bind_int64 (store, st, 1, session_id, error) ||
      !ul_bind_int64 (store, st, 2, as_of, error))
    return NULL;
  while ((rc = sqlite3_step (st)) == SQLITE_ROW)
    {
      g_autofree char *path = col_escaped (st, 1);
      g_autofree char *line = g_strdup_printf (
        "%s\t%s\t%s\t%s\n", sqlite3_column_text (st, 0), path ? path : "",
        sqlite3_column_type (st, 2) == SQLITE_NULL ? "" : (const char *) sqlite3_column_text (st, 2),
        sqlite3_column_type (st, 3) == SQLITE_NULL ? "" : (const char *) sqlite3_column_text (st, 3));

      g_checksum_update (sum, (const guchar *) line, -1);
    }
  if (rc != SQLITE_DONE)
    {
      ul_store_set_sqlite_error (store, error, "cannot read a session's files");
      return NULL;
    }
  return g_strdup (g_checksum_get_string (sum));
}

/* the session's files: distinct paths and the bytes of their last state */
static gboolean
add_file_totals (UlStore *store, GVariantBuilder *b, gint64 session_id, gint64 as_of,
                 GError **error)
{
  sqlite3_stmt *st = ul_store_stmt (
    store,
    "SELECT count(*), coalesce(sum(CASE WHEN f.action != 'deleted' THEN f.size END), 0) "
    "FROM session_files f WHERE f.id IN (SELECT max(id) FROM session_files "
    "WHERE session_id = ?1 AND time <= ?2 GROUP BY path)", error);

  if (st == NULL || !ul_bind_int64 (store, st, 1, session_id, error) ||
      !ul_bind_int64 (store, st, 2, as_of, error))
    return FALSE;
  if (sqlite3_step (st) != SQLITE_ROW)
    return ul_store_set_sqlite_error (store, error, "cannot count a session's files");
  add_int (b, "files", sqlite3_column_int64 (st, 0));
  add_int (b, "bytes", sqlite3_column_int64 (st, 1));
  sqlite3_reset (st);
  return TRUE;
}

/* the certificate of the first erasure of the medium after the session
 * began (the one that erased it), if issued by @as_of */
static gboolean
add_erasure (UlStore *store, GVariantBuilder *b, gint64 medium_id, gint64 started_at,
             gint64 as_of, GError **error)
{
  sqlite3_stmt *st = ul_store_stmt (
    store,
    "SELECT c.number, c.issued_at FROM certificates c JOIN erasures e ON e.id = c.erasure_id "
    "WHERE e.medium_id = ?1 AND e.started_at >= ?2 AND c.issued_at <= ?3 "
    "ORDER BY c.issued_at, c.id LIMIT 1", error);
  int rc;

  if (st == NULL || !ul_bind_int64 (store, st, 1, medium_id, error) ||
      !ul_bind_int64 (store, st, 2, started_at, error) ||
      !ul_bind_int64 (store, st, 3, as_of, error))
    return FALSE;
  rc = sqlite3_step (st);
  if (rc == SQLITE_ROW)
    {
      add_take (b, "certificate", col_str (st, 0));
      add_time (b, "erased-at", st, 1);
    }
  else if (rc != SQLITE_DONE)
    return ul_store_set_sqlite_error (store, error, "cannot read erasures");
  sqlite3_reset (st);
  return TRUE;
}

/* what the 備考 column says, as codes */
static gboolean
add_remarks (UlStore *store, GVariantBuilder *b, gint64 session_id, gboolean read_only,
             gboolean card, gint64 as_of, GError **error)
{
  sqlite3_stmt *st = ul_store_stmt (
    store,
    "SELECT EXISTS (SELECT 1 FROM session_seat_changes WHERE session_id = ?1 AND time <= ?2), "
    "EXISTS (SELECT 1 FROM session_files WHERE session_id = ?1 AND source = 'outside' "
    "AND time <= ?2) OR EXISTS (SELECT 1 FROM events WHERE session_id = ?1 "
    "AND kind = 'medium-changed-outside' AND time <= ?2), "
    "EXISTS (SELECT 1 FROM session_files WHERE session_id = ?1 AND time <= ?2 "
    "AND status != 'ok' AND action != 'deleted')", error);
  GVariantBuilder codes;

  if (st == NULL || !ul_bind_int64 (store, st, 1, session_id, error) ||
      !ul_bind_int64 (store, st, 2, as_of, error))
    return FALSE;
  if (sqlite3_step (st) != SQLITE_ROW)
    return ul_store_set_sqlite_error (store, error, "cannot read a session's remarks");
  g_variant_builder_init (&codes, G_VARIANT_TYPE ("av"));
  if (read_only)
    g_variant_builder_add (&codes, "v", g_variant_new_string ("read-only"));
  if (card)
    g_variant_builder_add (&codes, "v", g_variant_new_string ("card"));
  if (sqlite3_column_int (st, 0))
    g_variant_builder_add (&codes, "v", g_variant_new_string ("seat-changed"));
  if (sqlite3_column_int (st, 1))
    g_variant_builder_add (&codes, "v", g_variant_new_string ("outside-changes"));
  if (sqlite3_column_int (st, 2))
    g_variant_builder_add (&codes, "v", g_variant_new_string ("not-all-hashed"));
  sqlite3_reset (st);
  g_variant_builder_add (b, "{sv}", "remarks", g_variant_builder_end (&codes));
  return TRUE;
}

static GVariant *
sessions_part (UlStore *store, gint64 since, gint64 until, gint64 as_of, GError **error)
{
  sqlite3_stmt *st = ul_store_stmt (
    store,
    "SELECT s.id, m.asset_number, m.label, m.vendor_id, m.product_id, m.manufacturer, "
    "m.product, m.serial, m.kind = 'card', m.read_only, m.registered_by, m.registered_at, "
    "s.user_name, s.host, s.started_at, "
    "CASE WHEN s.ended_at <= ?3 THEN s.ended_at END, "
    "CASE WHEN s.ended_at <= ?3 THEN s.end_reason END, s.medium_id "
    "FROM sessions s JOIN media m ON m.id = s.medium_id "
    "WHERE s.started_at < ?2 AND s.started_at <= ?3 "
    "AND (s.ended_at IS NULL OR s.ended_at > ?3 OR s.ended_at >= ?1) "
    "ORDER BY s.started_at, s.id", error);
  GVariantBuilder rows;
  int rc;

  if (st == NULL || !bind_bounds (store, st, since, until, as_of, error))
    return NULL;
  g_variant_builder_init (&rows, G_VARIANT_TYPE ("av"));
  while ((rc = sqlite3_step (st)) == SQLITE_ROW)
    {
      GVariantBuilder b;
      gint64 id = sqlite3_column_int64 (st, 0);
      gint64 medium_id = sqlite3_column_int64 (st, 17);
      gint64 started_at = sqlite3_column_int64 (st, 14);
      g_autofree char *files_sha256 = NULL;

      g_variant_builder_init (&b, G_VARIANT_TYPE_VARDICT);
      add_int (&b, "session-id", id);
      add_take (&b, "asset-number", col_str (st, 1));
      add_take (&b, "label", col_str (st, 2));
      add_hex16 (&b, "vendor-id", st, 3);
      add_hex16 (&b, "product-id", st, 4);
      add_take (&b, "vendor", col_escaped (st, 5));
      add_take (&b, "model", col_escaped (st, 6));
      add_take (&b, "serial", col_escaped (st, 7));
      add_take (&b, "approved-by", col_str (st, 10));
      add_time (&b, "approved-at", st, 11);
      add_take (&b, "user", col_str (st, 12));
      add_take (&b, "host", col_str (st, 13));
      add_time (&b, "started-at", st, 14);
      add_time (&b, "ended-at", st, 15);
      add_take (&b, "end-reason", col_str (st, 16));
      files_sha256 = ul_store_session_files_digest (store, id, as_of, error);
      if (files_sha256 == NULL ||
          !add_file_totals (store, &b, id, as_of, error) ||
          !add_erasure (store, &b, medium_id, started_at, as_of, error) ||
          !add_remarks (store, &b, id, sqlite3_column_int (st, 9) != 0,
                        sqlite3_column_int (st, 8) != 0, as_of, error))
        {
          g_variant_builder_clear (&b);
          g_variant_builder_clear (&rows);
          sqlite3_reset (st);
          return NULL;
        }
      add_str (&b, "files-sha256", files_sha256);
      g_variant_builder_add (&rows, "v", g_variant_builder_end (&b));
    }
  if (rc != SQLITE_DONE)
    {
      g_variant_builder_clear (&rows);
      ul_store_set_sqlite_error (store, error, "cannot read the month's sessions");
      return NULL;
    }
  return g_variant_builder_end (&rows);
}

static GVariant *
blocked_part (UlStore *store, gint64 since, gint64 until, gint64 as_of, GError **error)
{
  sqlite3_stmt *st = ul_store_stmt (
    store,
    "SELECT e.id, e.time, e.seat_user, e.host, e.kind, e.decision, e.detail, e.request_id, "
    "d.vendor_id, d.product_id, d.manufacturer, d.product, d.serial, d.kind = 'card', "
    "CASE WHEN r.decided_at <= ?3 THEN r.state ELSE 'pending' END, "
    "CASE WHEN r.decided_at <= ?3 THEN r.decided_by END, "
    "CASE WHEN r.decided_at <= ?3 THEN r.decided_at END "
    "FROM events e JOIN devices_seen d ON d.id = e.device_id "
    "LEFT JOIN requests r ON r.id = e.request_id "
    "WHERE e.time >= ?1 AND e.time < ?2 AND e.time <= ?3 "
    "AND e.kind IN (" INSERTION_KINDS ") AND e.decision IN (" BLOCKING_DECISIONS ") "
    "ORDER BY e.id", error);
  GVariantBuilder rows;
  int rc;

  if (st == NULL || !bind_bounds (store, st, since, until, as_of, error))
    return NULL;
  g_variant_builder_init (&rows, G_VARIANT_TYPE ("av"));
  while ((rc = sqlite3_step (st)) == SQLITE_ROW)
    {
      GVariantBuilder b;

      g_variant_builder_init (&b, G_VARIANT_TYPE_VARDICT);
      add_int (&b, "event-id", sqlite3_column_int64 (st, 0));
      add_time (&b, "time", st, 1);
      add_take (&b, "seat-user", col_str (st, 2));
      add_take (&b, "host", col_str (st, 3));
      add_take (&b, "kind", col_str (st, 4));
      add_take (&b, "decision", col_str (st, 5));
      add_take (&b, "detail", col_str (st, 6));
      add_hex16 (&b, "vendor-id", st, 8);
      add_hex16 (&b, "product-id", st, 9);
      add_take (&b, "vendor", col_escaped (st, 10));
      add_take (&b, "model", col_escaped (st, 11));
      add_take (&b, "serial", col_escaped (st, 12));
      if (sqlite3_column_type (st, 7) != SQLITE_NULL)
        {
          add_int (&b, "request-id", sqlite3_column_int64 (st, 7));
          add_take (&b, "request-state", col_str (st, 14));
          add_take (&b, "decided-by", col_str (st, 15));
          add_time (&b, "decided-at", st, 16);
        }
      g_variant_builder_add (&rows, "v", g_variant_builder_end (&b));
    }
  if (rc != SQLITE_DONE)
    {
      g_variant_builder_clear (&rows);
      ul_store_set_sqlite_error (store, error, "cannot read the month's blocked insertions");
      return NULL;
    }
  return g_variant_builder_end (&rows);
}

/* incidents: the events, and the media pulled out while in use (a session
 * that ended "yanked"), in time order */
static GVariant *
incidents_part (UlStore *store, gint64 since, gint64 until, gint64 as_of, GError **error)
{
  sqlite3_stmt *st = ul_store_stmt (
    store,
    "SELECT e.id, e.time, CASE WHEN e.decision = 'block-suspicious' THEN 'device-suspicious' "
    "ELSE e.kind END, e.actor, e.seat_user, m.asset_number, e.detail, e.session_id "
    "FROM events e LEFT JOIN media m ON m.id = e.medium_id "
    "WHERE e.time >= ?1 AND e.time < ?2 AND e.time <= ?3 "
    "AND (e.kind IN (" INCIDENT_KINDS ") OR (e.decision = 'block-suspicious' AND e.kind IN ("
    INSERTION_KINDS "))) "
    "UNION ALL "
    "SELECT NULL, s.ended_at, 'medium-yanked', 'system', s.user_name, m.asset_number, "
    "'', s.id FROM sessions s JOIN media m ON m.id = s.medium_id "
    "WHERE s.end_reason = 'yanked' AND s.ended_at >= ?1 AND s.ended_at < ?2 "
    "AND s.ended_at <= ?3 "
    "ORDER BY 2, 1", error);
  GVariantBuilder rows;
  int rc;

  if (st == NULL || !bind_bounds (store, st, since, until, as_of, error))
    return NULL;
  g_variant_builder_init (&rows, G_VARIANT_TYPE ("av"));
  while ((rc = sqlite3_step (st)) == SQLITE_ROW)
    {
      GVariantBuilder b;

      g_variant_builder_init (&b, G_VARIANT_TYPE_VARDICT);
      if (sqlite3_column_type (st, 0) != SQLITE_NULL)
        add_int (&b, "event-id", sqlite3_column_int64 (st, 0));
      add_time (&b, "time", st, 1);
      add_take (&b, "kind", col_str (st, 2));
      add_take (&b, "actor", col_str (st, 3));
      add_take (&b, "seat-user", col_str (st, 4));
      add_take (&b, "asset-number", col_str (st, 5));
      add_take (&b, "detail", col_str (st, 6));
      if (sqlite3_column_type (st, 7) != SQLITE_NULL)
        add_int (&b, "session-id", sqlite3_column_int64 (st, 7));
      g_variant_builder_add (&rows, "v", g_variant_builder_end (&b));
    }
  if (rc != SQLITE_DONE)
    {
      g_variant_builder_clear (&rows);
      ul_store_set_sqlite_error (store, error, "cannot read the month's incidents");
      return NULL;
    }
  return g_variant_builder_end (&rows);
}

/* the counts of the summary that are not counts of the parts' rows */
static GVariant *
summary (UlStore *store, GVariant *sessions, GVariant *blocked, GVariant *incidents,
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
    "(SELECT count(DISTINCT s.medium_id) FROM sessions s WHERE s.started_at < min(?2, ?3 + 1) "
    "AND NOT EXISTS (SELECT 1 FROM certificates c JOIN erasures e ON e.id = c.erasure_id "
    "WHERE e.medium_id = s.medium_id AND e.started_at >= s.started_at "
    "AND c.issued_at < min(?2, ?3 + 1))), "
    "(SELECT min(id) FROM events WHERE time >= ?1 AND time < ?2 AND time <= ?3), "
    "(SELECT max(id) FROM events WHERE time >= ?1 AND time < ?2 AND time <= ?3)", error);
  g_autoptr(GHashTable) media = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GHashTable) users = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  gint64 files = 0, bytes = 0, in_use = 0;
  GVariantBuilder b;

  if (st == NULL || !bind_bounds (store, st, since, until, as_of, error))
    return NULL;
  if (sqlite3_step (st) != SQLITE_ROW)
    {
      ul_store_set_sqlite_error (store, error, "cannot count the month");
      return NULL;
    }
  for (gsize i = 0; i < g_variant_n_children (sessions); i++)
    {
      g_autoptr(GVariant) boxed = g_variant_get_child_value (sessions, i);
      g_autoptr(GVariant) row = g_variant_get_variant (boxed);
      const char *asset = NULL, *user = NULL, *ended = NULL;
      gint64 n = 0;

      if (g_variant_lookup (row, "asset-number", "&s", &asset))
        g_hash_table_add (media, g_strdup (asset));
      if (g_variant_lookup (row, "user", "&s", &user))
        g_hash_table_add (users, g_strdup (user));
      if (g_variant_lookup (row, "files", "x", &n))
        files += n;
      if (g_variant_lookup (row, "bytes", "x", &n))
        bytes += n;
      if (!g_variant_lookup (row, "ended-at", "&s", &ended))
        in_use++;
    }
  g_variant_builder_init (&b, G_VARIANT_TYPE_VARDICT);
  add_int (&b, "sessions", (gint64) g_variant_n_children (sessions));
  add_int (&b, "sessions-in-use", in_use);
  add_int (&b, "media-used", g_hash_table_size (media));
  add_int (&b, "users", g_hash_table_size (users));
  add_int (&b, "files", files);
  add_int (&b, "bytes", bytes);
  add_int (&b, "blocked-insertions", (gint64) g_variant_n_children (blocked));
  add_int (&b, "requests", sqlite3_column_int64 (st, 0));
  add_int (&b, "requests-approved", sqlite3_column_int64 (st, 1));
  add_int (&b, "requests-rejected", sqlite3_column_int64 (st, 2));
  add_int (&b, "incidents", (gint64) g_variant_n_children (incidents));
  add_int (&b, "media-not-erased", sqlite3_column_int64 (st, 3));
  add_int (&b, "first-event-id", sqlite3_column_int64 (st, 4));
  add_int (&b, "last-event-id", sqlite3_column_int64 (st, 5));
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
  GVariant *counts;
  GVariantBuilder b;

  if (!ul_time_parse_month (month, &since, &until, error))
    return NULL;
  /* the parts are read one after the other; the daemon, the logbook's only
   * writer, writes nothing meanwhile, and nothing later than @as_of counts */
  sessions = sessions_part (store, since, until, as_of, error);
  if (sessions != NULL)
    g_variant_ref_sink (sessions);
  blocked = sessions ? blocked_part (store, since, until, as_of, error) : NULL;
  if (blocked != NULL)
    g_variant_ref_sink (blocked);
  incidents = blocked ? incidents_part (store, since, until, as_of, error) : NULL;
  if (incidents != NULL)
    g_variant_ref_sink (incidents);
  counts = incidents ? summary (store, sessions, blocked, incidents, since, until, as_of, error)
                     : NULL;
  if (counts == NULL)
    return NULL;

  g_variant_builder_init (&b, G_VARIANT_TYPE_VARDICT);
  add_str (&b, "ledger", UL_LEDGER_FORMAT);
  add_take (&b, "month", g_strndup (month, 7));
  add_take (&b, "zone", zone_at (since));
  add_take (&b, "since", ul_time_format_iso8601 (since));
  add_take (&b, "until", ul_time_format_iso8601 (until));
  add_take (&b, "as-of", ul_time_format_iso8601_us (as_of));
  add_str (&b, "host", host);
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
