/* ul-store-devices.c: devices seen */
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
                                    "interfaces, descriptor_hash, first_seen, last_seen, kind) VALUES "
                                    "(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?11, ?12) "
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
      !ul_bind_int64 (store, st, 11, now, error) ||
      !ul_bind_text (store, st, 12, dev->card ? "card" : "usb", error))
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
