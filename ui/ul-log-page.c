/* ul-log-page.c: see ul-log-page.h */
#include "config.h"

#include <glib/gi18n.h>

#include "ul-client.h"
#include "ul-client-record.h"
#include "ul-escape.h"
#include "ul-log-page.h"
#include "ul-month-pager.h"
#include "ul-ui-text.h"
#include "ul-ui-errors.h"
#include "ul-vocabulary.h"

enum {
  COL_ID, COL_NUMBER, COL_TIME, COL_KIND, COL_ACTOR, COL_SEAT, COL_ASSET, COL_REASON, COL_DETAIL,
  N_COLS
};

struct _UlLogPage {
  GtkBox parent;
  UlLiveLists *lists;
  GCancellable *cancellable;  /* the verification */
  GtkListStore *store;
  UlMonthPager *pager;        /* the month read a page at a time */

  GtkWidget *month_entry;
  GtkWidget *asset_entry;
  GtkWidget *user_entry;
  GtkWidget *count_label;
  GtkWidget *verify_button;
  GtkWidget *verify_label;
  GtkWidget *tree;
};

G_DEFINE_TYPE (UlLogPage, ul_log_page, GTK_TYPE_BOX)

static void
append_event (GtkWidget *page, UlClientRecord *ev)
{
  UlLogPage *self = UL_LOG_PAGE (page);
  g_autofree char *when = ul_client_record_time (ev, "time");
  g_autofree char *number = g_strdup_printf ("%" G_GINT64_FORMAT, ul_client_record_int (ev, "id"));
  const char *reason_code = ul_client_record_str (ev, "reason-code");
  g_autofree char *detail = NULL;
  GtkTreeIter iter;

  if (*reason_code != '\0')
    {
      /* a decision: why, in the vocabulary's words, and which device; the
       * daemon's English sentence says the same and is left to usbledgerctl */
      g_autofree char *usb_id = ul_client_record_usb_id (ev);
      g_autofree char *serial = ul_ui_serial (ev);

      /* TRANSLATORS: USB id, serial number */
      detail = g_strdup_printf (_("%s · serial number %s"), usb_id, serial);
    }
  else
    /* the daemon's words keep the details: escaped, as they may quote a device */
    detail = ul_escape_text (ul_client_record_str (ev, "detail"));

  gtk_list_store_append (self->store, &iter);
  gtk_list_store_set (self->store, &iter,
                      COL_ID, ul_client_record_int (ev, "id"),
                      COL_NUMBER, number,
                      COL_TIME, when,
                      COL_KIND, ul_vocabulary_label (UL_VOCAB_EVENT,
                                                     ul_client_record_str (ev, "kind")),
                      COL_ACTOR, ul_client_record_str (ev, "actor"),
                      COL_SEAT, ul_client_record_str (ev, "seat-user"),
                      COL_ASSET, ul_client_record_str (ev, "asset-number"),
                      COL_REASON, *reason_code != '\0' ? ul_vocabulary_label (UL_VOCAB_REASON,
                                                                              reason_code)
                                                       : "",
                      COL_DETAIL, detail,
                      -1);
}

static char *
count_text (int n, gboolean whole)
{
  if (whole)
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%d event", "%d events", n), n);
  /* TRANSLATORS: the events loaded so far; more come as the list is scrolled */
  return g_strdup_printf (_("%d events shown, more below"), n);
}

static void
call_page (UlBusManager1 *manager, GVariant *filter, GCancellable *cancellable,
           GAsyncReadyCallback done, gpointer data)
{
  ul_bus_manager1_call_list_events (manager, filter, UL_CLIENT_CALL_FLAGS, UL_CLIENT_TIMEOUT_MS,
                                    cancellable, done, data);
}

static const UlMonthPagerFuncs pager_funcs = {
  .page_size = UL_LOG_PAGE_SIZE,
  .call = call_page,
  .finish = ul_bus_manager1_call_list_events_finish,
  .add = append_event,
  .count_text = count_text,
  .load_failed = N_("The event log could not be loaded"),
};

static void
on_prev_clicked (GtkButton *button, UlLogPage *self)
{
  ul_month_pager_step (self->pager, -1);
}

static void
on_next_clicked (GtkButton *button, UlLogPage *self)
{
  ul_month_pager_step (self->pager, 1);
}

static void
on_show_clicked (GtkWidget *widget, UlLogPage *self)
{
  ul_month_pager_reload (self->pager);
}

static void
on_edge_reached (GtkScrolledWindow *scrolled, GtkPositionType pos, UlLogPage *self)
{
  if (pos == GTK_POS_BOTTOM)
    ul_month_pager_more (self->pager);
}

static void
verify_done (GObject *source, GAsyncResult *res, gpointer data)
{
  g_autoptr(UlLogPage) self = data;
  g_autoptr(GError) error = NULL;
  guint64 n_events = 0, n_records = 0;
  guint n_checkpoints = 0;
  g_autofree char *text = NULL;

  if (!ul_bus_manager1_call_verify_event_log_finish (UL_BUS_MANAGER1 (source), &n_events,
                                                     &n_records, &n_checkpoints, res, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      /* the logbook's own finding, said in full: what differs, and where */
      text = ul_ui_error_text (_("The logbook did NOT pass the check"), error);
      gtk_style_context_add_class (gtk_widget_get_style_context (self->verify_label),
                                   "ul-status-blocked");
    }
  else
    {
      g_autofree char *events = g_strdup_printf ("%" G_GUINT64_FORMAT, n_events);
      g_autofree char *records = g_strdup_printf ("%" G_GUINT64_FORMAT, n_records);

      /* TRANSLATORS: events, other records, signed checkpoints */
      text = g_strdup_printf (_("The logbook passed the check: %s events in an unbroken chain, "
                                "%s records with their seals, %u signed checkpoints."), events,
                              records, n_checkpoints);
      gtk_style_context_remove_class (gtk_widget_get_style_context (self->verify_label),
                                      "ul-status-blocked");
    }
  gtk_label_set_text (GTK_LABEL (self->verify_label), text);
  gtk_widget_show (self->verify_label);
  gtk_widget_set_sensitive (self->verify_button, TRUE);
}

static void
on_verify_clicked (GtkButton *button, UlLogPage *self)
{
  if (self->lists == NULL)
    return;
  gtk_widget_set_sensitive (self->verify_button, FALSE);
  gtk_label_set_text (GTK_LABEL (self->verify_label), _("Checking the whole logbook…"));
  gtk_widget_show (self->verify_label);
  ul_bus_manager1_call_verify_event_log (ul_live_lists_get_manager (self->lists),
                                         UL_CLIENT_CALL_FLAGS, UL_CLIENT_VERIFY_TIMEOUT_MS,
                                         self->cancellable, verify_done, g_object_ref (self));
}

/* any news from the daemon may come with new events: the month's last page
 * is asked again from where it ended (nothing when there are none) */
static void
on_daemon_signal (GDBusProxy *proxy, const char *sender, const char *signal,
                  GVariant *params, UlLogPage *self)
{
  ul_month_pager_follow (self->pager);
}

static void
on_loaded (UlLiveLists *lists, GParamSpec *pspec, UlLogPage *self)
{
  if (ul_live_lists_get_loaded (lists))
    ul_month_pager_reload (self->pager);
}

void
ul_log_page_set_lists (UlLogPage *self, UlLiveLists *lists)
{
  g_set_object (&self->lists, lists);
  ul_month_pager_set_manager (self->pager, ul_live_lists_get_manager (lists));
  g_signal_connect_object (lists, "notify::loaded", G_CALLBACK (on_loaded), self, 0);
  g_signal_connect_object (ul_live_lists_get_manager (lists), "g-signal",
                           G_CALLBACK (on_daemon_signal), self, 0);
  if (ul_live_lists_get_loaded (lists))
    ul_month_pager_reload (self->pager);
}

static void
ul_log_page_dispose (GObject *object)
{
  UlLogPage *self = UL_LOG_PAGE (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  if (self->pager != NULL)
    ul_month_pager_stop (self->pager);
  g_clear_object (&self->pager);
  g_clear_object (&self->lists);
  g_clear_object (&self->store);
  G_OBJECT_CLASS (ul_log_page_parent_class)->dispose (object);
}

static void
ul_log_page_class_init (UlLogPageClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = ul_log_page_dispose;
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/usbledger/Admin/ul-log-page.ui");
  gtk_widget_class_bind_template_child (widget_class, UlLogPage, month_entry);
  gtk_widget_class_bind_template_child (widget_class, UlLogPage, asset_entry);
  gtk_widget_class_bind_template_child (widget_class, UlLogPage, user_entry);
  gtk_widget_class_bind_template_child (widget_class, UlLogPage, count_label);
  gtk_widget_class_bind_template_child (widget_class, UlLogPage, verify_button);
  gtk_widget_class_bind_template_child (widget_class, UlLogPage, verify_label);
  gtk_widget_class_bind_template_child (widget_class, UlLogPage, tree);
  gtk_widget_class_bind_template_callback (widget_class, on_prev_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_next_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_show_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_edge_reached);
  gtk_widget_class_bind_template_callback (widget_class, on_verify_clicked);
}

static void
ul_log_page_init (UlLogPage *self)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *month = g_date_time_format (now, "%Y-%m");

  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
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
  ul_ui_add_text_column (self->tree, _("No."), COL_NUMBER);
  ul_ui_add_text_column (self->tree, _("When"), COL_TIME);
  ul_ui_add_text_column (self->tree, _("What"), COL_KIND);
  ul_ui_add_text_column (self->tree, _("By"), COL_ACTOR);
  ul_ui_add_text_column (self->tree, _("At the seat"), COL_SEAT);
  ul_ui_add_text_column (self->tree, _("Medium"), COL_ASSET);
  ul_ui_add_text_column (self->tree, _("Why"), COL_REASON);
  ul_ui_add_text_column (self->tree, _("Detail"), COL_DETAIL);
  gtk_entry_set_text (GTK_ENTRY (self->month_entry), month);
}
