/* ul-store-devices.c: devices seen and usage sessions */
#include "ul-store-private.h"
#include "ul-error.h"

gboolean
ul_store_note_device (UlStore *store, const UlDevice *dev, gint64 now, gint64 *device_id,
                      GError **error)
{
  g_autofree char *ifaces = dev->desc ? ul_descriptors_interfaces_to_string (dev->desc)
                                      : g_strdup ("");
  sqlite3_stmt *st = ul_store_stmt (store,
                                    "INSERT INTO devices_seen (vendor_id, product_id, serial, "
                                    "manufacturer, product, bcd_device, speed, port_path, "
                                    "interfaces, descriptor_hash, first_seen, last_seen) VALUES "
                                    "(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?11) "
                                    "ON CONFLICT (vendor_id, product_id, ifnull(serial, x''), "
                                    "descriptor_hash) DO UPDATE SET last_seen = excluded.last_seen, "
                                    "port_path = excluded.port_path, speed = excluded.speed "
                                    "RETURNING id", error);

  if (st == NULL || !ul_bind_int64 (store, st, 1, dev->vendor_id, error) ||
      !ul_bind_int64 (store, st, 2, dev->product_id, error) ||
      !ul_bind_bytes (store, st, 3, dev->serial, error) ||
      !ul_bind_bytes (store, st, 4, dev->manufacturer, error) ||
      !ul_bind_bytes (store, st, 5, dev->product, error) ||
      !ul_bind_int64 (store, st, 6, dev->bcd_device, error) ||
      !ul_bind_text (store, st, 7, dev->speed, error) ||
      !ul_bind_text (store, st, 8, dev->name, error) ||
      !ul_bind_text (store, st, 9, ifaces, error) ||
      !ul_bind_text (store, st, 10, dev->descriptor_hash, error) ||
      !ul_bind_int64 (store, st, 11, now, error))
    return FALSE;
  if (sqlite3_step (st) != SQLITE_ROW)
    {
      sqlite3_reset (st);
      return ul_store_set_sqlite_error (store, error, "cannot record the device");
    }
  *device_id = sqlite3_column_int64 (st, 0);
  sqlite3_reset (st);
  return TRUE;
}

gboolean
ul_store_open_session (UlStore *store, gint64 medium_id, gint64 device_id,
                       const char *user_name, gint64 uid, const char *host, gint64 now,
                       gint64 *session_id, GError **error)
{
  sqlite3_stmt *st = ul_store_stmt (store,
                                    "INSERT INTO sessions (medium_id, device_id, user_name, uid, "
                                    "host, started_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6) "
                                    "RETURNING id", error);

  if (st == NULL || !ul_bind_int64 (store, st, 1, medium_id, error) ||
      !ul_bind_int64 (store, st, 2, device_id, error) ||
      !ul_bind_text (store, st, 3, user_name, error) ||
      (uid < 0 ? !ul_bind_text (store, st, 4, NULL, error)
               : !ul_bind_int64 (store, st, 4, uid, error)) ||
      !ul_bind_text (store, st, 5, host, error) ||
      !ul_bind_int64 (store, st, 6, now, error))
    return FALSE;
  if (sqlite3_step (st) != SQLITE_ROW)
    {
      sqlite3_reset (st);
      return ul_store_set_sqlite_error (store, error, "cannot open the session");
    }
  *session_id = sqlite3_column_int64 (st, 0);
  sqlite3_reset (st);
  return TRUE;
}

gboolean
ul_store_close_session (UlStore *store, gint64 session_id, gint64 now,
                        const char *end_reason, GError **error)
{
  sqlite3_stmt *st = ul_store_stmt (store,
                                    "UPDATE sessions SET ended_at = ?1, end_reason = ?2 "
                                    "WHERE id = ?3 AND ended_at IS NULL", error);

  return st != NULL && ul_bind_int64 (store, st, 1, now, error) &&
         ul_bind_text (store, st, 2, end_reason, error) &&
         ul_bind_int64 (store, st, 3, session_id, error) &&
         ul_store_step_done (store, st, error);
}

void
ul_session_free (UlSession *s)
{
  if (s == NULL)
    return;
  g_free (s->user_name);
  g_free (s->host);
  g_free (s->end_reason);
  g_free (s->asset_number);
  g_free (s);
}

GPtrArray *
ul_store_list_sessions (UlStore *store, GError **error)
{
  sqlite3_stmt *st = ul_store_stmt (store,
                                    "SELECT s.id, s.medium_id, s.device_id, s.user_name, s.uid, "
                                    "s.host, s.started_at, s.ended_at, s.end_reason, s.erased, "
                                    "m.asset_number FROM sessions s JOIN media m ON "
                                    "m.id = s.medium_id ORDER BY s.id", error);
  g_autoptr(GPtrArray) out = g_ptr_array_new_with_free_func ((GDestroyNotify) ul_session_free);
  int rc;

  if (st == NULL)
    return NULL;
  while ((rc = sqlite3_step (st)) == SQLITE_ROW)
    {
      UlSession *s = g_new0 (UlSession, 1);

      s->id = sqlite3_column_int64 (st, 0);
      s->medium_id = sqlite3_column_int64 (st, 1);
      s->device_id = sqlite3_column_int64 (st, 2);
      s->user_name = ul_column_text (st, 3);
      s->uid = sqlite3_column_type (st, 4) == SQLITE_NULL ? -1 : sqlite3_column_int64 (st, 4);
      s->host = ul_column_text (st, 5);
      s->started_at = sqlite3_column_int64 (st, 6);
      s->ended_at = sqlite3_column_int64 (st, 7);
      s->end_reason = ul_column_text (st, 8);
      s->erased = sqlite3_column_int (st, 9) != 0;
      s->asset_number = ul_column_text (st, 10);
      g_ptr_array_add (out, s);
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
ul_store_find_open_session (UlStore *store, gint64 medium_id, gint64 *session_id,
                            GError **error)
{
  sqlite3_stmt *st = ul_store_stmt (store,
                                    "SELECT id FROM sessions WHERE medium_id = ?1 AND "
                                    "ended_at IS NULL ORDER BY id DESC LIMIT 1", error);
  int rc;

  if (st == NULL || !ul_bind_int64 (store, st, 1, medium_id, error))
    return FALSE;
  rc = sqlite3_step (st);
  *session_id = rc == SQLITE_ROW ? sqlite3_column_int64 (st, 0) : 0;
  sqlite3_reset (st);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    return ul_store_set_sqlite_error (store, error, "cannot read sessions");
  return TRUE;
}
