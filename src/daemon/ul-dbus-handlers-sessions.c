/* ul-dbus-handlers-sessions.c: the methods about usage sessions and the
 * event log (see ul-dbus-handlers.h) */
#include "config.h"

#include "ul-dbus-handlers.h"
#include "ul-dbus-records.h"
#include "ul-error.h"

GVariant *
ul_dbus_list_sessions (const UlDbusCall *call, GError **error)
{
  g_autoptr(GVariant) dict = g_variant_get_child_value (call->params, 0);
  g_autofree char *user = NULL, *asset = NULL;
  UlSessionFilter f = { 0 };
  g_autoptr(GPtrArray) list = NULL;

  if (!ul_record_parse_session_filter (dict, &f, &user, &asset, error))
    return NULL;
  list = ul_store_list_sessions (call->store, &f, error);
  if (list == NULL)
    return NULL;
  return g_variant_new_tuple ((GVariant *[]){ ul_record_list (list, (UlRecordConvert)
                                                              ul_record_session) }, 1);
}

GVariant *
ul_dbus_get_session (const UlDbusCall *call, GError **error)
{
  gint64 id;
  g_autoptr(UlSession) s = NULL;
  g_autoptr(GPtrArray) mounts = NULL;
  GVariant *seats = NULL;
  GVariant *record;

  g_variant_get (call->params, "(x)", &id);
  s = ul_store_get_session (call->store, id, error);
  if (s == NULL || (mounts = ul_store_list_session_mounts (call->store, id, error)) == NULL ||
      (seats = ul_store_list_seat_changes (call->store, id, error)) == NULL)
    return NULL;
  /* the session record, plus who came to the seat while it lasted */
  {
    g_autoptr(GVariant) base = g_variant_ref_sink (ul_record_session (s));
    GVariantDict dict;

    g_variant_dict_init (&dict, base);
    g_variant_dict_insert_value (&dict, "seat-changes", seats);
    record = g_variant_dict_end (&dict);
  }
  return g_variant_new_tuple ((GVariant *[]){
                                record,
                                ul_record_list (mounts, (UlRecordConvert) ul_record_mount) }, 2);
}

GVariant *
ul_dbus_list_session_files (const UlDbusCall *call, GError **error)
{
  gint64 id, after;
  guint32 limit;
  g_autoptr(UlSession) s = NULL;
  g_autoptr(GPtrArray) files = NULL;

  g_variant_get (call->params, "(xxu)", &id, &after, &limit);
  if (limit < 1 || limit > UL_FILES_PAGE_MAX)
    {
      g_set_error (error, UL_ERROR, UL_ERROR_INVALID_ARGUMENT, "limit must be 1 to %u",
                   UL_FILES_PAGE_MAX);
      return NULL;
    }
  s = ul_store_get_session (call->store, id, error);
  if (s == NULL ||
      (files = ul_store_list_session_files (call->store, id, after, limit, error)) == NULL)
    return NULL;
  return g_variant_new_tuple ((GVariant *[]){ ul_record_list (files, (UlRecordConvert)
                                                              ul_record_file) }, 1);
}

GVariant *
ul_dbus_list_events (const UlDbusCall *call, GError **error)
{
  g_autoptr(GVariant) dict = g_variant_get_child_value (call->params, 0);
  g_autofree char *user = NULL, *asset = NULL;
  UlEventFilter f = { 0 };
  g_autoptr(GPtrArray) list = NULL;

  if (!ul_record_parse_event_filter (dict, &f, &user, &asset, error))
    return NULL;
  f.user = user;
  if (asset != NULL)
    {
      g_autoptr(UlMedium) m = ul_store_get_medium (call->store, asset, error);

      if (m == NULL)
        return NULL;
      f.medium_id = m->id;
    }
  list = ul_store_list_events (call->store, &f, error);
  if (list == NULL)
    return NULL;
  return g_variant_new_tuple ((GVariant *[]){ ul_record_list (list, (UlRecordConvert)
                                                              ul_record_event) }, 1);
}

GVariant *
ul_dbus_verify_event_log (const UlDbusCall *call, GError **error)
{
  guint64 n = 0;

  guint n_checkpoints = 0;

  /* the chain itself, then the signed checkpoints it must still contain */
  if (!ul_store_verify_chain (call->store, &n, error) ||
      !ul_manager_check_checkpoints (call->mgr, &n_checkpoints, error))
    return NULL;
  return g_variant_new ("(t)", n);
}
