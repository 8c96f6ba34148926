/* ul-logbook-verify.c: see ul-logbook-verify.h */
#include "ul-logbook-verify.h"
#include "ul-checkpoints.h"
#include "ul-record-seals.h"
#include "ul-store-private.h"

static gboolean
verify_in_snapshot (UlStore *store, GPtrArray *checkpoints, UlLogbookCheck *c, GError **error)
{
  /* the checkpoints before the rows: when the seals' tail was cut, the rows
   * it sealed no longer match, but what happened is the cut */
  return ul_store_verify_chain (store, &c->n_events, error) &&
         ul_store_verify_seal_chain (store, &c->n_seals, error) &&
         ul_checkpoints_check (store, checkpoints, &c->n_checkpoints, error) &&
         ul_checkpoints_check_stopped (store, checkpoints, FALSE, error) &&
         ul_store_verify_records (store, &c->n_rows, error) &&
         ul_store_verify_session_totals (store, &c->n_sessions, error);
}

gboolean
ul_logbook_verify (UlStore *store, const char *checkpoint_dir, UlLogbookCheck *out,
                   GError **error)
{
  /* listed first: each file is written after its event commits, so every
   * checkpoint listed is in the snapshot read next */
  g_autoptr(GPtrArray) checkpoints = ul_checkpoints_list (checkpoint_dir);
  UlLogbookCheck c = { 0 };
  sqlite3_stmt *begin = ul_store_stmt (store, "BEGIN DEFERRED", error);
  sqlite3_stmt *end = ul_store_stmt (store, "COMMIT", error);
  gboolean ok;

  /* one snapshot for every check, while the daemon goes on writing */
  if (begin == NULL || end == NULL || !ul_store_step_done (store, begin, error))
    return FALSE;
  ok = verify_in_snapshot (store, checkpoints, &c, error);
  if (!ul_store_step_done (store, end, ok ? error : NULL))
    return FALSE;
  if (ok && out != NULL)
    *out = c;
  return ok;
}
