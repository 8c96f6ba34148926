/* ul-report-pdf.h: a document as a PDF file */
#pragma once

#include "ul-report-document.h"

G_BEGIN_DECLS

/* Writes @doc to @path. The same document gives the same bytes: the
 * creation date is the document's (from its record), never the clock. */
gboolean ul_report_pdf_write (UlReportDocument *doc, const char *path, GError **error);

G_END_DECLS
