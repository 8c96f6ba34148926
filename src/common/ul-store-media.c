/* ul-store-media.c: registered media and their allowed users */
#include "ul-store-private.h"
#include "ul-error.h"

#define MEDIUM_COLUMNS \
  "id, asset_number, label, vendor_id, product_id, serial, manufacturer, product, " \
  "descriptor_hash, holder, all_staff, valid_from, valid_until, read_only, status, " \
  "registered_by, registered_at, revoked_by, revoked_at, revoke_reason, kind, bound_volumes"

static gboolean
load_users (UlStore *store, UlMedium *m, GError **error)
{
  sqlite3_stmt *st = ul_store_stmt (store,
                                    "SELECT user_name FROM media_users WHERE medium_id = ?1 "
                                    "ORDER BY user_name", error);
  g_autoptr(GPtrArray) users = g_ptr_array_new_with_free_func (g_free);
  int rc;

  if (st == NULL || !ul_bind_int64 (store, st, 1, m->id, error))
    return FALSE;
  while ((rc = sqlite3_step (st)) == SQLITE_ROW)
    g_ptr_array_add (users, ul_column_text (st, 0));
  sqlite3_reset (st);
  if (rc != SQLITE_DONE)
    return ul_store_set_sqlite_error (store, error, "cannot read allowed users");
  g_ptr_array_add (users, NULL);
  g_strfreev (m->users);
  m->users = (GStrv) g_ptr_array_steal (users, NULL);
  return TRUE;
}

static UlMedium *
medium_from_row (UlStore *store, sqlite3_stmt *st, GError **error)
{
  g_autoptr(UlMedium) m = ul_medium_new ();
  g_autofree char *status = NULL;

  m->id = sqlite3_column_int64 (st, 0);
  m->asset_number = ul_column_text (st, 1);
  m->label = ul_column_text (st, 2);
  m->vendor_id = (guint16) sqlite3_column_int (st, 3);
  m->product_id = (guint16) sqlite3_column_int (st, 4);
  m->serial = ul_column_bytes (st, 5);
  m->manufacturer = ul_column_bytes (st, 6);
  m->product = ul_column_bytes (st, 7);
  m->descriptor_hash = ul_column_text (st, 8);
  m->holder = ul_column_text (st, 9);
  m->all_staff = sqlite3_column_int (st, 10) != 0;
  m->valid_from = sqlite3_column_int64 (st, 11);
  m->valid_until = sqlite3_column_int64 (st, 12);
  m->read_only = sqlite3_column_int (st, 13) != 0;
  status = ul_column_text (st, 14);
  if (!ul_medium_status_from_string (status, &m->status))
    {
      g_set_error (error, UL_ERROR, UL_ERROR_DATABASE, "medium %s has an unknown status",
                   m->asset_number);
      return NULL;
    }
  m->registered_by = ul_column_text (st, 15);
  m->registered_at = sqlite3_column_int64 (st, 16);
  m->revoked_by = ul_column_text (st, 17);
  m->revoked_at = sqlite3_column_int64 (st, 18);
  m->revoke_reason = ul_column_text (st, 19);
  {
    g_autofree char *kind = ul_column_text (st, 20);

    if (!ul_medium_kind_from_string (kind, &m->kind))
      {
        g_set_error (error, UL_ERROR, UL_ERROR_DATABASE, "medium %s has an unknown kind",
                     m->asset_number);
        return NULL;
      }
  }
  m->bound_volumes = ul_column_text (st, 21);
  return g_steal_pointer (&m);
}

/* runs a SELECT of MEDIUM_COLUMNS already bound; collects media with users */
static GPtrArray *
collect_media (UlStore *store, sqlite3_stmt *st, GError **error)
{
  g_autoptr(GPtrArray) out = g_ptr_array_new_with_free_func ((GDestroyNotify) ul_medium_free);
  int rc;

  while ((rc = sqlite3_step (st)) == SQLITE_ROW)
    {
      UlMedium *m = medium_from_row (store, st, error);

      if (m == NULL)
        {
          sqlite3_reset (st);
          return NULL;
        }
      g_ptr_array_add (out, m);
    }
  sqlite3_reset (st);
  if (rc != SQLITE_DONE)
    {
      ul_store_set_sqlite_error (store, error, "cannot read media");
      return NULL;
    }
  for (guint i = 0; i < out->len; i++)
    if (!load_users (store, g_ptr_array_index (out, i), error))
      return NULL;
  return g_steal_pointer (&out);
}

static UlMedium *
first_or_null (GPtrArray *media)
{
  if (media == NULL || media->len == 0)
    return NULL;
  return g_ptr_array_steal_index (media, 0);
}

gboolean
ul_store_add_medium (UlStore *store, UlMedium *m, GError **error)
{
  sqlite3_stmt *st;

  if (!ul_medium_validate (m, error))
    return FALSE;
  st = ul_store_stmt (store,
                      "INSERT INTO media (asset_number, label, vendor_id, product_id, serial, "
                      "manufacturer, product, descriptor_hash, holder, all_staff, valid_from, "
                      "valid_until, read_only, status, registered_by, registered_at, kind) VALUES "
                      "(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, 'active', ?14, ?15, "
                      "?16) "
                      "RETURNING id",
                      error);
  if (st == NULL ||
      !ul_bind_text (store, st, 1, m->asset_number, error) ||
      !ul_bind_text (store, st, 2, m->label ? m->label : "", error) ||
      !ul_bind_int64 (store, st, 3, m->vendor_id, error) ||
      !ul_bind_int64 (store, st, 4, m->product_id, error) ||
      !ul_bind_bytes (store, st, 5, m->serial, error) ||
      !ul_bind_bytes (store, st, 6, m->manufacturer, error) ||
      !ul_bind_bytes (store, st, 7, m->product, error) ||
      !ul_bind_text (store, st, 8, m->descriptor_hash, error) ||
      !ul_bind_text (store, st, 9, m->holder ? m->holder : "", error) ||
      !ul_bind_int64 (store, st, 10, m->all_staff ? 1 : 0, error) ||
      !ul_bind_int64_or_null (store, st, 11, m->valid_from, error) ||
      !ul_bind_int64_or_null (store, st, 12, m->valid_until, error) ||
      !ul_bind_int64 (store, st, 13, m->read_only ? 1 : 0, error) ||
      !ul_bind_text (store, st, 14, m->registered_by, error) ||
      !ul_bind_int64 (store, st, 15, m->registered_at, error) ||
      !ul_bind_text (store, st, 16, ul_medium_kind_to_string (m->kind), error))
    return FALSE;
  if (sqlite3_step (st) != SQLITE_ROW)
    {
      int ext = sqlite3_extended_errcode (store->db);

      sqlite3_reset (st);
      if (ext == SQLITE_CONSTRAINT_UNIQUE)
        {
          g_set_error (error, UL_ERROR, UL_ERROR_ALREADY_EXISTS,
                       "asset number %s is taken, or this device is already registered",
                       m->asset_number);
          return FALSE;
        }
      return ul_store_set_sqlite_error (store, error, "cannot register the medium");
    }
  m->id = sqlite3_column_int64 (st, 0);
  sqlite3_reset (st);
  m->status = UL_MEDIUM_ACTIVE;

  for (guint i = 0; !m->all_staff && m->users != NULL && m->users[i] != NULL; i++)
    {
      st = ul_store_stmt (store,
                          "INSERT OR IGNORE INTO media_users (medium_id, user_name) "
                          "VALUES (?1, ?2)", error);
      if (st == NULL || !ul_bind_int64 (store, st, 1, m->id, error) ||
          !ul_bind_text (store, st, 2, m->users[i], error) ||
          !ul_store_step_done (store, st, error))
        return FALSE;
    }
  return TRUE;
}

UlMedium *
ul_store_find_medium_for_identity (UlStore *store, gboolean card, guint16 vid, guint16 pid,
                                   GBytes *serial, GError **error)
{
  sqlite3_stmt *st;
  g_autoptr(GPtrArray) media = NULL;

  if (serial == NULL)
    return NULL;
  st = ul_store_stmt (store,
                      "SELECT " MEDIUM_COLUMNS " FROM media WHERE vendor_id = ?1 AND "
                      "product_id = ?2 AND serial = ?3 AND (kind = 'card') = ?4 "
                      "ORDER BY status = 'active' DESC, id DESC LIMIT 1", error);
  if (st == NULL || !ul_bind_int64 (store, st, 1, vid, error) ||
      !ul_bind_int64 (store, st, 2, pid, error) ||
      !ul_bind_bytes (store, st, 3, serial, error) ||
      !ul_bind_int64 (store, st, 4, card ? 1 : 0, error))
    return NULL;
  media = collect_media (store, st, error);
  return first_or_null (media);
}

UlMedium *
ul_store_get_medium (UlStore *store, const char *asset_number, GError **error)
{
  sqlite3_stmt *st;
  g_autoptr(GPtrArray) media = NULL;
  UlMedium *m;

  st = ul_store_stmt (store, "SELECT " MEDIUM_COLUMNS " FROM media WHERE asset_number = ?1",
                      error);
  if (st == NULL || !ul_bind_text (store, st, 1, asset_number, error))
    return NULL;
  media = collect_media (store, st, error);
  if (media == NULL)
    return NULL;
  m = first_or_null (media);
  if (m == NULL)
    g_set_error (error, UL_ERROR, UL_ERROR_NOT_FOUND, "no medium with asset number %s",
                 asset_number);
  return m;
}

GPtrArray *
ul_store_list_media (UlStore *store, GError **error)
{
  sqlite3_stmt *st = ul_store_stmt (store,
                                    "SELECT " MEDIUM_COLUMNS " FROM media ORDER BY asset_number",
                                    error);

  if (st == NULL)
    return NULL;
  return collect_media (store, st, error);
}

gboolean
ul_store_revoke_medium (UlStore *store, const char *asset_number, const char *by,
                        const char *reason, gint64 now, gint64 *medium_id, GError **error)
{
  g_autoptr(UlMedium) m = ul_store_get_medium (store, asset_number, error);
  sqlite3_stmt *st;

  if (m == NULL)
    return FALSE;
  if (m->status != UL_MEDIUM_ACTIVE)
    {
      g_set_error (error, UL_ERROR, UL_ERROR_BAD_STATE, "medium %s is already %s",
                   asset_number, ul_medium_status_to_string (m->status));
      return FALSE;
    }
  st = ul_store_stmt (store,
                      "UPDATE media SET status = 'revoked', revoked_by = ?1, revoked_at = ?2, "
                      "revoke_reason = ?3 WHERE id = ?4 AND status = 'active'", error);
  if (st == NULL || !ul_bind_text (store, st, 1, by, error) ||
      !ul_bind_int64 (store, st, 2, now, error) ||
      !ul_bind_text (store, st, 3, reason ? reason : "", error) ||
      !ul_bind_int64 (store, st, 4, m->id, error) ||
      !ul_store_step_done (store, st, error))
    return FALSE;
  if (medium_id != NULL)
    *medium_id = m->id;
  return TRUE;
}

gboolean
ul_store_bind_medium_volumes (UlStore *store, gint64 medium_id, const char *volumes,
                              GError **error)
{
  sqlite3_stmt *st = ul_store_stmt (store, "UPDATE media SET bound_volumes = ?2 WHERE id = ?1",
                                    error);

  return st != NULL && ul_bind_int64 (store, st, 1, medium_id, error) &&
         ul_bind_text (store, st, 2, volumes, error) && ul_store_step_done (store, st, error);
}
