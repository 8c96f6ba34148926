/* ul-dispose-dialog.c: see ul-dispose-dialog.h */
#include "config.h"

#include <glib/gi18n.h>

#include "ul-client.h"
#include "ul-dispose-dialog.h"
#include "ul-ui-errors.h"

struct _UlDisposeDialog {
  GtkDialog parent;
  UlLiveLists *lists;
  UlClientRecord *medium;
  GCancellable *cancellable;

  GtkWidget *heading_label;
  GtkWidget *destroyed_radio;
  GtkWidget *destroyed_grid;
  GtkWidget *contractor_entry;
  GtkWidget *reference_entry;
  GtkWidget *date_entry;
  GtkWidget *note_entry;
  GtkWidget *error_label;
  GtkWidget *dispose_button;
};

G_DEFINE_TYPE (UlDisposeDialog, ul_dispose_dialog, GTK_TYPE_DIALOG)

static void
show_error (UlDisposeDialog *self, const char *text)
{
  gtk_label_set_text (GTK_LABEL (self->error_label), text);
  gtk_widget_set_visible (self->error_label, text != NULL);
}

static char *
text_of (GtkWidget *entry)
{
  return g_strstrip (g_strdup (gtk_entry_get_text (GTK_ENTRY (entry))));
}

static void
add_detail (GVariantBuilder *b, const char *key, GtkWidget *entry)
{
  g_autofree char *text = text_of (entry);

  if (*text != '\0')
    g_variant_builder_add (b, "{sv}", key, g_variant_new_string (text));
}

static void
dispose_done (GObject *source, GAsyncResult *res, gpointer data)
{
  g_autoptr(UlDisposeDialog) self = data;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;

  if (ul_bus_manager1_call_dispose_medium_finish (UL_BUS_MANAGER1 (source), res, &error))
    {
      gtk_widget_destroy (GTK_WIDGET (self));
      return;
    }
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  gtk_widget_set_sensitive (self->dispose_button, TRUE);
  text = ul_ui_error_text (_("The disposal was not recorded"), error);
  show_error (self, text);
}

static void
on_response (GtkDialog *dialog, int response, gpointer data)
{
  UlDisposeDialog *self = UL_DISPOSE_DIALOG (dialog);
  gboolean destroyed = gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (self->destroyed_radio));
  GVariantBuilder details;

  if (response != GTK_RESPONSE_ACCEPT)
    {
      gtk_widget_destroy (GTK_WIDGET (self));
      return;
    }
  if (destroyed)
    {
      g_autofree char *contractor = text_of (self->contractor_entry);
      g_autofree char *reference = text_of (self->reference_entry);
      g_autofree char *date = text_of (self->date_entry);

      if (*contractor == '\0' || *reference == '\0' || *date == '\0')
        {
          show_error (self, _("Write who destroyed it, their reference and the day."));
          return;
        }
    }
  g_variant_builder_init (&details, G_VARIANT_TYPE_VARDICT);
  if (destroyed)
    {
      add_detail (&details, "contractor", self->contractor_entry);
      add_detail (&details, "reference", self->reference_entry);
      add_detail (&details, "date", self->date_entry);
    }
  add_detail (&details, "note", self->note_entry);
  show_error (self, NULL);
  gtk_widget_set_sensitive (self->dispose_button, FALSE);
  ul_bus_manager1_call_dispose_medium (ul_live_lists_get_manager (self->lists),
                                       ul_client_record_str (self->medium, "asset-number"),
                                       destroyed ? "destroyed" : "retired",
                                       g_variant_builder_end (&details), UL_CLIENT_CALL_FLAGS,
                                       UL_CLIENT_TIMEOUT_MS, self->cancellable, dispose_done,
                                       g_object_ref (self));
}

static void
on_kind_toggled (GtkToggleButton *radio, UlDisposeDialog *self)
{
  gtk_widget_set_sensitive (self->destroyed_grid, gtk_toggle_button_get_active (radio));
}

static void
ul_dispose_dialog_dispose (GObject *object)
{
  UlDisposeDialog *self = UL_DISPOSE_DIALOG (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->lists);
  g_clear_object (&self->medium);
  G_OBJECT_CLASS (ul_dispose_dialog_parent_class)->dispose (object);
}

static void
ul_dispose_dialog_class_init (UlDisposeDialogClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = ul_dispose_dialog_dispose;
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/usbledger/Admin/ul-dispose-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, UlDisposeDialog, heading_label);
  gtk_widget_class_bind_template_child (widget_class, UlDisposeDialog, destroyed_radio);
  gtk_widget_class_bind_template_child (widget_class, UlDisposeDialog, destroyed_grid);
  gtk_widget_class_bind_template_child (widget_class, UlDisposeDialog, contractor_entry);
  gtk_widget_class_bind_template_child (widget_class, UlDisposeDialog, reference_entry);
  gtk_widget_class_bind_template_child (widget_class, UlDisposeDialog, date_entry);
  gtk_widget_class_bind_template_child (widget_class, UlDisposeDialog, note_entry);
  gtk_widget_class_bind_template_child (widget_class, UlDisposeDialog, error_label);
  gtk_widget_class_bind_template_child (widget_class, UlDisposeDialog, dispose_button);
  gtk_widget_class_bind_template_callback (widget_class, on_response);
  gtk_widget_class_bind_template_callback (widget_class, on_kind_toggled);
}

static void
ul_dispose_dialog_init (UlDisposeDialog *self)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *today = g_date_time_format (now, "%Y-%m-%d");

  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
  gtk_dialog_set_default_response (GTK_DIALOG (self), GTK_RESPONSE_CANCEL);
  gtk_entry_set_text (GTK_ENTRY (self->date_entry), today);
}

UlDisposeDialog *
ul_dispose_dialog_new (GtkWindow *parent, UlLiveLists *lists, UlClientRecord *medium)
{
  UlDisposeDialog *self = g_object_new (UL_TYPE_DISPOSE_DIALOG, "transient-for", parent,
                                        "modal", TRUE, NULL);
  g_autofree char *heading = NULL;

  self->lists = g_object_ref (lists);
  self->medium = g_object_ref (medium);
  /* TRANSLATORS: the medium's asset number */
  heading = g_strdup_printf (_("Record the end of medium %s? It is blocked for good, and its "
                               "identity can never be registered again."),
                             ul_client_record_str (medium, "asset-number"));
  gtk_label_set_text (GTK_LABEL (self->heading_label), heading);
  return self;
}
