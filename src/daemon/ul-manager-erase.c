/* ul-manager-erase.c: verified erasure of a registered medium that is
 * plugged in and allowed: the job from the supervisor's confirmed request to
 * its end. Safety: only after the caller confirmed with the medium's asset
 * number and serial; every disk of the medium, unmounted, opened
 * exclusively and checked first (ul-erase-targets.c); the session in use
 * ends when the erasure starts (what is written afterwards belongs to a new
 * session, never to the erased one), and the medium is decided again when
 * the job ends. A verified erasure gets its certificate
 * (ul-manager-certificate.c). */
#include "config.h"

#include "ul-crypto.h"
#include "ul-erase-job.h"
#include "ul-error.h"
#include "ul-escape.h"

#include <gio/gio.h>
#include <string.h>

static void
erase_job_free (EraseJob *job)
{
  ul_erasure_free (job->erasure);
  ul_medium_free (job->medium);
  g_free (job->serial_text);
  g_clear_pointer (&job->manufacturer, g_bytes_unref);
  g_clear_pointer (&job->product, g_bytes_unref);
  g_free (job->descriptor_hash);
  g_free (job->device_syspath);
  g_clear_pointer (&job->disks, g_array_unref);   /* closes the disks */
  g_clear_object (&job->cancel);
  g_free (job->cancelled_by);
  g_free (job);
}

static UlPresent *
find_present (UlManager *mgr, const UlMedium *m)
{
  GHashTableIter iter;
  gpointer value;

  g_hash_table_iter_init (&iter, mgr->present);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      UlPresent *p = value;

      if (p->controlled && p->medium_id == m->id && ul_decision_allows (p->decision))
        return p;
    }
  return NULL;
}

/* -- the job, in a worker thread ---------------------------------------- */

typedef struct {
  UlManager *mgr;
  gint64 id;
  UlEraseProgress p;
} ProgressMsg;

static gboolean
emit_progress (gpointer data)
{
  ProgressMsg *msg = data;

  g_signal_emit (msg->mgr, ul_manager_signals[SIGNAL_ERASE_PROGRESS], 0, msg->id, &msg->p);
  g_object_unref (msg->mgr);
  g_free (msg);
  return G_SOURCE_REMOVE;
}

static void
on_progress (const UlEraseProgress *p, gpointer data)
{
  EraseJob *job = data;
  gint64 now = g_get_monotonic_time ();
  ProgressMsg *msg;

  /* four a second are enough for a progress bar */
  if (now - job->last_report < G_USEC_PER_SEC / 4 && p->done < p->total)
    return;
  job->last_report = now;
  msg = g_new0 (ProgressMsg, 1);
  msg->mgr = g_object_ref (job->mgr);
  msg->id = job->erasure->id;
  msg->p = *p;
  /* several disks: one bar over all of them */
  msg->p.done += job->done_before;
  msg->p.total = (guint64) job->erasure->capacity;
  g_main_context_invoke (NULL, emit_progress, msg);
}

/* the disks one after the other; the result adds them up, and the first
 * that does not verify ends the job, naming its disk */
static void
run_erase (GTask *task, gpointer source, gpointer data, GCancellable *cancel)
{
  EraseJob *job = data;
  const UlCryptoOps *crypto;
  UlEraseResult *total = g_new0 (UlEraseResult, 1);
  GError *error = NULL;

  if ((crypto = ul_crypto (&error)) == NULL)
    {
      g_free (total);
      g_task_return_error (task, error);
      return;
    }
  total->outcome = UL_ERASE_OK;
  for (guint i = 0; i < job->disks->len && total->outcome == UL_ERASE_OK; i++)
    {
      const UlEraseDisk *d = &g_array_index (job->disks, UlEraseDisk, i);
      UlEraseResult r = { 0 };

      if (!crypto->erase_device_fd (d->fd, d->node, &job->opts, cancel, on_progress, job, &r,
                                    &error))
        {
          if (i == 0)
            {
              ul_erase_result_clear (total);
              g_free (total);
              g_task_return_error (task, error);
              return;
            }
          /* nothing written on this disk, but earlier ones were */
          total->outcome = UL_ERASE_FAILED;
          total->message = g_strdup (error->message);
          g_clear_error (&error);
          break;
        }
      total->outcome = r.outcome;
      total->size += r.size;
      total->bytes_written += r.bytes_written;
      total->bytes_verified += r.bytes_verified;
      total->mismatches += r.mismatches;
      total->first_bad_offset = r.first_bad_offset;
      if (r.message != NULL)
        total->message = job->disks->len > 1 ? g_strdup_printf ("%s: %s", d->node, r.message)
                                             : g_strdup (r.message);
      job->done_before += r.size;
      ul_erase_result_clear (&r);
    }
  g_task_return_pointer (task, total, NULL);
}

/* the medium plugged in now is decided again: a new session opens for what
 * is written after the erasure */
static void
redecide (UlManager *mgr, EraseJob *job)
{
  UlPresent *p = g_hash_table_lookup (mgr->present, job->device_syspath);

  if (p == NULL)
    return;
  p->erasing = FALSE;
  ul_manager_reevaluate_identity (mgr, job->medium->vendor_id, job->medium->product_id,
                                  job->medium->serial, "device-redecided");
}

static void
on_erase_done (GObject *source, GAsyncResult *res, gpointer data)
{
  EraseJob *job = data;
  UlManager *mgr = job->mgr;
  UlErasure *e = job->erasure;
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) local = NULL;
  g_autoptr(UlEvent) ev = NULL;
  g_autofree char *number = NULL;
  UlEraseResult *r = g_task_propagate_pointer (G_TASK (res), &error);

  e->ended_at = g_get_real_time ();
  if (r == NULL)
    {
      g_free (e->outcome);
      e->outcome = g_strdup (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED)
                             ? "interrupted" : "failed");
      e->message = g_strdup (error->message);
    }
  else
    {
      g_free (e->outcome);
      e->outcome = g_strdup (ul_erase_outcome_to_string (r->outcome));
      e->bytes_written = (gint64) r->bytes_written;
      e->bytes_verified = (gint64) r->bytes_verified;
      e->mismatches = (gint64) r->mismatches;
      e->bad_offset = r->outcome == UL_ERASE_OK ? -1 : (gint64) r->first_bad_offset;
      e->message = g_strdup (r->message);
      if (r->outcome == UL_ERASE_OK && e->bytes_verified != e->capacity)
        {
          /* never a certificate for bytes not read back */
          g_free (e->outcome);
          e->outcome = g_strdup ("failed");
        }
      ul_erase_result_clear (r);
      g_free (r);
    }
  /* the disks are free again (the certificate still lists them) */
  ul_erase_disks_close (job->disks);

  if (!ul_store_finish_erasure (mgr->store, e, &local))
    g_warning ("cannot record the end of erasure %" G_GINT64_FORMAT ": %s", e->id,
               local->message);
  g_clear_error (&local);
  if (g_strcmp0 (e->outcome, "verified") == 0 &&
      !ul_erase_job_issue_certificate (job, &number, &local))
    {
      g_warning ("erasure %" G_GINT64_FORMAT " verified, but no certificate: %s", e->id,
                 local->message);
      g_free (e->message);
      e->message = g_strdup_printf ("verified, but the certificate could not be issued: %s",
                                    local->message);
    }
  if (number == NULL)
    {
      /* an incident: the medium is not proven erased; whoever cancelled
       * it is the one who acted (the operator is in erase-started) */
      gboolean cancelled = job->cancelled_by != NULL;

      ev = ul_event_new (g_strcmp0 (e->outcome, "interrupted") == 0 ? "erase-interrupted"
                                                                    : "erase-failed",
                         cancelled ? job->cancelled_by : e->operator_name, mgr->host,
                         e->ended_at);
      ev->actor_uid = cancelled ? job->cancelled_by_uid : e->operator_uid;
      ev->medium_id = e->medium_id;
      ev->detail = g_strdup_printf ("incident: %s not erased: %s%s%s%s",
                                    job->medium->asset_number,
                                    e->message ? e->message : e->outcome,
                                    cancelled ? " (cancelled by " : "",
                                    cancelled ? job->cancelled_by : "", cancelled ? ")" : "");
      if (!ul_store_append_event (mgr->store, ev, &local))
        g_warning ("cannot record the incident: %s", local->message);
    }
  g_free (e->certificate);
  e->certificate = g_steal_pointer (&number);
  g_hash_table_remove (mgr->erase_jobs, &e->id);
  ul_manager_wrote_logbook (mgr);
  g_signal_emit (mgr, ul_manager_signals[SIGNAL_ERASE_FINISHED], 0, e);
  redecide (mgr, job);
  erase_job_free (job);
}

/* the session in use ends as the erasure starts, recorded in @ev's
 * transaction: nothing written from now on can be counted as erased */
static gboolean
end_session (UlManager *mgr, UlPresent *p, gint64 now, GError **error)
{
  g_autoptr(UlEvent) se = NULL;

  if (p->session_id == 0)
    return TRUE;
  se = ul_manager_device_event (mgr, "session-closed", p, now);
  se->detail = g_strdup_printf ("%s: ended for its erasure", p->asset_number);
  ul_manager_session_changed (mgr, p->session_id);
  if (!ul_store_close_session (mgr->store, p->session_id, now, "erase-started", error) ||
      !ul_store_append_event (mgr->store, se, error))
    return FALSE;
  p->session_id = 0;
  return TRUE;
}

/* the erasure did not start: its session goes on, followed again (what is
 * still mounted is walked anew) */
static void
follow_again (UlManager *mgr, UlPresent *p)
{
  if (p->session_id != 0 && mgr->tracker != NULL)
    ul_session_tracker_add (mgr->tracker, p->session_id, p->dev->syspath);
}

static char *
disk_nodes (GArray *disks)
{
  g_autoptr(GString) s = g_string_new (NULL);

  for (guint i = 0; i < disks->len; i++)
    g_string_append_printf (s, "%s%s", i ? ", " : "",
                            g_array_index (disks, UlEraseDisk, i).node);
  return g_string_free (g_steal_pointer (&s), FALSE);
}

gint64
ul_manager_erase_medium (UlManager *mgr, const char *asset_number, const char *confirm,
                         const char *pattern, const UlActor *actor, GError **error)
{
  g_autoptr(UlMedium) m = ul_store_get_medium (mgr->store, asset_number, error);
  g_autoptr(GTask) task = NULL;
  g_autoptr(UlEvent) ev = NULL;
  g_autoptr(GArray) disks = NULL;
  g_autofree char *serial = NULL;
  g_autofree char *expected = NULL;
  EraseJob *job;
  UlPresent *p;
  gboolean random = g_strcmp0 (pattern, "aes-256-ctr") == 0;
  GHashTableIter iter;
  gpointer value;

  if (m == NULL)
    return 0;
  if (!random && g_strcmp0 (pattern, "zeros") != 0)
    {
      g_set_error (error, UL_ERROR, UL_ERROR_INVALID_ARGUMENT,
                   "pattern must be zeros or aes-256-ctr");
      return 0;
    }
  serial = ul_escape_gbytes (m->serial);   /* as the CLI shows it */
  expected = g_strdup_printf ("%s %s", m->asset_number, serial);
  if (g_strcmp0 (confirm, expected) != 0)
    {
      g_set_error (error, UL_ERROR, UL_ERROR_INVALID_ARGUMENT,
                   "to erase, confirm with the asset number and serial: \"%s\"", expected);
      return 0;
    }
  p = find_present (mgr, m);
  if (p == NULL)
    {
      g_set_error (error, UL_ERROR, UL_ERROR_BAD_STATE,
                   "%s is not plugged in and allowed here", m->asset_number);
      return 0;
    }
  g_hash_table_iter_init (&iter, mgr->erase_jobs);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    if (((EraseJob *) value)->medium->id == m->id)
      {
        g_set_error (error, UL_ERROR, UL_ERROR_BAD_STATE, "%s is being erased already",
                     m->asset_number);
        return 0;
      }
  /* the check of its last unmount has the disk mounted privately: the
   * disk cannot be held for the erasure until it ends (a moment) */
  if (mgr->tracker != NULL && ul_session_tracker_checks_running (mgr->tracker, m->id) > 0)
    {
      g_set_error (error, UL_ERROR, UL_ERROR_BUSY,
                   "%s is being checked after its last unmount; erase it when the check "
                   "ends", m->asset_number);
      return 0;
    }
  disks = ul_erase_disks_new ();
  if (!ul_erase_targets_find (mgr, p, disks, error))
    return 0;
  /* its files are followed no more: the unmount below is ours (followed,
   * it would be checked, and the check's mount would hold the disk) */
  if (p->session_id != 0)
    ul_manager_end_session_files (mgr, p, "erase-started");
  if (!ul_erase_targets_prepare (mgr, p, disks, error))
    {
      follow_again (mgr, p);
      return 0;
    }

  job = g_new0 (EraseJob, 1);
  job->mgr = mgr;
  job->cancel = g_cancellable_new ();
  job->medium = g_steal_pointer (&m);
  job->serial_text = g_steal_pointer (&serial);
  job->manufacturer = p->dev->manufacturer ? g_bytes_ref (p->dev->manufacturer) : NULL;
  job->product = p->dev->product ? g_bytes_ref (p->dev->product) : NULL;
  job->descriptor_hash = g_strdup (p->dev->descriptor_hash);
  job->device_syspath = g_strdup (p->dev->syspath);
  job->disks = g_steal_pointer (&disks);
  if (random)
    ul_erase_options_init_random (&job->opts);
  else
    job->opts.pattern = UL_ERASE_ZEROS;
  job->erasure = g_new0 (UlErasure, 1);
  job->erasure->medium_id = job->medium->id;
  job->erasure->device_id = p->device_id;
  job->erasure->device_node = disk_nodes (job->disks);
  job->erasure->method = ul_erase_method_description (&job->opts);
  job->erasure->pattern = g_strdup (random ? "aes-256-ctr" : "zeros");
  job->erasure->operator_name = g_strdup (actor->name);
  job->erasure->operator_uid = actor->uid;
  job->erasure->host = g_strdup (mgr->host);
  job->erasure->started_at = g_get_real_time ();
  job->erasure->outcome = g_strdup ("running");
  job->erasure->bad_offset = -1;
  for (guint i = 0; i < job->disks->len; i++)
    job->erasure->capacity += g_array_index (job->disks, UlEraseDisk, i).capacity;

  ev = ul_event_new ("erase-started", actor->name, mgr->host, job->erasure->started_at);
  ev->actor_uid = actor->uid;
  ev->medium_id = job->medium->id;
  ev->device_id = p->device_id;
  ev->detail = g_strdup_printf ("%s (%s): %s", job->medium->asset_number,
                                job->erasure->device_node, job->erasure->method);
  /* whatever its outcome, the erasure changes every filesystem on it: there
   * is no "how its last session left it" to compare at its next mount */
  if (!ul_store_begin (mgr->store, error) ||
      !end_session (mgr, p, job->erasure->started_at, error) ||
      !ul_store_add_erasure (mgr->store, job->erasure, error) ||
      !ul_store_forget_medium_manifest (mgr->store, job->medium->id, -1, error) ||
      !ul_store_append_event (mgr->store, ev, error) || !ul_store_commit (mgr->store, error))
    {
      ul_store_rollback (mgr->store);
      erase_job_free (job);
      follow_again (mgr, p);
      return 0;
    }
  /* no session opens on it until the job ends (ul-manager.c) */
  p->erasing = TRUE;
  g_hash_table_insert (mgr->erase_jobs, &job->erasure->id, job);
  task = g_task_new (NULL, job->cancel, on_erase_done, job);
  /* the engine sees the cancellation itself and says where it stopped */
  g_task_set_check_cancellable (task, FALSE);
  g_task_set_task_data (task, job, NULL);
  g_task_run_in_thread (task, run_erase);
  return job->erasure->id;
}

gboolean
ul_manager_cancel_erase (UlManager *mgr, gint64 id, const UlActor *actor, GError **error)
{
  EraseJob *job = g_hash_table_lookup (mgr->erase_jobs, &id);

  if (job == NULL)
    {
      g_set_error (error, UL_ERROR, UL_ERROR_NOT_FOUND, "no erasure %" G_GINT64_FORMAT
                   " is running", id);
      return FALSE;
    }
  if (job->cancelled_by == NULL)
    {
      job->cancelled_by = g_strdup (actor != NULL ? actor->name : "system");
      job->cancelled_by_uid = actor != NULL ? actor->uid : -1;
    }
  g_cancellable_cancel (job->cancel);
  return TRUE;
}
