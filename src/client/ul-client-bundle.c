/* ul-client-bundle.c: see ul-client-bundle.h */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n-lib.h>
#include <string.h>
#include <unistd.h>

#include "ul-client-bundle.h"
#include "ul-error.h"

gboolean
ul_client_copy_fd (int fd, const char *path, GError **error)
{
  int out = open (path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0644);
  char buf[65536];
  ssize_t n;

  if (out < 0)
    {
      g_set_error (error, UL_ERROR, UL_ERROR_IO, _("cannot write %s: %s"), path,
                   g_strerror (errno));
      return FALSE;
    }
  while ((n = read (fd, buf, sizeof buf)) > 0)
    if (write (out, buf, (size_t) n) != n)
      {
        n = -1;
        break;
      }
  if (n < 0 || fsync (out) != 0)
    {
      g_set_error (error, UL_ERROR, UL_ERROR_IO, _("cannot write %s: %s"), path,
                   g_strerror (errno));
      close (out);
      return FALSE;
    }
  close (out);
  return TRUE;
}

gboolean
ul_client_save_bundle (GVariant *files, GUnixFDList *fds, const char *folder,
                       GPtrArray *written, GError **error)
{
  GVariantIter iter;
  const char *name;
  gint32 index;

  if (g_mkdir_with_parents (folder, 0755) != 0)
    {
      g_set_error (error, UL_ERROR, UL_ERROR_IO, _("cannot make %s: %s"), folder,
                   g_strerror (errno));
      return FALSE;
    }
  g_variant_iter_init (&iter, files);
  while (g_variant_iter_next (&iter, "{&sh}", &name, &index))
    {
      g_autofree char *path = NULL;
      int fd;
      gboolean ok;

      /* the daemon names its files; never a path of its choosing */
      if (strchr (name, '/') != NULL || name[0] == '.')
        continue;
      fd = fds != NULL ? g_unix_fd_list_get (fds, index, error) : -1;
      if (fd < 0)
        {
          if (error != NULL && *error == NULL)
            g_set_error (error, UL_ERROR, UL_ERROR_IO, "no descriptor for %s", name);
          return FALSE;
        }
      path = g_build_filename (folder, name, NULL);
      ok = ul_client_copy_fd (fd, path, error);
      close (fd);
      if (!ok)
        return FALSE;
      if (written != NULL)
        g_ptr_array_add (written, g_steal_pointer (&path));
    }
  return TRUE;
}
