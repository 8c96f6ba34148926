/* ul-erase-dialog.c: see ul-erase-dialog.h */
#include "config.h"

#include <glib/gi18n.h>

#include "ul-client.h"
#include "ul-erase-dialog.h"
#include "ul-print-job.h"
#include "ul-report-certificate.h"
#include "ul-ui-errors.h"
#include "ul-vocabulary.h"

struct _UlEraseDialog {
  GtkDialog parent;
  UlLiveLists *lists;
  UlClientRecord *device;
  GCancellable *cancellable;
  gint64 erasure_id;      /* 0 until the daemon said it started */
  char *certificate;      /* its number, once issued */
  GBytes *certificate_json;  /* its signed JSON, once fetched: what Print… draws */

  GtkWidget *heading_label;
  GtkWidget *stack;
  GtkWidget *confirm_entry;
  GtkWidget *erase_button;
  GtkWidget *progress_bar;
  GtkWidget *progress_label;
  GtkWidget *cancel_erase_button;
  GtkWidget *result_label;
  GtkWidget *certificate_box;
  GtkWidget *error_label;
};

G_DEFINE_TYPE (UlEraseDialog, ul_erase_dialog, GTK_TYPE_DIALOG)

static const char *
asset_of (UlEraseDialog *self)
{
  return ul_client_record_str (self->device, "asset-number");
}

static void
show_error (UlEraseDialog *self, const char *what, const GError *error)
{
  g_autofree char *text = error != NULL ? ul_ui_error_text (what, error) : g_strdup (what);

  gtk_label_set_text (GTK_LABEL (self->error_label), text);
  gtk_widget_show (self->error_label);
}

static void
on_confirm_changed (GtkEditable *entry, UlEraseDialog *self)
{
  g_autofree char *typed = g_strstrip (g_strdup (gtk_entry_get_text (GTK_ENTRY (entry))));

  gtk_widget_set_sensitive (self->erase_button, g_str_equal (typed, asset_of (self)));
}

static void
on_progress (UlBusManager1 *manager, gint64 id, const char *phase, guint64 done, guint64 total,
             double bytes_per_second, double seconds_left, UlEraseDialog *self)
{
  g_autofree char *done_text = g_format_size (done);
  g_autofree char *total_text = g_format_size (total);
  g_autofree char *rate = g_format_size ((guint64) bytes_per_second);
  g_autofree char *text = NULL;
  int minutes = (int) (seconds_left / 60 + 0.5);

  if (id != self->erasure_id)
    return;
  gtk_progress_bar_set_fraction (GTK_PROGRESS_BAR (self->progress_bar),
                                 total > 0 ? (double) done / (double) total : 0);
  /* TRANSLATORS: writing or reading back: done of total, rate, time left */
  text = g_strdup_printf (_("%s: %s of %s · %s/s · about %d min left"),
                          g_str_equal (phase, "write") ? _("Overwriting")
                                                       : _("Reading back"),
                          done_text, total_text, rate, minutes);
  gtk_progress_bar_set_text (GTK_PROGRESS_BAR (self->progress_bar), text);
}

static void
certificate_done (GObject *source, GAsyncResult *res, gpointer data)
{
  g_autoptr(UlEraseDialog) self = data;
  g_autoptr(GVariant) json = NULL;
  g_autoptr(GVariant) signature = NULL;
  g_autofree char *public_key = NULL;
  g_autoptr(GError) error = NULL;

  if (!ul_bus_manager1_call_get_certificate_finish (UL_BUS_MANAGER1 (source), &json, &signature,
                                                    &public_key, res, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        show_error (self, _("The certificate could not be read"), error);
      return;
    }
  self->certificate_json = g_variant_get_data_as_bytes (json);
  gtk_widget_set_sensitive (self->certificate_box, TRUE);
}

static void
on_finished (UlBusManager1 *manager, GVariant *record, UlEraseDialog *self)
{
  g_autoptr(UlClientRecord) e = ul_client_record_new (record);
  const char *certificate = ul_client_record_str (e, "certificate");
  g_autofree char *text = NULL;

  if (ul_client_record_int (e, "id") != self->erasure_id)
    return;
  if (*certificate != '\0')
    {
      self->certificate = g_strdup (certificate);
      /* TRANSLATORS: the medium, the certificate's number */
      text = g_strdup_printf (_("Medium %s was erased and verified: every byte was overwritten "
                                "and read back. Erasure certificate (消去証明書) No. %s."),
                              asset_of (self), certificate);
    }
  else
    /* TRANSLATORS: the medium, how the erasure ended, the daemon's message */
    text = g_strdup_printf (_("Medium %s was NOT erased (%s): %s"), asset_of (self),
                            ul_vocabulary_label (UL_VOCAB_ERASE_OUTCOME,
                                                 ul_client_record_str (e, "outcome")),
                            ul_client_record_str (e, "message"));
  gtk_label_set_text (GTK_LABEL (self->result_label), text);
  gtk_widget_set_visible (self->certificate_box, self->certificate != NULL);
  /* saved and printed once its signed JSON is here */
  gtk_widget_set_sensitive (self->certificate_box, FALSE);
  gtk_stack_set_visible_child_name (GTK_STACK (self->stack), "done");
  if (self->certificate != NULL)
    ul_bus_manager1_call_get_certificate (manager, self->certificate, UL_CLIENT_CALL_FLAGS,
                                          UL_CLIENT_TIMEOUT_MS, self->cancellable,
                                          certificate_done, g_object_ref (self));
}

static void
erase_started (GObject *source, GAsyncResult *res, gpointer data)
{
  g_autoptr(UlEraseDialog) self = data;
  g_autoptr(GError) error = NULL;
  gint64 id = 0;

  if (!ul_bus_manager1_call_erase_medium_finish (UL_BUS_MANAGER1 (source), &id, res, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      gtk_stack_set_visible_child_name (GTK_STACK (self->stack), "confirm");
      show_error (self, _("The erasure did not start"), error);
      return;
    }
  /* the daemon answers before it writes a byte: progress comes after this */
  self->erasure_id = id;
}

static void
on_erase_clicked (GtkButton *button, UlEraseDialog *self)
{
  g_autofree char *serial = ul_client_record_bytes (self->device, "serial");
  /* the daemon's check: the asset number and the serial as shown */
  g_autofree char *confirm = g_strdup_printf ("%s %s", asset_of (self), serial);
  GVariantBuilder options;

  gtk_widget_hide (self->error_label);
  gtk_progress_bar_set_fraction (GTK_PROGRESS_BAR (self->progress_bar), 0);
  gtk_progress_bar_set_text (GTK_PROGRESS_BAR (self->progress_bar), _("Starting…"));
  gtk_stack_set_visible_child_name (GTK_STACK (self->stack), "progress");
  g_variant_builder_init (&options, G_VARIANT_TYPE_VARDICT);
  ul_bus_manager1_call_erase_medium (ul_live_lists_get_manager (self->lists), asset_of (self),
                                     confirm, g_variant_builder_end (&options),
                                     UL_CLIENT_CALL_FLAGS, UL_CLIENT_TIMEOUT_MS,
                                     self->cancellable, erase_started, g_object_ref (self));
}

static void
cancel_done (GObject *source, GAsyncResult *res, gpointer data)
{
  g_autoptr(UlEraseDialog) self = data;
  g_autoptr(GError) error = NULL;

  if (!ul_bus_manager1_call_cancel_erase_finish (UL_BUS_MANAGER1 (source), res, &error) &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    show_error (self, _("The erasure was not stopped"), error);
}

static void
on_cancel_erase_clicked (GtkButton *button, UlEraseDialog *self)
{
  if (self->erasure_id == 0)
    return;
  ul_bus_manager1_call_cancel_erase (ul_live_lists_get_manager (self->lists), self->erasure_id,
                                     UL_CLIENT_CALL_FLAGS, UL_CLIENT_TIMEOUT_MS,
                                     self->cancellable, cancel_done, g_object_ref (self));
}

static void
pdf_done (GObject *source, GAsyncResult *res, gpointer data)
{
  g_autoptr(GTask) task = data;
  UlEraseDialog *self = g_task_get_source_object (task);
  g_autoptr(GVariant) pdf = NULL;
  g_autoptr(GError) error = NULL;
  const char *path = g_task_get_task_data (task);
  gsize len = 0;
  const char *bytes;

  if (!ul_bus_manager1_call_get_certificate_pdf_finish (UL_BUS_MANAGER1 (source), &pdf, res,
                                                        &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        show_error (self, _("The certificate was not saved"), error);
      return;
    }
  bytes = g_variant_get_fixed_array (pdf, &len, 1);
  if (!g_file_set_contents (path, bytes, (gssize) len, &error))
    show_error (self, _("The certificate was not saved"), error);
}

static void
on_save_clicked (GtkButton *button, UlEraseDialog *self)
{
  g_autoptr(GtkFileChooserNative) chooser = NULL;
  g_autofree char *name = g_strdup_printf ("%s.pdf", self->certificate);
  GTask *task;

  chooser = gtk_file_chooser_native_new (_("Save the erasure certificate"), GTK_WINDOW (self),
                                         GTK_FILE_CHOOSER_ACTION_SAVE, _("_Save"), _("_Cancel"));
  gtk_file_chooser_set_do_overwrite_confirmation (GTK_FILE_CHOOSER (chooser), TRUE);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), name);
  if (gtk_native_dialog_run (GTK_NATIVE_DIALOG (chooser)) != GTK_RESPONSE_ACCEPT)
    return;
  task = g_task_new (self, self->cancellable, NULL, NULL);
  g_task_set_task_data (task, gtk_file_chooser_get_filename (GTK_FILE_CHOOSER (chooser)),
                        g_free);
  /* the daemon's PDF: the signed certificate as it was drawn when issued */
  ul_bus_manager1_call_get_certificate_pdf (ul_live_lists_get_manager (self->lists),
                                            self->certificate, UL_CLIENT_CALL_FLAGS,
                                            UL_CLIENT_TIMEOUT_MS, self->cancellable, pdf_done,
                                            task);
}

/* the certificate's signed JSON, drawn by the shared renderer */
static UlReportDocument *
certificate_document (UlEraseDialog *self, GError **error)
{
  if (self->certificate_json == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, "no certificate was issued");
      return NULL;
    }
  return ul_report_certificate_new (self->certificate_json, error);
}

gboolean
ul_erase_dialog_has_certificate (UlEraseDialog *self)
{
  return self->certificate_json != NULL;
}

gboolean
ul_erase_dialog_export_certificate (UlEraseDialog *self, const char *path, GError **error)
{
  UlReportDocument *doc = certificate_document (self, error);

  return doc != NULL && ul_print_job_run (GTK_WINDOW (self), doc, path, error);
}

static void
on_print_clicked (GtkButton *button, UlEraseDialog *self)
{
  g_autoptr(GError) error = NULL;
  UlReportDocument *doc = certificate_document (self, &error);

  if (doc == NULL || !ul_print_job_run (GTK_WINDOW (self), doc, NULL, &error))
    show_error (self, _("The certificate was not printed"), error);
}

static void
on_response (GtkDialog *dialog, int response, gpointer data)
{
  /* an erasure under way goes on in the daemon; the media page shows it */
  gtk_widget_destroy (GTK_WIDGET (dialog));
}

static void
ul_erase_dialog_dispose (GObject *object)
{
  UlEraseDialog *self = UL_ERASE_DIALOG (object);

  g_cancellable_cancel (self->cancellable);
  if (self->lists != NULL)
    g_signal_handlers_disconnect_by_data (ul_live_lists_get_manager (self->lists), self);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->lists);
  g_clear_object (&self->device);
  g_clear_pointer (&self->certificate, g_free);
  g_clear_pointer (&self->certificate_json, g_bytes_unref);
  G_OBJECT_CLASS (ul_erase_dialog_parent_class)->dispose (object);
}

static void
ul_erase_dialog_class_init (UlEraseDialogClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = ul_erase_dialog_dispose;
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/usbledger/Admin/ul-erase-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, UlEraseDialog, heading_label);
  gtk_widget_class_bind_template_child (widget_class, UlEraseDialog, stack);
  gtk_widget_class_bind_template_child (widget_class, UlEraseDialog, confirm_entry);
  gtk_widget_class_bind_template_child (widget_class, UlEraseDialog, erase_button);
  gtk_widget_class_bind_template_child (widget_class, UlEraseDialog, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, UlEraseDialog, progress_label);
  gtk_widget_class_bind_template_child (widget_class, UlEraseDialog, cancel_erase_button);
  gtk_widget_class_bind_template_child (widget_class, UlEraseDialog, result_label);
  gtk_widget_class_bind_template_child (widget_class, UlEraseDialog, certificate_box);
  gtk_widget_class_bind_template_child (widget_class, UlEraseDialog, error_label);
  gtk_widget_class_bind_template_callback (widget_class, on_confirm_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_erase_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_cancel_erase_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_save_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_print_clicked);
}

static void
ul_erase_dialog_init (UlEraseDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
  gtk_dialog_set_default_response (GTK_DIALOG (self), GTK_RESPONSE_CLOSE);
  g_signal_connect (self, "response", G_CALLBACK (on_response), NULL);
}

UlEraseDialog *
ul_erase_dialog_new (GtkWindow *parent, UlLiveLists *lists, UlClientRecord *device)
{
  UlEraseDialog *self = g_object_new (UL_TYPE_ERASE_DIALOG, "transient-for", parent,
                                      "modal", TRUE, NULL);
  UlBusManager1 *manager = ul_live_lists_get_manager (lists);
  g_autofree char *serial = ul_client_record_bytes (device, "serial");
  g_autofree char *heading = NULL;

  self->lists = g_object_ref (lists);
  self->device = g_object_ref (device);
  /* TRANSLATORS: the medium's asset number, its serial number */
  heading = g_strdup_printf (_("Erase medium %s (serial number %s)? Every byte on it is "
                               "overwritten, then read back and compared. Its files cannot be "
                               "recovered. A verified erasure gets a signed certificate."),
                             asset_of (self), serial);
  gtk_label_set_text (GTK_LABEL (self->heading_label), heading);
  g_signal_connect (manager, "erase-progress", G_CALLBACK (on_progress), self);
  g_signal_connect (manager, "erase-finished", G_CALLBACK (on_finished), self);
  return self;
}
