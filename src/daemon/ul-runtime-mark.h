/* ul-runtime-mark.h: what usbledgerd tells the udev rule's helper about a
 * USB device, as a file RUNTIME-DIR/FOLDER/KERNEL-NAME. A file, not a message
 * to the daemon, so that the helper decides alone and at once within the
 * udev event, also while the daemon is down. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* writes @contents to the mark of the USB device @name ("1-2.3") in
 * @folder, or removes it when @contents is NULL (removing a mark that is
 * not there is no error) */
gboolean ul_runtime_mark_set (const char *runtime_dir, const char *folder, const char *name,
                              const char *contents, GError **error);
/* the mark's contents, or NULL when there is none */
char *ul_runtime_mark_get (const char *runtime_dir, const char *folder, const char *name);

G_END_DECLS
