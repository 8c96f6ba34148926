/* ul-logbook-verify.h: the whole logbook checked, as `log --verify` and
 * `usbledgerd --verify-logbook` report it */
#pragma once

#include <glib.h>

#include "ul-store.h"

G_BEGIN_DECLS

typedef struct {
  guint64 n_events;       /* events in the chain */
  guint64 n_seals;        /* record seals in theirs */
  guint64 n_rows;         /* record rows that match their last seal */
  guint64 n_sessions;     /* sessions whose file totals match their records */
  guint n_checkpoints;    /* signed checkpoints the logbook still matches */
} UlLogbookCheck;

/* in this order, each naming the first row that fails it: the event chain,
 * the seals' chain, the checkpoints in @checkpoint_dir (so a tail cut or a
 * chain computed again is named as such), every record row against its
 * last seal, then each session's file totals against its file records */
gboolean ul_logbook_verify (UlStore *store, const char *checkpoint_dir, UlLogbookCheck *out,
                            GError **error);

G_END_DECLS
