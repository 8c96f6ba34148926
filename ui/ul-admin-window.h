/* ul-admin-window.h: the supervisor's window: a header bar with the pages
 * and the lock on viewing the logbook (polkit's org.usbledger.view), an
 * info bar for errors, a panel that says when usbledgerd is not running,
 * and the pages, fed by one UlLiveLists. */
#pragma once

#include <gtk/gtk.h>

#include "ul-live-lists.h"

G_BEGIN_DECLS

#define UL_TYPE_ADMIN_WINDOW (ul_admin_window_get_type ())
G_DECLARE_FINAL_TYPE (UlAdminWindow, ul_admin_window, UL, ADMIN_WINDOW, GtkApplicationWindow)

/* on @bus (the system bus when NULL) */
UlAdminWindow *ul_admin_window_new (GtkApplication *app, GDBusConnection *bus);
/* NULL until the proxy is made */
UlLiveLists *ul_admin_window_get_lists (UlAdminWindow *self);
/* says in the info bar what did not happen and why (ul-ui-errors.h) */
void ul_admin_window_show_error (UlAdminWindow *self, const char *what, const GError *error);
/* the same from any widget inside the window or a dialog over it */
void ul_admin_show_error (GtkWidget *widget, const char *what, const GError *error);
/* the templates and the style sheet (GResource), once per process */
void ul_admin_register_resources (void);
/* the style sheet, once per process */
void ul_admin_load_style (void);
/* before gtk_init: what the process needs of GDK. The window draws nothing
 * with OpenGL; without a GPU, GDK's probe of it maps Mesa's software
 * driver (llvmpipe and LLVM, about 55 MB resident), which is left unloaded */
void ul_admin_prepare_gdk (void);

G_END_DECLS
