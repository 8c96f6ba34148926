/* ul-reason-dialog.h: asks why, before a refusal that the logbook keeps
 * (reject a request, revoke a medium). The action button stays insensitive
 * until a reason is written; the default button is Cancel. */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define UL_TYPE_REASON_DIALOG (ul_reason_dialog_get_type ())
G_DECLARE_FINAL_TYPE (UlReasonDialog, ul_reason_dialog, UL, REASON_DIALOG, GtkDialog)

/* @heading: what is about to happen; @action: the button's mnemonic label
 * (its response is GTK_RESPONSE_ACCEPT) */
UlReasonDialog *ul_reason_dialog_new (GtkWindow *parent, const char *title,
                                      const char *heading, const char *action);
/* the reason as written, trimmed */
char *ul_reason_dialog_get_reason (UlReasonDialog *self);

G_END_DECLS
