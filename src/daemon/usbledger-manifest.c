/* usbledger-manifest: the file lists usbledgerd compares at unmount, in a
 * process of their own (libexec; run by usbledgerd only):
 *
 *   usbledger-manifest walk MOUNTPOINT
 *       prints the manifest of the mounted filesystem (ul-manifest.h format)
 *   usbledger-manifest check DEVICE FSTYPE [MAX-BYTES]  < manifest-at-mount
 *       mounts DEVICE read-only in a private mount namespace (invisible to
 *       everyone else, gone when this process ends), walks it, and prints
 *       every path added, modified or deleted since the manifest given on
 *       stdin, with the size and SHA-256 of what is there now, then every
 *       path present and unchanged ("="), so the caller can tell which files
 *       it saw written are gone:
 *       "A|M|D|=\tSIZE\tSTATUS\tSHA256\tPATH\0" (SHA256 "-" when none);
 *       then, if every entry could be read, the record "#\0" and the
 *       manifest of the filesystem as it is now (how the session left it,
 *       to compare at its next mount)
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <limits.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ul-file-hash.h"
#include "ul-mount-root.h"
#include "ul-manifest.h"

static int
write_all (const void *data, gsize len)
{
  const char *p = data;

  while (len > 0)
    {
      ssize_t n = write (STDOUT_FILENO, p, len);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        return 1;
      p += n;
      len -= (gsize) n;
    }
  return 0;
}

static int
do_walk (const char *root)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GHashTable) m = NULL;
  g_autoptr(GBytes) out = NULL;
  guint n_errors = 0;

  m = ul_manifest_walk (root, &n_errors, &error);
  if (m == NULL)
    {
      g_printerr ("usbledger-manifest: %s\n", error->message);
      return 1;
    }
  if (n_errors > 0)
    g_printerr ("usbledger-manifest: %u entries could not be read\n", n_errors);
  out = ul_manifest_serialize (m);
  return write_all (g_bytes_get_data (out, NULL), g_bytes_get_size (out));
}

typedef struct {
  UlMountRoot *root;      /* files are read beneath it only (ul-mount-root.h) */
  int root_fd;            /* held: the mount is our own */
  GString *out;
  gint64 max_bytes;       /* a larger file is not hashed (0: every file) */
} DiffCtx;

static void
on_change (const char *path, UlManifestChange change, const UlManifestEntry *now,
           gpointer data)
{
  DiffCtx *ctx = data;
  g_autofree char *sha = NULL;
  gint64 size = now ? now->size : -1;
  const char *status = "none";

  if (now != NULL && !now->dir)
    {
      UlHashStatus st = UL_HASH_UNREADABLE;
      /* our own mount is nodev */
      int fd = ctx->root_fd >= 0 ? ul_mount_root_open_file_at (ctx->root_fd,
                                                                ul_mount_root_dev (ctx->root),
                                                                TRUE, path, &st)
                                 : -1;

      if (fd >= 0)
        {
          struct stat fst;

          if (ctx->max_bytes > 0 && fstat (fd, &fst) == 0 && fst.st_size > ctx->max_bytes)
            {
              size = fst.st_size;
              st = UL_HASH_TOO_LARGE;
            }
          else
            st = ul_file_hash_fd (fd, &size, &sha);
          close (fd);
        }
      status = ul_hash_status_to_string (st);
    }
  g_string_append_printf (ctx->out, "%c\t%" G_GINT64_FORMAT "\t%s\t%s\t%s",
                          change == UL_MANIFEST_ADDED ? 'A'
                          : change == UL_MANIFEST_MODIFIED ? 'M' : 'D',
                          size, status, sha ? sha : "-", path);
  g_string_append_c (ctx->out, '\0');
}

/* system tools run with a plain environment of their own */
static const char *const clean_env[] = { "PATH=/usr/sbin:/usr/bin:/sbin:/bin", NULL };

static gboolean
run_tool (const char *const *argv, char **out, GError **error)
{
  int status = 0;

  return g_spawn_sync (NULL, (char **) argv, (char **) clean_env, G_SPAWN_SEARCH_PATH, NULL,
                       NULL, out, NULL, &status, error) &&
         g_spawn_check_wait_status (status, error);
}

/* FUSE filesystems (exfat-fuse, ...) are mounted by their helper: the
 * device's type from blkid, then TYPE or TYPE-fuse through mount(8) */
static gboolean
mount_fuse (const char *device, const char *dir, GError **error)
{
  const char *probe[] = { "blkid", "-o", "value", "-s", "TYPE", device, NULL };
  g_autofree char *type = NULL;

  if (!run_tool (probe, &type, error))
    return FALSE;
  g_strstrip (type);
  for (int i = 0; i < 2; i++)
    {
      g_autofree char *t = i == 0 ? g_strdup (type) : g_strconcat (type, "-fuse", NULL);
      const char *argv[] = { "mount", "-t", t, "-o", "ro,noexec,nosuid,nodev", device, dir,
                             NULL };

      g_clear_error (error);
      if (run_tool (argv, NULL, error))
        return TRUE;
    }
  return FALSE;
}

static void
append_unchanged (GHashTable *before, GHashTable *after, GString *out)
{
  GHashTableIter iter;
  gpointer key, value;

  g_hash_table_iter_init (&iter, after);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      const UlManifestEntry *was = g_hash_table_lookup (before, key);
      const UlManifestEntry *now = value;

      if (was != NULL && (now->dir || (!was->dir && was->size == now->size &&
                                       was->mtime_ns == now->mtime_ns)))
        {
          g_string_append_printf (out, "=\t%" G_GINT64_FORMAT "\tnone\t-\t%s", now->size,
                                  (const char *) key);
          g_string_append_c (out, '\0');
        }
    }
}

static gboolean
is_fuse (const char *fstype)
{
  return g_str_has_prefix (fstype, "fuse");
}

/* the folder mounted now, for the signal handler (async-signal-safe use) */
static char mounted_dir[PATH_MAX];

/* usbledgerd stopped (PR_SET_PDEATHSIG) or we are told to stop: nothing of
 * ours stays mounted. A kernel filesystem goes with our mount namespace; a
 * FUSE one's daemon (mount.exfat-fuse) would keep the namespace, and the
 * mount, alive: detached, it exits. */
static void
on_term (int sig)
{
  if (mounted_dir[0] != '\0')
    {
      umount2 (mounted_dir, MNT_DETACH);
      rmdir (mounted_dir);
    }
  _exit (128 + sig);
}

/* a block device just unmounted by its user may still be held by the
 * kernel for a moment (EBUSY under load): tried again, a bounded number of
 * times, before the check is given up (and said so) */
#define MOUNT_TRIES 20

/* for tests only: with USBLEDGER_MANIFEST_TEST_HOLD naming a FIFO, says
 * "mounted" there and waits for a signal, so a test can stop usbledgerd
 * while the check's mount is up */
static void
test_hold (const char *dir)
{
  const char *fifo = g_getenv ("USBLEDGER_MANIFEST_TEST_HOLD");
  int fd;

  if (fifo == NULL)
    return;
  fd = open (fifo, O_WRONLY | O_CLOEXEC);
  if (fd >= 0)
    {
      g_autofree char *line = g_strdup_printf ("mounted %d %s\n", (int) getpid (), dir);

      if (write (fd, line, strlen (line)) < 0)
        g_printerr ("usbledger-manifest: %s: %s\n", fifo, g_strerror (errno));
      close (fd);
    }
  for (;;)
    pause ();
}

static gboolean
mount_for_check (const char *device, const char *fstype, const char *dir, GError **error)
{
  for (int i = 0; i < MOUNT_TRIES; i++)
    {
      g_clear_error (error);
      if (i > 0)
        g_usleep ((gulong) MIN (i * 50, 500) * 1000);
      if (is_fuse (fstype))
        {
          if (mount_fuse (device, dir, error))
            return TRUE;
          continue;
        }
      if (mount (device, dir, fstype, MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) == 0)
        return TRUE;
      {
        int err = errno;

        g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (err), "%s (%s): %s", device,
                     fstype, g_strerror (err));
        if (err != EBUSY)
          return FALSE;
      }
    }
  g_prefix_error (error, "after %d tries: ", MOUNT_TRIES);
  return FALSE;
}

static int
do_check (const char *device, const char *fstype, gint64 max_bytes)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GHashTable) before = NULL;
  g_autoptr(GHashTable) after = NULL;
  g_autoptr(GByteArray) input = g_byte_array_new ();
  g_autofree char *dir = NULL;
  guint8 buf[65536];
  guint n_errors = 0;
  ssize_t n;
  DiffCtx ctx;
  int rc;

  while ((n = read (STDIN_FILENO, buf, sizeof buf)) > 0 || (n < 0 && errno == EINTR))
    if (n > 0)
      g_byte_array_append (input, buf, (guint) n);
  before = ul_manifest_parse (input->data, input->len, &error);
  if (before == NULL)
    {
      g_printerr ("usbledger-manifest: %s\n", error->message);
      return 1;
    }

  /* a mount namespace of our own: the read-only mount is seen by no one
   * and disappears with this process */
  if (unshare (CLONE_NEWNS) != 0 || mount ("none", "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0)
    {
      g_printerr ("usbledger-manifest: cannot make a private mount namespace: %s\n",
                  g_strerror (errno));
      return 1;
    }
  dir = g_dir_make_tmp ("usbledger-check-XXXXXX", &error);
  if (dir == NULL)
    {
      g_printerr ("usbledger-manifest: %s\n", error->message);
      return 1;
    }
  g_strlcpy (mounted_dir, dir, sizeof mounted_dir);
  if (!mount_for_check (device, fstype, dir, &error))
    {
      g_printerr ("usbledger-manifest: cannot mount %s: %s\n", device, error->message);
      mounted_dir[0] = '\0';
      rmdir (dir);
      return 1;
    }
  test_hold (dir);

  after = ul_manifest_walk (dir, &n_errors, &error);
  rc = after == NULL;
  if (after != NULL)
    {
      struct stat st;

      ctx.root = stat (dir, &st) == 0 ? ul_mount_root_open (dir, st.st_dev, &error) : NULL;
      ctx.root_fd = ctx.root ? ul_mount_root_open_dir (ctx.root) : -1;
      if (ctx.root_fd < 0)
        g_printerr ("usbledger-manifest: cannot open %s: files are not hashed\n", dir);
      g_clear_error (&error);
      ctx.out = g_string_new (NULL);
      ctx.max_bytes = max_bytes;
      ul_manifest_diff (before, after, on_change, &ctx);
      append_unchanged (before, after, ctx.out);
      if (n_errors == 0)
        {
          g_autoptr(GBytes) left = ul_manifest_serialize (after);

          g_string_append_len (ctx.out, "#", 2);
          g_string_append_len (ctx.out, g_bytes_get_data (left, NULL), g_bytes_get_size (left));
        }
      else
        g_printerr ("usbledger-manifest: %u entries could not be read\n", n_errors);
      rc = write_all (ctx.out->str, ctx.out->len);
      g_string_free (ctx.out, TRUE);
      if (ctx.root_fd >= 0)
        close (ctx.root_fd);
      ul_mount_root_unref (ctx.root);
    }
  else
    g_printerr ("usbledger-manifest: %s\n", error->message);
  if (is_fuse (fstype))
    {
      const char *argv[] = { "umount", dir, NULL };

      g_spawn_sync (NULL, (char **) argv, (char **) clean_env, G_SPAWN_SEARCH_PATH, NULL, NULL,
                    NULL, NULL, NULL, NULL);
    }
  else
    umount2 (dir, MNT_DETACH);
  rmdir (dir);
  return rc;
}

int
main (int argc, char **argv)
{
  struct sigaction sa = { 0 };

  sa.sa_handler = on_term;
  sigaction (SIGTERM, &sa, NULL);
  sigaction (SIGINT, &sa, NULL);
  pid_t parent = getppid ();

  /* dies with usbledgerd (a SIGTERM, handled above), also if it died already */
  if (prctl (PR_SET_PDEATHSIG, SIGTERM) != 0 || getppid () != parent)
    return 1;
  if (argc == 3 && strcmp (argv[1], "walk") == 0)
    return do_walk (argv[2]);
  if ((argc == 4 || argc == 5) && strcmp (argv[1], "check") == 0)
    return do_check (argv[2], argv[3], argc == 5 ? g_ascii_strtoll (argv[4], NULL, 10) : 0);
  g_printerr ("usage: usbledger-manifest walk MOUNTPOINT\n"
              "       usbledger-manifest check DEVICE FSTYPE [MAX-BYTES] < manifest\n");
  return 2;
}
