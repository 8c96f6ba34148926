/* ul-dbus-signals.h: the manager's changes, sent as org.usbledger.Manager1's
 * signals */
#pragma once

#include <gio/gio.h>

#include "ul-manager.h"

G_BEGIN_DECLS

typedef struct _UlDbusSignals UlDbusSignals;

UlDbusSignals *ul_dbus_signals_connect (UlManager *mgr, GDBusConnection *bus);
void ul_dbus_signals_disconnect (UlDbusSignals *sigs);

G_END_DECLS
