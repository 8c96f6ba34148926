/* ul-log-page.h: 操作ログ, the event log of a month (every decision and
 * operation, hash-chained), filtered by medium or person, read a page at a
 * time as it is scrolled (ListEvents' after-id and limit); Verify checks
 * the whole logbook (VerifyEventLog) and says its state in words. */
#pragma once

#include <gtk/gtk.h>

#include "ul-live-lists.h"

G_BEGIN_DECLS

#define UL_TYPE_LOG_PAGE (ul_log_page_get_type ())
G_DECLARE_FINAL_TYPE (UlLogPage, ul_log_page, UL, LOG_PAGE, GtkBox)

void ul_log_page_set_lists (UlLogPage *self, UlLiveLists *lists);

/* how many events one call brings */
#define UL_LOG_PAGE_SIZE 500

G_END_DECLS
