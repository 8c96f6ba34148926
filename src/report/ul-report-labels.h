/* ul-report-labels.h: the Japanese words the city's documents print for
 * the codes the ledger carries (end reasons, remarks, decisions, request
 * states, incident kinds). The documents are the city's and are always in
 * Japanese, whatever the clerk's locale; a code without a label is printed
 * as it is, never dropped. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

const char *ul_report_end_reason_label (const char *code);
const char *ul_report_remark_label (const char *code);
const char *ul_report_decision_label (const char *code);
const char *ul_report_request_state_label (const char *code);
const char *ul_report_incident_label (const char *code);

G_END_DECLS
