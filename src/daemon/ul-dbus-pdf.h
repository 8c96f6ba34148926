/* ul-dbus-pdf.h: answering a call for a printable document (a certificate's
 * or a disposal's PDF), also one still being written */
#pragma once

#include <gio/gio.h>

#include "ul-manager.h"

G_BEGIN_DECLS

/* what dispatch returns when the reply is sent later, by someone else */
extern GVariant *const ul_dbus_reply_later;

/* the document at @path as the reply "(ay)"; if it is being written,
 * ul_dbus_reply_later, and @inv is answered once it is there */
GVariant *ul_dbus_pdf_reply (UlManager *mgr, GDBusMethodInvocation *inv, const char *path,
                             GError **error);

G_END_DECLS
