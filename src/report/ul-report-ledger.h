/* ul-report-ledger.h: the printed monthly ledger (月次使用簿): A4 landscape,
 * Japanese. Each page has the title, the organisation and department, the
 * period, the current part's header row, and a footer with the generation
 * time, the event ids covered, the ledger's content digest (text and QR
 * code, to match a paper copy with its signed bundle) and n / N. The last
 * page has the summary and the seal (押印) boxes. Cells wrap, never cut. */
#pragma once

#include "ul-report-document.h"
#include "ul-report-ledger-table.h"

G_BEGIN_DECLS

typedef struct {
  const char *organisation;       /* from the configuration; NULL: none */
  const char *department;
  const char *const *seal_labels; /* NULL: 作成者 / 所属長 / 情報セキュリティ管理者 */
  gint64 generated_at;            /* µs: printed, and the PDF's creation date */
  gboolean wareki;                /* also the Japanese era (令和8年11月) */
  UlReportNameFunc names;         /* display names; NULL: accounts only */
  gpointer names_data;
} UlReportLedgerOptions;

/* @ledger: ul_store_ledger_month()'s; NULL with @error if it is not one */
UlReportDocument *ul_report_ledger_new (GVariant *ledger, const UlReportLedgerOptions *options,
                                        GError **error);

/* "令和8年11月" for a month "2026-11"; NULL before 令和 */
char *ul_report_wareki_month (const char *month);

G_END_DECLS
