/* ul-requests-page.c: see ul-requests-page.h */
#include "config.h"

#include <glib/gi18n.h>

#include "ul-admin-window.h"
#include "ul-approve-dialog.h"
#include "ul-client.h"
#include "ul-reason-dialog.h"
#include "ul-record-row.h"
#include "ul-requests-page.h"
#include "ul-ui-text.h"

struct _UlRequestsPage {
  GtkBox parent;
  UlLiveLists *lists;
  GCancellable *cancellable;
  GtkWidget *list;
};

G_DEFINE_TYPE (UlRequestsPage, ul_requests_page, GTK_TYPE_BOX)

static GtkWindow *
window_of (GtkWidget *widget)
{
  GtkWidget *top = gtk_widget_get_toplevel (widget);

  return GTK_IS_WINDOW (top) ? GTK_WINDOW (top) : NULL;
}

static UlClientRecord *
record_of (GtkWidget *button)
{
  GtkWidget *row = gtk_widget_get_ancestor (button, UL_TYPE_RECORD_ROW);

  return ul_record_row_get_record (UL_RECORD_ROW (row));
}

static void
on_approve (GtkButton *button, UlRequestsPage *self)
{
  UlApproveDialog *dialog = ul_approve_dialog_new (window_of (GTK_WIDGET (self)), self->lists,
                                                   record_of (GTK_WIDGET (button)));

  gtk_widget_show (GTK_WIDGET (dialog));
}

static void
reject_done (GObject *source, GAsyncResult *res, gpointer data)
{
  g_autoptr(UlRequestsPage) self = data;
  g_autoptr(GError) error = NULL;

  if (!ul_bus_manager1_call_reject_request_finish (UL_BUS_MANAGER1 (source), res, &error) &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    ul_admin_show_error (GTK_WIDGET (self), _("The request was not rejected"), error);
}

static void
on_reject_response (GtkDialog *dialog, int response, UlRequestsPage *self)
{
  UlClientRecord *request = g_object_get_data (G_OBJECT (dialog), "request");
  g_autofree char *reason = ul_reason_dialog_get_reason (UL_REASON_DIALOG (dialog));

  if (response == GTK_RESPONSE_ACCEPT && *reason != '\0')
    ul_bus_manager1_call_reject_request (ul_live_lists_get_manager (self->lists),
                                         ul_client_record_int (request, "id"), reason,
                                         UL_CLIENT_CALL_FLAGS, UL_CLIENT_TIMEOUT_MS,
                                         self->cancellable, reject_done, g_object_ref (self));
  gtk_widget_destroy (GTK_WIDGET (dialog));
}

static void
on_reject (GtkButton *button, UlRequestsPage *self)
{
  UlClientRecord *request = record_of (GTK_WIDGET (button));
  g_autofree char *number = g_strdup_printf ("%" G_GINT64_FORMAT,
                                             ul_client_record_int (request, "id"));
  g_autofree char *heading = NULL;
  UlReasonDialog *dialog;

  heading = g_strdup_printf (_("Reject request %s? The medium stays blocked, and the "
                               "person who asked sees the reason."), number);
  dialog = ul_reason_dialog_new (window_of (GTK_WIDGET (self)), _("Reject a request"), heading,
                                 _("_Reject"));
  g_object_set_data_full (G_OBJECT (dialog), "request", g_object_ref (request),
                          g_object_unref);
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_reject_response), self, 0);
  gtk_widget_show (GTK_WIDGET (dialog));
}

static GtkWidget *
create_row (gpointer item, gpointer data)
{
  UlRequestsPage *self = data;
  UlClientRecord *r = item;
  UlRecordRow *row = ul_record_row_new (r);
  g_autofree char *serial = ul_ui_serial (r);
  g_autofree char *usb_id = ul_client_record_usb_id (r);
  g_autofree char *when = ul_client_record_time (r, "created-at");
  g_autofree char *number = g_strdup_printf ("%" G_GINT64_FORMAT, ul_client_record_int (r, "id"));
  g_autofree char *title = ul_client_record_device_name (r);
  /* TRANSLATORS: USB id, serial number */
  g_autofree char *subtitle = g_strdup_printf (_("%s · serial number %s"), usb_id, serial);
  /* TRANSLATORS: request number, who plugged it in, on which computer, when */
  g_autofree char *detail = g_strdup_printf (_("Request %s by %s on %s, %s"), number,
                                             ul_client_record_str (r, "requester"),
                                             ul_client_record_str (r, "host"), when);
  const char *status = NULL;

  if (*ul_client_record_str (r, "suspicion") != '\0')
    status = _("Suspicious: check before approving");
  else if (*ul_client_record_str (r, "weak-serial") != '\0')
    status = _("Serial number may not be unique");
  ul_record_row_set_texts (row, title, subtitle, detail, status);
  ul_record_row_add_button (row, "approve", _("_Approve…"), G_CALLBACK (on_approve), self);
  ul_record_row_add_button (row, "reject", _("_Reject…"), G_CALLBACK (on_reject), self);
  return GTK_WIDGET (row);
}

void
ul_requests_page_set_lists (UlRequestsPage *self, UlLiveLists *lists)
{
  g_set_object (&self->lists, lists);
  gtk_list_box_bind_model (GTK_LIST_BOX (self->list),
                           ul_live_lists_get (lists, UL_LIVE_REQUESTS), create_row, self, NULL);
}

static void
ul_requests_page_dispose (GObject *object)
{
  UlRequestsPage *self = UL_REQUESTS_PAGE (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->lists);
  G_OBJECT_CLASS (ul_requests_page_parent_class)->dispose (object);
}

static void
ul_requests_page_class_init (UlRequestsPageClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = ul_requests_page_dispose;
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/usbledger/Admin/ul-requests-page.ui");
  gtk_widget_class_bind_template_child (widget_class, UlRequestsPage, list);
}

static void
ul_requests_page_init (UlRequestsPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
}
