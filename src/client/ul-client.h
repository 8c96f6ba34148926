/* ul-client.h: usbledgerd as its clients see it. The proxy is generated
 * by gdbus-codegen from org.usbledger.Manager1.xml (ul-bus-manager1.h), so
 * the XML stays the one description of the interface (calls take
 * GDBusCallFlags: gdbus-codegen --glib-min-required 2.74); this adds where
 * the daemon is and how it is called. */
#pragma once

#include <gio/gio.h>

#include "ul-bus-manager1.h"

G_BEGIN_DECLS

#define UL_CLIENT_BUS_NAME "org.usbledger"
#define UL_CLIENT_OBJECT_PATH "/org/usbledger/Manager"

/* each call names its timeout: this one unless said otherwise (an erasure
 * starts only once the disk is opened, and the disk may be slow) */
#define UL_CLIENT_TIMEOUT_MS (5 * 60 * 1000)
/* an export draws the month's PDFs before it answers */
#define UL_CLIENT_EXPORT_TIMEOUT_MS (10 * 60 * 1000)
/* checking the whole logbook reads every record of years: minutes (see
 * tests/bench/README.md) */
#define UL_CLIENT_VERIFY_TIMEOUT_MS (60 * 60 * 1000)

/* how usbledger's clients call the daemon: polkit may ask the person at
 * the seat for a password (the daemon passes the message's flag on as
 * AllowUserInteraction) */
#define UL_CLIENT_CALL_FLAGS G_DBUS_CALL_FLAGS_ALLOW_INTERACTIVE_AUTHORIZATION

/* the manager on @bus (the system bus when NULL, connected here) */
UlBusManager1 *ul_client_manager_new_sync (GDBusConnection *bus, GDBusProxyFlags flags,
                                           GCancellable *cancellable, GError **error);

G_END_DECLS
