/* ul-session-dialog.c: see ul-session-dialog.h */
#include "config.h"

#include <glib/gi18n.h>

#include "ul-client.h"
#include "ul-client-record.h"
#include "ul-session-dialog.h"
#include "ul-ui-errors.h"
#include "ul-ui-text.h"
#include "ul-vocabulary.h"

enum { COL_TIME, COL_ACTION, COL_PATH, COL_SIZE, COL_SHA256, COL_NOTE, N_COLS };

/* ListSessionFiles' page (the XML's PageMax) */
#define FILES_PAGE 5000

struct _UlSessionDialog {
  GtkDialog parent;
  UlLiveLists *lists;
  GCancellable *cancellable;
  gint64 session_id;
  gint64 last_file;
  GtkListStore *files;

  GtkWidget *summary_label;
  GtkWidget *detail_label;
  GtkWidget *files_tree;
};

G_DEFINE_TYPE (UlSessionDialog, ul_session_dialog, GTK_TYPE_DIALOG)

static void
show_error (UlSessionDialog *self, const char *what, const GError *error)
{
  g_autofree char *text = ul_ui_error_text (what, error);

  gtk_label_set_text (GTK_LABEL (self->detail_label), text);
}

static const char *
note_of (UlClientRecord *f)
{
  const char *source = ul_client_record_str (f, "source");

  if (g_str_equal (source, "outside"))
    return _("changed outside usbledger (found at mount)");
  if (g_str_equal (source, "manifest"))
    return _("found by the check at unmount");
  return "";
}

static void load_files (UlSessionDialog *self);

static void
files_done (GObject *source, GAsyncResult *res, gpointer data)
{
  g_autoptr(UlSessionDialog) self = data;
  g_autoptr(GVariant) files = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) records = NULL;

  if (!ul_bus_manager1_call_list_session_files_finish (UL_BUS_MANAGER1 (source), &files, res,
                                                       &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        show_error (self, _("The files could not be loaded"), error);
      return;
    }
  records = ul_client_records_new (files);
  for (guint i = 0; i < records->len; i++)
    {
      UlClientRecord *f = g_ptr_array_index (records, i);
      GVariant *record = ul_client_record_get_variant (f);
      g_autofree char *when = ul_client_record_time (f, "time");
      g_autofree char *path = ul_client_record_bytes (f, "path");
      g_autoptr(GVariant) size = g_variant_lookup_value (record, "size", G_VARIANT_TYPE_INT64);
      g_autofree char *size_text = size != NULL
                                     ? g_strdup_printf ("%" G_GINT64_FORMAT,
                                                        g_variant_get_int64 (size))
                                     : g_strdup ("");
      GtkTreeIter row;

      gtk_list_store_append (self->files, &row);
      gtk_list_store_set (self->files, &row,
                          COL_TIME, when,
                          COL_ACTION, ul_vocabulary_label (UL_VOCAB_FILE_ACTION,
                                                           ul_client_record_str (f, "action")),
                          COL_PATH, path,
                          COL_SIZE, size_text,
                          COL_SHA256, ul_client_record_str (f, "sha256"),
                          COL_NOTE, note_of (f),
                          -1);
      self->last_file = ul_client_record_int (f, "id");
    }
  /* a full page: there may be more */
  if (records->len == FILES_PAGE)
    load_files (self);
}

static void
load_files (UlSessionDialog *self)
{
  ul_bus_manager1_call_list_session_files (ul_live_lists_get_manager (self->lists),
                                           self->session_id, self->last_file, FILES_PAGE,
                                           UL_CLIENT_CALL_FLAGS, UL_CLIENT_TIMEOUT_MS,
                                           self->cancellable, files_done, g_object_ref (self));
}

static void
session_done (GObject *source, GAsyncResult *res, gpointer data)
{
  g_autoptr(UlSessionDialog) self = data;
  g_autoptr(GVariant) session = NULL;
  g_autoptr(GVariant) mounts = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(UlClientRecord) s = NULL;
  g_autofree char *started = NULL;
  g_autofree char *ended = NULL;
  g_autofree char *summary = NULL;
  g_autofree char *detail = NULL;
  g_autofree char *number = NULL;

  if (!ul_bus_manager1_call_get_session_finish (UL_BUS_MANAGER1 (source), &session, &mounts,
                                                res, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        show_error (self, _("The session could not be loaded"), error);
      return;
    }
  s = ul_client_record_new (session);
  started = ul_client_record_time (s, "started-at");
  ended = ul_client_record_time (s, "ended-at");
  /* TRANSLATORS: session number, medium, person, computer */
  number = g_strdup_printf ("%" G_GINT64_FORMAT, ul_client_record_int (s, "id"));
  summary = g_strdup_printf (_("Session %s: medium %s used by %s on %s"), number,
                             ul_client_record_str (s, "asset-number"),
                             ul_client_record_str (s, "user"), ul_client_record_str (s, "host"));
  /* TRANSLATORS: from, until, how it ended, erased or not */
  detail = g_strdup_printf (_("From %s until %s (%s) · %s"), started,
                            *ended != '\0' ? ended : _("now, in use"),
                            ul_vocabulary_label (UL_VOCAB_END_REASON,
                                                 ul_client_record_str (s, "end-reason")),
                            ul_client_record_bool (s, "erased") ? _("erased") : _("not erased"));
  gtk_label_set_text (GTK_LABEL (self->summary_label), summary);
  gtk_label_set_text (GTK_LABEL (self->detail_label), detail);
  load_files (self);
}

static void
on_response (GtkDialog *dialog, int response, gpointer data)
{
  gtk_widget_destroy (GTK_WIDGET (dialog));
}

static void
ul_session_dialog_dispose (GObject *object)
{
  UlSessionDialog *self = UL_SESSION_DIALOG (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->lists);
  g_clear_object (&self->files);
  G_OBJECT_CLASS (ul_session_dialog_parent_class)->dispose (object);
}

static void
ul_session_dialog_class_init (UlSessionDialogClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = ul_session_dialog_dispose;
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/usbledger/Admin/ul-session-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, UlSessionDialog, summary_label);
  gtk_widget_class_bind_template_child (widget_class, UlSessionDialog, detail_label);
  gtk_widget_class_bind_template_child (widget_class, UlSessionDialog, files_tree);
}

static void
ul_session_dialog_init (UlSessionDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
  self->files = gtk_list_store_new (N_COLS, G_TYPE_STRING, G_TYPE_STRING, G_TYPE_STRING,
                                    G_TYPE_STRING, G_TYPE_STRING, G_TYPE_STRING);
  gtk_tree_view_set_model (GTK_TREE_VIEW (self->files_tree), GTK_TREE_MODEL (self->files));
  ul_ui_add_text_column (self->files_tree, _("When"), COL_TIME);
  ul_ui_add_text_column (self->files_tree, _("What"), COL_ACTION);
  ul_ui_add_text_column (self->files_tree, _("File"), COL_PATH);
  ul_ui_add_text_column (self->files_tree, _("Size (bytes)"), COL_SIZE);
  ul_ui_add_text_column (self->files_tree, _("SHA-256"), COL_SHA256);
  ul_ui_add_text_column (self->files_tree, _("Note"), COL_NOTE);
  g_signal_connect (self, "response", G_CALLBACK (on_response), NULL);
}

UlSessionDialog *
ul_session_dialog_new (GtkWindow *parent, UlLiveLists *lists, gint64 session_id)
{
  UlSessionDialog *self = g_object_new (UL_TYPE_SESSION_DIALOG, "transient-for", parent, NULL);

  self->lists = g_object_ref (lists);
  self->session_id = session_id;
  ul_bus_manager1_call_get_session (ul_live_lists_get_manager (lists), session_id,
                                    UL_CLIENT_CALL_FLAGS, UL_CLIENT_TIMEOUT_MS,
                                    self->cancellable, session_done, g_object_ref (self));
  return self;
}
