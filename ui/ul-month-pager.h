/* ul-month-pager.h: a month's listing read a page at a time as it is
 * scrolled, for the 使用簿 (ListSessions) and 操作ログ (ListEvents) pages.
 * It keeps the query as the month, medium and person entries said when it
 * was last asked for; reads the page after the last row's id when the
 * table is scrolled to its end, so that a month of a big logbook is never
 * read whole; drops a page of an earlier query; and says in the count
 * label how many rows are shown and whether more follow. The page adds the
 * rows: the columns are its own. */
#pragma once

#include <gtk/gtk.h>

#include "ul-client-record.h"
#include "ul-bus-manager1.h"

G_BEGIN_DECLS

#define UL_TYPE_MONTH_PAGER (ul_month_pager_get_type ())
G_DECLARE_FINAL_TYPE (UlMonthPager, ul_month_pager, UL, MONTH_PAGER, GObject)

typedef struct {
  guint page_size;
  /* the listing's method, started with the page's filter */
  void (*call) (UlBusManager1 *manager, GVariant *filter, GCancellable *cancellable,
                GAsyncReadyCallback done, gpointer data);
  gboolean (*finish) (UlBusManager1 *manager, GVariant **records, GAsyncResult *res,
                      GError **error);
  /* one row for @record at the end of the page's table */
  void (*add) (GtkWidget *page, UlClientRecord *record);
  /* the count label: "N sessions", or "N shown, more below" (translated) */
  char *(*count_text) (int n, gboolean whole);
  /* what did not happen when a page fails, an N_() msgid */
  const char *load_failed;
} UlMonthPagerFuncs;

typedef struct {
  GtkWidget *page;          /* rows and errors go to it (it owns the pager) */
  GtkListStore *store;      /* its table's rows */
  GtkWidget *month_entry;   /* YYYY-MM */
  GtkWidget *asset_entry;   /* a medium, or empty */
  GtkWidget *user_entry;    /* a person, or empty */
  GtkWidget *count_label;
} UlMonthPagerWidgets;

UlMonthPager *ul_month_pager_new (const UlMonthPagerFuncs *funcs,
                                  const UlMonthPagerWidgets *widgets);
/* where the pages are asked for; none: nothing is read */
void ul_month_pager_set_manager (UlMonthPager *self, UlBusManager1 *manager);
/* a new query: the entries as written now, from the first page */
void ul_month_pager_reload (UlMonthPager *self);
/* the month in the entry moved by @months, then read */
void ul_month_pager_step (UlMonthPager *self, int months);
/* the next page, unless one is under way or the month is whole */
void ul_month_pager_more (UlMonthPager *self);
/* when the month was whole: its end asked again from the last row on
 * (rows may have been added since) */
void ul_month_pager_follow (UlMonthPager *self);
/* every page of the query is here and none is under way: a row the daemon
 * announces after the last may be added by the page itself */
gboolean ul_month_pager_is_whole (UlMonthPager *self);
gint64 ul_month_pager_get_last_id (UlMonthPager *self);
/* a row the page added itself (a live one): counted, and the next page
 * goes on after it */
void ul_month_pager_added (UlMonthPager *self, gint64 id);
/* the query as last asked for: the period [since, until) in µs, and the
 * medium and person (NULL: any) */
void ul_month_pager_get_query (UlMonthPager *self, gint64 *since, gint64 *until,
                               const char **asset, const char **user);
/* no page is read any more (the page is going away) */
void ul_month_pager_stop (UlMonthPager *self);

G_END_DECLS
