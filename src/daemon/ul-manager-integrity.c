/* ul-manager-integrity.c: the logbook's file checked after start.
 *
 * PRAGMA quick_check reads every page: on five years of records (gigabytes)
 * it takes longer than systemd waits for a start, so it runs in a worker,
 * on a connection of its own, while the daemon decides and records. A
 * corrupt page found is an incident in the log itself and the journal; the
 * daemon goes on recording (what it cannot write it keeps, see
 * ul-session-tracker), and the administrator restores from a backup. */
#include "config.h"

#include "ul-manager-private.h"

static void
check_in_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(UlStore) store = ul_store_open_for_check (data, &error);
  gint64 start = g_get_monotonic_time ();

  if (store != NULL && ul_store_quick_check (store, &error))
    {
      /* said once, so that the journal shows the file was checked (and a
       * benchmark can wait until the check no longer shares the machine) */
      g_message ("the logbook's file passed its integrity check (%.1f s)",
                 (double) (g_get_monotonic_time () - start) / G_USEC_PER_SEC);
      g_task_return_boolean (task, TRUE);
    }
  else
    g_task_return_error (task, g_steal_pointer (&error));
}

static void
on_checked (GObject *source, GAsyncResult *res, gpointer data)
{
  UlManager *mgr = UL_MANAGER (source);
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) local = NULL;
  g_autoptr(UlEvent) inc = NULL;

  if (g_task_propagate_boolean (G_TASK (res), &error))
    return;
  inc = ul_event_new ("logbook-corrupt", "system", mgr->host, g_get_real_time ());
  inc->detail = g_strdup_printf ("incident: the logbook's file does not pass its integrity check "
                                 "(%s); restore it from a backup (admin guide)", error->message);
  g_warning ("%s", inc->detail);
  if (!ul_store_append_event (mgr->store, inc, &local))
    g_warning ("cannot record the incident: %s", local->message);
  else
    ul_manager_wrote_logbook (mgr);
}

void
ul_manager_check_integrity_later (UlManager *mgr)
{
  g_autoptr(GTask) task = g_task_new (mgr, NULL, on_checked, NULL);

  g_task_set_task_data (task, g_strdup (ul_store_get_path (mgr->store)), g_free);
  g_task_run_in_thread (task, check_in_thread);
}
