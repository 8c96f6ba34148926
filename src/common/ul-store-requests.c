/* ul-store-requests.c: a blocked insertion becomes a request a supervisor decides */
#include "ul-store-private.h"
#include "ul-error.h"
#include "ul-record-seals.h"

#define REQUEST_SELECT \
  "SELECT r.id, r.device_id, r.state, r.requester, r.requester_uid, r.host, r.created_at, " \
  "r.reason, r.decided_by, r.decided_at, r.decision_note, r.medium_id, d.vendor_id, " \
  "d.product_id, d.bcd_device, d.serial, d.manufacturer, d.product, d.descriptor_hash, " \
  "d.interfaces, d.port_path, r.suspicion, r.weak_serial, d.kind = 'card', r.reason_code " \
  "FROM requests r JOIN devices_seen d ON d.id = r.device_id "

static UlRequest *
request_from_row (sqlite3_stmt *st)
{
  UlRequest *r = g_new0 (UlRequest, 1);

  r->id = sqlite3_column_int64 (st, 0);
  r->device_id = sqlite3_column_int64 (st, 1);
  r->state = ul_column_text (st, 2);
  r->requester = ul_column_text (st, 3);
  r->requester_uid = sqlite3_column_type (st, 4) == SQLITE_NULL ? -1
                                                                : sqlite3_column_int64 (st, 4);
  r->host = ul_column_text (st, 5);
  r->created_at = sqlite3_column_int64 (st, 6);
  r->reason = ul_column_text (st, 7);
  r->decided_by = ul_column_text (st, 8);
  r->decided_at = sqlite3_column_int64 (st, 9);
  r->decision_note = ul_column_text (st, 10);
  r->medium_id = sqlite3_column_int64 (st, 11);
  r->vendor_id = (guint16) sqlite3_column_int (st, 12);
  r->product_id = (guint16) sqlite3_column_int (st, 13);
  r->bcd_device = (guint16) sqlite3_column_int (st, 14);
  r->serial = ul_column_bytes (st, 15);
  r->manufacturer = ul_column_bytes (st, 16);
  r->product = ul_column_bytes (st, 17);
  r->descriptor_hash = ul_column_text (st, 18);
  r->interfaces = ul_column_text (st, 19);
  r->port_path = ul_column_text (st, 20);
  r->suspicion = ul_column_text (st, 21);
  r->weak_serial = ul_column_text (st, 22);
  r->card = sqlite3_column_int (st, 23) != 0;
  r->reason_code = ul_column_text (st, 24);
  return r;
}

void
ul_request_free (UlRequest *r)
{
  if (r == NULL)
    return;
  g_free (r->state);
  g_free (r->requester);
  g_free (r->host);
  g_free (r->reason);
  g_free (r->reason_code);
  g_free (r->decided_by);
  g_free (r->decision_note);
  g_clear_pointer (&r->serial, g_bytes_unref);
  g_clear_pointer (&r->manufacturer, g_bytes_unref);
  g_clear_pointer (&r->product, g_bytes_unref);
  g_free (r->descriptor_hash);
  g_free (r->interfaces);
  g_free (r->port_path);
  g_free (r->suspicion);
  g_free (r->weak_serial);
  g_free (r);
}

gboolean
ul_store_ensure_request (UlStore *store, gint64 device_id, const char *requester,
                         gint64 requester_uid, const char *host, gint64 now,
                         const char *reason, const char *reason_code,
                         const char *weak_serial, gint64 *request_id, gboolean *created,
                         GError **error)
{
  sqlite3_stmt *st = ul_store_stmt (store,
                                    "SELECT id FROM requests WHERE device_id = ?1 AND "
                                    "state = 'pending'", error);
  int rc;

  if (st == NULL || !ul_bind_int64 (store, st, 1, device_id, error))
    return FALSE;
  rc = sqlite3_step (st);
  if (rc == SQLITE_ROW)
    {
      /* the same stick plugged again while its request waits: one request */
      *request_id = sqlite3_column_int64 (st, 0);
      *created = FALSE;
      sqlite3_reset (st);
      return TRUE;
    }
  sqlite3_reset (st);
  if (rc != SQLITE_DONE)
    return ul_store_set_sqlite_error (store, error, "cannot read requests");

  st = ul_store_stmt (store,
                      "INSERT INTO requests (device_id, requester, requester_uid, host, "
                      "created_at, reason, weak_serial, reason_code) "
                      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) RETURNING id", error);
  if (st == NULL || !ul_bind_int64 (store, st, 1, device_id, error) ||
      !ul_bind_text (store, st, 2, requester, error) ||
      (requester_uid < 0 ? !ul_bind_text (store, st, 3, NULL, error)
                         : !ul_bind_int64 (store, st, 3, requester_uid, error)) ||
      !ul_bind_text (store, st, 4, host, error) ||
      !ul_bind_int64 (store, st, 5, now, error) ||
      !ul_bind_text (store, st, 6, reason, error) ||
      !ul_bind_text (store, st, 7, weak_serial, error) ||
      !ul_bind_text (store, st, 8, reason_code, error))
    return FALSE;
  if (sqlite3_step (st) != SQLITE_ROW)
    {
      sqlite3_reset (st);
      return ul_store_set_sqlite_error (store, error, "cannot record the request");
    }
  *request_id = sqlite3_column_int64 (st, 0);
  *created = TRUE;
  sqlite3_reset (st);
  return TRUE;
}

gboolean
ul_store_mark_request_suspicious (UlStore *store, gint64 device_id, const char *suspicion,
                                  gint64 *request_id, GError **error)
{
  sqlite3_stmt *st = ul_store_stmt (store,
                                    "UPDATE requests SET suspicion = ?2 WHERE device_id = ?1 "
                                    "AND state = 'pending' AND suspicion IS NOT ?2 RETURNING id",
                                    error);
  int rc;

  *request_id = 0;
  if (st == NULL || !ul_bind_int64 (store, st, 1, device_id, error) ||
      !ul_bind_text (store, st, 2, suspicion, error))
    return FALSE;
  rc = sqlite3_step (st);
  if (rc == SQLITE_ROW)
    *request_id = sqlite3_column_int64 (st, 0);
  while (rc == SQLITE_ROW)
    rc = sqlite3_step (st);
  sqlite3_reset (st);
  if (rc != SQLITE_DONE)
    return ul_store_set_sqlite_error (store, error, "cannot mark the request");
  return TRUE;
}

UlRequest *
ul_store_get_request (UlStore *store, gint64 id, GError **error)
{
  sqlite3_stmt *st = ul_store_stmt (store, REQUEST_SELECT "WHERE r.id = ?1", error);
  UlRequest *r;
  int rc;

  if (st == NULL || !ul_bind_int64 (store, st, 1, id, error))
    return NULL;
  rc = sqlite3_step (st);
  if (rc != SQLITE_ROW)
    {
      sqlite3_reset (st);
      if (rc == SQLITE_DONE)
        g_set_error (error, UL_ERROR, UL_ERROR_NOT_FOUND, "no request %" G_GINT64_FORMAT, id);
      else
        ul_store_set_sqlite_error (store, error, "cannot read requests");
      return NULL;
    }
  r = request_from_row (st);
  sqlite3_reset (st);
  return r;
}

GPtrArray *
ul_store_list_requests (UlStore *store, const char *state, GError **error)
{
  sqlite3_stmt *st = ul_store_stmt (store,
                                    REQUEST_SELECT "WHERE (?1 IS NULL OR r.state = ?1) "
                                    "ORDER BY r.id", error);
  g_autoptr(GPtrArray) out = g_ptr_array_new_with_free_func ((GDestroyNotify) ul_request_free);
  int rc;

  if (st == NULL || !ul_bind_text (store, st, 1, state, error))
    return NULL;
  while ((rc = sqlite3_step (st)) == SQLITE_ROW)
    g_ptr_array_add (out, request_from_row (st));
  sqlite3_reset (st);
  if (rc != SQLITE_DONE)
    {
      ul_store_set_sqlite_error (store, error, "cannot read requests");
      return NULL;
    }
  return g_steal_pointer (&out);
}

gboolean
ul_store_decide_request (UlStore *store, gint64 id, gboolean approved, const char *by,
                         const char *note, gint64 medium_id, gint64 now, GError **error)
{
  g_autoptr(UlRequest) r = ul_store_get_request (store, id, error);
  sqlite3_stmt *st;

  if (r == NULL)
    return FALSE;
  if (g_strcmp0 (r->state, "pending") != 0)
    {
      g_set_error (error, UL_ERROR, UL_ERROR_BAD_STATE,
                   "request %" G_GINT64_FORMAT " is already %s", id, r->state);
      return FALSE;
    }
  st = ul_store_stmt (store,
                      "UPDATE requests SET state = ?1, decided_by = ?2, decided_at = ?3, "
                      "decision_note = ?4, medium_id = ?5 WHERE id = ?6 AND state = 'pending'",
                      error);
  return st != NULL && ul_bind_text (store, st, 1, approved ? "approved" : "rejected", error) &&
         ul_bind_text (store, st, 2, by, error) && ul_bind_int64 (store, st, 3, now, error) &&
         ul_bind_text (store, st, 4, note ? note : "", error) &&
         ul_bind_int64_or_null (store, st, 5, medium_id, error) &&
         ul_bind_int64 (store, st, 6, id, error) && ul_store_step_done (store, st, error);
}

gboolean
ul_store_settle_requests (UlStore *store, guint16 vid, guint16 pid, GBytes *serial,
                          const char *by, gint64 medium_id, gint64 now, guint *n_closed,
                          GError **error)
{
  sqlite3_stmt *st = ul_store_stmt (store,
                                    "UPDATE requests SET state = 'approved', decided_by = ?1, "
                                    "decided_at = ?2, decision_note = 'registered directly', "
                                    "medium_id = ?3 WHERE state = 'pending' AND device_id IN "
                                    "(SELECT id FROM devices_seen WHERE vendor_id = ?4 AND "
                                    "product_id = ?5 AND serial = ?6)", error);

  if (st == NULL || !ul_bind_text (store, st, 1, by, error) ||
      !ul_bind_int64 (store, st, 2, now, error) || !ul_bind_int64 (store, st, 3, medium_id, error) ||
      !ul_bind_int64 (store, st, 4, vid, error) || !ul_bind_int64 (store, st, 5, pid, error) ||
      !ul_bind_bytes (store, st, 6, serial, error) || !ul_store_step_done (store, st, error))
    return FALSE;
  *n_closed = (guint) sqlite3_changes (store->db);
  return TRUE;
}

gboolean
ul_store_request_reasons_install (UlStore *store, GError **error)
{
  sqlite3_stmt *st;

  /* the update below fires the new triggers: each request's seal in the
   * form with reason_code (NULL: the sentence of an older request stays
   * its only reason) */
  if (!ul_record_seals_remake_triggers (store, "requests", error))
    return FALSE;
  st = ul_store_stmt (store, "UPDATE requests SET reason_code = NULL", error);
  return st != NULL && ul_store_step_done (store, st, error);
}
