/* ul-mount-root.c: see ul-mount-root.h. The root is opened anew for each
 * file, never kept: an open fd, even O_PATH, pins the mount, and the person
 * at the seat could not unmount (eject) the medium. The file is first
 * opened as O_PATH (which opens nothing: no FIFO blocks, no device driver
 * runs), checked, and only then reopened for reading through that very
 * inode. */
#include "ul-mount-root.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "ul-error.h"

struct _UlMountRoot {
  char *mount_point;
  dev_t dev;
};

static int
sys_openat2 (int dirfd, const char *path, struct open_how *how)
{
  return (int) syscall (SYS_openat2, dirfd, path, how, sizeof *how);
}

/* an O_PATH fd of the root; the path may have been swapped since
 * mountinfo was read, so the folder opened must be on the filesystem */
static int
open_root (const char *mount_point, dev_t dev, GError **error)
{
  struct stat st;
  int fd = open (mount_point, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

  if (fd < 0 || fstat (fd, &st) != 0)
    {
      int err = errno;

      if (fd >= 0)
        close (fd);
      g_set_error (error, UL_ERROR, UL_ERROR_IO, "cannot open %s: %s", mount_point,
                   g_strerror (err));
      return -1;
    }
  if (st.st_dev != dev)
    {
      close (fd);
      g_set_error (error, UL_ERROR, UL_ERROR_BAD_STATE,
                   "%s is not the mounted filesystem %u:%u", mount_point, major (dev),
                   minor (dev));
      return -1;
    }
  return fd;
}

UlMountRoot *
ul_mount_root_open (const char *mount_point, dev_t dev, GError **error)
{
  UlMountRoot *root;
  int fd = open_root (mount_point, dev, error);

  if (fd < 0)
    return NULL;
  close (fd);
  root = g_atomic_rc_box_new0 (UlMountRoot);
  root->mount_point = g_strdup (mount_point);
  root->dev = dev;
  return root;
}

static void
root_clear (gpointer data)
{
  UlMountRoot *root = data;

  g_free (root->mount_point);
}

UlMountRoot *
ul_mount_root_ref (UlMountRoot *root)
{
  return g_atomic_rc_box_acquire (root);
}

void
ul_mount_root_unref (UlMountRoot *root)
{
  if (root != NULL)
    g_atomic_rc_box_release_full (root, root_clear);
}

dev_t
ul_mount_root_dev (const UlMountRoot *root)
{
  return root->dev;
}

gboolean
ul_fd_is_regular_on (int fd, dev_t dev)
{
  struct stat st;

  return fstat (fd, &st) == 0 && S_ISREG (st.st_mode) && st.st_dev == dev;
}

int
ul_mount_root_open_dir (const UlMountRoot *root)
{
  return open_root (root->mount_point, root->dev, NULL);
}

int
ul_mount_root_open_file (const UlMountRoot *root, const char *rel, UlHashStatus *status)
{
  int root_fd = ul_mount_root_open_dir (root);
  int fd, err;

  if (root_fd < 0)
    {
      *status = UL_HASH_UNREADABLE;
      return -1;
    }
  fd = ul_mount_root_open_file_at (root_fd, root->dev, ul_mount_root_fd_nodev (root_fd), rel,
                                   status);
  err = errno;
  close (root_fd);
  errno = err;
  return fd;
}

gboolean
ul_mount_root_fd_nodev (int root_fd)
{
  struct statvfs sv;

  return fstatvfs (root_fd, &sv) == 0 && (sv.f_flag & ST_NODEV) != 0;
}

int
ul_mount_root_open_file_at (int root_fd, dev_t dev, gboolean nodev, const char *rel,
                            UlHashStatus *status)
{
  struct open_how how = {
    .flags = O_PATH | O_NOFOLLOW | O_CLOEXEC,
    .resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_XDEV |
               RESOLVE_NO_MAGICLINKS,
  };
  char proc[64];
  int path_fd, fd;

  if (nodev)
    {
      /* no device can be opened there, and a FIFO opened O_NONBLOCK does
       * not block: opened for reading at once (a third of the system calls
       * of a burst), then checked */
      how.flags = O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK | O_NOCTTY;
      fd = sys_openat2 (root_fd, rel, &how);
      if (fd < 0)
        {
          *status = errno == ENOENT || errno == ENOTDIR ? UL_HASH_GONE : UL_HASH_UNREADABLE;
          return -1;
        }
      if (!ul_fd_is_regular_on (fd, dev))
        {
          close (fd);
          *status = UL_HASH_UNREADABLE;
          return -1;
        }
      return fd;
    }
  path_fd = sys_openat2 (root_fd, rel, &how);
  if (path_fd < 0)
    {
      /* ELOOP: a symlink on the way; EXDEV: out of the root or the mount;
       * ENOSYS: a kernel before 5.6, which we cannot read safely on */
      *status = errno == ENOENT || errno == ENOTDIR ? UL_HASH_GONE : UL_HASH_UNREADABLE;
      return -1;
    }
  if (!ul_fd_is_regular_on (path_fd, dev))
    {
      close (path_fd);
      *status = UL_HASH_UNREADABLE;
      return -1;
    }
  /* the same inode, now for reading */
  g_snprintf (proc, sizeof proc, "/proc/self/fd/%d", path_fd);
  fd = open (proc, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
  close (path_fd);
  if (fd < 0)
    {
      *status = errno == ENOENT ? UL_HASH_GONE : UL_HASH_UNREADABLE;
      return -1;
    }
  return fd;
}
