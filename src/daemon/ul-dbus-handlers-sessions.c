/* ul-dbus-handlers-sessions.c: the methods about usage sessions and the
 * event log (see ul-dbus-handlers.h) */
#include "config.h"

#include "ul-dbus-handlers.h"
#include "ul-dbus-pdf.h"
#include "ul-dbus-records.h"
#include "ul-checkpoints.h"
#include "ul-error.h"
#include "ul-logbook-verify.h"

GVariant *
ul_dbus_list_sessions (const UlDbusCall *call, GError **error)
{
  g_autoptr(GVariant) dict = g_variant_get_child_value (call->params, 0);
  g_autofree char *user = NULL, *asset = NULL;
  UlSessionFilter f = { 0 };
  g_autoptr(GPtrArray) list = NULL;

  if (!ul_record_parse_session_filter (dict, &f, &user, &asset, error))
    return NULL;
  list = ul_store_list_sessions (call->store, &f, error);
  if (list == NULL)
    return NULL;
  return g_variant_new_tuple ((GVariant *[]){ ul_record_list (list, (UlRecordConvert)
                                                              ul_record_session) }, 1);
}

GVariant *
ul_dbus_get_session (const UlDbusCall *call, GError **error)
{
  gint64 id;
  g_autoptr(UlSession) s = NULL;
  g_autoptr(GPtrArray) mounts = NULL;
  GVariant *seats = NULL;
  GVariant *record;

  g_variant_get (call->params, "(x)", &id);
  s = ul_store_get_session (call->store, id, error);
  if (s == NULL || (mounts = ul_store_list_session_mounts (call->store, id, error)) == NULL ||
      (seats = ul_store_list_seat_changes (call->store, id, error)) == NULL)
    return NULL;
  /* the session record, plus who came to the seat while it lasted */
  {
    g_autoptr(GVariant) base = g_variant_ref_sink (ul_record_session (s));
    GVariantDict dict;

    g_variant_dict_init (&dict, base);
    g_variant_dict_insert_value (&dict, "seat-changes", seats);
    record = g_variant_dict_end (&dict);
  }
  return g_variant_new_tuple ((GVariant *[]){
                                record,
                                ul_record_list (mounts, (UlRecordConvert) ul_record_mount) }, 2);
}

GVariant *
ul_dbus_list_session_files (const UlDbusCall *call, GError **error)
{
  gint64 id, after;
  guint32 limit;
  g_autoptr(UlSession) s = NULL;
  g_autoptr(GPtrArray) files = NULL;

  g_variant_get (call->params, "(xxu)", &id, &after, &limit);
  if (limit < 1 || limit > UL_FILES_PAGE_MAX)
    {
      g_set_error (error, UL_ERROR, UL_ERROR_INVALID_ARGUMENT, "limit must be 1 to %u",
                   UL_FILES_PAGE_MAX);
      return NULL;
    }
  s = ul_store_get_session (call->store, id, error);
  if (s == NULL ||
      (files = ul_store_list_session_files (call->store, id, after, limit, error)) == NULL)
    return NULL;
  return g_variant_new_tuple ((GVariant *[]){ ul_record_list (files, (UlRecordConvert)
                                                              ul_record_file) }, 1);
}

GVariant *
ul_dbus_list_events (const UlDbusCall *call, GError **error)
{
  g_autoptr(GVariant) dict = g_variant_get_child_value (call->params, 0);
  g_autofree char *user = NULL, *asset = NULL;
  UlEventFilter f = { 0 };
  g_autoptr(GPtrArray) list = NULL;

  if (!ul_record_parse_event_filter (dict, &f, &user, &asset, error))
    return NULL;
  f.user = user;
  if (asset != NULL)
    {
      g_autoptr(UlMedium) m = ul_store_get_medium (call->store, asset, error);

      if (m == NULL)
        return NULL;
      f.medium_id = m->id;
    }
  list = ul_store_list_events (call->store, &f, error);
  if (list == NULL)
    return NULL;
  return g_variant_new_tuple ((GVariant *[]){ ul_record_list (list, (UlRecordConvert)
                                                              ul_record_event) }, 1);
}

typedef struct {
  char *db_path;
  char *checkpoint_dir;
} VerifyJob;

static void
verify_job_free (VerifyJob *job)
{
  g_free (job->db_path);
  g_free (job->checkpoint_dir);
  g_free (job);
}

/* in a worker, on a connection of its own: five years of records take
 * minutes, and the daemon goes on deciding and recording meanwhile */
static void
verify_in_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  VerifyJob *job = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(UlStore) store = ul_store_open_for_check (job->db_path, &error);
  g_autofree UlLogbookCheck *c = g_new0 (UlLogbookCheck, 1);

  if (store == NULL || !ul_logbook_verify (store, job->checkpoint_dir, c, &error))
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, g_steal_pointer (&c), g_free);
}

/* the callers waiting for the check that runs (one at a time: each reads
 * the whole logbook; whoever asks meanwhile gets its answer) */
static GPtrArray *verify_waiting;

static void
on_verified (GObject *source, GAsyncResult *res, gpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree UlLogbookCheck *c = g_task_propagate_pointer (G_TASK (res), &error);
  g_autoptr(GPtrArray) waiting = g_steal_pointer (&verify_waiting);

  for (guint i = 0; i < waiting->len; i++)
    {
      GDBusMethodInvocation *inv = g_ptr_array_index (waiting, i);

      if (c == NULL)
        g_dbus_method_invocation_return_gerror (inv, error);
      else
        g_dbus_method_invocation_return_value (inv, g_variant_new ("(ttu)", c->n_events,
                                                                   c->n_rows, c->n_checkpoints));
    }
}

GVariant *
ul_dbus_verify_event_log (const UlDbusCall *call, GError **error)
{
  g_autoptr(GTask) task = NULL;
  VerifyJob *job;

  if (verify_waiting != NULL)
    {
      g_ptr_array_add (verify_waiting, call->invocation);
      return ul_dbus_reply_later;   /* answered with the check that runs */
    }
  verify_waiting = g_ptr_array_new ();
  g_ptr_array_add (verify_waiting, call->invocation);
  task = g_task_new (NULL, NULL, on_verified, NULL);
  job = g_new0 (VerifyJob, 1);
  job->db_path = g_strdup (ul_store_get_path (call->store));
  job->checkpoint_dir = ul_checkpoints_dir (ul_manager_get_key_dir (call->mgr));
  g_task_set_task_data (task, job, (GDestroyNotify) verify_job_free);
  g_task_run_in_thread (task, verify_in_thread);
  return ul_dbus_reply_later;   /* answered by on_verified */
}
