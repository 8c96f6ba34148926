/* ul-admin-application.h: usbledger-admin as a GtkApplication (one window,
 * its style sheet, app.quit) */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define UL_TYPE_ADMIN_APPLICATION (ul_admin_application_get_type ())
G_DECLARE_FINAL_TYPE (UlAdminApplication, ul_admin_application, UL, ADMIN_APPLICATION,
                      GtkApplication)

UlAdminApplication *ul_admin_application_new (void);

G_END_DECLS
