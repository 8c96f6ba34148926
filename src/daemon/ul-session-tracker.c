/* ul-session-tracker.c: mounts are followed through the kernel's mountinfo
 * (poll: it signals POLLPRI on every change; no timer), a mount belongs to a
 * session when its block device lies under the session's USB device in
 * sysfs. Each such mount gets a fanotify watch (ul-file-watch.c) feeding the
 * hasher, a manifest at mount, and a check at unmount that finds what the
 * watch could not see (usbledger-manifest). File records are written in one
 * transaction per batch. */
#include "ul-session-tracker-private.h"
#include "ul-sysfs-attr.h"

#include <errno.h>
#include <fcntl.h>
#include <glib-unix.h>
#include <gio/gio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "ul-error.h"

static void
tracked_mount_free (TrackedMount *tm)
{
  if (tm->cancel != NULL)
    g_cancellable_cancel (tm->cancel);
  g_clear_object (&tm->cancel);
  ul_file_watch_free (tm->watch);
  ul_mount_root_unref (tm->root);
  ul_mount_free (tm->mount);
  g_clear_pointer (&tm->baseline, g_bytes_unref);
  g_free (tm->baseline_error);
  g_free (tm);
}

static void
tracked_free (Tracked *tr)
{
  g_ptr_array_unref (tr->mounts);
  g_free (tr->usb_syspath);
  g_free (tr);
}

void
ul_session_tracker_notify (UlSessionTracker *t, gint64 session_id)
{
  if (t->changed != NULL)
    t->changed (session_id, t->user_data);
}

/* -- writing records --------------------------------------------------- */

static gboolean write_records (UlSessionTracker *t, GPtrArray *records, GError **error);

static gboolean
on_retry (gpointer data)
{
  UlSessionTracker *t = data;
  g_autoptr(GPtrArray) again = t->unwritten;
  g_autoptr(GError) error = NULL;
  guint n = again->len;

  t->retry_source = 0;
  t->unwritten = g_ptr_array_new_with_free_func ((GDestroyNotify) ul_file_record_free);
  if (!write_records (t, again, &error))
    {
      /* keep them, in order, ahead of anything newer */
      g_ptr_array_extend_and_steal (again, g_steal_pointer (&t->unwritten));
      t->unwritten = g_steal_pointer (&again);
      t->retry_source = g_timeout_add_seconds (1, on_retry, t);
      return G_SOURCE_REMOVE;
    }
  if (t->stalled)
    {
      g_autoptr(UlEvent) ev = ul_event_new ("records-backlog", "system", t->host,
                                            g_get_real_time ());

      /* said now that it can be: the logbook took nothing for a while */
      ev->detail = g_strdup_printf ("incident: %u file records waited for the logbook (the "
                                    "bound is %u); reading file events was paused and no "
                                    "session opened meanwhile; all are written now", n,
                                    t->max_unwritten);
      if (!ul_store_append_event (t->store, ev, &error))
        g_warning ("cannot record the backlog: %s", error->message);
      t->stalled = FALSE;
      ul_session_tracker_hold_watches (t, FALSE);
    }
  return G_SOURCE_REMOVE;
}

/* every file watch of every session: held or released (@hold), or resumed
 * after back-pressure (@resume) */
static void
each_watch (UlSessionTracker *t, gboolean resume, gboolean hold)
{
  GHashTableIter iter;
  gpointer value;

  g_hash_table_iter_init (&iter, t->sessions);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      Tracked *tr = value;

      for (guint i = 0; i < tr->mounts->len; i++)
        {
          TrackedMount *tm = g_ptr_array_index (tr->mounts, i);

          if (tm->watch == NULL)
            continue;
          if (resume)
            ul_file_watch_resume (tm->watch);
          else
            ul_file_watch_hold (tm->watch, hold);
        }
    }
}

void
ul_session_tracker_hold_watches (UlSessionTracker *t, gboolean hold)
{
  each_watch (t, FALSE, hold);
}

gboolean
ul_session_tracker_is_stalled (UlSessionTracker *t, guint *n_waiting)
{
  *n_waiting = t->unwritten->len;
  return t->stalled;
}

void
ul_session_tracker_set_hash_max_bytes (UlSessionTracker *t, gint64 max_bytes)
{
  t->hash_max_bytes = max_bytes;
  if (t->hasher != NULL)
    ul_hasher_set_max_bytes (t->hasher, max_bytes);
}

void
ul_session_tracker_set_max_unwritten (UlSessionTracker *t, guint max)
{
  t->max_unwritten = MAX (max, 1);
}

static gboolean
write_records (UlSessionTracker *t, GPtrArray *records, GError **error)
{
  g_autoptr(GHashTable) sessions = g_hash_table_new (g_int64_hash, g_int64_equal);
  GHashTableIter iter;
  gpointer key;

  if (!ul_store_begin (t->store, error))
    return FALSE;
  for (guint i = 0; i < records->len; i++)
    {
      UlFileRecord *f = g_ptr_array_index (records, i);

      if (!ul_store_add_file (t->store, f, error))
        {
          ul_store_rollback (t->store);
          return FALSE;
        }
      g_hash_table_add (sessions, &f->session_id);
    }
  if (!ul_store_commit (t->store, error))
    return FALSE;
  g_hash_table_iter_init (&iter, sessions);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    ul_session_tracker_notify (t, *(gint64 *) key);
  return TRUE;
}

/* the hasher's batches, in the main loop */
static void
deliver (GPtrArray *records, gpointer data)
{
  UlSessionTracker *t = data;
  g_autoptr(GError) error = NULL;

  if (t->unwritten->len == 0 && write_records (t, records, &error))
    return;
  /* the logbook cannot take them now (disk full, locked): keep them */
  if (error != NULL)
    g_warning ("cannot record %u file changes yet, will retry: %s", records->len,
               error->message);
  for (guint i = 0; i < records->len; i++)
    g_ptr_array_add (t->unwritten, g_steal_pointer (&g_ptr_array_index (records, i)));
  if (t->retry_source == 0)
    t->retry_source = g_timeout_add_seconds (1, on_retry, t);
  /* bounded: past it the events wait in the kernel's queue, and no session
   * opens until the logbook takes them (ul_manager_decide asks) */
  if (!t->stalled && t->unwritten->len >= t->max_unwritten)
    {
      t->stalled = TRUE;
      g_warning ("%u file records wait for the logbook: reading file events paused, no new "
                 "session until they are written", t->unwritten->len);
      ul_session_tracker_hold_watches (t, TRUE);
    }
}

void
ul_session_tracker_record (UlSessionTracker *t, UlFileJob *job)
{
  g_autoptr(GPtrArray) one = NULL;

  if (t->hasher != NULL)
    {
      ul_hasher_push (t->hasher, job);
      return;
    }
  /* no hasher (libcrypto could not be loaded): recorded without a hash */
  one = g_ptr_array_new_with_free_func ((GDestroyNotify) ul_file_record_free);
  if (job->rec->status == NULL)
    job->rec->status = g_strdup ("none");
  g_ptr_array_add (one, g_steal_pointer (&job->rec));
  ul_file_job_free (job);
  deliver (one, t);
}

static gboolean
on_low_water (gpointer data)
{
  each_watch (data, TRUE, FALSE);
  return G_SOURCE_REMOVE;
}

/* made at the first mount: it loads libcrypto (ul-crypto.h) */
static UlHasher *
hasher (UlSessionTracker *t, GError **error)
{
  if (t->hasher == NULL)
    {
      t->hasher = ul_hasher_new (deliver, t, error);
      if (t->hasher == NULL)
        return NULL;
      ul_hasher_set_low_water (t->hasher, UL_FILE_WATCH_LOW_WATER, on_low_water, t);
      ul_hasher_set_max_bytes (t->hasher, t->hash_max_bytes);
    }
  return t->hasher;
}

/* -- events in the event log ------------------------------------------ */

void
ul_session_tracker_log_event (UlSessionTracker *t, Tracked *tr, const char *kind,
                              const char *detail)
{
  g_autoptr(UlEvent) ev = ul_event_new (kind, "system", t->host, g_get_real_time ());
  g_autoptr(GError) error = NULL;

  ev->session_id = tr->session_id;
  ev->detail = g_strdup (detail);
  if (!ul_store_append_event (t->store, ev, &error))
    g_warning ("cannot record %s: %s", kind, error->message);
}

/* -- mounts ------------------------------------------------------------- */

static gboolean
belongs_to (const UlMount *m, const char *usb_syspath)
{
  return ul_block_device_under (ul_mount_block_device (m), usb_syspath);
}

/* the partition number of a block device, 0 for a whole disk */
static gint64
partition_number (dev_t dev)
{
  g_autofree char *path = g_strdup_printf ("/sys/dev/block/%u:%u/partition", major (dev),
                                           minor (dev));
  guint n = 0;

  /* a whole disk has no such attribute */
  if (!ul_sysfs_read_uint (AT_FDCWD, path, &n, NULL))
    return 0;
  return n;
}

static void
mounted (UlSessionTracker *t, Tracked *tr, const UlMount *m)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(UlMountRecord) rec = g_new0 (UlMountRecord, 1);
  g_autofree char *mode = NULL;
  g_autofree char *detail = NULL;
  TrackedMount *tm = g_new0 (TrackedMount, 1);
  dev_t dev = ul_mount_block_device (m);

  tm->owner = tr;
  tm->part = partition_number (dev);
  tm->mount = g_new0 (UlMount, 1);
  *tm->mount = (UlMount){ m->mount_id, m->dev, g_strdup (m->root), g_strdup (m->mount_point),
                          g_strdup (m->fstype), g_strdup (m->source) };
  /* several mounts of one filesystem: its first mount's watch sees them all */
  for (guint i = 0; i < tr->mounts->len; i++)
    if (((TrackedMount *) g_ptr_array_index (tr->mounts, i))->mount->dev == m->dev)
      mode = g_strdup ("same filesystem as an earlier mount");
  tm->root = ul_mount_root_open (m->mount_point, m->dev, &error);
  if (tm->root == NULL)
    {
      /* followed all the same; the files cannot be read (no hash) */
      g_warning ("%s", error->message);
      g_clear_error (&error);
    }
  if (mode == NULL)
    {
      UlHasher *h = hasher (t, &error);

      tm->watch = h == NULL ? NULL : ul_file_watch_new (m->mount_point, tm->root, tr->session_id,
                                                        0, h, &mode, &error);
      if (tm->watch == NULL)
        {
          mode = g_strdup_printf ("none: %s", error->message);
          g_warning ("cannot follow files on %s: %s", m->mount_point, error->message);
          g_clear_error (&error);
        }
    }
  if (tm->watch != NULL && t->stalled)
    ul_file_watch_hold (tm->watch, TRUE);
  rec->session_id = tr->session_id;
  rec->device = g_strdup_printf ("%u:%u", major (dev), minor (dev));
  rec->mount_point = g_bytes_new (m->mount_point, strlen (m->mount_point));
  rec->fstype = g_strdup (m->fstype);
  rec->watch = g_strdup (mode);
  rec->mounted_at = g_get_real_time ();
  detail = g_strdup_printf ("%s (%s) mounted; files followed by %s", rec->device, m->fstype,
                            mode);
  if (!ul_store_begin (t->store, &error) || !ul_store_add_mount (t->store, rec, &error) ||
      (ul_session_tracker_log_event (t, tr, "medium-mounted", detail),
       !ul_store_commit (t->store, &error)))
    {
      ul_store_rollback (t->store);
      g_warning ("cannot record the mount of %s: %s", m->mount_point, error->message);
    }
  tm->record_id = rec->id;
  if (tm->watch != NULL)
    ul_file_watch_set_mount_id (tm->watch, rec->id);
  g_ptr_array_add (tr->mounts, tm);
  tr->was_mounted = TRUE;
  if (tm->watch != NULL)
    ul_session_manifest_walk (t, tm);
  ul_session_tracker_notify (t, tr->session_id);
}

/* stops following @tm; @check: its filesystem is unmounted cleanly, compare */
static void
unmounted (UlSessionTracker *t, Tracked *tr, TrackedMount *tm, gboolean check,
           const char *why_not)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *detail = NULL;

  if (tm->cancel != NULL)
    g_cancellable_cancel (tm->cancel);
  /* what fanotify queued before the unmount goes to the hasher; the check
   * starts once it is all hashed and written, so it compares against the
   * full record (a yanked medium is not checked) */
  g_clear_pointer (&tm->watch, ul_file_watch_free);
  detail = g_strdup_printf ("%s unmounted%s%s", tm->mount->mount_point, why_not ? ": " : "",
                            why_not ? why_not : "");
  if (!ul_store_begin (t->store, &error) ||
      !ul_store_end_mount (t->store, tm->record_id, g_get_real_time (), &error) ||
      (!check && !ul_store_set_mount_manifest (t->store, tm->record_id, why_not, &error)) ||
      (ul_session_tracker_log_event (t, tr, "medium-unmounted", detail),
       !ul_store_commit (t->store, &error)))
    {
      ul_store_rollback (t->store);
      g_warning ("cannot record the unmount of %s: %s", tm->mount->mount_point,
                 error->message);
    }
  if (check)
    ul_session_manifest_check (t, tm, t->hasher);
  else
    ul_session_manifest_keep_mount_walk (t, tm);
  ul_session_tracker_notify (t, tr->session_id);
}

static UlMount *
find_mount (GPtrArray *table, int mount_id)
{
  for (guint i = 0; i < table->len; i++)
    if (((UlMount *) g_ptr_array_index (table, i))->mount_id == mount_id)
      return g_ptr_array_index (table, i);
  return NULL;
}

static void
mounts_changed (UlSessionTracker *t, GPtrArray *now)
{
  GHashTableIter iter;
  gpointer value;

  g_hash_table_iter_init (&iter, t->sessions);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      Tracked *tr = value;

      /* gone */
      for (guint i = 0; i < tr->mounts->len;)
        {
          TrackedMount *tm = g_ptr_array_index (tr->mounts, i);

          if (find_mount (now, tm->mount->mount_id) == NULL)
            {
              unmounted (t, tr, tm, tm->watch != NULL || tm->baseline != NULL, NULL);
              g_ptr_array_remove_index (tr->mounts, i);
            }
          else
            i++;
        }
      /* new */
      for (guint i = 0; i < now->len; i++)
        {
          UlMount *m = g_ptr_array_index (now, i);
          gboolean known = FALSE;

          for (guint j = 0; j < tr->mounts->len && !known; j++)
            known = ((TrackedMount *) g_ptr_array_index (tr->mounts, j))->mount->mount_id ==
                    m->mount_id;
          if (!known && belongs_to (m, tr->usb_syspath))
            mounted (t, tr, m);
        }
    }
}

static gboolean
on_mountinfo (int fd, GIOCondition cond, gpointer data)
{
  UlSessionTracker *t = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) now = ul_mountinfo_read (t->mountinfo_path, &error);

  if (now == NULL)
    {
      g_warning ("%s", error->message);
      return G_SOURCE_CONTINUE;
    }
  /* the kernel raises POLLPRI until the file is read again from its start */
  {
    char buf[4096];

    lseek (t->mountinfo_fd, 0, SEEK_SET);
    while (read (t->mountinfo_fd, buf, sizeof buf) > 0)
      ;
  }
  mounts_changed (t, now);
  g_ptr_array_unref (t->mounts_now);
  t->mounts_now = g_steal_pointer (&now);
  return G_SOURCE_CONTINUE;
}

/* -- the API ------------------------------------------------------------- */

UlSessionTracker *
ul_session_tracker_new (UlStore *store, const char *host, const char *mountinfo_path,
                        const char *manifest_helper, UlSessionChangedFunc changed,
                        gpointer user_data, GError **error)
{
  UlSessionTracker *t;
  GPtrArray *now = ul_mountinfo_read (mountinfo_path, error);
  int fd;

  if (now == NULL)
    return NULL;
  /* mounts followed by the previous run end here; one still mounted is
   * followed anew (a new record) once its session is resumed */
  if (!ul_store_end_open_mounts (store, g_get_real_time (),
                                 "not checked: usbledgerd stopped while it was mounted", error))
    {
      g_ptr_array_unref (now);
      return NULL;
    }
  fd = open (mountinfo_path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    {
      g_set_error (error, UL_ERROR, UL_ERROR_IO, "cannot open %s: %s", mountinfo_path,
                   g_strerror (errno));
      g_ptr_array_unref (now);
      return NULL;
    }
  t = g_new0 (UlSessionTracker, 1);
  t->store = store;
  t->host = g_strdup (host);
  t->mountinfo_path = g_strdup (mountinfo_path);
  t->helper = g_strdup (manifest_helper);
  t->mountinfo_fd = fd;
  {
    char buf[4096];

    while (read (fd, buf, sizeof buf) > 0)
      ;
  }
  t->mountinfo_source = g_unix_fd_add (fd, G_IO_PRI | G_IO_ERR, on_mountinfo, t);
  t->mounts_now = now;
  t->checks = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  t->sessions = g_hash_table_new_full (g_int64_hash, g_int64_equal, NULL,
                                       (GDestroyNotify) tracked_free);
  t->unwritten = g_ptr_array_new_with_free_func ((GDestroyNotify) ul_file_record_free);
  t->max_unwritten = UL_SESSION_TRACKER_MAX_UNWRITTEN;
  t->hash_max_bytes = UL_HASHER_DEFAULT_MAX_BYTES;
  t->changed = changed;
  t->user_data = user_data;
  return t;
}

void
ul_session_tracker_add (UlSessionTracker *t, gint64 session_id, const char *usb_syspath)
{
  Tracked *tr;

  if (g_hash_table_contains (t->sessions, &session_id))
    return;
  tr = g_new0 (Tracked, 1);
  tr->t = t;
  tr->session_id = session_id;
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(UlSession) s = ul_store_get_session (t->store, session_id, &error);

    /* 0: no comparison with how its last session left it */
    if (s == NULL)
      g_warning ("cannot read session %" G_GINT64_FORMAT ": %s", session_id, error->message);
    tr->medium_id = s ? s->medium_id : 0;
  }
  tr->usb_syspath = g_strdup (usb_syspath);
  tr->mounts = g_ptr_array_new_with_free_func ((GDestroyNotify) tracked_mount_free);
  g_hash_table_insert (t->sessions, &tr->session_id, tr);
  /* mounted already (a daemon restart): followed from now on */
  for (guint i = 0; i < t->mounts_now->len; i++)
    if (belongs_to (g_ptr_array_index (t->mounts_now, i), usb_syspath))
      mounted (t, tr, g_ptr_array_index (t->mounts_now, i));
}

gboolean
ul_session_tracker_remove (UlSessionTracker *t, gint64 session_id, gboolean *was_mounted)
{
  Tracked *tr = g_hash_table_lookup (t->sessions, &session_id);
  gboolean still = FALSE;

  if (was_mounted != NULL)
    *was_mounted = FALSE;
  if (tr == NULL)
    return FALSE;
  for (guint i = 0; i < tr->mounts->len; i++)
    {
      unmounted (t, tr, g_ptr_array_index (tr->mounts, i), FALSE,
                 "not checked: the medium was removed while mounted");
      still = TRUE;
    }
  if (was_mounted != NULL)
    *was_mounted = tr->was_mounted;
  g_hash_table_remove (t->sessions, &session_id);
  return still;
}

void
ul_session_tracker_check_started (UlSessionTracker *t, gint64 medium_id)
{
  gint64 *key = g_new (gint64, 1);

  *key = medium_id;
  g_hash_table_replace (t->checks, key,
                        GUINT_TO_POINTER (ul_session_tracker_checks_running (t, medium_id) + 1));
}

void
ul_session_tracker_check_ended (UlSessionTracker *t, gint64 medium_id)
{
  guint n = ul_session_tracker_checks_running (t, medium_id);

  if (n <= 1)
    g_hash_table_remove (t->checks, &medium_id);
  else
    {
      gint64 *key = g_new (gint64, 1);

      *key = medium_id;
      g_hash_table_replace (t->checks, key, GUINT_TO_POINTER (n - 1));
    }
}

guint
ul_session_tracker_checks_running (UlSessionTracker *t, gint64 medium_id)
{
  return GPOINTER_TO_UINT (g_hash_table_lookup (t->checks, &medium_id));
}

void
ul_session_tracker_free (UlSessionTracker *t)
{
  if (t == NULL)
    return;
  t->stopping = TRUE;
  if (t->mountinfo_source != 0)
    g_source_remove (t->mountinfo_source);
  close (t->mountinfo_fd);
  /* the watches hand their last events to the hasher, which then drains */
  g_hash_table_remove_all (t->sessions);
  ul_hasher_free (t->hasher);
  g_hash_table_destroy (t->sessions);
  g_hash_table_destroy (t->checks);
  if (t->retry_source != 0)
    {
      g_source_remove (t->retry_source);
      t->retry_source = 0;
      on_retry (t);
      if (t->retry_source != 0)
        g_source_remove (t->retry_source);
      if (t->unwritten->len > 0)
        g_warning ("%u file changes could not be recorded", t->unwritten->len);
    }
  g_ptr_array_unref (t->unwritten);
  g_ptr_array_unref (t->mounts_now);
  g_free (t->host);
  g_free (t->mountinfo_path);
  g_free (t->helper);
  g_free (t);
}
