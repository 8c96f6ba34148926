/* ul-report-presentation.h: how the city's ledger is presented on paper,
 * beyond what the logbook holds: the organisation and department printed
 * on each page, the seal (押印) boxes' labels and the Japanese era. They
 * are the daemon's configuration (usbledgerd.conf); the daemon hands them
 * to its PDF helper with each export and to the window as its
 * LedgerPresentation property, so that a month printed from the window
 * looks like the one in the signed bundle. One reader for both. */
#pragma once

#include "ul-report-ledger.h"

G_BEGIN_DECLS

typedef struct {
  char *organisation;   /* NULL: none configured */
  char *department;
  GStrv seal_labels;    /* NULL: the default boxes */
  gboolean wareki;
} UlReportPresentation;

/* reads @presentation, a{sv}: organisation (s), department (s),
 * seal-labels (av or as of s), wareki (b); values may be boxed in v (as
 * from JSON). NULL or a missing key: the default. */
void ul_report_presentation_read (UlReportPresentation *p, GVariant *presentation);
/* @options points into @p from now on */
void ul_report_presentation_apply (const UlReportPresentation *p,
                                   UlReportLedgerOptions *options);
void ul_report_presentation_clear (UlReportPresentation *p);

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (UlReportPresentation, ul_report_presentation_clear)

G_END_DECLS
