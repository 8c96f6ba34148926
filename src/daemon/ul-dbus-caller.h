/* ul-dbus-caller.h: who called a D-Bus method, as the bus daemon knows it
 * (never from an argument): the account the logbook records */
#pragma once

#include <gio/gio.h>

#include "ul-manager.h"

G_BEGIN_DECLS

/* @actor is NULL with @error set when the caller cannot be told */
typedef void (*UlDbusCallerCallback) (GDBusMethodInvocation *invocation, const UlActor *actor,
                                      const GError *error, gpointer user_data);

/* Asks asynchronously: the bus daemon for the caller's uid, then the
 * account database (NSS: may be LDAP or SSSD, so in a thread) for its name.
 * The main loop goes on meanwhile. */
void ul_dbus_caller_lookup (GDBusMethodInvocation *invocation, UlDbusCallerCallback callback,
                            gpointer user_data);

G_END_DECLS
