/* ul-print-job.c: see ul-print-job.h */
#include "ul-print-job.h"

static void
begin_print (GtkPrintOperation *op, GtkPrintContext *context, UlReportDocument *doc)
{
  guint n_pages = ul_report_document_paginate (doc, gtk_print_context_get_cairo_context (context));

  gtk_print_operation_set_n_pages (op, (int) MAX (n_pages, 1));
}

static void
draw_page (GtkPrintOperation *op, GtkPrintContext *context, int page, UlReportDocument *doc)
{
  int n_pages = 0;

  g_object_get (op, "n-pages", &n_pages, NULL);
  ul_report_document_draw_page (doc, gtk_print_context_get_cairo_context (context), (guint) page,
                                (guint) n_pages);
}

gboolean
ul_print_job_run (GtkWindow *parent, UlReportDocument *doc, const char *export_file,
                  GError **error)
{
  /* taken: freed when the operation is over */
  g_autoptr(UlReportDocument) document = doc;
  g_autoptr(GtkPrintOperation) op = gtk_print_operation_new ();
  g_autoptr(GtkPageSetup) setup = gtk_page_setup_new ();
  g_autoptr(GtkPaperSize) a4 = gtk_paper_size_new (GTK_PAPER_NAME_A4);
  GtkPrintOperationResult result;

  gtk_page_setup_set_paper_size_and_default_margins (setup, a4);
  gtk_page_setup_set_orientation (setup, document->width > document->height
                                           ? GTK_PAGE_ORIENTATION_LANDSCAPE
                                           : GTK_PAGE_ORIENTATION_PORTRAIT);
  gtk_print_operation_set_default_page_setup (op, setup);
  /* the document places everything itself, from the sheet's corner, in
   * points: the same page as its PDF */
  gtk_print_operation_set_use_full_page (op, TRUE);
  gtk_print_operation_set_unit (op, GTK_UNIT_POINTS);
  gtk_print_operation_set_job_name (op, document->title != NULL ? document->title : "usbledger");
  gtk_print_operation_set_embed_page_setup (op, TRUE);
  g_signal_connect (op, "begin-print", G_CALLBACK (begin_print), document);
  g_signal_connect (op, "draw-page", G_CALLBACK (draw_page), document);
  if (export_file != NULL)
    gtk_print_operation_set_export_filename (op, export_file);
  result = gtk_print_operation_run (op, export_file != NULL
                                          ? GTK_PRINT_OPERATION_ACTION_EXPORT
                                          : GTK_PRINT_OPERATION_ACTION_PRINT_DIALOG,
                                    parent, error);
  return result != GTK_PRINT_OPERATION_RESULT_ERROR;
}
