/* ul-report-document.c: see ul-report-document.h */
#include "ul-report-document.h"

void
ul_report_document_init (UlReportDocument *doc, const UlReportDocumentClass *klass,
                         double width, double height, const char *title, gint64 created_at)
{
  doc->klass = klass;
  doc->width = width;
  doc->height = height;
  doc->title = g_strdup (title);
  doc->created_at = created_at;
}

guint
ul_report_document_paginate (UlReportDocument *doc, cairo_t *cr)
{
  return doc->klass->paginate (doc, cr);
}

void
ul_report_document_draw_page (UlReportDocument *doc, cairo_t *cr, guint page, guint n_pages)
{
  cairo_save (cr);
  cairo_set_source_rgb (cr, 0, 0, 0);
  doc->klass->draw_page (doc, cr, page, n_pages);
  cairo_restore (cr);
}

void
ul_report_document_free (UlReportDocument *doc)
{
  if (doc == NULL)
    return;
  g_free (doc->title);
  /* the document's own fields, then the block itself */
  doc->klass->finalize (doc);
}
