/* ul-ui-text.h: the small texts several pages show the same way */
#pragma once

#include <gtk/gtk.h>

#include "ul-client-record.h"

G_BEGIN_DECLS

/* the device's serial number, escaped, or "none" in the person's language */
char *ul_ui_serial (UlClientRecord *record);
/* a medium's last day of use (local date), or "no limit" */
char *ul_ui_valid_until (UlClientRecord *record);
/* a resizable column of @tree showing the model's string column @col */
void ul_ui_add_text_column (GtkWidget *tree, const char *title, int col);
/* the filter of one page of a month's listing (ListSessions, ListEvents):
 * the period, a medium and a person when given, after @after_id, @limit rows */
GVariant *ul_ui_month_page_filter (gint64 since, gint64 until, const char *asset,
                                   const char *user, gint64 after_id, guint32 limit);
/* an entry's text trimmed, NULL when empty (a filter not set) */
char *ul_ui_entry_value (GtkWidget *entry);
/* the month (YYYY-MM) an entry holds moved by @months; FALSE when it holds
 * no month */
gboolean ul_ui_month_step (GtkWidget *month_entry, int months);

G_END_DECLS
