/* ul-record-row.c: see ul-record-row.h */
#include "ul-record-row.h"

struct _UlRecordRow {
  GtkListBoxRow parent;
  UlClientRecord *record;
  GtkLabel *title_label;
  GtkLabel *subtitle_label;
  GtkLabel *detail_label;
  GtkLabel *status_label;
  GtkBox *button_box;
};

G_DEFINE_TYPE (UlRecordRow, ul_record_row, GTK_TYPE_LIST_BOX_ROW)

static void
ul_record_row_dispose (GObject *object)
{
  g_clear_object (&UL_RECORD_ROW (object)->record);
  G_OBJECT_CLASS (ul_record_row_parent_class)->dispose (object);
}

static void
ul_record_row_class_init (UlRecordRowClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = ul_record_row_dispose;
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/usbledger/Admin/ul-record-row.ui");
  gtk_widget_class_bind_template_child (widget_class, UlRecordRow, title_label);
  gtk_widget_class_bind_template_child (widget_class, UlRecordRow, subtitle_label);
  gtk_widget_class_bind_template_child (widget_class, UlRecordRow, detail_label);
  gtk_widget_class_bind_template_child (widget_class, UlRecordRow, status_label);
  gtk_widget_class_bind_template_child (widget_class, UlRecordRow, button_box);
}

static void
ul_record_row_init (UlRecordRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

UlRecordRow *
ul_record_row_new (UlClientRecord *record)
{
  UlRecordRow *self = g_object_new (UL_TYPE_RECORD_ROW, NULL);

  self->record = g_object_ref (record);
  return self;
}

UlClientRecord *
ul_record_row_get_record (UlRecordRow *self)
{
  return self->record;
}

static void
set_text (GtkLabel *label, const char *text)
{
  /* plain text: a product name "<b>x</b>" stays those eight characters */
  gtk_label_set_use_markup (label, FALSE);
  gtk_label_set_text (label, text != NULL ? text : "");
  gtk_widget_set_visible (GTK_WIDGET (label), text != NULL && *text != '\0');
}

void
ul_record_row_set_texts (UlRecordRow *self, const char *title, const char *subtitle,
                         const char *detail, const char *status)
{
  set_text (self->title_label, title);
  set_text (self->subtitle_label, subtitle);
  set_text (self->detail_label, detail);
  set_text (self->status_label, status);
}

GtkWidget *
ul_record_row_add_button (UlRecordRow *self, const char *name, const char *label,
                          GCallback clicked, gpointer data)
{
  GtkWidget *button = gtk_button_new_with_mnemonic (label);

  gtk_widget_set_name (button, name);
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  g_signal_connect (button, "clicked", clicked, data);
  gtk_container_add (GTK_CONTAINER (self->button_box), button);
  gtk_widget_show (button);
  return button;
}

void
ul_record_row_set_status_class (UlRecordRow *self, const char *css_class)
{
  gtk_style_context_add_class (gtk_widget_get_style_context (GTK_WIDGET (self->status_label)),
                               css_class);
}
