/* ul-dispose-dialog.h: the end of a registered medium, recorded: destroyed
 * by a contractor (who, their reference, the day, all required) or retired
 * (only right after a verified erasure, which the daemon checks). The
 * medium is blocked for good. Cancel is the default button; the dialog
 * calls DisposeMedium itself and stays open with the reason if refused. */
#pragma once

#include <gtk/gtk.h>

#include "ul-client-record.h"
#include "ul-live-lists.h"

G_BEGIN_DECLS

#define UL_TYPE_DISPOSE_DIALOG (ul_dispose_dialog_get_type ())
G_DECLARE_FINAL_TYPE (UlDisposeDialog, ul_dispose_dialog, UL, DISPOSE_DIALOG, GtkDialog)

/* @medium: the medium's record */
UlDisposeDialog *ul_dispose_dialog_new (GtkWindow *parent, UlLiveLists *lists,
                                        UlClientRecord *medium);

G_END_DECLS
