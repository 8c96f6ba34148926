/* ul-erase-page.c: see ul-erase-page.h */
#include "config.h"

#include <glib/gi18n.h>

#include "ul-erase-dialog.h"
#include "ul-erase-page.h"
#include "ul-record-row.h"
#include "ul-ui-text.h"

struct _UlErasePage {
  GtkBox parent;
  UlLiveLists *lists;
  GtkWidget *list;
};

G_DEFINE_TYPE (UlErasePage, ul_erase_page, GTK_TYPE_BOX)

/* a registered medium let through: the daemon erases only such a one */
static gboolean
erasable (UlClientRecord *d)
{
  return *ul_client_record_str (d, "asset-number") != '\0' &&
         g_str_has_prefix (ul_client_record_str (d, "decision"), "allow") &&
         !g_str_equal (ul_client_record_str (d, "kind"), "reader");
}

static void
on_erase (GtkButton *button, UlErasePage *self)
{
  GtkWidget *row = gtk_widget_get_ancestor (GTK_WIDGET (button), UL_TYPE_RECORD_ROW);
  GtkWidget *top = gtk_widget_get_toplevel (GTK_WIDGET (self));
  UlEraseDialog *dialog = ul_erase_dialog_new (GTK_IS_WINDOW (top) ? GTK_WINDOW (top) : NULL,
                                               self->lists,
                                               ul_record_row_get_record (UL_RECORD_ROW (row)));

  gtk_widget_show (GTK_WIDGET (dialog));
}

static GtkWidget *
create_row (gpointer item, gpointer data)
{
  UlErasePage *self = data;
  UlClientRecord *d = item;
  UlRecordRow *row = ul_record_row_new (d);
  g_autofree char *name = ul_client_record_device_name (d);
  g_autofree char *serial = ul_ui_serial (d);
  /* TRANSLATORS: the medium's asset number, the device's name */
  g_autofree char *title = g_strdup_printf (_("%s  %s"), ul_client_record_str (d, "asset-number"),
                                            name);
  /* TRANSLATORS: serial number, port (as the kernel names it) */
  g_autofree char *subtitle = g_strdup_printf (_("serial number %s · port %s"), serial,
                                               ul_client_record_str (d, "name"));

  ul_record_row_set_texts (row, title, subtitle, NULL, NULL);
  ul_record_row_add_button (row, "erase", _("_Erase…"), G_CALLBACK (on_erase), self);
  return GTK_WIDGET (row);
}

/* a list bound to a model has no filter: the rows of devices that cannot
 * be erased are hidden, after the list made them */
static void
hide_others (GtkWidget *row, gpointer data)
{
  gtk_widget_set_visible (row, erasable (ul_record_row_get_record (UL_RECORD_ROW (row))));
}

static void
on_items_changed (GListModel *model, guint position, guint removed, guint added,
                  UlErasePage *self)
{
  gtk_container_foreach (GTK_CONTAINER (self->list), hide_others, self);
}

void
ul_erase_page_set_lists (UlErasePage *self, UlLiveLists *lists)
{
  GListModel *devices = ul_live_lists_get (lists, UL_LIVE_DEVICES);

  g_set_object (&self->lists, lists);
  gtk_list_box_bind_model (GTK_LIST_BOX (self->list), devices, create_row, self, NULL);
  /* after the list's own handler, which makes the rows */
  g_signal_connect_object (devices, "items-changed", G_CALLBACK (on_items_changed), self,
                           G_CONNECT_AFTER);
  on_items_changed (devices, 0, 0, 0, self);
}

static void
ul_erase_page_dispose (GObject *object)
{
  g_clear_object (&UL_ERASE_PAGE (object)->lists);
  G_OBJECT_CLASS (ul_erase_page_parent_class)->dispose (object);
}

static void
ul_erase_page_class_init (UlErasePageClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = ul_erase_page_dispose;
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/usbledger/Admin/ul-erase-page.ui");
  gtk_widget_class_bind_template_child (widget_class, UlErasePage, list);
}

static void
ul_erase_page_init (UlErasePage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}
