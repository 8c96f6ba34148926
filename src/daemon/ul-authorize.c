/* ul-authorize.c: the device directory is opened once and everything after
 * is relative to that handle, so a device that is unplugged and replaced by
 * another at the same path between the decision and the write is refused */
#include "ul-authorize.h"
#include "ul-error.h"
#include "ul-sysfs-attr.h"

#include <errno.h>
#include <fcntl.h>
#include <gio/gio.h>
#include <unistd.h>

gboolean
ul_authorize_device (const UlDevice *dev, gboolean authorize, GError **error)
{
  g_autoptr(GError) local = NULL;
  int dirfd = dev->dirfd;
  gboolean ok;

  if (dirfd < 0)
    {
      do
        dirfd = open (dev->syspath, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
      while (dirfd < 0 && errno == EINTR);
      if (dirfd < 0)
        {
          int err = errno;

          g_set_error (error, UL_ERROR, err == ENOENT ? UL_ERROR_DEVICE_CHANGED : UL_ERROR_IO,
                       "device %s: %s", dev->name,
                       err == ENOENT ? "unplugged before it could be decided" : g_strerror (err));
          return FALSE;
        }
    }
  ok = ul_device_check_unchanged (dev, dirfd, error) &&
       ul_sysfs_write_attr (dirfd, "authorized", authorize ? "1" : "0", &local);
  if (dirfd != dev->dirfd)
    close (dirfd);
  if (local != NULL)
    {
      /* ENODEV/ENOENT: gone meanwhile; EINVAL: the kernel refused the value */
      if (g_error_matches (local, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
        g_set_error (error, UL_ERROR, UL_ERROR_DEVICE_CHANGED,
                     "device %s was unplugged before it could be %s", dev->name,
                     authorize ? "authorized" : "blocked");
      else
        g_set_error (error, UL_ERROR, UL_ERROR_IO, "the kernel refused to %s %s: %s",
                     authorize ? "authorize" : "block", dev->name, local->message);
    }
  return ok;
}
