/* ul-devices-page.c: see ul-devices-page.h */
#include "config.h"

#include <glib/gi18n.h>

#include "ul-devices-page.h"
#include "ul-record-row.h"
#include "ul-ui-text.h"
#include "ul-vocabulary.h"

struct _UlDevicesPage {
  GtkBox parent;
  UlLiveLists *lists;
  GtkWidget *list;
};

G_DEFINE_TYPE (UlDevicesPage, ul_devices_page, GTK_TYPE_BOX)

static GtkWidget *
create_row (gpointer item, gpointer data)
{
  UlClientRecord *d = item;
  UlRecordRow *row = ul_record_row_new (d);
  g_autofree char *serial = ul_ui_serial (d);
  g_autofree char *usb_id = ul_client_record_usb_id (d);
  g_autofree char *title = ul_client_record_device_name (d);
  /* TRANSLATORS: USB id, serial number, port (as the kernel names it) */
  g_autofree char *subtitle = g_strdup_printf (_("%s · serial number %s · port %s"), usb_id,
                                               serial, ul_client_record_str (d, "name"));
  const char *decision = ul_client_record_str (d, "decision");
  const char *asset = ul_client_record_str (d, "asset-number");
  const char *seat_user = ul_client_record_str (d, "seat-user");
  g_autoptr(GString) detail = g_string_new (NULL);

  /* why, in the vocabulary's words. The daemon's English sentence is not
   * shown: the window speaks the person's language (usbledgerctl devices
   * prints the sentence beside the label) */
  g_string_append (detail, ul_vocabulary_label (UL_VOCAB_REASON,
                                                ul_client_record_str (d, "reason-code")));
  if (*asset != '\0')
    /* TRANSLATORS: the registered medium's asset number */
    g_string_append_printf (detail, _(" · medium %s"), asset);
  if (*seat_user != '\0')
    /* TRANSLATORS: the person at the seat */
    g_string_append_printf (detail, _(" · at the seat: %s"), seat_user);
  ul_record_row_set_texts (row, title, subtitle, detail->str,
                           ul_vocabulary_label (UL_VOCAB_DECISION, decision));
  if (g_str_has_prefix (decision, "block"))
    ul_record_row_set_status_class (row, "ul-status-blocked");
  else if (g_str_has_prefix (decision, "allow"))
    ul_record_row_set_status_class (row, "ul-status-allowed");
  return GTK_WIDGET (row);
}

void
ul_devices_page_set_lists (UlDevicesPage *self, UlLiveLists *lists)
{
  g_set_object (&self->lists, lists);
  gtk_list_box_bind_model (GTK_LIST_BOX (self->list),
                           ul_live_lists_get (lists, UL_LIVE_DEVICES), create_row, self, NULL);
}

static void
ul_devices_page_dispose (GObject *object)
{
  g_clear_object (&UL_DEVICES_PAGE (object)->lists);
  G_OBJECT_CLASS (ul_devices_page_parent_class)->dispose (object);
}

static void
ul_devices_page_class_init (UlDevicesPageClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = ul_devices_page_dispose;
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/usbledger/Admin/ul-devices-page.ui");
  gtk_widget_class_bind_template_child (widget_class, UlDevicesPage, list);
}

static void
ul_devices_page_init (UlDevicesPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}
