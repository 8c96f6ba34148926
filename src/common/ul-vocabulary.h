/* ul-vocabulary.h: the codes that travel on the bus, in the logbook and in
 * the ledger (end reasons, remarks, decisions, request states, incident
 * kinds, file actions, the reasons of decisions, media's status, event
 * kinds, erasures' outcomes), each with the label a
 * person reads. One table, for
 * the CLI, the GUI and the city's documents:
 * - the label in the person's language, through gettext (po/ja.po first,
 *   English as written here);
 * - the label the city's documents print, always Japanese, whatever the
 *   clerk's locale.
 * A code without an entry is shown as it is, never dropped. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum {
  UL_VOCAB_END_REASON,
  UL_VOCAB_REMARK,
  UL_VOCAB_DECISION,
  UL_VOCAB_REQUEST_STATE,
  UL_VOCAB_INCIDENT,
  UL_VOCAB_FILE_ACTION,
  UL_VOCAB_REASON,        /* why a device was decided so (records' reason-code) */
  UL_VOCAB_MEDIUM_STATUS, /* a registered medium's status (ul-medium.h) */
  UL_VOCAB_EVENT,         /* the kinds of the event log's entries */
  UL_VOCAB_ERASE_OUTCOME, /* how an erasure ended (ul_erase_outcome_to_string) */
  UL_VOCAB_N_KINDS
} UlVocabKind;

typedef struct {
  const char *code;       /* as on the wire and in the logbook */
  const char *label;      /* English, the msgid gettext translates */
  const char *document;   /* Japanese, as the city's documents print it */
} UlVocabEntry;

/* translated (gettext) */
const char *ul_vocabulary_label (UlVocabKind kind, const char *code);
/* Japanese */
const char *ul_vocabulary_document_label (UlVocabKind kind, const char *code);
/* the table of @kind, for the tests */
const UlVocabEntry *ul_vocabulary_entries (UlVocabKind kind, guint *n_entries);

G_END_DECLS
