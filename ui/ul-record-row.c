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
  G_OBJECT_CLASS (klass)->dispose = ul_record_row_dispose;
}

static GtkLabel *
add_label (GtkGrid *grid, int column, int row, int height, float xalign, const char *css_class)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), xalign);
  gtk_label_set_line_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_line_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
  if (css_class != NULL)
    gtk_style_context_add_class (gtk_widget_get_style_context (label), css_class);
  gtk_grid_attach (grid, label, column, row, 1, height);
  return GTK_LABEL (label);
}

/* built in code, not from a template: a list of a big logbook makes
 * hundreds of rows, and parsing GtkBuilder XML for each made the window's
 * start take a second (tests/bench/gui-bench) */
static void
ul_record_row_init (UlRecordRow *self)
{
  GtkGrid *grid = GTK_GRID (gtk_grid_new ());

  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (self), FALSE);
  gtk_list_box_row_set_selectable (GTK_LIST_BOX_ROW (self), FALSE);
  g_object_set (grid, "margin-start", 12, "margin-end", 12, "margin-top", 8, "margin-bottom", 8,
                "column-spacing", 12, "row-spacing", 2, NULL);
  self->title_label = add_label (grid, 0, 0, 1, 0, "ul-row-title");
  gtk_widget_set_hexpand (GTK_WIDGET (self->title_label), TRUE);
  self->subtitle_label = add_label (grid, 0, 1, 1, 0, NULL);
  self->detail_label = add_label (grid, 0, 2, 1, 0, "dim-label");
  for (GtkLabel **l = (GtkLabel *[]) { self->title_label, self->subtitle_label,
                                       self->detail_label, NULL }; *l != NULL; l++)
    gtk_label_set_selectable (*l, TRUE);
  self->status_label = add_label (grid, 1, 0, 3, 1, "ul-row-status");
  gtk_widget_set_valign (GTK_WIDGET (self->status_label), GTK_ALIGN_CENTER);
  gtk_label_set_max_width_chars (self->status_label, 24);
  self->button_box = GTK_BOX (gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6));
  gtk_widget_set_valign (GTK_WIDGET (self->button_box), GTK_ALIGN_CENTER);
  gtk_grid_attach (grid, GTK_WIDGET (self->button_box), 2, 0, 1, 3);
  gtk_widget_show_all (GTK_WIDGET (grid));
  gtk_container_add (GTK_CONTAINER (self), GTK_WIDGET (grid));
  gtk_widget_show (GTK_WIDGET (self));
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
