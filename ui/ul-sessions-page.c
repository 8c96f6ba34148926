/* ul-sessions-page.c: see ul-sessions-page.h */
#include "config.h"

#include <glib/gi18n.h>

#include "ul-admin-window.h"
#include "ul-client.h"
#include "ul-client-record.h"
#include "ul-session-dialog.h"
#include "ul-sessions-page.h"
#include "ul-time.h"
#include "ul-ui-text.h"
#include "ul-vocabulary.h"

enum {
  COL_ID, COL_STARTED, COL_ENDED, COL_USER, COL_ASSET, COL_HOST, COL_FILES, COL_END, COL_ERASED,
  N_COLS
};

struct _UlSessionsPage {
  GtkBox parent;
  UlLiveLists *lists;
  GCancellable *cancellable;
  GtkListStore *store;

  /* what is shown: a month, maybe one medium or one person */
  gint64 since, until;
  char *asset, *user;
  gint64 last_id;       /* the last session loaded: the next page goes on after it */
  gboolean loading, complete;
  gboolean stale;       /* to be read again when next shown */
  guint generation;     /* a page of an earlier query is dropped */

  GtkWidget *month_entry;
  GtkWidget *asset_entry;
  GtkWidget *user_entry;
  GtkWidget *count_label;
  GtkWidget *scrolled;
  GtkWidget *tree;
};

G_DEFINE_TYPE (UlSessionsPage, ul_sessions_page, GTK_TYPE_BOX)

typedef struct {
  UlSessionsPage *self;
  guint generation;
} PageCall;

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
show_count (UlSessionsPage *self)
{
  int n = gtk_tree_model_iter_n_children (GTK_TREE_MODEL (self->store), NULL);
  g_autofree char *text = NULL;

  if (self->complete)
    text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%d session", "%d sessions", n), n);
  else
    /* TRANSLATORS: the sessions loaded so far; more come as the list is scrolled */
    text = g_strdup_printf (_("%d sessions shown, more below"), n);
  gtk_label_set_text (GTK_LABEL (self->count_label), text);
}

static void load_page (UlSessionsPage *self);

static void
page_done (GObject *source, GAsyncResult *res, gpointer data)
{
  g_autofree PageCall *call = data;
  g_autoptr(UlSessionsPage) self = call->self;
  g_autoptr(GVariant) sessions = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) records = NULL;

  if (!ul_bus_manager1_call_list_sessions_finish (UL_BUS_MANAGER1 (source), &sessions, res,
                                                  &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) ||
          call->generation != self->generation)
        return;
      self->loading = FALSE;
      ul_admin_show_error (GTK_WIDGET (self), _("The sessions could not be loaded"), error);
      return;
    }
  if (call->generation != self->generation)
    return;
  self->loading = FALSE;
  records = ul_client_records_new (sessions);
  for (guint i = 0; i < records->len; i++)
    {
      UlClientRecord *s = g_ptr_array_index (records, i);
      GtkTreeIter row;

      gtk_list_store_append (self->store, &row);
      set_row (self, &row, s);
      self->last_id = MAX (self->last_id, ul_client_record_int (s, "id"));
    }
  self->complete = records->len < UL_SESSIONS_PAGE_SIZE;
  show_count (self);
}

static void
load_page (UlSessionsPage *self)
{
  PageCall *call;
  GVariant *filter;

  if (self->lists == NULL || self->loading || self->complete || self->since == 0)
    return;
  call = g_new0 (PageCall, 1);
  call->self = g_object_ref (self);
  call->generation = self->generation;
  self->loading = TRUE;
  filter = ul_ui_month_page_filter (self->since, self->until, self->asset, self->user,
                                    self->last_id, UL_SESSIONS_PAGE_SIZE);
  ul_bus_manager1_call_list_sessions (ul_live_lists_get_manager (self->lists), filter,
                                      UL_CLIENT_CALL_FLAGS, UL_CLIENT_TIMEOUT_MS, self->cancellable,
                                      page_done, call);
}

/* a new query: the month and filters as written now, from the first page */
static void
reload (UlSessionsPage *self)
{
  g_autoptr(GError) error = NULL;
  gint64 since, until;

  if (!ul_time_parse_month (gtk_entry_get_text (GTK_ENTRY (self->month_entry)), &since, &until,
                            &error))
    {
      ul_admin_show_error (GTK_WIDGET (self), _("Write the month as YYYY-MM"), error);
      return;
    }
  self->generation++;
  self->since = since;
  self->until = until;
  g_free (self->asset);
  self->asset = ul_ui_entry_value (self->asset_entry);
  g_free (self->user);
  self->user = ul_ui_entry_value (self->user_entry);
  self->last_id = 0;
  self->loading = FALSE;
  self->complete = FALSE;
  self->stale = FALSE;
  gtk_list_store_clear (self->store);
  load_page (self);
}

void
ul_sessions_page_show_month (UlSessionsPage *self, const char *month)
{
  gtk_entry_set_text (GTK_ENTRY (self->month_entry), month);
  reload (self);
}

static void
step_month (UlSessionsPage *self, int months)
{
  if (ul_ui_month_step (self->month_entry, months))
    reload (self);
}

static void
on_prev_clicked (GtkButton *button, UlSessionsPage *self)
{
  step_month (self, -1);
}

static void
on_next_clicked (GtkButton *button, UlSessionsPage *self)
{
  step_month (self, 1);
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
    load_page (self);
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

  return ul_client_record_int (s, "started-at") < self->until &&
         (ended == 0 || ended >= self->since) &&
         (self->asset == NULL || g_str_equal (self->asset, ul_client_record_str (s,
                                                                                 "asset-number")))
         && (self->user == NULL || g_str_equal (self->user, ul_client_record_str (s, "user")));
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
  if (self->complete && !self->loading && id > self->last_id && belongs (self, s))
    {
      gtk_list_store_append (self->store, &iter);
      set_row (self, &iter, s);
      self->last_id = id;
      show_count (self);
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
  g_signal_connect_object (ul_live_lists_get_manager (lists), "session-changed",
                           G_CALLBACK (on_session_changed), self, 0);
  g_signal_connect_object (lists, "notify::loaded", G_CALLBACK (on_loaded), self, 0);
  on_loaded (lists, NULL, self);
}

static void
ul_sessions_page_dispose (GObject *object)
{
  UlSessionsPage *self = UL_SESSIONS_PAGE (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->lists);
  g_clear_object (&self->store);
  g_clear_pointer (&self->asset, g_free);
  g_clear_pointer (&self->user, g_free);
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
  self->cancellable = g_cancellable_new ();
  self->store = gtk_list_store_new (N_COLS, G_TYPE_INT64, G_TYPE_STRING, G_TYPE_STRING,
                                    G_TYPE_STRING, G_TYPE_STRING, G_TYPE_STRING, G_TYPE_STRING,
                                    G_TYPE_STRING, G_TYPE_STRING);
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
