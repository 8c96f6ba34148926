/* ul-erase-open.c: opening a medium for the erase engine; apart from
 * ul-erase.c so that usbledgerd opens and checks the device without
 * libcrypto (the engine runs in the usbledger-crypto module) */
#include "ul-erase.h"
#include "ul-error.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

int
ul_erase_open (const char *path, gboolean write, GError **error)
{
  int flags = (write ? O_RDWR : O_RDONLY) | O_CLOEXEC;
  int fd;

  /* O_EXCL on a block device: refused while mounted or held by anyone */
  fd = open (path, flags | O_DIRECT | O_EXCL);
  if (fd < 0 && errno == EINVAL)   /* a filesystem without O_DIRECT (tests) */
    fd = open (path, flags | O_EXCL);
  if (fd < 0)
    {
      int err = errno;

      g_set_error (error, UL_ERROR, err == EBUSY ? UL_ERROR_BAD_STATE : UL_ERROR_IO,
                   "cannot open %s%s: %s", path,
                   err == EBUSY ? " (mounted or in use)" : "", g_strerror (err));
      return -1;
    }
  return fd;
}

/* the size of the open medium; FALSE with @error when it is neither a block
 * device nor a file, or empty */
gboolean
ul_erase_medium_size (int fd, const char *label, guint64 *size, GError **error)
{
  struct stat st;

  if (fstat (fd, &st) != 0)
    {
      g_set_error (error, UL_ERROR, UL_ERROR_IO, "cannot read %s: %s", label, g_strerror (errno));
      return FALSE;
    }
  if (S_ISBLK (st.st_mode))
    {
      /* the ioctl, else the end of the device as lseek finds it */
      if (ioctl (fd, BLKGETSIZE64, size) != 0)
        {
          off_t end = lseek (fd, 0, SEEK_END);

          if (end <= 0)
            {
              g_set_error (error, UL_ERROR, UL_ERROR_IO, "cannot read the size of %s: %s",
                           label, g_strerror (errno));
              return FALSE;
            }
          *size = (guint64) end;
        }
    }
  else if (S_ISREG (st.st_mode))
    *size = (guint64) st.st_size;
  else
    {
      g_set_error (error, UL_ERROR, UL_ERROR_INVALID_ARGUMENT,
                   "%s is neither a block device nor a file", label);
      return FALSE;
    }
  if (*size == 0)
    {
      g_set_error (error, UL_ERROR, UL_ERROR_INVALID_ARGUMENT, "%s is empty", label);
      return FALSE;
    }
  return TRUE;
}
