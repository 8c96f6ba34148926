/* ul-erase-dialog.h: erasing a plugged-in registered medium. The supervisor
 * types the medium's 管理番号 to confirm (Erase stays insensitive until it
 * matches; the default button is Cancel); a progress bar then shows the
 * bytes, the rate and the time left of the overwrite and of the read-back,
 * with a button that cancels; at the end the certificate's number is shown,
 * and the certificate can be saved as PDF (the daemon's signed document) or
 * printed (the shared renderer through GtkPrintOperation). */
#pragma once

#include <gtk/gtk.h>

#include "ul-client-record.h"
#include "ul-live-lists.h"

G_BEGIN_DECLS

#define UL_TYPE_ERASE_DIALOG (ul_erase_dialog_get_type ())
G_DECLARE_FINAL_TYPE (UlEraseDialog, ul_erase_dialog, UL, ERASE_DIALOG, GtkDialog)

/* @device: the plugged-in device's record (with its asset-number) */
UlEraseDialog *ul_erase_dialog_new (GtkWindow *parent, UlLiveLists *lists,
                                    UlClientRecord *device);
/* whether the certificate was issued and its signed JSON fetched */
gboolean ul_erase_dialog_has_certificate (UlEraseDialog *self);
/* the certificate, once issued, exported as a PDF file through the print
 * operation (what Print… draws); FALSE with @error before it is issued */
gboolean ul_erase_dialog_export_certificate (UlEraseDialog *self, const char *path,
                                             GError **error);

G_END_DECLS
