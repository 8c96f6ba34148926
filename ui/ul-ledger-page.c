/* ul-ledger-page.c: see ul-ledger-page.h */
#include "config.h"

#include <glib/gi18n.h>

#include "ul-admin-window.h"
#include "ul-client.h"
#include "ul-client-bundle.h"
#include "ul-ledger-page.h"
#include "ul-print-job.h"
#include "ul-report-ledger.h"
#include "ul-report-presentation.h"

/* GetLedger's largest page (the XML's limit) */
#define LEDGER_PAGE 2000

static const char *const parts[] = { "sessions", "blocked", "incidents" };

struct _UlLedgerPage {
  GtkBox parent;
  UlLiveLists *lists;
  GCancellable *cancellable;
  char *month;
  gint64 as_of;               /* every page of the month as the logbook stood then */
  guint generation;
  /* the month being read a page at a time: the first page's ledger, and
   * the rows of each part so far */
  GVariant *first;
  GPtrArray *rows[G_N_ELEMENTS (parts)];
  guint offset;
  GVariant *ledger;           /* the whole month, once read */
  UlReportDocument *preview_doc;
  guint n_pages, page;

  GtkWidget *month_entry;
  GtkWidget *summary_label;
  GtkWidget *print_button;
  GtkWidget *export_button;
  GtkWidget *prev_page_button;
  GtkWidget *next_page_button;
  GtkWidget *page_label;
  GtkWidget *preview;
};

G_DEFINE_TYPE (UlLedgerPage, ul_ledger_page, GTK_TYPE_BOX)

typedef struct {
  UlLedgerPage *self;
  guint generation;
} LedgerCall;

static void load_page (UlLedgerPage *self);

static void
forget_month (UlLedgerPage *self)
{
  g_clear_pointer (&self->first, g_variant_unref);
  g_clear_pointer (&self->ledger, g_variant_unref);
  g_clear_pointer (&self->preview_doc, ul_report_document_free);
  for (guint i = 0; i < G_N_ELEMENTS (parts); i++)
    g_clear_pointer (&self->rows[i], g_ptr_array_unref);
  self->offset = 0;
  self->n_pages = self->page = 0;
}

/* the first page's ledger with every part's rows of all pages */
static GVariant *
merged (UlLedgerPage *self)
{
  GVariantBuilder b;
  GVariantIter iter;
  const char *key;
  GVariant *value;

  g_variant_builder_init (&b, G_VARIANT_TYPE_VARDICT);
  g_variant_iter_init (&iter, self->first);
  /* g_variant_iter_loop frees each value as it goes on */
  while (g_variant_iter_loop (&iter, "{&sv}", &key, &value))
    {
      guint part;

      for (part = 0; part < G_N_ELEMENTS (parts); part++)
        if (g_str_equal (key, parts[part]))
          break;
      if (part == G_N_ELEMENTS (parts))
        g_variant_builder_add (&b, "{sv}", key, value);
      else
        g_variant_builder_add (&b, "{sv}", key,
                               g_variant_new_array (g_variant_type_element (
                                                      g_variant_get_type (value)),
                                                    (GVariant **) self->rows[part]->pdata,
                                                    self->rows[part]->len));
    }
  return g_variant_ref_sink (g_variant_builder_end (&b));
}

static void
show_page (UlLedgerPage *self)
{
  g_autofree char *text = NULL;

  if (self->n_pages > 0)
    /* TRANSLATORS: page number of page count */
    text = g_strdup_printf (_("%u / %u"), self->page + 1, self->n_pages);
  gtk_label_set_text (GTK_LABEL (self->page_label), text ? text : "");
  gtk_widget_set_sensitive (self->prev_page_button, self->page > 0);
  gtk_widget_set_sensitive (self->next_page_button, self->page + 1 < self->n_pages);
  gtk_widget_queue_draw (self->preview);
}

/* the month as the daemon's PDF draws it: with the organisation,
 * department, seal boxes and era of its configuration */
static UlReportDocument *
new_document (UlLedgerPage *self, GError **error)
{
  GVariant *presentation = ul_bus_manager1_get_ledger_presentation (
    ul_live_lists_get_manager (self->lists));
  g_auto(UlReportPresentation) look = { 0 };
  UlReportLedgerOptions options = { .generated_at = g_get_real_time () };

  ul_report_presentation_read (&look, presentation);
  ul_report_presentation_apply (&look, &options);
  return ul_report_ledger_new (self->ledger, &options, error);
}

static void
month_read (UlLedgerPage *self)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *summary = NULL;
  cairo_surface_t *surface;
  cairo_t *cr;

  self->ledger = merged (self);
  self->preview_doc = new_document (self, &error);
  if (self->preview_doc == NULL)
    {
      ul_admin_show_error (GTK_WIDGET (self), _("The ledger could not be drawn"), error);
      return;
    }
  /* laid out as on paper: pango's metrics without the screen's hinting */
  surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, 1, 1);
  cr = cairo_create (surface);
  self->n_pages = ul_report_document_paginate (self->preview_doc, cr);
  cairo_destroy (cr);
  cairo_surface_destroy (surface);
  self->page = 0;
  /* TRANSLATORS: the month, sessions, blocked insertions, incidents */
  summary = g_strdup_printf (_("%s: %u sessions, %u blocked, %u incidents"), self->month,
                             self->rows[0]->len, self->rows[1]->len, self->rows[2]->len);
  gtk_label_set_text (GTK_LABEL (self->summary_label), summary);
  gtk_widget_set_sensitive (self->print_button, TRUE);
  gtk_widget_set_sensitive (self->export_button, TRUE);
  /* an A4 sheet at 1 pixel per point, landscape or portrait as drawn */
  gtk_widget_set_size_request (self->preview, (int) self->preview_doc->width,
                               (int) self->preview_doc->height);
  show_page (self);
}

static void
ledger_done (GObject *source, GAsyncResult *res, gpointer data)
{
  g_autofree LedgerCall *call = data;
  g_autoptr(UlLedgerPage) self = call->self;
  g_autoptr(GVariant) ledger = NULL;
  g_autoptr(GError) error = NULL;
  gboolean more = FALSE;

  if (!ul_bus_manager1_call_get_ledger_finish (UL_BUS_MANAGER1 (source), &ledger, res, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) &&
          call->generation == self->generation)
        ul_admin_show_error (GTK_WIDGET (self), _("The ledger could not be loaded"), error);
      return;
    }
  if (call->generation != self->generation)
    return;
  if (self->first == NULL)
    self->first = g_variant_ref (ledger);
  for (guint i = 0; i < G_N_ELEMENTS (parts); i++)
    {
      g_autoptr(GVariant) part = g_variant_lookup_value (ledger, parts[i], NULL);
      gsize n = part != NULL ? g_variant_n_children (part) : 0;

      for (gsize j = 0; j < n; j++)
        g_ptr_array_add (self->rows[i], g_variant_get_child_value (part, j));
      more = more || n == LEDGER_PAGE;
    }
  self->offset += LEDGER_PAGE;
  if (more)
    load_page (self);
  else
    month_read (self);
}

/* the next page of the month, as the logbook stood when it was asked for */
static void
load_page (UlLedgerPage *self)
{
  LedgerCall *call = g_new0 (LedgerCall, 1);
  GVariantDict options;

  g_variant_dict_init (&options, NULL);
  g_variant_dict_insert (&options, "offset", "u", self->offset);
  g_variant_dict_insert (&options, "limit", "u", (guint32) LEDGER_PAGE);
  g_variant_dict_insert (&options, "as-of", "x", self->as_of);
  call->self = g_object_ref (self);
  call->generation = self->generation;
  ul_bus_manager1_call_get_ledger (ul_live_lists_get_manager (self->lists), self->month,
                                   g_variant_dict_end (&options), UL_CLIENT_CALL_FLAGS,
                                   UL_CLIENT_TIMEOUT_MS, self->cancellable, ledger_done, call);
}

static void
on_show_clicked (GtkWidget *widget, UlLedgerPage *self)
{
  g_autofree char *month = g_strstrip (g_strdup (gtk_entry_get_text (GTK_ENTRY (
                                                   self->month_entry))));

  if (self->lists == NULL)
    return;
  self->generation++;
  forget_month (self);
  g_free (self->month);
  self->month = g_steal_pointer (&month);
  self->as_of = g_get_real_time ();
  for (guint i = 0; i < G_N_ELEMENTS (parts); i++)
    self->rows[i] = g_ptr_array_new_with_free_func ((GDestroyNotify) g_variant_unref);
  gtk_widget_set_sensitive (self->print_button, FALSE);
  gtk_widget_set_sensitive (self->export_button, FALSE);
  gtk_label_set_text (GTK_LABEL (self->summary_label), _("Reading the month…"));
  show_page (self);
  load_page (self);
}

static gboolean
on_preview_draw (GtkWidget *area, cairo_t *cr, UlLedgerPage *self)
{
  if (self->preview_doc == NULL)
    return FALSE;
  /* the sheet is white whatever the theme */
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);
  ul_report_document_draw_page (self->preview_doc, cr, self->page, self->n_pages);
  return TRUE;
}

static void
on_prev_page_clicked (GtkButton *button, UlLedgerPage *self)
{
  if (self->page > 0)
    self->page--;
  show_page (self);
}

static void
on_next_page_clicked (GtkButton *button, UlLedgerPage *self)
{
  if (self->page + 1 < self->n_pages)
    self->page++;
  show_page (self);
}

gboolean
ul_ledger_page_is_loaded (UlLedgerPage *self)
{
  return self->preview_doc != NULL;
}

static gboolean
run_print (UlLedgerPage *self, const char *path, GError **error)
{
  GtkWidget *top = gtk_widget_get_toplevel (GTK_WIDGET (self));
  UlReportDocument *doc;

  if (self->ledger == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, "no month is shown");
      return FALSE;
    }
  doc = new_document (self, error);
  return doc != NULL &&
         ul_print_job_run (GTK_IS_WINDOW (top) ? GTK_WINDOW (top) : NULL, doc, path, error);
}

gboolean
ul_ledger_page_export_pdf (UlLedgerPage *self, const char *path, GError **error)
{
  return run_print (self, path, error);
}

static void
on_print_clicked (GtkButton *button, UlLedgerPage *self)
{
  g_autoptr(GError) error = NULL;

  if (!run_print (self, NULL, &error))
    ul_admin_show_error (GTK_WIDGET (self), _("The ledger was not printed"), error);
}

static void
export_done (GObject *source, GAsyncResult *res, gpointer data)
{
  g_autoptr(GTask) task = data;
  UlLedgerPage *self = g_task_get_source_object (task);
  g_autoptr(GVariant) files = NULL;
  g_autoptr(GUnixFDList) fds = NULL;
  g_autoptr(GError) error = NULL;

  if (!ul_bus_manager1_call_export_ledger_finish (UL_BUS_MANAGER1 (source), &files, &fds, res,
                                                  &error) ||
      !ul_client_save_bundle (files, fds, g_task_get_task_data (task), NULL, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        ul_admin_show_error (GTK_WIDGET (self), _("The ledger was not exported"), error);
    }
}

static void
on_export_clicked (GtkButton *button, UlLedgerPage *self)
{
  GtkWidget *top = gtk_widget_get_toplevel (GTK_WIDGET (self));
  g_autoptr(GtkFileChooserNative) chooser = NULL;
  g_autofree char *parent = NULL;
  g_autofree char *name = g_strdup_printf ("ledger-%s", self->month);
  GVariantDict options;
  GTask *task;

  chooser = gtk_file_chooser_native_new (_("Where to put the ledger for the city"),
                                         GTK_IS_WINDOW (top) ? GTK_WINDOW (top) : NULL,
                                         GTK_FILE_CHOOSER_ACTION_SELECT_FOLDER, _("_Export"),
                                         _("_Cancel"));
  if (gtk_native_dialog_run (GTK_NATIVE_DIALOG (chooser)) != GTK_RESPONSE_ACCEPT)
    return;
  parent = gtk_file_chooser_get_filename (GTK_FILE_CHOOSER (chooser));
  task = g_task_new (self, self->cancellable, NULL, NULL);
  /* a folder of its own, as usbledgerctl ledger --out makes */
  g_task_set_task_data (task, g_build_filename (parent, name, NULL), g_free);
  g_variant_dict_init (&options, NULL);
  ul_bus_manager1_call_export_ledger (ul_live_lists_get_manager (self->lists), self->month,
                                      g_variant_dict_end (&options), UL_CLIENT_CALL_FLAGS,
                                      UL_CLIENT_EXPORT_TIMEOUT_MS, NULL, self->cancellable,
                                      export_done, task);
}

void
ul_ledger_page_set_lists (UlLedgerPage *self, UlLiveLists *lists)
{
  g_set_object (&self->lists, lists);
}

static void
ul_ledger_page_dispose (GObject *object)
{
  UlLedgerPage *self = UL_LEDGER_PAGE (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->lists);
  forget_month (self);
  g_clear_pointer (&self->month, g_free);
  G_OBJECT_CLASS (ul_ledger_page_parent_class)->dispose (object);
}

static void
ul_ledger_page_class_init (UlLedgerPageClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = ul_ledger_page_dispose;
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/usbledger/Admin/ul-ledger-page.ui");
  gtk_widget_class_bind_template_child (widget_class, UlLedgerPage, month_entry);
  gtk_widget_class_bind_template_child (widget_class, UlLedgerPage, summary_label);
  gtk_widget_class_bind_template_child (widget_class, UlLedgerPage, print_button);
  gtk_widget_class_bind_template_child (widget_class, UlLedgerPage, export_button);
  gtk_widget_class_bind_template_child (widget_class, UlLedgerPage, prev_page_button);
  gtk_widget_class_bind_template_child (widget_class, UlLedgerPage, next_page_button);
  gtk_widget_class_bind_template_child (widget_class, UlLedgerPage, page_label);
  gtk_widget_class_bind_template_child (widget_class, UlLedgerPage, preview);
  gtk_widget_class_bind_template_callback (widget_class, on_show_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_preview_draw);
  gtk_widget_class_bind_template_callback (widget_class, on_prev_page_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_next_page_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_print_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_export_clicked);
}

static void
ul_ledger_page_init (UlLedgerPage *self)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *month = g_date_time_format (now, "%Y-%m");

  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
  gtk_entry_set_text (GTK_ENTRY (self->month_entry), month);
}
