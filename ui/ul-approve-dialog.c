/* ul-approve-dialog.c: see ul-approve-dialog.h */
#include "config.h"

#include <glib/gi18n.h>

#include "ul-approve-dialog.h"
#include "ul-client.h"
#include "ul-registration-defaults.h"
#include "ul-time.h"
#include "ul-ui-text.h"
#include "ul-ui-errors.h"

struct _UlApproveDialog {
  GtkDialog parent;
  UlLiveLists *lists;
  UlClientRecord *request;
  GCancellable *cancellable;

  GtkWidget *device_label;
  GtkWidget *requester_label;
  GtkWidget *asset_entry;
  GtkWidget *label_entry;
  GtkWidget *holder_entry;
  GtkWidget *all_staff_radio;
  GtkWidget *users_radio;
  GtkWidget *users_entry;
  GtkWidget *valid_until_entry;
  GtkWidget *read_only_radio;
  GtkWidget *read_write_radio;
  GtkWidget *purpose_entry;
  GtkWidget *suspicion_check;
  GtkWidget *weak_serial_check;
  GtkWidget *error_label;
  GtkWidget *spinner;
  GtkWidget *approve_button;
};

G_DEFINE_TYPE (UlApproveDialog, ul_approve_dialog, GTK_TYPE_DIALOG)

static void
show_error (UlApproveDialog *self, const char *text)
{
  gtk_label_set_text (GTK_LABEL (self->error_label), text);
  gtk_widget_set_visible (self->error_label, text != NULL);
}

static void
set_busy (UlApproveDialog *self, gboolean busy)
{
  gtk_widget_set_visible (self->spinner, busy);
  if (busy)
    gtk_spinner_start (GTK_SPINNER (self->spinner));
  else
    gtk_spinner_stop (GTK_SPINNER (self->spinner));
  gtk_widget_set_sensitive (self->approve_button, !busy);
}

static const char *
entry_text (GtkWidget *entry)
{
  return gtk_entry_get_text (GTK_ENTRY (entry));
}

static void
add_text (GVariantBuilder *b, const char *key, GtkWidget *entry)
{
  g_autofree char *text = g_strstrip (g_strdup (entry_text (entry)));

  if (*text != '\0')
    g_variant_builder_add (b, "{sv}", key, g_variant_new_string (text));
}

/* "tanaka, suzuki" -> ["tanaka", "suzuki"] */
static GVariant *
users_of (const char *text)
{
  g_auto(GStrv) parts = g_strsplit_set (text, ", \t", -1);
  g_autoptr(GPtrArray) users = g_ptr_array_new ();

  for (char **p = parts; *p != NULL; p++)
    if (**p != '\0')
      g_ptr_array_add (users, *p);
  return g_variant_new_strv ((const char *const *) users->pdata, users->len);
}

/* the registration the daemon is asked for; NULL and a message when a
 * field cannot be read */
static GVariant *
registration (UlApproveDialog *self, char **message)
{
  g_autofree char *asset = g_strstrip (g_strdup (entry_text (self->asset_entry)));
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) users = NULL;
  GVariantBuilder b;
  gint64 until;

  if (*asset == '\0')
    {
      *message = g_strdup (_("Write the medium's asset number (管理番号)."));
      return NULL;
    }
  if (!ul_time_parse (entry_text (self->valid_until_entry), &until, &error))
    {
      *message = g_strdup (_("Write the last day it may be used as YYYY-MM-DD."));
      return NULL;
    }
  /* the whole last day */
  until += (G_GINT64_CONSTANT (86400) - 1) * G_USEC_PER_SEC;
  if (gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (self->users_radio)))
    users = g_variant_ref_sink (users_of (entry_text (self->users_entry)));
  if (users != NULL && g_variant_n_children (users) == 0)
    {
      *message = g_strdup (_("Name the accounts that may use it, or choose all staff."));
      return NULL;
    }
  g_variant_builder_init (&b, G_VARIANT_TYPE_VARDICT);
  g_variant_builder_add (&b, "{sv}", "asset-number", g_variant_new_string (asset));
  add_text (&b, "label", self->label_entry);
  add_text (&b, "holder", self->holder_entry);
  add_text (&b, "note", self->purpose_entry);
  if (users != NULL)
    g_variant_builder_add (&b, "{sv}", "users", users);
  g_variant_builder_add (&b, "{sv}", "valid-until", g_variant_new_int64 (until));
  g_variant_builder_add (&b, "{sv}", "read-only",
                         g_variant_new_boolean (gtk_toggle_button_get_active (
                           GTK_TOGGLE_BUTTON (self->read_only_radio))));
  if (gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (self->suspicion_check)))
    g_variant_builder_add (&b, "{sv}", "override-suspicion", g_variant_new_boolean (TRUE));
  if (gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (self->weak_serial_check)))
    g_variant_builder_add (&b, "{sv}", "accept-weak-serial", g_variant_new_boolean (TRUE));
  return g_variant_builder_end (&b);
}

static void
approve_done (GObject *source, GAsyncResult *res, gpointer data)
{
  g_autoptr(UlApproveDialog) self = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) medium = NULL;
  g_autofree char *text = NULL;

  if (ul_bus_manager1_call_approve_request_finish (UL_BUS_MANAGER1 (source), &medium, res,
                                                   &error))
    {
      gtk_widget_destroy (GTK_WIDGET (self));
      return;
    }
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  set_busy (self, FALSE);
  text = ul_ui_error_text (_("The request was not approved"), error);
  show_error (self, text);
}

static void
on_response (GtkDialog *dialog, int response, gpointer data)
{
  UlApproveDialog *self = UL_APPROVE_DIALOG (dialog);
  g_autofree char *message = NULL;
  GVariant *reg;

  if (response != GTK_RESPONSE_ACCEPT)
    {
      gtk_widget_destroy (GTK_WIDGET (self));
      return;
    }
  reg = registration (self, &message);
  if (reg == NULL)
    {
      show_error (self, message);
      return;
    }
  show_error (self, NULL);
  set_busy (self, TRUE);
  ul_bus_manager1_call_approve_request (ul_live_lists_get_manager (self->lists),
                                        ul_client_record_int (self->request, "id"), reg,
                                        UL_CLIENT_CALL_FLAGS, UL_CLIENT_TIMEOUT_MS,
                                        self->cancellable, approve_done, g_object_ref (self));
}

static void
on_users_toggled (GtkToggleButton *radio, UlApproveDialog *self)
{
  gtk_widget_set_sensitive (self->users_entry, gtk_toggle_button_get_active (radio));
}

static void
ul_approve_dialog_dispose (GObject *object)
{
  UlApproveDialog *self = UL_APPROVE_DIALOG (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->lists);
  g_clear_object (&self->request);
  G_OBJECT_CLASS (ul_approve_dialog_parent_class)->dispose (object);
}

static void
ul_approve_dialog_class_init (UlApproveDialogClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = ul_approve_dialog_dispose;
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/usbledger/Admin/ul-approve-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, UlApproveDialog, device_label);
  gtk_widget_class_bind_template_child (widget_class, UlApproveDialog, requester_label);
  gtk_widget_class_bind_template_child (widget_class, UlApproveDialog, asset_entry);
  gtk_widget_class_bind_template_child (widget_class, UlApproveDialog, label_entry);
  gtk_widget_class_bind_template_child (widget_class, UlApproveDialog, holder_entry);
  gtk_widget_class_bind_template_child (widget_class, UlApproveDialog, all_staff_radio);
  gtk_widget_class_bind_template_child (widget_class, UlApproveDialog, users_radio);
  gtk_widget_class_bind_template_child (widget_class, UlApproveDialog, users_entry);
  gtk_widget_class_bind_template_child (widget_class, UlApproveDialog, valid_until_entry);
  gtk_widget_class_bind_template_child (widget_class, UlApproveDialog, read_only_radio);
  gtk_widget_class_bind_template_child (widget_class, UlApproveDialog, read_write_radio);
  gtk_widget_class_bind_template_child (widget_class, UlApproveDialog, purpose_entry);
  gtk_widget_class_bind_template_child (widget_class, UlApproveDialog, suspicion_check);
  gtk_widget_class_bind_template_child (widget_class, UlApproveDialog, weak_serial_check);
  gtk_widget_class_bind_template_child (widget_class, UlApproveDialog, error_label);
  gtk_widget_class_bind_template_child (widget_class, UlApproveDialog, spinner);
  gtk_widget_class_bind_template_child (widget_class, UlApproveDialog, approve_button);
  gtk_widget_class_bind_template_callback (widget_class, on_response);
  gtk_widget_class_bind_template_callback (widget_class, on_users_toggled);
}

static void
ul_approve_dialog_init (UlApproveDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
  /* Enter is not a decision */
  gtk_dialog_set_default_response (GTK_DIALOG (self), GTK_RESPONSE_CANCEL);
}

static void
fill_request (UlApproveDialog *self)
{
  UlClientRecord *r = self->request;
  g_autofree char *usb_id = ul_client_record_usb_id (r);
  g_autofree char *name = ul_client_record_device_name (r);
  g_autofree char *serial = ul_ui_serial (r);
  g_autofree char *when = ul_client_record_time (r, "created-at");
  g_autofree char *number = g_strdup_printf ("%" G_GINT64_FORMAT, ul_client_record_int (r, "id"));
  g_autofree char *device = NULL;
  g_autofree char *requester = NULL;

  /* TRANSLATORS: the device's name, USB id, serial number */
  device = g_strdup_printf (_("%s (%s), serial number %s"), name, usb_id, serial);
  /* TRANSLATORS: request number, who plugged it in, on which computer, when */
  requester = g_strdup_printf (_("Request %s by %s on %s, %s"), number,
                               ul_client_record_str (r, "requester"),
                               ul_client_record_str (r, "host"), when);
  gtk_label_set_text (GTK_LABEL (self->device_label), device);
  gtk_label_set_text (GTK_LABEL (self->requester_label), requester);
  gtk_widget_set_visible (self->suspicion_check,
                          *ul_client_record_str (r, "suspicion") != '\0');
  gtk_widget_set_visible (self->weak_serial_check,
                          *ul_client_record_str (r, "weak-serial") != '\0');
}

static void
fill_defaults (UlApproveDialog *self)
{
  g_autofree char *asset = ul_next_asset_number (ul_live_lists_get (self->lists,
                                                                    UL_LIVE_MEDIA));
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *until = ul_time_format_local_plain (ul_fiscal_year_end (now), FALSE);

  gtk_entry_set_text (GTK_ENTRY (self->asset_entry), asset);
  gtk_entry_set_text (GTK_ENTRY (self->valid_until_entry), until ? until : "");
  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (self->read_only_radio), TRUE);
  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (self->all_staff_radio), TRUE);
}

UlApproveDialog *
ul_approve_dialog_new (GtkWindow *parent, UlLiveLists *lists, UlClientRecord *request)
{
  UlApproveDialog *self = g_object_new (UL_TYPE_APPROVE_DIALOG, "transient-for", parent,
                                        "modal", TRUE, NULL);

  self->lists = g_object_ref (lists);
  self->request = g_object_ref (request);
  fill_request (self);
  fill_defaults (self);
  return self;
}
