/* ul-session-dialog.h: one usage session: who used which medium on which
 * computer, when, how it ended, and every file written with its size and
 * SHA-256; changes found made outside usbledger are marked. Read-only. */
#pragma once

#include <gtk/gtk.h>

#include "ul-live-lists.h"

G_BEGIN_DECLS

#define UL_TYPE_SESSION_DIALOG (ul_session_dialog_get_type ())
G_DECLARE_FINAL_TYPE (UlSessionDialog, ul_session_dialog, UL, SESSION_DIALOG, GtkDialog)

UlSessionDialog *ul_session_dialog_new (GtkWindow *parent, UlLiveLists *lists,
                                        gint64 session_id);

G_END_DECLS
