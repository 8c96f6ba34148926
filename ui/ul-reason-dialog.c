/* ul-reason-dialog.c: see ul-reason-dialog.h */
#include "ul-reason-dialog.h"

struct _UlReasonDialog {
  GtkDialog parent;
  GtkWidget *heading_label;
  GtkWidget *reason_entry;
  GtkWidget *action_button;
};

G_DEFINE_TYPE (UlReasonDialog, ul_reason_dialog, GTK_TYPE_DIALOG)

char *
ul_reason_dialog_get_reason (UlReasonDialog *self)
{
  return g_strstrip (g_strdup (gtk_entry_get_text (GTK_ENTRY (self->reason_entry))));
}

static void
on_reason_changed (GtkEditable *entry, UlReasonDialog *self)
{
  g_autofree char *reason = ul_reason_dialog_get_reason (self);

  gtk_widget_set_sensitive (self->action_button, *reason != '\0');
}

static void
ul_reason_dialog_class_init (UlReasonDialogClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/usbledger/Admin/ul-reason-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, UlReasonDialog, heading_label);
  gtk_widget_class_bind_template_child (widget_class, UlReasonDialog, reason_entry);
  gtk_widget_class_bind_template_child (widget_class, UlReasonDialog, action_button);
  gtk_widget_class_bind_template_callback (widget_class, on_reason_changed);
}

static void
ul_reason_dialog_init (UlReasonDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_dialog_set_default_response (GTK_DIALOG (self), GTK_RESPONSE_CANCEL);
}

UlReasonDialog *
ul_reason_dialog_new (GtkWindow *parent, const char *title, const char *heading,
                      const char *action)
{
  UlReasonDialog *self = g_object_new (UL_TYPE_REASON_DIALOG, "transient-for", parent,
                                       "modal", TRUE, "title", title, NULL);

  gtk_label_set_text (GTK_LABEL (self->heading_label), heading);
  gtk_button_set_label (GTK_BUTTON (self->action_button), action);
  return self;
}
