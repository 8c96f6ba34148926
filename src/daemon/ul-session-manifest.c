/* ul-session-manifest.c: what fanotify cannot see is found by comparison. At
 * mount, usbledger-manifest walks the filesystem; at unmount it mounts the
 * device again read-only in a private namespace, walks it, compares and
 * hashes what changed. Every difference the watch did not record (also
 * through recorded folder renames), and every file the watch saw written
 * that is gone, becomes a record with source "manifest".
 *
 * The walk at unmount is also kept, per medium and partition, as how the
 * session left the filesystem; the walk at the next mount is compared with
 * it, and what changed in between (on another computer: usbledger never saw
 * the medium) becomes records with source "outside" and an event. */
#include "ul-session-tracker-private.h"

#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "ul-error.h"
#include "ul-manifest.h"

typedef struct {
  UlSessionTracker *t;
  TrackedMount *tm;
  gint64 now;
  guint n;
  GHashTable *seen;       /* paths the earlier session recorded; NULL: none counts */
} OutsideCtx;

/* every path (and old path of a rename) a session recorded */
static GHashTable *
paths_recorded (UlSessionTracker *t, gint64 session_id, GError **error)
{
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GPtrArray) files = ul_store_list_session_files (t->store, session_id, 0, 0, error);

  if (files == NULL)
    return NULL;
  for (guint i = 0; i < files->len; i++)
    {
      UlFileRecord *f = g_ptr_array_index (files, i);

      g_hash_table_add (seen, g_strndup (g_bytes_get_data (f->path, NULL),
                                         g_bytes_get_size (f->path)));
      if (f->old_path != NULL)
        g_hash_table_add (seen, g_strndup (g_bytes_get_data (f->old_path, NULL),
                                           g_bytes_get_size (f->old_path)));
    }
  return g_steal_pointer (&seen);
}

static void
on_outside_change (const char *path, UlManifestChange change, const UlManifestEntry *now,
                   gpointer data)
{
  OutsideCtx *c = data;
  UlFileJob *job;
  UlFileRecord *rec;

  if (c->seen != NULL && g_hash_table_contains (c->seen, path))
    return;
  job = g_new0 (UlFileJob, 1);
  rec = g_new0 (UlFileRecord, 1);

  rec->session_id = c->tm->owner->session_id;
  rec->mount_id = c->tm->record_id;
  rec->action = g_strdup (change == UL_MANIFEST_ADDED ? "created"
                          : change == UL_MANIFEST_MODIFIED ? "modified" : "deleted");
  rec->path = g_bytes_new (path, strlen (path));
  rec->size = now != NULL ? now->size : -1;
  rec->source = g_strdup ("outside");
  rec->time = c->now;
  rec->uid = -1;
  job->rec = rec;
  job->fd = -1;
  /* the content it has now, hashed like a file written in a session */
  job->hash = now != NULL && !now->dir;
  if (job->hash)
    {
      job->root = c->tm->root ? ul_mount_root_ref (c->tm->root) : NULL;
      job->rel_path = g_strdup (path);
    }
  else
    rec->status = g_strdup ("none");
  ul_session_tracker_record (c->t, job);
  c->n++;
}

/* compares the filesystem just walked with how the medium's last checked
 * session left it; returns what to say of it after the entry count */
static char *
compare_with_last_session (UlSessionTracker *t, TrackedMount *tm)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) last = NULL;
  g_autoptr(GHashTable) before = NULL;
  g_autoptr(GHashTable) after = NULL;
  g_autofree char *detail = NULL;
  gint64 last_session = 0;
  gint64 taken_at = 0;
  gboolean at_mount = FALSE;
  OutsideCtx c = { t, tm, g_get_real_time (), 0, NULL };

  if (tm->owner->medium_id == 0)
    return g_strdup ("not compared: the medium is unknown");
  last = ul_store_get_medium_manifest (t->store, tm->owner->medium_id, tm->part,
                                       &last_session, &taken_at, &at_mount, &error);
  if (last == NULL)
    return error != NULL ? g_strdup_printf ("not compared: %s", error->message)
                         : g_strdup ("no checked earlier session to compare with");
  /* used up: from now on this session changes it (a daemon restart during
   * the session must not take its own changes for outside ones); its
   * checked unmount leaves the next one */
  ul_session_manifest_forget (t, tm);
  before = ul_manifest_parse (g_bytes_get_data (last, NULL), g_bytes_get_size (last), &error);
  after = before ? ul_manifest_parse (g_bytes_get_data (tm->baseline, NULL),
                                      g_bytes_get_size (tm->baseline), &error)
                 : NULL;
  if (after == NULL)
    return g_strdup_printf ("not compared: %s", error->message);
  if (at_mount)
    {
      /* the walk at the mount of a session that ended unchecked: what it
       * recorded was seen; anything else was not */
      c.seen = paths_recorded (t, last_session, &error);
      if (c.seen == NULL)
        return g_strdup_printf ("not compared: %s", error->message);
    }
  ul_manifest_diff (before, after, on_outside_change, &c);
  g_clear_pointer (&c.seen, g_hash_table_unref);
  if (at_mount && c.n > 0)
    {
      detail = g_strdup_printf ("incident: %u change(s) on the medium since the mount of session "
                                "%" G_GINT64_FORMAT ", which ended unchecked, were not seen by "
                                "usbledgerd (written through a mount it could not watch, or "
                                "elsewhere after it was pulled); found at mount on %s", c.n,
                                last_session, tm->mount->mount_point);
      ul_session_tracker_log_event (t, tm->owner, "unseen-changes", detail);
      return g_strdup_printf ("%u change(s) not seen by usbledgerd since session %"
                              G_GINT64_FORMAT " was mounted", c.n, last_session);
    }
  if (at_mount)
    return g_strdup_printf ("no change but those recorded since session %" G_GINT64_FORMAT
                            " was mounted", last_session);
  if (c.n == 0)
    return g_strdup_printf ("unchanged since session %" G_GINT64_FORMAT, last_session);
  detail = g_strdup_printf ("%u change(s) made outside usbledger since session %"
                            G_GINT64_FORMAT " ended, found at mount on %s", c.n, last_session,
                            tm->mount->mount_point);
  ul_session_tracker_log_event (t, tm->owner, "medium-changed-outside", detail);
  return g_strdup_printf ("%u change(s) made outside usbledger since session %" G_GINT64_FORMAT,
                          c.n, last_session);
}

static void
on_walked (GObject *source, GAsyncResult *res, gpointer data)
{
  TrackedMount *tm = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) out = NULL;
  g_autoptr(GBytes) err = NULL;

  if (!g_subprocess_communicate_finish (G_SUBPROCESS (source), res, &out, &err, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        tm->baseline_error = g_strdup (error->message);
      return;   /* cancelled: tm is gone */
    }
  g_clear_object (&tm->cancel);
  if (!g_subprocess_get_successful (G_SUBPROCESS (source)))
    tm->baseline_error = g_strndup (g_bytes_get_data (err, NULL), g_bytes_get_size (err));
  else
    {
      g_autofree char *text = NULL;
      g_autofree char *outside = NULL;
      gsize len;
      const char *records = g_bytes_get_data (out, &len);
      guint n = 0;

      for (gsize i = 0; i < len; i++)
        n += records[i] == '\0';
      tm->baseline = g_steal_pointer (&out);
      outside = compare_with_last_session (tm->owner->t, tm);
      /* says that usbledgerd is done reading the new filesystem */
      text = g_strdup_printf ("taken at mount: %u entries; %s", n, outside);
      if (!ul_store_set_mount_manifest (tm->owner->t->store, tm->record_id, text, &error))
        g_warning ("%s", error->message);
      ul_session_tracker_notify (tm->owner->t, tm->owner->session_id);
    }
}

void
ul_session_manifest_walk (UlSessionTracker *t, TrackedMount *tm)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocess) proc = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                                  G_SUBPROCESS_FLAGS_STDERR_PIPE, &error,
                                                  t->helper, "walk", tm->mount->mount_point,
                                                  NULL);

  if (proc == NULL)
    {
      tm->baseline_error = g_strdup (error->message);
      return;
    }
  tm->cancel = g_cancellable_new ();
  g_subprocess_communicate_async (proc, NULL, tm->cancel, on_walked, tm);
}

typedef struct {
  UlSessionTracker *t;
  gint64 session_id;
  gint64 record_id;
  gint64 medium_id;
  gint64 part;
  /* what the check needs once the records queued before it are written */
  char *node;
  char *fstype;
  GBytes *baseline;
} CheckCtx;

static void
check_ctx_free (CheckCtx *c)
{
  g_free (c->node);
  g_free (c->fstype);
  g_clear_pointer (&c->baseline, g_bytes_unref);
  g_free (c);
}


static const char *
manifest_action (char change)
{
  return change == 'A' ? "created" : change == 'M' ? "modified" : "deleted";
}

static gboolean
add_manifest_record (CheckCtx *c, char change, GBytes *path, gint64 size, const char *status,
                     const char *sha, gint64 now, GError **error)
{
  g_autoptr(UlFileRecord) add = g_new0 (UlFileRecord, 1);

  add->session_id = c->session_id;
  add->mount_id = c->record_id;
  add->action = g_strdup (manifest_action (change));
  add->path = g_bytes_ref (path);
  add->size = change == 'D' ? -1 : size;
  add->sha256 = sha != NULL && g_strcmp0 (sha, "-") != 0 ? g_strdup (sha) : NULL;
  add->status = g_strdup (change == 'D' ? "none" : status);
  add->source = g_strdup ("manifest");
  add->time = now;
  add->uid = -1;
  return ul_store_add_file (c->t->store, add, error);
}

/* @path with the prefix @from (a folder) replaced by @to, or NULL */
static char *
moved_path (const char *path, const char *from, const char *to)
{
  size_t n = strlen (from);

  if (strncmp (path, from, n) != 0 || path[n] != '/')
    return NULL;
  return g_strconcat (to, path + n, NULL);
}

/* follows recorded folder renames backwards (@back) to where a path was when
 * its files were recorded, or forwards to where it is now */
static char *
through_renames (GPtrArray *renames, const char *path, gboolean back)
{
  g_autofree char *p = g_strdup (path);

  if (back)
    for (guint i = renames->len; i >= 2; i -= 2)
      {
        char *q = moved_path (p, g_ptr_array_index (renames, i - 1),
                              g_ptr_array_index (renames, i - 2));
        if (q != NULL)
          {
            g_free (p);
            p = q;
          }
      }
  else
    for (guint i = 0; i + 1 < renames->len; i += 2)
      {
        char *q = moved_path (p, g_ptr_array_index (renames, i),
                              g_ptr_array_index (renames, i + 1));
        if (q != NULL)
          {
            g_free (p);
            p = q;
          }
      }
  return g_steal_pointer (&p);
}

/* the last record about @path (in @latest, ul_store_latest_files), also
 * under the name it had before a recorded folder rename */
static const UlFileRecord *
latest_record (GHashTable *latest, GPtrArray *renames, GBytes *path)
{
  g_autofree char *text = g_strndup (g_bytes_get_data (path, NULL), g_bytes_get_size (path));
  g_autofree char *before = through_renames (renames, text, TRUE);
  g_autoptr(GBytes) old = NULL;
  const UlFileRecord *seen = g_hash_table_lookup (latest, path);

  if (seen != NULL || g_strcmp0 (before, text) == 0)
    return seen;
  old = g_bytes_new (before, strlen (before));
  return g_hash_table_lookup (latest, old);
}

/* adds what only the manifest saw; returns how many. *@left: the manifest
 * of the filesystem as the session left it, when the helper could read it
 * all (NULL otherwise) */
static guint
record_manifest_changes (CheckCtx *c, GBytes *out, GBytes **left, GError **error)
{
  gsize len;
  const char *data = g_bytes_get_data (out, &len);
  gsize pos = 0;
  guint n = 0;
  gint64 now = g_get_real_time ();
  g_autoptr(GHashTable) present = g_hash_table_new_full (g_bytes_hash, g_bytes_equal,
                                                         (GDestroyNotify) g_bytes_unref, NULL);
  g_autoptr(GPtrArray) live = NULL;
  g_autoptr(GPtrArray) renames = NULL;
  g_autoptr(GHashTable) latest = NULL;

  if (!ul_store_begin (c->t->store, error))
    return 0;
  /* read once: a lookup per changed file would scan the mount's records
   * each time (100,000 files: hours) */
  live = ul_store_list_live_paths (c->t->store, c->record_id, error);
  renames = live ? ul_store_list_renames (c->t->store, c->record_id, error) : NULL;
  latest = renames ? ul_store_latest_files (c->t->store, c->record_id, error) : NULL;
  if (latest == NULL)
    {
      ul_store_rollback (c->t->store);
      return 0;
    }
  while (pos < len)
    {
      const char *end = memchr (data + pos, '\0', len - pos);
      g_autofree char *rec = g_strndup (data + pos, end ? (gsize) (end - data - pos) : len - pos);
      g_auto(GStrv) f = g_strsplit (rec, "\t", 5);
      g_autoptr(GBytes) path = NULL;
      const UlFileRecord *seen = NULL;
      g_autofree char *now_at = NULL;
      gboolean covered;

      pos = end ? (gsize) (end - data) + 1 : len;
      if (g_strcmp0 (rec, "#") == 0)
        {
          *left = g_bytes_new_from_bytes (out, pos, len - pos);
          break;
        }
      if (g_strv_length (f) != 5)
        continue;
      path = g_bytes_new (f[4], strlen (f[4]));
      if (f[0][0] != 'D')
        g_hash_table_add (present, g_bytes_ref (path));
      if (f[0][0] == '=')
        continue;
      seen = latest_record (latest, renames, path);
      now_at = through_renames (renames, f[4], FALSE);
      /* the watch saw it already, and the same final content */
      if (f[0][0] == 'D')
        covered = (seen != NULL && (g_strcmp0 (seen->action, "deleted") == 0 ||
                                    g_strcmp0 (seen->action, "renamed") == 0)) ||
                  g_strcmp0 (now_at, f[4]) != 0;   /* in a folder whose move was seen */
      else
        /* a rename was seen: its content was recorded under the old name */
        covered = seen != NULL && g_strcmp0 (seen->action, "deleted") != 0 &&
                  (g_strcmp0 (f[2], "none") == 0 || g_strcmp0 (seen->action, "renamed") == 0 ||
                   (g_strcmp0 (seen->status, "ok") == 0 &&
                    g_strcmp0 (seen->sha256, f[3]) == 0));
      if (covered)
        continue;
      if (!add_manifest_record (c, f[0][0], path, g_ascii_strtoll (f[1], NULL, 10), f[2], f[3],
                                now, error))
        {
          ul_store_rollback (c->t->store);
          return 0;
        }
      n++;
    }
  /* written during the session (seen by the watch) and gone at unmount, its
   * deletion or rename unseen (FUSE has no such events) */
  for (guint i = 0; i < live->len; i++)
    {
      GBytes *path = g_ptr_array_index (live, i);
      g_autofree char *text = g_strndup (g_bytes_get_data (path, NULL),
                                         g_bytes_get_size (path));
      g_autofree char *now_at = through_renames (renames, text, FALSE);
      g_autoptr(GBytes) moved = g_bytes_new (now_at, strlen (now_at));

      if (g_hash_table_contains (present, path) || g_hash_table_contains (present, moved))
        continue;
      if (!add_manifest_record (c, 'D', path, -1, "none", NULL, now, error))
        {
          ul_store_rollback (c->t->store);
          return 0;
        }
      n++;
    }
  if (!ul_store_commit (c->t->store, error))
    return 0;
  return n;
}

/* the check's outcome recorded (and a failed one as an incident), and how
 * the session left the medium kept (@left) or forgotten (NULL); frees @c */
static void
check_finished (CheckCtx *c, char *result, GBytes *left)
{
  g_autoptr(GError) error = NULL;

  ul_session_tracker_check_ended (c->t, c->medium_id);
  g_strchomp (result);
  if (!ul_store_set_mount_manifest (c->t->store, c->record_id, result, &error))
    g_warning ("cannot record the manifest check: %s", error->message);
  g_clear_error (&error);
  if (!g_str_has_prefix (result, "checked"))
    {
      /* never lost silently: what the watch may have missed is unknown */
      g_autoptr(UlEvent) ev = ul_event_new ("manifest-not-checked", "system", c->t->host,
                                            g_get_real_time ());

      ev->session_id = c->session_id;
      ev->medium_id = c->medium_id;
      ev->detail = g_strdup_printf ("incident: mount %" G_GINT64_FORMAT " of session %"
                                    G_GINT64_FORMAT " %s", c->record_id, c->session_id,
                                    result);
      if (!ul_store_append_event (c->t->store, ev, &error))
        g_warning ("cannot record the incident: %s", error->message);
      g_clear_error (&error);
    }
  /* how the session left it, to compare at the next mount; unknown if the
   * check failed or could not read everything */
  if (c->medium_id != 0 &&
      !(left != NULL ? ul_store_set_medium_manifest (c->t->store, c->medium_id, c->part,
                                                     c->session_id, g_get_real_time (), FALSE,
                                                     left, &error)
                     : ul_store_forget_medium_manifest (c->t->store, c->medium_id, c->part,
                                                        &error)))
    g_warning ("cannot keep how session %" G_GINT64_FORMAT " left its medium: %s",
               c->session_id, error->message);
  ul_session_tracker_notify (c->t, c->session_id);
  check_ctx_free (c);
}

static void
on_checked (GObject *source, GAsyncResult *res, gpointer data)
{
  CheckCtx *c = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) out = NULL;
  g_autoptr(GBytes) err = NULL;
  g_autofree char *result = NULL;
  g_autoptr(GBytes) left = NULL;

  if (!g_subprocess_communicate_finish (G_SUBPROCESS (source), res, &out, &err, &error))
    result = g_strdup_printf ("not checked: %s", error->message);
  else if (!g_subprocess_get_successful (G_SUBPROCESS (source)))
    result = g_strdup_printf ("not checked: %.*s", (int) g_bytes_get_size (err),
                              (const char *) g_bytes_get_data (err, NULL));
  else
    {
      guint n = record_manifest_changes (c, out, &left, &error);

      result = error != NULL ? g_strdup_printf ("not recorded: %s", error->message)
                             : g_strdup_printf ("checked: %u change(s) found only by the "
                                                "manifest", n);
    }
  check_finished (c, result, left);
}

/* the device node to mount for the check */
static char *
device_node (const UlMount *m, dev_t dev)
{
  struct stat st;

  if (m->source[0] == '/' && stat (m->source, &st) == 0 && S_ISBLK (st.st_mode) &&
      st.st_rdev == dev)
    return g_strdup (m->source);
  return g_strdup_printf ("/dev/block/%u:%u", major (dev), minor (dev));
}

/* every record queued before the unmount is written: the helper mounts the
 * filesystem privately and compares it with the walk at mount and what was
 * recorded */
static gboolean
start_check (gpointer data)
{
  CheckCtx *c = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocess) proc = NULL;
  g_autofree char *max_bytes = g_strdup_printf ("%" G_GINT64_FORMAT, c->t->hash_max_bytes);

  if (!c->t->stopping)
    proc = g_subprocess_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                             G_SUBPROCESS_FLAGS_STDERR_PIPE, &error, c->t->helper, "check",
                             c->node, c->fstype, max_bytes, NULL);
  else
    g_set_error (&error, UL_ERROR, UL_ERROR_FAILED, "usbledgerd stopped");
  if (proc == NULL)
    {
      g_autofree char *why = g_strdup_printf ("not checked: %s", error->message);

      check_finished (c, why, NULL);
      return G_SOURCE_REMOVE;
    }
  g_subprocess_communicate_async (proc, c->baseline, NULL, on_checked, c);
  return G_SOURCE_REMOVE;
}

void
ul_session_manifest_check (UlSessionTracker *t, TrackedMount *tm, UlHasher *h)
{
  g_autoptr(GError) error = NULL;
  CheckCtx *c;

  if (tm->baseline == NULL)
    {
      g_autofree char *why = g_strdup_printf ("not checked: no manifest at mount (%s)",
                                              tm->baseline_error ? tm->baseline_error
                                                                 : "unmounted first");
      g_strchomp (why);
      if (!ul_store_set_mount_manifest (t->store, tm->record_id, why, &error))
        g_warning ("%s", error->message);
      ul_session_manifest_forget (t, tm);
      return;
    }
  c = g_new0 (CheckCtx, 1);
  c->t = t;
  c->session_id = tm->owner->session_id;
  c->record_id = tm->record_id;
  c->medium_id = tm->owner->medium_id;
  c->part = tm->part;
  c->node = device_node (tm->mount, ul_mount_block_device (tm->mount));
  c->fstype = g_strdup (tm->mount->fstype);
  c->baseline = g_bytes_ref (tm->baseline);
  /* the disk is the check's from now on (an erasure waits for it) */
  ul_session_tracker_check_started (t, c->medium_id);
  /* the records still queued for hashing are written first, without
   * holding the main loop meanwhile */
  if (h != NULL)
    ul_hasher_after_queued (h, start_check, c);
  else
    start_check (c);
}

void
ul_session_manifest_keep_mount_walk (UlSessionTracker *t, TrackedMount *tm)
{
  g_autoptr(GError) error = NULL;

  /* no walk at mount (not finished, failed): nothing known to compare */
  if (tm->baseline == NULL || tm->owner->medium_id == 0)
    {
      ul_session_manifest_forget (t, tm);
      return;
    }
  if (!ul_store_set_medium_manifest (t->store, tm->owner->medium_id, tm->part,
                                     tm->owner->session_id, g_get_real_time (), TRUE,
                                     tm->baseline, &error))
    g_warning ("cannot keep the walk at mount of medium %" G_GINT64_FORMAT ": %s",
               tm->owner->medium_id, error->message);
}

void
ul_session_manifest_forget (UlSessionTracker *t, TrackedMount *tm)
{
  g_autoptr(GError) error = NULL;

  if (tm->owner->medium_id != 0 &&
      !ul_store_forget_medium_manifest (t->store, tm->owner->medium_id, tm->part, &error))
    g_warning ("cannot forget how medium %" G_GINT64_FORMAT " was left: %s",
               tm->owner->medium_id, error->message);
}
