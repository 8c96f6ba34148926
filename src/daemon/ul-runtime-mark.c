/* ul-runtime-mark.c: see ul-runtime-mark.h */
#include "ul-runtime-mark.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <string.h>

#include "ul-error.h"

gboolean
ul_runtime_mark_set (const char *runtime_dir, const char *folder, const char *name,
                     const char *contents, GError **error)
{
  g_autofree char *dir = g_build_filename (runtime_dir, folder, NULL);
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autoptr(GError) local = NULL;

  /* a kernel name is digits, dots and dashes: never a path */
  if (*name == '\0' || strchr (name, '/') != NULL || name[0] == '.')
    {
      g_set_error (error, UL_ERROR, UL_ERROR_INVALID_ARGUMENT, "bad device name %s", name);
      return FALSE;
    }
  if (contents == NULL)
    {
      /* no file or no folder: not marked */
      if (g_unlink (path) != 0 && errno != ENOENT && errno != ENOTDIR)
        {
          g_set_error (error, UL_ERROR, UL_ERROR_IO, "cannot remove %s: %s", path,
                       g_strerror (errno));
          return FALSE;
        }
      return TRUE;
    }
  if (g_mkdir_with_parents (dir, 0755) != 0)
    {
      g_set_error (error, UL_ERROR, UL_ERROR_IO, "cannot create %s: %s", dir,
                   g_strerror (errno));
      return FALSE;
    }
  if (!g_file_set_contents_full (path, contents, -1, G_FILE_SET_CONTENTS_CONSISTENT, 0644,
                                 &local))
    {
      g_set_error (error, UL_ERROR, UL_ERROR_IO, "cannot mark %s (%s): %s", name, folder,
                   local->message);
      return FALSE;
    }
  return TRUE;
}

char *
ul_runtime_mark_get (const char *runtime_dir, const char *folder, const char *name)
{
  g_autofree char *path = g_build_filename (runtime_dir, folder, name, NULL);
  char *contents = NULL;

  if (strchr (name, '/') != NULL || !g_file_get_contents (path, &contents, NULL, NULL))
    return NULL;
  return contents;
}
