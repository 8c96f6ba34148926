/* ul-polkit-gate.h: the one door every D-Bus method call passes */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define UL_ACTION_VIEW "org.usbledger.view"
#define UL_ACTION_APPROVE "org.usbledger.approve"
#define UL_ACTION_ERASE "org.usbledger.erase"
#define UL_ACTION_CONFIGURE "org.usbledger.configure"

/* the polkit action a method needs; NULL: not in the table, always denied */
const char *ul_polkit_action_for_method (const char *method);

/* Asks polkit whether the caller of @invocation may call it. The callback
 * gets TRUE only on an explicit yes; no polkit, an error or no answer deny. */
typedef void (*UlPolkitCallback) (GDBusMethodInvocation *invocation, gboolean allowed,
                                  const char *why_not, gpointer user_data);

void ul_polkit_check (GDBusMethodInvocation *invocation, UlPolkitCallback callback,
                      gpointer user_data);

G_END_DECLS
