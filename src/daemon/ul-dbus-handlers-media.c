/* ul-dbus-handlers-media.c: the methods about devices, requests and
 * registered media (see ul-dbus-handlers.h) */
#include "config.h"

#include "ul-dbus-handlers.h"
#include "ul-dbus-records.h"
#include "ul-error.h"

static GVariant *
present_convert (gconstpointer p)
{
  return ul_record_present (p, FALSE);
}

GVariant *
ul_dbus_list_devices (const UlDbusCall *call, GError **error)
{
  g_autoptr(GPtrArray) list = ul_manager_list_present (call->mgr);

  return g_variant_new_tuple ((GVariant *[]){ ul_record_list (list, present_convert) }, 1);
}

GVariant *
ul_dbus_list_requests (const UlDbusCall *call, GError **error)
{
  const char *state;
  g_autoptr(GPtrArray) list = NULL;

  g_variant_get (call->params, "(&s)", &state);
  if (*state != '\0' &&
      !g_strv_contains ((const char *[]){ "pending", "approved", "rejected", NULL }, state))
    {
      g_set_error (error, UL_ERROR, UL_ERROR_INVALID_ARGUMENT,
                   "state must be pending, approved, rejected or empty");
      return NULL;
    }
  list = ul_store_list_requests (call->store, *state ? state : NULL, error);
  if (list == NULL)
    return NULL;
  return g_variant_new_tuple ((GVariant *[]){ ul_record_list (list, (UlRecordConvert)
                                                              ul_record_request) }, 1);
}

GVariant *
ul_dbus_list_media (const UlDbusCall *call, GError **error)
{
  g_autoptr(GPtrArray) list = ul_store_list_media (call->store, error);

  if (list == NULL)
    return NULL;
  return g_variant_new_tuple ((GVariant *[]){ ul_record_list (list, (UlRecordConvert)
                                                              ul_record_medium) }, 1);
}

GVariant *
ul_dbus_approve_request (const UlDbusCall *call, GError **error)
{
  gint64 id;
  g_autoptr(GVariant) dict = NULL;
  g_autoptr(UlMedium) reg = NULL, m = NULL;
  g_autofree char *note = NULL;
  UlRegisterChoices choices = { FALSE, FALSE };

  g_variant_get (call->params, "(x@a{sv})", &id, &dict);
  reg = ul_record_parse_registration (dict, &choices, FALSE, NULL, &note, error);
  if (reg == NULL)
    return NULL;
  m = ul_manager_approve_request (call->mgr, id, reg, note, &choices, call->actor, error);
  if (m == NULL)
    return NULL;
  return g_variant_new_tuple ((GVariant *[]){ ul_record_medium (m) }, 1);
}

GVariant *
ul_dbus_reject_request (const UlDbusCall *call, GError **error)
{
  gint64 id;
  const char *note;

  g_variant_get (call->params, "(x&s)", &id, &note);
  if (!ul_manager_reject_request (call->mgr, id, note, call->actor, error))
    return NULL;
  return g_variant_new ("()");
}

GVariant *
ul_dbus_register_medium (const UlDbusCall *call, GError **error)
{
  g_autoptr(GVariant) dict = g_variant_get_child_value (call->params, 0);
  g_autofree char *device = NULL;
  g_autoptr(UlMedium) reg = NULL, m = NULL;
  UlRegisterChoices choices = { FALSE, FALSE };

  reg = ul_record_parse_registration (dict, &choices, TRUE, &device, NULL, error);
  if (reg == NULL)
    return NULL;
  m = ul_manager_register_medium (call->mgr, reg, device, &choices, call->actor, error);
  if (m == NULL)
    return NULL;
  return g_variant_new_tuple ((GVariant *[]){ ul_record_medium (m) }, 1);
}

GVariant *
ul_dbus_revoke_medium (const UlDbusCall *call, GError **error)
{
  const char *asset, *reason;

  g_variant_get (call->params, "(&s&s)", &asset, &reason);
  if (!ul_manager_revoke_medium (call->mgr, asset, reason, call->actor, error))
    return NULL;
  return g_variant_new ("()");
}
