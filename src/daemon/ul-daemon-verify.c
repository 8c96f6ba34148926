/* ul-daemon-verify.c: usbledgerd --verify-logbook, the whole logbook checked
 * without starting the daemon: for a copy taken for an audit, and for an
 * administrator who wants to know before starting it. Nothing is written. */
#include "config.h"

#include "ul-daemon.h"
#include "ul-checkpoints.h"
#include "ul-logbook-verify.h"
#include "ul-store.h"

int
ul_daemon_verify_logbook (const UlDaemonOptions *opts)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(UlStore) store = ul_store_open_for_check (opts->db_path, &error);
  g_autofree char *dir = ul_checkpoints_dir (opts->state_dir);
  UlLogbookCheck c = { 0 };

  if (store == NULL)
    {
      g_printerr ("usbledgerd: %s\n", error->message);
      return 2;
    }
  if (!ul_store_quick_check (store, &error) || !ul_logbook_verify (store, dir, &c, &error))
    {
      g_printerr ("usbledgerd: the logbook %s does not verify: %s\n", opts->db_path,
                  error->message);
      return 1;
    }
  g_print ("logbook %s intact: %" G_GUINT64_FORMAT " events in their hash chain, %"
           G_GUINT64_FORMAT " records matching their %" G_GUINT64_FORMAT " seals, %u signed "
           "checkpoints matching\n", opts->db_path, c.n_events, c.n_rows, c.n_seals,
           c.n_checkpoints);
  return 0;
}
