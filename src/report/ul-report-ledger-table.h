/* ul-report-ledger-table.h: the monthly ledger as the tables a person reads
 * (part 1 sessions, part 2 blocked insertions, part 3 incidents): titles,
 * column headers and cell texts, in Japanese, times in local time. The PDF
 * and the CSV print these same cells, so the two cannot disagree. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct {
  char *title;              /* "第1部 使用記録" */
  GPtrArray *headers;       /* char* */
  GPtrArray *widths;        /* relative column widths for the page (double*) */
  GArray *mono;             /* gboolean per column: hex digests, in a monospace font */
  GPtrArray *rows;          /* GPtrArray* of char*, one per cell */
} UlReportTable;

void ul_report_table_free (UlReportTable *t);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (UlReportTable, ul_report_table_free)

/* a person's display name for @account (the passwd GECOS field up to its
 * first comma), NULL: none known; looked up when the document is made,
 * never part of the ledger's content */
typedef char *(*UlReportNameFunc) (const char *account, gpointer data);
char *ul_report_passwd_name (const char *account, gpointer data);

/* the three tables of @ledger (ul-ledger.h), UlReportTable* */
GPtrArray *ul_report_ledger_tables (GVariant *ledger, UlReportNameFunc names, gpointer data);

/* the summary as label/value pairs, char* label, char* value, ... */
GPtrArray *ul_report_ledger_summary (GVariant *ledger);

/* a ledger's UTC ISO 8601 time as local "YYYY-MM-DD HH:MM"; "" for NULL */
char *ul_report_local_minute (const char *iso);
/* ... as the local day "YYYY-MM-DD" */
char *ul_report_local_day (const char *iso);

G_END_DECLS
