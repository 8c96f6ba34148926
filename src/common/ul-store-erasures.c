/* ul-store-erasures.c: erasure jobs and the certificates of verified ones */
#include "ul-store-private.h"
#include "ul-error.h"

void
ul_erasure_free (UlErasure *e)
{
  if (e == NULL)
    return;
  g_free (e->device_node);
  g_free (e->method);
  g_free (e->pattern);
  g_free (e->operator_name);
  g_free (e->host);
  g_free (e->outcome);
  g_free (e->message);
  g_free (e->certificate);
  g_free (e->asset_number);
  g_free (e);
}

void
ul_certificate_free (UlCertificate *c)
{
  if (c == NULL)
    return;
  g_free (c->number);
  g_clear_pointer (&c->json, g_bytes_unref);
  g_clear_pointer (&c->signature, g_bytes_unref);
  g_free (c->key_sha256);
  g_free (c);
}

gboolean
ul_store_add_erasure (UlStore *store, UlErasure *e, GError **error)
{
  sqlite3_stmt *st = ul_store_stmt (store,
                                    "INSERT INTO erasures (medium_id, device_id, device_node, "
                                    "capacity, method, pattern, operator, operator_uid, host, "
                                    "started_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10) "
                                    "RETURNING id", error);

  if (st == NULL || !ul_bind_int64 (store, st, 1, e->medium_id, error) ||
      !ul_bind_int64 (store, st, 2, e->device_id, error) ||
      !ul_bind_text (store, st, 3, e->device_node, error) ||
      !ul_bind_int64 (store, st, 4, e->capacity, error) ||
      !ul_bind_text (store, st, 5, e->method, error) ||
      !ul_bind_text (store, st, 6, e->pattern, error) ||
      !ul_bind_text (store, st, 7, e->operator_name, error) ||
      (e->operator_uid < 0 ? !ul_bind_text (store, st, 8, NULL, error)
                           : !ul_bind_int64 (store, st, 8, e->operator_uid, error)) ||
      !ul_bind_text (store, st, 9, e->host, error) ||
      !ul_bind_int64 (store, st, 10, e->started_at, error))
    return FALSE;
  if (sqlite3_step (st) != SQLITE_ROW)
    {
      sqlite3_reset (st);
      return ul_store_set_sqlite_error (store, error, "cannot record the erasure");
    }
  e->id = sqlite3_column_int64 (st, 0);
  sqlite3_reset (st);
  return TRUE;
}

gboolean
ul_store_finish_erasure (UlStore *store, const UlErasure *e, GError **error)
{
  sqlite3_stmt *st = ul_store_stmt (store,
                                    "UPDATE erasures SET ended_at = ?1, outcome = ?2, "
                                    "bytes_written = ?3, bytes_verified = ?4, mismatches = ?5, "
                                    "bad_offset = ?6, message = ?7 WHERE id = ?8 "
                                    "AND outcome = 'running'", error);

  return st != NULL && ul_bind_int64 (store, st, 1, e->ended_at, error) &&
         ul_bind_text (store, st, 2, e->outcome, error) &&
         ul_bind_int64 (store, st, 3, e->bytes_written, error) &&
         ul_bind_int64 (store, st, 4, e->bytes_verified, error) &&
         ul_bind_int64 (store, st, 5, e->mismatches, error) &&
         (e->bad_offset < 0 ? ul_bind_text (store, st, 6, NULL, error)
                            : ul_bind_int64 (store, st, 6, e->bad_offset, error)) &&
         ul_bind_text (store, st, 7, e->message, error) &&
         ul_bind_int64 (store, st, 8, e->id, error) && ul_store_step_done (store, st, error);
}

gboolean
ul_store_interrupt_running_erasures (UlStore *store, gint64 now, guint *n, GError **error)
{
  sqlite3_stmt *st = ul_store_stmt (store,
                                    "UPDATE erasures SET outcome = 'interrupted', ended_at = ?1, "
                                    "message = 'usbledgerd stopped during the erasure' "
                                    "WHERE outcome = 'running'", error);

  if (st == NULL || !ul_bind_int64 (store, st, 1, now, error) ||
      !ul_store_step_done (store, st, error))
    return FALSE;
  *n = (guint) sqlite3_changes (store->db);
  return TRUE;
}

GPtrArray *
ul_store_list_erasures (UlStore *store, gint64 medium_id, GError **error)
{
  sqlite3_stmt *st = ul_store_stmt (store,
                                    "SELECT e.id, e.medium_id, e.device_id, e.device_node, "
                                    "e.capacity, e.method, e.pattern, e.operator, e.operator_uid, "
                                    "e.host, e.started_at, e.ended_at, e.outcome, e.bytes_written, "
                                    "e.bytes_verified, e.mismatches, e.bad_offset, e.message, "
                                    "c.number, m.asset_number FROM erasures e "
                                    "JOIN media m ON m.id = e.medium_id "
                                    "LEFT JOIN certificates c ON c.erasure_id = e.id "
                                    "WHERE ?1 IS NULL OR e.medium_id = ?1 ORDER BY e.id", error);
  g_autoptr(GPtrArray) out = g_ptr_array_new_with_free_func ((GDestroyNotify) ul_erasure_free);
  int rc;

  if (st == NULL || !ul_bind_int64_or_null (store, st, 1, medium_id, error))
    return NULL;
  while ((rc = sqlite3_step (st)) == SQLITE_ROW)
    {
      UlErasure *e = g_new0 (UlErasure, 1);

      e->id = sqlite3_column_int64 (st, 0);
      e->medium_id = sqlite3_column_int64 (st, 1);
      e->device_id = sqlite3_column_int64 (st, 2);
      e->device_node = ul_column_text (st, 3);
      e->capacity = sqlite3_column_int64 (st, 4);
      e->method = ul_column_text (st, 5);
      e->pattern = ul_column_text (st, 6);
      e->operator_name = ul_column_text (st, 7);
      e->operator_uid = sqlite3_column_type (st, 8) == SQLITE_NULL ? -1
                                                                   : sqlite3_column_int64 (st, 8);
      e->host = ul_column_text (st, 9);
      e->started_at = sqlite3_column_int64 (st, 10);
      e->ended_at = sqlite3_column_int64 (st, 11);
      e->outcome = ul_column_text (st, 12);
      e->bytes_written = sqlite3_column_int64 (st, 13);
      e->bytes_verified = sqlite3_column_int64 (st, 14);
      e->mismatches = sqlite3_column_int64 (st, 15);
      e->bad_offset = sqlite3_column_type (st, 16) == SQLITE_NULL ? -1
                                                                  : sqlite3_column_int64 (st, 16);
      e->message = ul_column_text (st, 17);
      e->certificate = ul_column_text (st, 18);
      e->asset_number = ul_column_text (st, 19);
      g_ptr_array_add (out, e);
    }
  sqlite3_reset (st);
  if (rc != SQLITE_DONE)
    {
      ul_store_set_sqlite_error (store, error, "cannot read erasures");
      return NULL;
    }
  return g_steal_pointer (&out);
}

GArray *
ul_store_unerased_sessions (UlStore *store, gint64 medium_id, gint64 before, GError **error)
{
  sqlite3_stmt *st = ul_store_stmt (store,
                                    "SELECT id FROM sessions WHERE medium_id = ?1 AND erased = 0 "
                                    "AND started_at < ?2 ORDER BY id", error);
  g_autoptr(GArray) out = g_array_new (FALSE, FALSE, sizeof (gint64));
  int rc;

  if (st == NULL || !ul_bind_int64 (store, st, 1, medium_id, error) ||
      !ul_bind_int64 (store, st, 2, before, error))
    return NULL;
  while ((rc = sqlite3_step (st)) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (st, 0);

      g_array_append_val (out, id);
    }
  sqlite3_reset (st);
  if (rc != SQLITE_DONE)
    {
      ul_store_set_sqlite_error (store, error, "cannot read sessions");
      return NULL;
    }
  return g_steal_pointer (&out);
}

gboolean
ul_store_retirement_certificate (UlStore *store, gint64 medium_id, char **number, char **why,
                                 GError **error)
{
  sqlite3_stmt *st = ul_store_stmt (store,
                                    "SELECT e.id, e.outcome, e.started_at, c.number, "
                                    "  (SELECT min(s.id) FROM sessions s WHERE s.medium_id = ?1 "
                                    "   AND s.started_at >= e.started_at AND EXISTS "
                                    "   (SELECT 1 FROM session_mounts m WHERE m.session_id = s.id)) "
                                    "FROM erasures e LEFT JOIN certificates c "
                                    "  ON c.erasure_id = e.id "
                                    "WHERE e.medium_id = ?1 ORDER BY e.id DESC LIMIT 1", error);
  int rc;

  *number = NULL;
  *why = NULL;
  if (st == NULL || !ul_bind_int64 (store, st, 1, medium_id, error))
    return FALSE;
  rc = sqlite3_step (st);
  if (rc == SQLITE_DONE)
    *why = g_strdup ("it was never erased");
  else if (rc == SQLITE_ROW)
    {
      g_autofree char *outcome = ul_column_text (st, 1);
      g_autofree char *cert = ul_column_text (st, 3);
          gint64 used = (gint64) sqlite3_column_int64 (st, 4);

      if (g_strcmp0 (outcome, "verified") != 0 || cert == NULL)
        *why = g_strdup_printf ("its last erasure (%" G_GINT64_FORMAT ") is %s, with no "
                                "certificate", (gint64) sqlite3_column_int64 (st, 0),
                                outcome ? outcome : "unknown");
      else if (used != 0)
        *why = g_strdup_printf ("it was used after its last erasure (session %" G_GINT64_FORMAT
                                ", certificate %s)", used, cert);
      else
        *number = g_steal_pointer (&cert);
    }
  sqlite3_reset (st);
  if (rc != SQLITE_DONE && rc != SQLITE_ROW)
    return ul_store_set_sqlite_error (store, error, "cannot read the erasures");
  return TRUE;
}

gboolean
ul_store_mark_session_erased (UlStore *store, gint64 session_id, GError **error)
{
  sqlite3_stmt *st = ul_store_stmt (store, "UPDATE sessions SET erased = 1 WHERE id = ?1", error);

  return st != NULL && ul_bind_int64 (store, st, 1, session_id, error) &&
         ul_store_step_done (store, st, error);
}

gboolean
ul_store_add_certificate (UlStore *store, UlCertificate *c, GError **error)
{
  sqlite3_stmt *next = ul_store_stmt (store,
                                      "SELECT ifnull(max(seq), 0) + 1 FROM certificates "
                                      "WHERE fiscal_year = ?1", error);
  sqlite3_stmt *st;

  if (next == NULL || !ul_bind_int64 (store, next, 1, c->fiscal_year, error))
    return FALSE;
  if (sqlite3_step (next) != SQLITE_ROW)
    {
      sqlite3_reset (next);
      return ul_store_set_sqlite_error (store, error, "cannot number the certificate");
    }
  c->seq = sqlite3_column_int64 (next, 0);
  sqlite3_reset (next);
  g_free (c->number);
  c->number = g_strdup_printf ("%d-%04" G_GINT64_FORMAT, c->fiscal_year, c->seq);
  if (c->json == NULL)
    return TRUE;    /* numbering only: the caller signs with the number in it */

  st = ul_store_stmt (store,
                      "INSERT INTO certificates (number, fiscal_year, seq, erasure_id, issued_at, "
                      "json, signature, key_sha256) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) "
                      "RETURNING id", error);
  if (st == NULL || !ul_bind_text (store, st, 1, c->number, error) ||
      !ul_bind_int64 (store, st, 2, c->fiscal_year, error) ||
      !ul_bind_int64 (store, st, 3, c->seq, error) ||
      !ul_bind_int64 (store, st, 4, c->erasure_id, error) ||
      !ul_bind_int64 (store, st, 5, c->issued_at, error) ||
      !ul_bind_bytes (store, st, 6, c->json, error) ||
      !ul_bind_bytes (store, st, 7, c->signature, error) ||
      !ul_bind_text (store, st, 8, c->key_sha256, error))
    return FALSE;
  if (sqlite3_step (st) != SQLITE_ROW)
    {
      sqlite3_reset (st);
      return ul_store_set_sqlite_error (store, error, "cannot record the certificate");
    }
  c->id = sqlite3_column_int64 (st, 0);
  sqlite3_reset (st);
  return TRUE;
}

static UlCertificate *
certificate_from_row (sqlite3_stmt *st)
{
  UlCertificate *c = g_new0 (UlCertificate, 1);

  c->id = sqlite3_column_int64 (st, 0);
  c->number = ul_column_text (st, 1);
  c->fiscal_year = sqlite3_column_int (st, 2);
  c->seq = sqlite3_column_int64 (st, 3);
  c->erasure_id = sqlite3_column_int64 (st, 4);
  c->issued_at = sqlite3_column_int64 (st, 5);
  c->json = ul_column_bytes (st, 6);
  c->signature = ul_column_bytes (st, 7);
  c->key_sha256 = ul_column_text (st, 8);
  return c;
}

UlCertificate *
ul_store_get_certificate (UlStore *store, const char *number, GError **error)
{
  sqlite3_stmt *st = ul_store_stmt (store,
                                    "SELECT id, number, fiscal_year, seq, erasure_id, issued_at, "
                                    "json, signature, key_sha256 FROM certificates "
                                    "WHERE number = ?1", error);
  UlCertificate *c = NULL;
  int rc;

  if (st == NULL || !ul_bind_text (store, st, 1, number, error))
    return NULL;
  rc = sqlite3_step (st);
  if (rc == SQLITE_ROW)
    c = certificate_from_row (st);
  sqlite3_reset (st);
  if (rc == SQLITE_DONE)
    g_set_error (error, UL_ERROR, UL_ERROR_NOT_FOUND, "no certificate %s", number);
  else if (rc != SQLITE_ROW)
    ul_store_set_sqlite_error (store, error, "cannot read the certificate");
  return c;
}

gboolean
ul_store_dispose_medium (UlStore *store, gint64 medium_id, const char *kind, const char *by,
                         gint64 by_uid, gint64 now, const char *contractor,
                         const char *reference, const char *done_on, const char *certificate,
                         const char *note, GError **error)
{
  sqlite3_stmt *st = ul_store_stmt (store,
                                    "INSERT INTO disposals (medium_id, kind, by, by_uid, at, "
                                    "contractor, reference, done_on, certificate, note) VALUES "
                                    "(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)", error);
  sqlite3_stmt *up;

  if (st == NULL || !ul_bind_int64 (store, st, 1, medium_id, error) ||
      !ul_bind_text (store, st, 2, kind, error) || !ul_bind_text (store, st, 3, by, error) ||
      (by_uid < 0 ? !ul_bind_text (store, st, 4, NULL, error)
                  : !ul_bind_int64 (store, st, 4, by_uid, error)) ||
      !ul_bind_int64 (store, st, 5, now, error) ||
      !ul_bind_text (store, st, 6, contractor, error) ||
      !ul_bind_text (store, st, 7, reference, error) ||
      !ul_bind_text (store, st, 8, done_on, error) ||
      !ul_bind_text (store, st, 9, certificate, error) ||
      !ul_bind_text (store, st, 10, note, error) || !ul_store_step_done (store, st, error))
    return FALSE;
  up = ul_store_stmt (store, "UPDATE media SET status = 'disposed' WHERE id = ?1", error);
  return up != NULL && ul_bind_int64 (store, up, 1, medium_id, error) &&
         ul_store_step_done (store, up, error);
}

gboolean
ul_store_identity_disposed (UlStore *store, guint16 vid, guint16 pid, GBytes *serial,
                            gboolean *disposed, GError **error)
{
  sqlite3_stmt *st = ul_store_stmt (store,
                                    "SELECT count(*) FROM media WHERE vendor_id = ?1 AND "
                                    "product_id = ?2 AND ifnull(serial, x'') = ifnull(?3, x'') "
                                    "AND status = 'disposed'", error);

  if (st == NULL || !ul_bind_int64 (store, st, 1, vid, error) ||
      !ul_bind_int64 (store, st, 2, pid, error) || !ul_bind_bytes (store, st, 3, serial, error))
    return FALSE;
  if (sqlite3_step (st) != SQLITE_ROW)
    {
      sqlite3_reset (st);
      return ul_store_set_sqlite_error (store, error, "cannot read media");
    }
  *disposed = sqlite3_column_int64 (st, 0) > 0;
  sqlite3_reset (st);
  return TRUE;
}

gboolean
ul_store_latest_certificate (UlStore *store, gint64 medium_id, char **number, GError **error)
{
  sqlite3_stmt *st = ul_store_stmt (store,
                                    "SELECT c.number FROM certificates c JOIN erasures e ON "
                                    "e.id = c.erasure_id WHERE e.medium_id = ?1 "
                                    "ORDER BY c.id DESC LIMIT 1", error);
  int rc;

  *number = NULL;
  if (st == NULL || !ul_bind_int64 (store, st, 1, medium_id, error))
    return FALSE;
  rc = sqlite3_step (st);
  if (rc == SQLITE_ROW)
    *number = ul_column_text (st, 0);
  sqlite3_reset (st);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    return ul_store_set_sqlite_error (store, error, "cannot read certificates");
  return TRUE;
}
