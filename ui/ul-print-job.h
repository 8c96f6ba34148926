/* ul-print-job.h: a document of the shared renderer (src/report) through
 * GtkPrintOperation, as gedit's print job does: paginated in begin-print,
 * each page drawn in draw-page on the print context's cairo, in points on
 * A4, the whole sheet as the PDF helper draws it. Printing shows GTK's
 * print dialog; exporting writes a PDF file without one. */
#pragma once

#include <gtk/gtk.h>

#include "ul-report-document.h"

G_BEGIN_DECLS

/* runs the operation over @doc (taken); @export_file: NULL to print
 * (GTK's dialog), else the PDF file to write. FALSE with @error when it
 * could not be done; a cancelled print dialog is not an error. */
gboolean ul_print_job_run (GtkWindow *parent, UlReportDocument *doc, const char *export_file,
                           GError **error);

G_END_DECLS
