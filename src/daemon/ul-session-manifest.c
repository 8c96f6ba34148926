/* ul-session-manifest.c: what fanotify cannot see is found by comparison. At
 * mount, usbledger-manifest walks the filesystem; at unmount it mounts the
 * device again read-only in a private namespace, walks it, compares and
 * hashes what changed. Every difference the watch did not record (also
 * through recorded folder renames), and every file the watch saw written
 * that is gone, becomes a record with source "manifest". */
#include "ul-session-tracker-private.h"

#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "ul-error.h"

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
      gsize len;
      const char *records = g_bytes_get_data (out, &len);
      guint n = 0;

      for (gsize i = 0; i < len; i++)
        n += records[i] == '\0';
      tm->baseline = g_steal_pointer (&out);
      /* says that usbledgerd is done reading the new filesystem */
      text = g_strdup_printf ("taken at mount: %u entries", n);
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
} CheckCtx;

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

/* the last record about @path, also under the name it had before a
 * recorded folder rename */
static UlFileRecord *
latest_record (CheckCtx *c, GPtrArray *renames, GBytes *path)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *text = g_strndup (g_bytes_get_data (path, NULL), g_bytes_get_size (path));
  g_autofree char *before = through_renames (renames, text, TRUE);
  g_autoptr(GBytes) old = NULL;
  UlFileRecord *seen = ul_store_latest_file (c->t->store, c->record_id, path, &error);

  if (seen != NULL || g_strcmp0 (before, text) == 0)
    return seen;
  g_clear_error (&error);
  old = g_bytes_new (before, strlen (before));
  return ul_store_latest_file (c->t->store, c->record_id, old, &error);
}

/* adds what only the manifest saw; returns how many */
static guint
record_manifest_changes (CheckCtx *c, GBytes *out, GError **error)
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

  if (!ul_store_begin (c->t->store, error))
    return 0;
  live = ul_store_list_live_paths (c->t->store, c->record_id, error);
  renames = live ? ul_store_list_renames (c->t->store, c->record_id, error) : NULL;
  if (renames == NULL)
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
      g_autoptr(UlFileRecord) seen = NULL;
      g_autofree char *now_at = NULL;
      gboolean covered;

      pos = end ? (gsize) (end - data) + 1 : len;
      if (g_strv_length (f) != 5)
        continue;
      path = g_bytes_new (f[4], strlen (f[4]));
      if (f[0][0] != 'D')
        g_hash_table_add (present, g_bytes_ref (path));
      if (f[0][0] == '=')
        continue;
      seen = latest_record (c, renames, path);
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

static void
on_checked (GObject *source, GAsyncResult *res, gpointer data)
{
  g_autofree CheckCtx *c = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) out = NULL;
  g_autoptr(GBytes) err = NULL;
  g_autofree char *result = NULL;

  if (!g_subprocess_communicate_finish (G_SUBPROCESS (source), res, &out, &err, &error))
    result = g_strdup_printf ("not checked: %s", error->message);
  else if (!g_subprocess_get_successful (G_SUBPROCESS (source)))
    result = g_strdup_printf ("not checked: %.*s", (int) g_bytes_get_size (err),
                              (const char *) g_bytes_get_data (err, NULL));
  else
    {
      guint n = record_manifest_changes (c, out, &error);

      result = error != NULL ? g_strdup_printf ("not recorded: %s", error->message)
                             : g_strdup_printf ("checked: %u change(s) found only by the "
                                                "manifest", n);
    }
  g_strchomp (result);
  if (!ul_store_set_mount_manifest (c->t->store, c->record_id, result, &error))
    g_warning ("cannot record the manifest check: %s", error->message);
  ul_session_tracker_notify (c->t, c->session_id);
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

void
ul_session_manifest_check (UlSessionTracker *t, TrackedMount *tm)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocess) proc = NULL;
  g_autofree char *node = device_node (tm->mount, ul_mount_block_device (tm->mount));
  CheckCtx *c;

  if (tm->baseline == NULL)
    {
      g_autofree char *why = g_strdup_printf ("not checked: no manifest at mount (%s)",
                                              tm->baseline_error ? tm->baseline_error
                                                                 : "unmounted first");
      g_strchomp (why);
      if (!ul_store_set_mount_manifest (t->store, tm->record_id, why, &error))
        g_warning ("%s", error->message);
      return;
    }
  proc = g_subprocess_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                           G_SUBPROCESS_FLAGS_STDERR_PIPE, &error, t->helper, "check", node,
                           tm->mount->fstype, NULL);
  if (proc == NULL)
    {
      g_warning ("cannot check %s: %s", node, error->message);
      return;
    }
  c = g_new0 (CheckCtx, 1);
  c->t = t;
  c->session_id = tm->owner->session_id;
  c->record_id = tm->record_id;
  g_subprocess_communicate_async (proc, tm->baseline, NULL, on_checked, c);
}
