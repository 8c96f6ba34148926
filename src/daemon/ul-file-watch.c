/* ul-file-watch.c: fanotify(7). The group is made with an unlimited queue, so
 * the kernel never drops an event while we are slow; our own backlog is
 * bounded (UL_FILE_WATCH_HIGH_WATER), and when it is full we stop reading,
 * which leaves the events in the kernel's queue: back-pressure, logged, with
 * nothing lost. */
#include "ul-file-watch.h"

#include <errno.h>
#include <stddef.h>
#include <fcntl.h>
#include <glib-unix.h>
#include <stdio.h>
#include <string.h>
#include <sys/fanotify.h>
#include <unistd.h>

#include "ul-error.h"

/* FAN_MODIFY as well: a file written through a descriptor that is never
 * closed (the stick pulled meanwhile) gives no close-write */
#define NAME_EVENTS (FAN_CREATE | FAN_DELETE | FAN_RENAME | FAN_CLOSE_WRITE | FAN_MODIFY | \
                     FAN_ONDIR)

struct _UlFileWatch {
  int fd;
  gboolean names;
  char *mount_point;
  UlMountRoot *root;      /* where files are read, beneath it only; may be NULL */
  gint64 session_id;
  gint64 mount_id;
  UlHasher *hasher;
  guint source;
  gboolean paused;
  gboolean held;          /* by ul_file_watch_hold: not resumed by the hasher */
  GHashTable *created;    /* relative paths created, not yet closed after writing */
  GHashTable *modified;   /* existing files written to, not yet closed after writing */
  GHashTable *writers;    /* pid -> "uid\tprogram", for one read batch */
  GHashTable *folders;    /* folder handle (GBytes) -> path relative to the mount;
                           * emptied whenever a folder is renamed or deleted */
};

gint64
ul_file_watch_mount_id (UlFileWatch *w)
{
  return w->mount_id;
}

void
ul_file_watch_set_mount_id (UlFileWatch *w, gint64 mount_id)
{
  w->mount_id = mount_id;
}

/* who wrote: the process may be gone already (a short cp), then unknown */
static void
writer_of (UlFileWatch *w, int pid, gint64 *uid, char **program)
{
  const char *cached = g_hash_table_lookup (w->writers, GINT_TO_POINTER (pid));
  g_autofree char *status = NULL;
  g_autofree char *proc = NULL;
  char exe[4096];
  ssize_t n;

  *uid = -1;
  *program = NULL;
  if (cached == NULL)
    {
      gint64 u = -1;
      const char *line;

      proc = g_strdup_printf ("/proc/%d/status", pid);
      if (pid > 0 && g_file_get_contents (proc, &status, NULL, NULL) &&
          (line = strstr (status, "\nUid:")) != NULL)
        u = g_ascii_strtoll (line + 5, NULL, 10);
      g_free (proc);
      proc = g_strdup_printf ("/proc/%d/exe", pid);
      n = pid > 0 ? readlink (proc, exe, sizeof exe - 1) : -1;
      exe[n > 0 ? n : 0] = '\0';
      cached = g_strdup_printf ("%" G_GINT64_FORMAT "\t%s", u, exe);
      g_hash_table_insert (w->writers, GINT_TO_POINTER (pid), (gpointer) cached);
    }
  *uid = g_ascii_strtoll (cached, NULL, 10);
  if (strchr (cached, '\t')[1] != '\0')
    *program = g_strdup (strchr (cached, '\t') + 1);
}

/* @status: what to record when nothing is read (NULL: "none") */
static void
queue_full (UlFileWatch *w, const char *action, const char *path, const char *old_path,
            gboolean hash, int fd, const struct fanotify_event_metadata *md, gboolean dir,
            const char *status)
{
  UlFileJob *job = g_new0 (UlFileJob, 1);
  UlFileRecord *rec = g_new0 (UlFileRecord, 1);

  rec->session_id = w->session_id;
  rec->mount_id = w->mount_id;
  rec->action = g_strdup (action);
  rec->path = g_bytes_new (path, strlen (path));
  rec->old_path = old_path ? g_bytes_new (old_path, strlen (old_path)) : NULL;
  rec->size = -1;
  rec->source = g_strdup ("fanotify");
  rec->time = g_get_real_time ();
  rec->status = g_strdup (status ? status : dir ? "none" : NULL);
  writer_of (w, md->pid, &rec->uid, &rec->program);
  job->rec = rec;
  job->fd = fd;
  job->hash = hash && !dir;
  job->root = w->root ? ul_mount_root_ref (w->root) : NULL;
  job->rel_path = fd < 0 && job->hash ? g_strdup (path) : NULL;
  ul_hasher_push (w->hasher, job);
}

static void
queue (UlFileWatch *w, const char *action, const char *path, const char *old_path,
       gboolean hash, int fd, const struct fanotify_event_metadata *md, gboolean dir)
{
  queue_full (w, action, path, old_path, hash, fd, md, dir, NULL);
}

static char *resolve_uncached (UlFileWatch *w, struct file_handle *handle);

/* the path of @name in the folder @handle names, relative to the mount */
static char *
resolve (UlFileWatch *w, struct file_handle *handle, const char *name)
{
  g_autoptr(GBytes) key = g_bytes_new (handle, sizeof *handle + handle->handle_bytes);
  const char *rel = g_hash_table_lookup (w->folders, key);

  if (rel == NULL)
    {
      char *found = resolve_uncached (w, handle);

      if (found == NULL)
        return g_strdup_printf ("(removed folder)/%s", name);
      g_hash_table_insert (w->folders, g_steal_pointer (&key), found);
      rel = found;
    }
  if (name == NULL || strcmp (name, ".") == 0)
    return g_strdup (rel);
  return *rel ? g_strconcat (rel, "/", name, NULL) : g_strdup (name);
}

/* Descriptors on the medium are held only for the moment they are used:
 * while usbledgerd has one open, the person's unmount fails ("target is
 * busy"). Before, the mount point was open for every batch of events read. */
static char *
resolve_uncached (UlFileWatch *w, struct file_handle *handle)
{
  g_autofree char *link = NULL;
  char dir[4096];
  ssize_t n = -1;
  int mount_fd = open (w->mount_point, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  int dfd = mount_fd >= 0 ? open_by_handle_at (mount_fd, handle, O_PATH | O_DIRECTORY |
                                                                  O_CLOEXEC) : -1;
  size_t mlen = strlen (w->mount_point);
  const char *rel;

  if (mount_fd >= 0)
    close (mount_fd);

  if (dfd >= 0)
    {
      link = g_strdup_printf ("/proc/self/fd/%d", dfd);
      n = readlink (link, dir, sizeof dir - 1);
      close (dfd);
    }
  if (n <= 0)
    {
      /* the folder is gone already (deleted with the file) */
      g_debug ("cannot resolve a folder handle on %s: %s", w->mount_point, g_strerror (errno));
      return NULL;
    }
  dir[n] = '\0';
  rel = dir;
  if (strncmp (dir, w->mount_point, mlen) == 0 && (dir[mlen] == '/' || dir[mlen] == '\0'))
    rel = dir + mlen + (dir[mlen] == '/' ? 1 : 0);
  else if (strcmp (w->mount_point, "/") == 0)
    rel = dir + 1;
  return g_strdup (rel);
}

static void
handle_named (UlFileWatch *w, const struct fanotify_event_metadata *md)
{
  const char *p = (const char *) md + md->metadata_len;
  const char *end = (const char *) md + md->event_len;
  g_autofree char *path = NULL;
  g_autofree char *old_path = NULL;
  gboolean dir = (md->mask & FAN_ONDIR) != 0;

  while (p + sizeof (struct fanotify_event_info_header) <= end)
    {
      const struct fanotify_event_info_header *hdr = (const void *) p;
      const struct fanotify_event_info_fid *fid = (const void *) p;
      struct file_handle *fh;
      const char *name;

      if (hdr->len < sizeof *fid || p + hdr->len > end)
        break;
      fh = (struct file_handle *) fid->handle;
      name = (const char *) fh->f_handle + fh->handle_bytes;
      if (name >= p + hdr->len || memchr (name, '\0', (size_t) (p + hdr->len - name)) == NULL)
        break;   /* not from this kernel's fanotify */
      if (hdr->info_type == FAN_EVENT_INFO_TYPE_DFID_NAME ||
          hdr->info_type == FAN_EVENT_INFO_TYPE_NEW_DFID_NAME)
        {
          g_free (path);
          path = resolve (w, fh, name);
        }
      else if (hdr->info_type == FAN_EVENT_INFO_TYPE_OLD_DFID_NAME)
        {
          g_free (old_path);
          old_path = resolve (w, fh, name);
        }
      p += hdr->len;
    }
  if (path == NULL)
    return;
  /* a folder renamed or deleted: cached folder paths may be stale now */
  if (dir && (md->mask & (FAN_RENAME | FAN_DELETE)))
    g_hash_table_remove_all (w->folders);

  if (md->mask & FAN_RENAME)
    {
      if (old_path && g_hash_table_remove (w->created, old_path))
        g_hash_table_add (w->created, g_strdup (path));
      if (old_path && g_hash_table_remove (w->modified, old_path))
        g_hash_table_add (w->modified, g_strdup (path));
      queue (w, "renamed", path, old_path, FALSE, -1, md, dir);
      return;
    }
  if (md->mask & FAN_DELETE)
    {
      g_hash_table_remove (w->created, path);
      g_hash_table_remove (w->modified, path);
      queue (w, "deleted", path, NULL, FALSE, -1, md, dir);
      return;
    }
  if ((md->mask & FAN_CREATE) && dir)
    {
      queue (w, "created", path, NULL, FALSE, -1, md, TRUE);
      return;
    }
  if (md->mask & FAN_CLOSE_WRITE)
    {
      /* one record for create-then-write: the file with its content */
      gboolean created = (md->mask & FAN_CREATE) || g_hash_table_remove (w->created, path);

      g_hash_table_remove (w->modified, path);
      queue (w, created ? "created" : "modified", path, NULL, TRUE, -1, md, FALSE);
      return;
    }
  if (md->mask & FAN_CREATE)
    {
      g_hash_table_add (w->created, g_steal_pointer (&path));
      return;
    }
  /* written and not closed yet: its close-write brings the record; if none
   * comes (pulled out), it is still recorded, as incomplete */
  if ((md->mask & FAN_MODIFY) && !dir && !g_hash_table_contains (w->created, path) &&
      !g_hash_table_contains (w->modified, path))
    g_hash_table_add (w->modified, g_steal_pointer (&path));
}

static void
handle_fd (UlFileWatch *w, const struct fanotify_event_metadata *md)
{
  g_autofree char *link = g_strdup_printf ("/proc/self/fd/%d", md->fd);
  char abs[4096];
  ssize_t n = readlink (link, abs, sizeof abs - 1);
  size_t mlen = strlen (w->mount_point);
  const char *rel;

  if (n <= 0)
    {
      close (md->fd);
      return;
    }
  abs[n] = '\0';
  rel = abs;
  if (strncmp (abs, w->mount_point, mlen) == 0 && abs[mlen] == '/')
    rel = abs + mlen + 1;
  /* the fd goes with the job: it is read, then closed, by the hasher */
  queue (w, "written", rel, NULL, TRUE, md->fd, md, FALSE);
}

static gboolean on_readable (int fd, GIOCondition cond, gpointer data);

static void
pause_reading (UlFileWatch *w)
{
  if (w->source != 0)
    {
      g_source_remove (w->source);
      w->source = 0;
    }
  if (!w->paused)
    g_message ("back-pressure: %u file events wait for hashing; reading of %s paused "
               "(the kernel keeps the rest)", ul_hasher_pending (w->hasher), w->mount_point);
  w->paused = TRUE;
}

void
ul_file_watch_resume (UlFileWatch *w)
{
  if (!w->paused || w->held)
    return;
  w->paused = FALSE;
  w->source = g_unix_fd_add (w->fd, G_IO_IN, on_readable, w);
}

void
ul_file_watch_hold (UlFileWatch *w, gboolean hold)
{
  if (hold && !w->held)
    {
      w->held = TRUE;
      if (w->source != 0)
        g_source_remove (w->source);
      w->source = 0;
      w->paused = TRUE;
    }
  else if (!hold && w->held)
    {
      w->held = FALSE;
      ul_file_watch_resume (w);
    }
}

/* reads until the kernel has nothing more (or our backlog is full) */
static void
read_events (UlFileWatch *w, gboolean ignore_backlog)
{
  g_autofree char *buf = g_malloc (256 * 1024);
  guint64 scratch[1024];

  for (;;)
    {
      ssize_t len;
      const struct fanotify_event_metadata *md;

      if (!ignore_backlog && w->held)
        break;
      if (!ignore_backlog && ul_hasher_pending (w->hasher) >= UL_FILE_WATCH_HIGH_WATER)
        {
          pause_reading (w);
          break;
        }
      len = read (w->fd, buf, 256 * 1024);
      if (len <= 0)
        {
          if (len < 0 && errno != EAGAIN && errno != EINTR)
            g_warning ("reading file events of %s: %s", w->mount_point, g_strerror (errno));
          break;
        }
      /* events with names are not padded to 8 bytes: each is copied to an
       * aligned buffer before its fields are read */
      for (size_t off = 0; off + sizeof *md <= (size_t) len; off += md->event_len)
        {
          guint32 event_len;

          memcpy (&event_len, buf + off + offsetof (struct fanotify_event_metadata, event_len),
                  sizeof event_len);
          if (event_len < sizeof *md || off + event_len > (size_t) len ||
              event_len > sizeof scratch)
            {
              g_warning ("fanotify: malformed event of %u bytes", event_len);
              break;
            }
          memcpy (scratch, buf + off, event_len);
          md = (const void *) scratch;
          if (md->vers != FANOTIFY_METADATA_VERSION)
            {
              g_warning ("fanotify: unexpected metadata version %u", md->vers);
              break;
            }
          if (md->mask & FAN_Q_OVERFLOW)
            g_warning ("fanotify queue overflow on %s: the manifest at unmount finds what was "
                       "missed", w->mount_point);
          else if (w->names)
            handle_named (w, md);
          else if (md->fd >= 0)
            handle_fd (w, md);
        }
      g_hash_table_remove_all (w->writers);
    }
}

static gboolean
on_readable (int fd, GIOCondition cond, gpointer data)
{
  UlFileWatch *w = data;

  read_events (w, FALSE);
  return w->paused ? (w->source = 0, G_SOURCE_REMOVE) : G_SOURCE_CONTINUE;
}

static int
make_group (const char *mount_point, gboolean names, GError **error)
{
  unsigned flags = FAN_CLASS_NOTIF | FAN_CLOEXEC | FAN_NONBLOCK | FAN_UNLIMITED_QUEUE;
  int fd = fanotify_init (names ? flags | FAN_REPORT_DFID_NAME : flags,
                          O_RDONLY | O_LARGEFILE | O_CLOEXEC | O_NOATIME);
  int rc;

  if (fd < 0 && errno == EPERM && !names)
    fd = fanotify_init (flags, O_RDONLY | O_LARGEFILE | O_CLOEXEC);
  if (fd < 0)
    {
      g_set_error (error, UL_ERROR, UL_ERROR_FAILED, "fanotify_init: %s", g_strerror (errno));
      return -1;
    }
  if (names)
    rc = fanotify_mark (fd, FAN_MARK_ADD | FAN_MARK_FILESYSTEM, NAME_EVENTS, AT_FDCWD,
                        mount_point);
  else
    rc = fanotify_mark (fd, FAN_MARK_ADD | FAN_MARK_MOUNT, FAN_CLOSE_WRITE, AT_FDCWD,
                        mount_point);
  if (rc != 0)
    {
      g_set_error (error, UL_ERROR, UL_ERROR_FAILED, "fanotify_mark %s: %s", mount_point,
                   g_strerror (errno));
      close (fd);
      return -1;
    }
  return fd;
}

UlFileWatch *
ul_file_watch_new (const char *mount_point, UlMountRoot *root, gint64 session_id,
                   gint64 mount_id,
                   UlHasher *hasher, char **mode, GError **error)
{
  g_autoptr(GError) names_error = NULL;
  UlFileWatch *w;
  gboolean names = TRUE;
  int fd;

  /* names need file handles, which FUSE and some others cannot give */
  fd = make_group (mount_point, TRUE, &names_error);
  if (fd < 0)
    {
      names = FALSE;
      fd = make_group (mount_point, FALSE, error);
      if (fd < 0)
        {
          g_prefix_error (error, "%s; without names: ", names_error->message);
          return NULL;
        }
    }
  w = g_new0 (UlFileWatch, 1);
  w->fd = fd;
  w->names = names;
  w->mount_point = g_strdup (mount_point);
  w->root = root ? ul_mount_root_ref (root) : NULL;
  w->session_id = session_id;
  w->mount_id = mount_id;
  w->hasher = hasher;
  w->created = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  w->modified = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  w->writers = g_hash_table_new_full (NULL, NULL, NULL, g_free);
  w->folders = g_hash_table_new_full (g_bytes_hash, g_bytes_equal,
                                      (GDestroyNotify) g_bytes_unref, g_free);
  w->source = g_unix_fd_add (fd, G_IO_IN, on_readable, w);
  *mode = g_strdup (names ? "fanotify-names" : "fanotify-fd");
  return w;
}

void
ul_file_watch_free (UlFileWatch *w)
{
  GHashTableIter iter;
  gpointer path;

  if (w == NULL)
    return;
  read_events (w, TRUE);
  /* created and not closed after writing (still open at a yank, or a hard
   * link): recorded, but its content is not known to be final: no hash */
  g_hash_table_iter_init (&iter, w->created);
  while (g_hash_table_iter_next (&iter, &path, NULL))
    {
      struct fanotify_event_metadata md = { .pid = 0 };

      queue_full (w, "created", path, NULL, FALSE, -1, &md, FALSE, "incomplete");
    }
  g_hash_table_iter_init (&iter, w->modified);
  while (g_hash_table_iter_next (&iter, &path, NULL))
    {
      struct fanotify_event_metadata md = { .pid = 0 };

      queue_full (w, "modified", path, NULL, FALSE, -1, &md, FALSE, "incomplete");
    }
  if (w->source != 0)
    g_source_remove (w->source);
  close (w->fd);
  g_hash_table_destroy (w->created);
  g_hash_table_destroy (w->modified);
  g_hash_table_destroy (w->writers);
  g_hash_table_destroy (w->folders);
  g_free (w->mount_point);
  ul_mount_root_unref (w->root);
  g_free (w);
}
