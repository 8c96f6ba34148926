/* ul-dbus-service.h: org.usbledger.Manager1 on the system bus */
#pragma once

#include <gio/gio.h>

#include "ul-manager.h"

G_BEGIN_DECLS

#define UL_DBUS_NAME "org.usbledger"
#define UL_DBUS_PATH "/org/usbledger/Manager"
#define UL_DBUS_INTERFACE "org.usbledger.Manager1"

typedef struct _UlDbusService UlDbusService;

UlDbusService *ul_dbus_service_new (UlManager *mgr, GDBusConnection *bus, GError **error);
/* org.usbledger.Manager1.xml as built into the daemon */
GDBusNodeInfo *ul_dbus_service_interface_info (GError **error);
void ul_dbus_service_free (UlDbusService *svc);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (UlDbusService, ul_dbus_service_free)

G_END_DECLS
