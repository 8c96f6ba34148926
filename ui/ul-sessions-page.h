/* ul-sessions-page.h: 使用簿, the usage sessions of a month, of one medium or
 * one person: who used which medium, when, how many files, how it ended.
 * The month is read a page at a time as it is scrolled (ListSessions with
 * after-id and limit), so a month of a big logbook is never loaded whole;
 * sessions changing or starting are followed live. A row opens the
 * session's detail (ul-session-dialog.h). */
#pragma once

#include <gtk/gtk.h>

#include "ul-live-lists.h"

G_BEGIN_DECLS

#define UL_TYPE_SESSIONS_PAGE (ul_sessions_page_get_type ())
G_DECLARE_FINAL_TYPE (UlSessionsPage, ul_sessions_page, UL, SESSIONS_PAGE, GtkBox)

void ul_sessions_page_set_lists (UlSessionsPage *self, UlLiveLists *lists);
/* loads the month (YYYY-MM) again from its first page */
void ul_sessions_page_show_month (UlSessionsPage *self, const char *month);

/* how many sessions one call brings */
#define UL_SESSIONS_PAGE_SIZE 200

G_END_DECLS
