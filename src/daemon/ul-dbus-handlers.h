/* ul-dbus-handlers.h: the functions of the method table (ul-dbus-methods.c),
 * one per method, grouped by what they are about */
#pragma once

#include "ul-dbus-methods.h"

G_BEGIN_DECLS

/* ul-dbus-handlers-media.c: devices, requests, registered media */
GVariant *ul_dbus_list_devices (const UlDbusCall *call, GError **error);
GVariant *ul_dbus_list_requests (const UlDbusCall *call, GError **error);
GVariant *ul_dbus_approve_request (const UlDbusCall *call, GError **error);
GVariant *ul_dbus_reject_request (const UlDbusCall *call, GError **error);
GVariant *ul_dbus_register_medium (const UlDbusCall *call, GError **error);
GVariant *ul_dbus_revoke_medium (const UlDbusCall *call, GError **error);
GVariant *ul_dbus_list_media (const UlDbusCall *call, GError **error);

/* ul-dbus-handlers-sessions.c: usage sessions and the event log */
GVariant *ul_dbus_list_sessions (const UlDbusCall *call, GError **error);
GVariant *ul_dbus_get_session (const UlDbusCall *call, GError **error);
GVariant *ul_dbus_list_session_files (const UlDbusCall *call, GError **error);
GVariant *ul_dbus_list_events (const UlDbusCall *call, GError **error);
GVariant *ul_dbus_verify_event_log (const UlDbusCall *call, GError **error);

/* ul-dbus-notices.c: the person at the seat's own notices */
GVariant *ul_dbus_watch_notices (const UlDbusCall *call, GError **error);

/* ul-dbus-handlers-erase.c: erasure, disposal and their documents */
GVariant *ul_dbus_erase_medium (const UlDbusCall *call, GError **error);
GVariant *ul_dbus_cancel_erase (const UlDbusCall *call, GError **error);
GVariant *ul_dbus_dispose_medium (const UlDbusCall *call, GError **error);
GVariant *ul_dbus_list_erasures (const UlDbusCall *call, GError **error);
GVariant *ul_dbus_get_certificate (const UlDbusCall *call, GError **error);
GVariant *ul_dbus_get_certificate_pdf (const UlDbusCall *call, GError **error);
GVariant *ul_dbus_get_signing_certificate (const UlDbusCall *call, GError **error);
GVariant *ul_dbus_get_disposal_pdf (const UlDbusCall *call, GError **error);

/* ul-dbus-handlers-ledger.c: the monthly ledger */
GVariant *ul_dbus_get_ledger (const UlDbusCall *call, GError **error);
GVariant *ul_dbus_export_ledger (const UlDbusCall *call, GError **error);

G_END_DECLS
