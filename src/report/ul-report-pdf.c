/* ul-report-pdf.c: see ul-report-pdf.h */
#include "ul-report-pdf.h"
#include "ul-error.h"

#include <cairo-pdf.h>

static char *
pdf_date (gint64 usec)
{
  g_autoptr(GDateTime) dt = g_date_time_new_from_unix_utc (usec / G_USEC_PER_SEC);

  /* cairo takes ISO 8601 */
  return dt ? g_date_time_format (dt, "%Y-%m-%dT%H:%M:%SZ") : NULL;
}

gboolean
ul_report_pdf_write (UlReportDocument *doc, const char *path, GError **error)
{
  cairo_surface_t *surface = cairo_pdf_surface_create (path, doc->width, doc->height);
  g_autofree char *date = pdf_date (doc->created_at);
  cairo_status_t status;
  cairo_t *cr;
  guint n;

  cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_TITLE, doc->title);
  cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_CREATOR, "usbledger");
  if (date != NULL)
    cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_CREATE_DATE, date);
  cr = cairo_create (surface);
  n = ul_report_document_paginate (doc, cr);
  for (guint i = 0; i < n; i++)
    {
      ul_report_document_draw_page (doc, cr, i, n);
      cairo_show_page (cr);
    }
  cairo_destroy (cr);
  cairo_surface_finish (surface);
  status = cairo_surface_status (surface);
  cairo_surface_destroy (surface);
  if (status != CAIRO_STATUS_SUCCESS)
    {
      g_set_error (error, UL_ERROR, UL_ERROR_FAILED, "cannot write %s: %s", path,
                   cairo_status_to_string (status));
      return FALSE;
    }
  return TRUE;
}
