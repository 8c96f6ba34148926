/* ul-report-document.h: a printable document, GTK-free. The one renderer
 * every document goes through: usbledgerd's PDF helper and the CLI write
 * PDFs with ul_report_pdf_write(); the GUI's GtkPrintOperation calls
 * paginate in begin-print and draw_page in draw-page, on its own cairo
 * context, so paper and PDF come from the same drawing code. */
#pragma once

#include <cairo.h>
#include <glib.h>

G_BEGIN_DECLS

typedef struct _UlReportDocument UlReportDocument;

typedef struct {
  /* lays the document out with @cr's font setup; returns the page count */
  guint (*paginate) (UlReportDocument *doc, cairo_t *cr);
  /* draws page @page (from 0) of @n_pages, in points from the page's top left */
  void (*draw_page) (UlReportDocument *doc, cairo_t *cr, guint page, guint n_pages);
  void (*finalize) (UlReportDocument *doc);
} UlReportDocumentClass;

struct _UlReportDocument {
  const UlReportDocumentClass *klass;
  double width;           /* the page, points */
  double height;
  char *title;            /* the PDF's title */
  gint64 created_at;      /* µs: the PDF's creation date, from the record (deterministic) */
};

/* for the documents' constructors */
void ul_report_document_init (UlReportDocument *doc, const UlReportDocumentClass *klass,
                              double width, double height, const char *title,
                              gint64 created_at);

guint ul_report_document_paginate (UlReportDocument *doc, cairo_t *cr);
void ul_report_document_draw_page (UlReportDocument *doc, cairo_t *cr, guint page,
                                   guint n_pages);
void ul_report_document_free (UlReportDocument *doc);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (UlReportDocument, ul_report_document_free)

/* A4 in points */
#define UL_REPORT_MM (72.0 / 25.4)
#define UL_REPORT_A4_SHORT (210 * UL_REPORT_MM)
#define UL_REPORT_A4_LONG (297 * UL_REPORT_MM)

G_END_DECLS
