/* ul-sysfs-attr.c: every read goes through openat() on a directory handle,
 * so a caller that opened a device directory once keeps reading that same
 * device even if the path is reused by another one meanwhile */
#include "ul-sysfs-attr.h"
#include "ul-error.h"

#include <errno.h>
#include <fcntl.h>
#include <gio/gio.h>
#include <string.h>
#include <unistd.h>

GBytes *
ul_sysfs_read_attr (int dirfd, const char *name, gboolean strip_newline,
                    GError **error)
{
  g_autofree guint8 *buf = NULL;
  gsize len = 0;
  int fd;

  do
    fd = openat (dirfd, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  while (fd < 0 && errno == EINTR);
  if (fd < 0)
    {
      int err = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (err),
                   "cannot open attribute %s: %s", name, g_strerror (err));
      return NULL;
    }

  buf = g_malloc (UL_SYSFS_ATTR_MAX + 1);
  for (;;)
    {
      ssize_t n = read (fd, buf + len, UL_SYSFS_ATTR_MAX + 1 - len);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          int err = errno;

          close (fd);
          g_set_error (error, G_IO_ERROR, g_io_error_from_errno (err),
                       "cannot read attribute %s: %s", name, g_strerror (err));
          return NULL;
        }
      if (n == 0)
        break;
      len += (gsize) n;
      if (len > UL_SYSFS_ATTR_MAX)
        {
          close (fd);
          g_set_error (error, UL_ERROR, UL_ERROR_MALFORMED,
                       "attribute %s is larger than %d bytes", name, UL_SYSFS_ATTR_MAX);
          return NULL;
        }
    }
  close (fd);

  if (strip_newline && len > 0 && buf[len - 1] == '\n')
    len--;
  return g_bytes_new (buf, len);
}

static char *
read_attr_string (int dirfd, const char *name, GError **error)
{
  g_autoptr(GBytes) b = ul_sysfs_read_attr (dirfd, name, TRUE, error);
  gsize len;
  const char *data;

  if (b == NULL)
    return NULL;
  data = g_bytes_get_data (b, &len);
  if (len == 0 || len > 32 || memchr (data, '\0', len) != NULL)
    {
      g_set_error (error, UL_ERROR, UL_ERROR_MALFORMED,
                   "attribute %s is not a number", name);
      return NULL;
    }
  return g_strndup (data, len);
}

gboolean
ul_sysfs_read_hex16 (int dirfd, const char *name, guint16 *out, GError **error)
{
  g_autofree char *s = read_attr_string (dirfd, name, error);
  guint64 v = 0;

  if (s == NULL)
    return FALSE;
  if (!g_ascii_string_to_unsigned (s, 16, 0, G_MAXUINT16, &v, NULL))
    {
      g_set_error (error, UL_ERROR, UL_ERROR_MALFORMED,
                   "attribute %s is not a 16-bit hex number", name);
      return FALSE;
    }
  *out = (guint16) v;
  return TRUE;
}

gboolean
ul_sysfs_read_uint (int dirfd, const char *name, guint *out, GError **error)
{
  g_autofree char *s = read_attr_string (dirfd, name, error);
  guint64 v = 0;

  if (s == NULL)
    return FALSE;
  if (!g_ascii_string_to_unsigned (s, 10, 0, G_MAXUINT, &v, NULL))
    {
      g_set_error (error, UL_ERROR, UL_ERROR_MALFORMED,
                   "attribute %s is not a number", name);
      return FALSE;
    }
  *out = (guint) v;
  return TRUE;
}

gboolean
ul_sysfs_write_attr (int dirfd, const char *name, const char *value, GError **error)
{
  size_t len = strlen (value);
  ssize_t n;
  int fd;

  do
    /* O_TRUNC means nothing to sysfs, and makes plain files (tests) behave alike */
    fd = openat (dirfd, name, O_WRONLY | O_TRUNC | O_CLOEXEC | O_NOFOLLOW);
  while (fd < 0 && errno == EINTR);
  if (fd < 0)
    {
      int err = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (err),
                   "cannot open %s for writing: %s", name, g_strerror (err));
      return FALSE;
    }
  do
    n = write (fd, value, len);
  while (n < 0 && errno == EINTR);
  if (n < 0 || (size_t) n != len)
    {
      int err = n < 0 ? errno : EIO;

      close (fd);
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (err),
                   "cannot write %s: %s", name, g_strerror (err));
      return FALSE;
    }
  if (close (fd) < 0 && errno != EINTR)
    {
      int err = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (err),
                   "cannot write %s: %s", name, g_strerror (err));
      return FALSE;
    }
  return TRUE;
}
