/* ul-media-page.c: see ul-media-page.h */
#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "ul-admin-window.h"
#include "ul-client.h"
#include "ul-dispose-dialog.h"
#include "ul-media-page.h"
#include "ul-reason-dialog.h"
#include "ul-record-row.h"
#include "ul-ui-text.h"
#include "ul-vocabulary.h"

struct _UlMediaPage {
  GtkBox parent;
  UlLiveLists *lists;
  GCancellable *cancellable;
  GtkWidget *list;
  GtkWidget *search_entry;
  gboolean bound;       /* the list shows the live media (from the first map on) */
};

G_DEFINE_TYPE (UlMediaPage, ul_media_page, GTK_TYPE_BOX)

static UlClientRecord *
record_of (GtkWidget *button)
{
  return ul_record_row_get_record (UL_RECORD_ROW (gtk_widget_get_ancestor (button,
                                                                           UL_TYPE_RECORD_ROW)));
}

static void
revoke_done (GObject *source, GAsyncResult *res, gpointer data)
{
  g_autoptr(UlMediaPage) self = data;
  g_autoptr(GError) error = NULL;

  if (!ul_bus_manager1_call_revoke_medium_finish (UL_BUS_MANAGER1 (source), res, &error) &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    ul_admin_show_error (GTK_WIDGET (self), _("The medium was not revoked"), error);
}

static void
on_revoke_response (GtkDialog *dialog, int response, UlMediaPage *self)
{
  UlClientRecord *medium = g_object_get_data (G_OBJECT (dialog), "medium");
  g_autofree char *reason = ul_reason_dialog_get_reason (UL_REASON_DIALOG (dialog));

  if (response == GTK_RESPONSE_ACCEPT && *reason != '\0')
    ul_bus_manager1_call_revoke_medium (ul_live_lists_get_manager (self->lists),
                                        ul_client_record_str (medium, "asset-number"), reason,
                                        UL_CLIENT_CALL_FLAGS, UL_CLIENT_TIMEOUT_MS,
                                        self->cancellable, revoke_done, g_object_ref (self));
  gtk_widget_destroy (GTK_WIDGET (dialog));
}

static void
on_revoke (GtkButton *button, UlMediaPage *self)
{
  UlClientRecord *medium = record_of (GTK_WIDGET (button));
  GtkWidget *top = gtk_widget_get_toplevel (GTK_WIDGET (self));
  g_autofree char *heading = NULL;
  UlReasonDialog *dialog;

  heading = g_strdup_printf (_("Revoke medium %s? It is blocked from now on, also while "
                               "plugged in."), ul_client_record_str (medium, "asset-number"));
  dialog = ul_reason_dialog_new (GTK_IS_WINDOW (top) ? GTK_WINDOW (top) : NULL,
                                 _("Revoke a medium"), heading, _("Re_voke"));
  g_object_set_data_full (G_OBJECT (dialog), "medium", g_object_ref (medium), g_object_unref);
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_revoke_response), self, 0);
  gtk_widget_show (GTK_WIDGET (dialog));
}

static void
on_dispose (GtkButton *button, UlMediaPage *self)
{
  GtkWidget *top = gtk_widget_get_toplevel (GTK_WIDGET (self));
  UlDisposeDialog *dialog = ul_dispose_dialog_new (GTK_IS_WINDOW (top) ? GTK_WINDOW (top) : NULL,
                                                   self->lists,
                                                   record_of (GTK_WIDGET (button)));

  gtk_widget_show (GTK_WIDGET (dialog));
}

static char *
users_text (UlClientRecord *m)
{
  g_autoptr(GVariant) users = g_variant_lookup_value (ul_client_record_get_variant (m), "users",
                                                      G_VARIANT_TYPE_STRING_ARRAY);
  g_autofree const char **names = NULL;

  if (ul_client_record_bool (m, "all-staff") || users == NULL)
    return g_strdup (_("all staff"));
  names = g_variant_get_strv (users, NULL);
  return g_strjoinv (", ", (char **) names);
}

/* the search matches the asset number, label, holder, serial and product */
static gboolean
matches (UlMediaPage *self, UlClientRecord *m)
{
  g_autofree char *needle = g_utf8_casefold (gtk_entry_get_text (GTK_ENTRY (self->search_entry)),
                                             -1);
  g_autofree char *serial = ul_client_record_bytes (m, "serial");
  g_autofree char *product = ul_client_record_bytes (m, "product");
  g_autofree char *hay = NULL;
  g_autofree char *folded = NULL;

  if (*needle == '\0')
    return TRUE;
  hay = g_strjoin ("\n", ul_client_record_str (m, "asset-number"),
                   ul_client_record_str (m, "label"), ul_client_record_str (m, "holder"), serial,
                   product, NULL);
  folded = g_utf8_casefold (hay, -1);
  return strstr (folded, needle) != NULL;
}

/* a list bound to a model has no filter function: rows not found are
 * hidden */
static void
show_if_found (GtkWidget *row, gpointer data)
{
  gtk_widget_set_visible (row, matches (data, ul_record_row_get_record (UL_RECORD_ROW (row))));
}

static GtkWidget *
create_row (gpointer item, gpointer data)
{
  UlMediaPage *self = data;
  UlClientRecord *m = item;
  UlRecordRow *row = ul_record_row_new (m);
  g_autofree char *name = ul_client_record_device_name (m);
  g_autofree char *serial = ul_ui_serial (m);
  g_autofree char *users = users_text (m);
  g_autofree char *until = ul_ui_valid_until (m);
  /* TRANSLATORS: asset number, label */
  g_autofree char *title = g_strdup_printf (_("%s  %s"), ul_client_record_str (m, "asset-number"),
                                            ul_client_record_str (m, "label"));
  /* TRANSLATORS: the device's name, serial number */
  g_autofree char *subtitle = g_strdup_printf (_("%s · serial number %s"), name, serial);
  /* TRANSLATORS: holder, who may use it, last day, read-only or read and write */
  g_autofree char *detail = g_strdup_printf (_("Holder %s · used by %s · until %s · %s"),
                                             ul_client_record_str (m, "holder"), users, until,
                                             ul_client_record_bool (m, "read-only")
                                               ? _("read only") : _("read and write"));
  const char *status = ul_client_record_str (m, "status");

  ul_record_row_set_texts (row, title, subtitle, detail,
                           ul_vocabulary_label (UL_VOCAB_MEDIUM_STATUS, status));
  if (g_str_equal (status, "active"))
    ul_record_row_add_button (row, "revoke", _("Re_voke…"), G_CALLBACK (on_revoke), self);
  else
    ul_record_row_set_status_class (row, "ul-status-blocked");
  if (!g_str_equal (status, "disposed"))
    ul_record_row_add_button (row, "dispose", _("_Dispose…"), G_CALLBACK (on_dispose), self);
  show_if_found (GTK_WIDGET (row), self);
  return GTK_WIDGET (row);
}

static void
on_search_changed (GtkSearchEntry *entry, UlMediaPage *self)
{
  gtk_container_foreach (GTK_CONTAINER (self->list), show_if_found, self);
}

/* a row the list made after the search was written is searched too */
static void
on_items_changed (GListModel *model, guint position, guint removed, guint added,
                  UlMediaPage *self)
{
  gtk_container_foreach (GTK_CONTAINER (self->list), show_if_found, self);
}

static void
bind_list (UlMediaPage *self)
{
  GListModel *media = ul_live_lists_get (self->lists, UL_LIVE_MEDIA);

  self->bound = TRUE;
  gtk_list_box_bind_model (GTK_LIST_BOX (self->list), media, create_row, self, NULL);
  /* after the list's own handler, which makes the rows */
  g_signal_connect_object (media, "items-changed", G_CALLBACK (on_items_changed), self,
                           G_CONNECT_AFTER);
}

/* a city's inventory is hundreds of media, and GtkListBox makes a row for
 * each item at once: they are made when the page is first shown, not while
 * the window starts (measured: tests/bench/gui-bench) */
static void
on_map (GtkWidget *widget, UlMediaPage *self)
{
  if (!self->bound && self->lists != NULL)
    bind_list (self);
}

void
ul_media_page_set_lists (UlMediaPage *self, UlLiveLists *lists)
{
  g_set_object (&self->lists, lists);
  if (gtk_widget_get_mapped (GTK_WIDGET (self)))
    bind_list (self);
}

static void
ul_media_page_dispose (GObject *object)
{
  UlMediaPage *self = UL_MEDIA_PAGE (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->lists);
  G_OBJECT_CLASS (ul_media_page_parent_class)->dispose (object);
}

static void
ul_media_page_class_init (UlMediaPageClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = ul_media_page_dispose;
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/usbledger/Admin/ul-media-page.ui");
  gtk_widget_class_bind_template_child (widget_class, UlMediaPage, list);
  gtk_widget_class_bind_template_child (widget_class, UlMediaPage, search_entry);
  gtk_widget_class_bind_template_callback (widget_class, on_search_changed);
}

static void
ul_media_page_init (UlMediaPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
  g_signal_connect (self, "map", G_CALLBACK (on_map), self);
}
