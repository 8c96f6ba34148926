/* ul-sessions-page.c: see ul-sessions-page.h */
#include "config.h"

#include <glib/gi18n.h>

#include "ul-client.h"
#include "ul-client-record.h"
#include "ul-month-pager.h"
#include "ul-session-dialog.h"
#include "ul-sessions-page.h"
#include "ul-ui-text.h"
#include "ul-vocabulary.h"

enum {
  COL_ID, COL_STARTED, COL_ENDED, COL_USER, COL_ASSET, COL_HOST, COL_FILES, COL_END, COL_ERASED,
  N_COLS
};

struct _UlSessionsPage {
  GtkBox parent;
  UlLiveLists *lists;
  GtkListStore *store;
  UlMonthPager *pager;  /* the month read a page at a time */
  gboolean stale;       /* to be read again when next shown */

  GtkWidget *month_entry;
  GtkWidget *asset_entry;
  GtkWidget *user_entry;
  GtkWidget *count_label;
  GtkWidget *scrolled;
  GtkWidget *tree;
};

G_DEFINE_TYPE (UlSessionsPage, ul_sessions_page, GTK_TYPE_BOX)

static void
set_row (UlSessionsPage *self, GtkTreeIter *iter, UlClientRecord *s)
{
  g_autofree char *started = ul_client_record_time (s, "started-at");
  g_autofree char *ended = ul_client_record_time (s, "ended-at");
  g_autofree char *files = g_strdup_printf ("%" G_GINT64_FORMAT, ul_client_record_int (s, "files"));
  gboolean open = ul_client_record_int (s, "ended-at") == 0;

  gtk_list_store_set (self->store, iter,
                      COL_ID, ul_client_record_int (s, "id"),
                      COL_STARTED, started,
                      COL_ENDED, open ? _("in use") : ended,
                      COL_USER, ul_client_record_str (s, "user"),
                      COL_ASSET, ul_client_record_str (s, "asset-number"),
                      COL_HOST, ul_client_record_str (s, "host"),
                      COL_FILES, files,
                      COL_END, open ? "" : ul_vocabulary_label (UL_VOCAB_END_REASON,
                                                                ul_client_record_str (
                                                                  s, "end-reason")),
                      COL_ERASED, ul_client_record_bool (s, "erased") ? _("erased")
                                                                        : _("not erased"),
                      -1);
}

static void
add_row (GtkWidget *page, UlClientRecord *s)
{
  UlSessionsPage *self = UL_SESSIONS_PAGE (page);
  GtkTreeIter iter;

  gtk_list_store_append (self->store, &iter);
  set_row (self, &iter, s);
}

static char *
count_text (int n, gboolean whole)
{
  if (whole)
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%d session", "%d sessions", n), n);
  /* TRANSLATORS: the sessions loaded so far; more come as the list is scrolled */
  return g_strdup_printf (_("%d sessions shown, more below"), n);
}

static void
call_page (UlBusManager1 *manager, GVariant *filter, GCancellable *cancellable,
           GAsyncReadyCallback done, gpointer data)
{
  ul_bus_manager1_call_list_sessions (manager, filter, UL_CLIENT_CALL_FLAGS,
                                      UL_CLIENT_TIMEOUT_MS, cancellable, done, data);
}

static const UlMonthPagerFuncs pager_funcs = {
  .page_size = UL_SESSIONS_PAGE_SIZE,
  .call = call_page,
  .finish = ul_bus_manager1_call_list_sessions_finish,
  .add = add_row,
  .count_text = count_text,
  .load_failed = N_("The sessions could not be loaded"),
};

/* a new query: the month and filters as written now, from the first page */
static void
reload (UlSessionsPage *self)
{
  self->stale = FALSE;
  ul_month_pager_reload (self->pager);
}

void
ul_sessions_page_show_month (UlSessionsPage *self, const char *month)
{
  gtk_entry_set_text (GTK_ENTRY (self->month_entry), month);
  reload (self);
}

static void
on_prev_clicked (GtkButton *button, UlSessionsPage *self)
{
  ul_month_pager_step (self->pager, -1);
}

static void
on_next_clicked (GtkButton *button, UlSessionsPage *self)
{
  ul_month_pager_step (self->pager, 1);
}

static void
on_show_clicked (GtkWidget *widget, UlSessionsPage *self)
{
  reload (self);
}

static void
on_edge_reached (GtkScrolledWindow *scrolled, GtkPositionType pos, UlSessionsPage *self)
{
  if (pos == GTK_POS_BOTTOM)
    ul_month_pager_more (self->pager);
}

static void
on_row_activated (GtkTreeView *tree, GtkTreePath *path, GtkTreeViewColumn *column,
                  UlSessionsPage *self)
{
  GtkTreeIter iter;
  gint64 id;
  GtkWidget *top = gtk_widget_get_toplevel (GTK_WIDGET (self));

  if (!gtk_tree_model_get_iter (GTK_TREE_MODEL (self->store), &iter, path))
    return;
  gtk_tree_model_get (GTK_TREE_MODEL (self->store), &iter, COL_ID, &id, -1);
  gtk_widget_show (GTK_WIDGET (ul_session_dialog_new (GTK_IS_WINDOW (top) ? GTK_WINDOW (top)
                                                                          : NULL,
                                                      self->lists, id)));
}

/* whether a session the daemon announces belongs to what is shown */
static gboolean
belongs (UlSessionsPage *self, UlClientRecord *s)
{
  gint64 ended = ul_client_record_int (s, "ended-at");
  gint64 since, until;
  const char *asset, *user;

  ul_month_pager_get_query (self->pager, &since, &until, &asset, &user);
  return ul_client_record_int (s, "started-at") < until && (ended == 0 || ended >= since) &&
         (asset == NULL || g_str_equal (asset, ul_client_record_str (s, "asset-number"))) &&
         (user == NULL || g_str_equal (user, ul_client_record_str (s, "user")));
}

static void
on_session_changed (UlBusManager1 *manager, GVariant *record, UlSessionsPage *self)
{
  g_autoptr(UlClientRecord) s = ul_client_record_new (record);
  gint64 id = ul_client_record_int (s, "id");
  GtkTreeModel *model = GTK_TREE_MODEL (self->store);
  GtkTreeIter iter;
  gboolean valid;

  for (valid = gtk_tree_model_get_iter_first (model, &iter); valid;
       valid = gtk_tree_model_iter_next (model, &iter))
    {
      gint64 row_id;

      gtk_tree_model_get (model, &iter, COL_ID, &row_id, -1);
      if (row_id == id)
        {
          set_row (self, &iter, s);
          return;
        }
    }
  /* a new one: shown when the pages before it are all here (else the page
   * that holds it brings it) */
  if (ul_month_pager_is_whole (self->pager) && id > ul_month_pager_get_last_id (self->pager) &&
      belongs (self, s))
    {
      add_row (GTK_WIDGET (self), s);
      ul_month_pager_added (self->pager, id);
    }
}

static void
on_loaded (UlLiveLists *lists, GParamSpec *pspec, UlSessionsPage *self)
{
  /* the daemon (back) on the bus: what is shown is read again, once the
   * page is in view (a window that is never turned to it reads nothing) */
  if (ul_live_lists_get_loaded (lists) && gtk_widget_get_mapped (GTK_WIDGET (self)))
    reload (self);
  else
    self->stale = TRUE;
}

static void
on_map (GtkWidget *widget, UlSessionsPage *self)
{
  if (self->stale && self->lists != NULL && ul_live_lists_get_loaded (self->lists))
    {
      self->stale = FALSE;
      reload (self);
    }
}

void
ul_sessions_page_set_lists (UlSessionsPage *self, UlLiveLists *lists)
{
  g_set_object (&self->lists, lists);
  ul_month_pager_set_manager (self->pager, ul_live_lists_get_manager (lists));
  g_signal_connect_object (ul_live_lists_get_manager (lists), "session-changed",
                           G_CALLBACK (on_session_changed), self, 0);
  g_signal_connect_object (lists, "notify::loaded", G_CALLBACK (on_loaded), self, 0);
  on_loaded (lists, NULL, self);
}

static void
ul_sessions_page_dispose (GObject *object)
{
  UlSessionsPage *self = UL_SESSIONS_PAGE (object);

  if (self->pager != NULL)
    ul_month_pager_stop (self->pager);
  g_clear_object (&self->pager);
  g_clear_object (&self->lists);
  g_clear_object (&self->store);
  G_OBJECT_CLASS (ul_sessions_page_parent_class)->dispose (object);
}

static void
ul_sessions_page_class_init (UlSessionsPageClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = ul_sessions_page_dispose;
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/usbledger/Admin/ul-sessions-page.ui");
  gtk_widget_class_bind_template_child (widget_class, UlSessionsPage, month_entry);
  gtk_widget_class_bind_template_child (widget_class, UlSessionsPage, asset_entry);
  gtk_widget_class_bind_template_child (widget_class, UlSessionsPage, user_entry);
  gtk_widget_class_bind_template_child (widget_class, UlSessionsPage, count_label);
  gtk_widget_class_bind_template_child (widget_class, UlSessionsPage, scrolled);
  gtk_widget_class_bind_template_child (widget_class, UlSessionsPage, tree);
  gtk_widget_class_bind_template_callback (widget_class, on_prev_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_next_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_show_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_edge_reached);
  gtk_widget_class_bind_template_callback (widget_class, on_row_activated);
}

static void
ul_sessions_page_init (UlSessionsPage *self)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *month = g_date_time_format (now, "%Y-%m");

  gtk_widget_init_template (GTK_WIDGET (self));
  self->store = gtk_list_store_new (N_COLS, G_TYPE_INT64, G_TYPE_STRING, G_TYPE_STRING,
                                    G_TYPE_STRING, G_TYPE_STRING, G_TYPE_STRING, G_TYPE_STRING,
                                    G_TYPE_STRING, G_TYPE_STRING);
  self->pager = ul_month_pager_new (&pager_funcs, &(UlMonthPagerWidgets) {
                                      .page = GTK_WIDGET (self), .store = self->store,
                                      .month_entry = self->month_entry,
                                      .asset_entry = self->asset_entry,
                                      .user_entry = self->user_entry,
                                      .count_label = self->count_label });
  gtk_tree_view_set_model (GTK_TREE_VIEW (self->tree), GTK_TREE_MODEL (self->store));
  ul_ui_add_text_column (self->tree, _("Started"), COL_STARTED);
  ul_ui_add_text_column (self->tree, _("Ended"), COL_ENDED);
  ul_ui_add_text_column (self->tree, _("User"), COL_USER);
  ul_ui_add_text_column (self->tree, _("Medium"), COL_ASSET);
  ul_ui_add_text_column (self->tree, _("Computer"), COL_HOST);
  ul_ui_add_text_column (self->tree, _("Files"), COL_FILES);
  ul_ui_add_text_column (self->tree, _("How it ended"), COL_END);
  ul_ui_add_text_column (self->tree, _("Erasure"), COL_ERASED);
  gtk_entry_set_text (GTK_ENTRY (self->month_entry), month);
  g_signal_connect (self, "map", G_CALLBACK (on_map), self);
}
