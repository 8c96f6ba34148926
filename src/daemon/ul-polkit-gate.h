/* ul-polkit-gate.h: the one door every D-Bus method call passes */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define UL_ACTION_VIEW "org.usbledger.view"
#define UL_ACTION_APPROVE "org.usbledger.approve"
#define UL_ACTION_ERASE "org.usbledger.erase"
#define UL_ACTION_CONFIGURE "org.usbledger.configure"
#define UL_ACTION_REPORT "org.usbledger.report"
/* not a polkit action: the method answers only about the caller's own
 * devices, chosen by the caller's uid from the bus (WatchNotices); the
 * service passes it by the gate */
#define UL_ACTION_OWN "usbledger:own"

/* Asks polkit whether the caller of @invocation holds @action (the method's
 * row in ul-dbus-methods.c says which; NULL denies). The callback gets TRUE
 * only on an explicit yes; no polkit, an error or no answer deny. */
typedef void (*UlPolkitCallback) (GDBusMethodInvocation *invocation, gboolean allowed,
                                  const char *why_not, gpointer user_data);

void ul_polkit_check (GDBusMethodInvocation *invocation, const char *action,
                      UlPolkitCallback callback, gpointer user_data);

G_END_DECLS
