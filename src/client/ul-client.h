/* ul-client.h: usbledgerd as its clients see it. The proxy is generated
 * by gdbus-codegen from org.usbledger.Manager1.xml (ul-bus-manager1.h), so
 * the XML stays the one description of the interface; this adds where the
 * daemon is and how it is called. */
#pragma once

#include <gio/gio.h>

#include "ul-bus-manager1.h"

G_BEGIN_DECLS

#define UL_CLIENT_BUS_NAME "org.usbledger"
#define UL_CLIENT_OBJECT_PATH "/org/usbledger/Manager"
#define UL_CLIENT_INTERFACE "org.usbledger.Manager1"

/* a call's timeout, unless said otherwise: an erasure or an export waits
 * for the disk, not for the daemon */
#define UL_CLIENT_TIMEOUT_MS (5 * 60 * 1000)
/* an export draws the month's PDFs before it answers */
#define UL_CLIENT_EXPORT_TIMEOUT_MS (10 * 60 * 1000)
/* checking the whole logbook reads every record of years: minutes (see
 * tests/bench/README.md) */
#define UL_CLIENT_VERIFY_TIMEOUT_MS (60 * 60 * 1000)

/* the manager on @bus (the system bus when NULL, connected here). Its
 * calls to the daemon allow interactive authorization: polkit may ask the
 * person for a password (ul_client_allow_interactive_authorization). */
UlBusManager1 *ul_client_manager_new_sync (GDBusConnection *bus, GDBusProxyFlags flags,
                                           GCancellable *cancellable, GError **error);

/* every method call from @bus to usbledgerd carries the flag
 * ALLOW_INTERACTIVE_AUTHORIZATION (the generated proxy's calls set no
 * flag of their own); once per connection */
void ul_client_allow_interactive_authorization (GDBusConnection *bus);

G_END_DECLS
