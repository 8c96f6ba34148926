/* ul-report-labels.c: see ul-report-labels.h; the words are the
 * vocabulary's (ul-vocabulary.c), its Japanese column */
#include "ul-report-labels.h"
#include "ul-vocabulary.h"

const char *
ul_report_end_reason_label (const char *code)
{
  return ul_vocabulary_document_label (UL_VOCAB_END_REASON, code);
}

const char *
ul_report_remark_label (const char *code)
{
  return ul_vocabulary_document_label (UL_VOCAB_REMARK, code);
}

const char *
ul_report_decision_label (const char *code)
{
  return ul_vocabulary_document_label (UL_VOCAB_DECISION, code);
}

const char *
ul_report_request_state_label (const char *code)
{
  return ul_vocabulary_document_label (UL_VOCAB_REQUEST_STATE, code);
}

const char *
ul_report_incident_label (const char *code)
{
  return ul_vocabulary_document_label (UL_VOCAB_INCIDENT, code);
}
