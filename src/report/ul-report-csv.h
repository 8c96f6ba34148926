/* ul-report-csv.h: the ledger as CSV for Excel: UTF-8 with a BOM, CRLF,
 * RFC 4180 quoting, the Japanese headers of the printed ledger. A cell
 * that begins with = + - @, TAB or CR is prefixed with ' so that Excel
 * never takes it for a formula (a file named =HYPERLINK(...) stays text). */
#pragma once

#include "ul-report-ledger-table.h"

G_BEGIN_DECLS

/* one cell, quoted where RFC 4180 needs it, defused where Excel would
 * compute it */
void ul_report_csv_append_cell (GString *out, const char *cell);

/* the three parts, each as its title row, its header row and its rows,
 * with an empty row between parts */
GBytes *ul_report_ledger_csv (GPtrArray *tables);

G_END_DECLS
