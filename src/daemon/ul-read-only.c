/* ul-read-only.c: see ul-read-only.h. A mark left behind (the daemon
 * stopped) only ever makes a medium more restricted, never less: the daemon
 * rewrites or removes it before it authorizes any device on that port. */
#include "ul-read-only.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <linux/fs.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "ul-error.h"
#include "ul-runtime-mark.h"

gboolean
ul_read_only_mark (const char *runtime_dir, const char *name, const char *state,
                   GError **error)
{
  g_autofree char *contents = state ? g_strconcat (state, "\n", NULL) : NULL;

  return ul_runtime_mark_set (runtime_dir, "read-only", name, contents, error);
}

char *
ul_read_only_mark_get (const char *runtime_dir, const char *name)
{
  g_autofree char *mark = ul_runtime_mark_get (runtime_dir, "read-only", name);

  if (mark == NULL)
    return NULL;
  g_strstrip (mark);
  /* anything but a reader's mark restricts as read-only: an unreadable or
   * unknown mark never lets more through */
  if (g_strcmp0 (mark, UL_MARK_READER) == 0 || g_strcmp0 (mark, UL_MARK_BOUND) == 0)
    return g_strdup (mark);
  return g_strdup (UL_MARK_READ_ONLY);
}

/* a USB device (not an interface, not a hub's port): it has a bus and device
 * number and its vendor ID */
static gboolean
is_usb_device (const char *dir)
{
  g_autofree char *busnum = g_build_filename (dir, "busnum", NULL);
  g_autofree char *devnum = g_build_filename (dir, "devnum", NULL);
  g_autofree char *vendor = g_build_filename (dir, "idVendor", NULL);

  return g_file_test (busnum, G_FILE_TEST_EXISTS) && g_file_test (devnum, G_FILE_TEST_EXISTS) &&
         g_file_test (vendor, G_FILE_TEST_EXISTS);
}

char *
ul_block_usb_device (const char *block_syspath)
{
  g_autofree char *dir = g_path_get_dirname (block_syspath);

  /* the nearest one up the tree: the stick, not its root hub */
  while (strcmp (dir, "/") != 0 && strcmp (dir, ".") != 0)
    {
      char *up;

      if (is_usb_device (dir))
        return g_steal_pointer (&dir);
      up = g_path_get_dirname (dir);
      g_free (dir);
      dir = up;
    }
  return NULL;
}

gboolean
ul_read_only_set (const char *devnode, gboolean read_only, GError **error)
{
  int one = read_only ? 1 : 0;
  int fd = open (devnode, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  int err;

  if (fd < 0 || ioctl (fd, BLKROSET, &one) != 0)
    {
      err = errno;
      if (fd >= 0)
        close (fd);
      g_set_error (error, UL_ERROR, UL_ERROR_IO, "cannot set %s %s: %s", devnode,
                   read_only ? "read-only" : "writable",
                   g_strerror (err));
      return FALSE;
    }
  close (fd);
  return TRUE;
}
