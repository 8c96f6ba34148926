/* ul-record-row.h: one row of a page's list (built in code): a record of the daemon
 * (device, request, medium, session) as title, subtitle, detail and status,
 * with the page's buttons at its end. Every text is set as plain text:
 * device strings come escaped (ul_client_record_bytes) and never as markup. */
#pragma once

#include <gtk/gtk.h>

#include "ul-client-record.h"

G_BEGIN_DECLS

#define UL_TYPE_RECORD_ROW (ul_record_row_get_type ())
G_DECLARE_FINAL_TYPE (UlRecordRow, ul_record_row, UL, RECORD_ROW, GtkListBoxRow)

UlRecordRow *ul_record_row_new (UlClientRecord *record);
UlClientRecord *ul_record_row_get_record (UlRecordRow *self);
/* any of them may be NULL or "" (its label is hidden then) */
void ul_record_row_set_texts (UlRecordRow *self, const char *title, const char *subtitle,
                              const char *detail, const char *status);
/* a style class on the status only ("ul-status-blocked") */
void ul_record_row_set_status_class (UlRecordRow *self, const char *css_class);
/* a button at the row's end; @name is its widget name (for the tests),
 * @label its mnemonic text (its accessible name too) */
GtkWidget *ul_record_row_add_button (UlRecordRow *self, const char *name, const char *label,
                                     GCallback clicked, gpointer data);

G_END_DECLS
