/* ul-ledger-page.h: 月次使用簿, the month's ledger the city receives: a month
 * picker, a preview drawn by the shared renderer (src/report, what the PDF
 * helper draws), Print… through GtkPrintOperation with the same renderer,
 * and Export… of the signed bundle (ExportLedger) into a folder. */
#pragma once

#include <gtk/gtk.h>

#include "ul-live-lists.h"

G_BEGIN_DECLS

#define UL_TYPE_LEDGER_PAGE (ul_ledger_page_get_type ())
G_DECLARE_FINAL_TYPE (UlLedgerPage, ul_ledger_page, UL, LEDGER_PAGE, GtkBox)

void ul_ledger_page_set_lists (UlLedgerPage *self, UlLiveLists *lists);
/* whether the month asked for is loaded (its preview drawn) */
gboolean ul_ledger_page_is_loaded (UlLedgerPage *self);
/* the loaded month printed to a PDF file through the print operation's
 * export, as Print… draws it */
gboolean ul_ledger_page_export_pdf (UlLedgerPage *self, const char *path, GError **error);

G_END_DECLS
