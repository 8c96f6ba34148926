/* ul-manifest.c */
#include "ul-manifest.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ul-error.h"

UlManifest *
ul_manifest_new (void)
{
  return g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
}

static void
add (UlManifest *m, const char *path, const struct stat *st)
{
  UlManifestEntry *e = g_new0 (UlManifestEntry, 1);

  e->dir = S_ISDIR (st->st_mode);
  e->size = e->dir ? 0 : st->st_size;
  e->mtime_ns = (gint64) st->st_mtim.tv_sec * 1000000000 + st->st_mtim.tv_nsec;
  g_hash_table_replace (m, g_strdup (path), e);
}

/* depth-first with an explicit stack of open folders: no recursion limit */
typedef struct {
  DIR *dir;
  char *prefix;           /* "" or "a/b/" */
} Frame;

UlManifest *
ul_manifest_walk (const char *root, guint *n_errors, GError **error)
{
  g_autoptr(GHashTable) m = ul_manifest_new ();
  g_autoptr(GArray) stack = g_array_new (FALSE, FALSE, sizeof (Frame));
  struct stat root_st;
  int fd;
  DIR *dir;

  *n_errors = 0;
  fd = open (root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0 || fstat (fd, &root_st) != 0 || (dir = fdopendir (fd)) == NULL)
    {
      int err = errno;

      if (fd >= 0)
        close (fd);
      g_set_error (error, UL_ERROR, UL_ERROR_IO, "cannot read %s: %s", root, g_strerror (err));
      return NULL;
    }
  g_array_append_val (stack, ((Frame){ dir, g_strdup ("") }));

  while (stack->len > 0)
    {
      Frame *top = &g_array_index (stack, Frame, stack->len - 1);
      struct dirent *de;
      struct stat st, sub_st;
      g_autofree char *path = NULL;
      int sub;

      errno = 0;
      de = readdir (top->dir);
      if (de == NULL)
        {
          if (errno != 0)
            (*n_errors)++;
          closedir (top->dir);
          g_free (top->prefix);
          g_array_set_size (stack, stack->len - 1);
          continue;
        }
      if (strcmp (de->d_name, ".") == 0 || strcmp (de->d_name, "..") == 0)
        continue;
      if (fstatat (dirfd (top->dir), de->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0)
        {
          (*n_errors)++;
          continue;
        }
      path = g_strconcat (top->prefix, de->d_name, NULL);
      add (m, path, &st);
      if (!S_ISDIR (st.st_mode) || st.st_dev != root_st.st_dev)
        continue;
      sub = openat (dirfd (top->dir), de->d_name,
                    O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
      /* the folder opened must be the one looked at: swapped meanwhile for
       * a mount point or another folder, it is not walked */
      if (sub >= 0 && (fstat (sub, &sub_st) != 0 || sub_st.st_dev != st.st_dev ||
                       sub_st.st_ino != st.st_ino))
        {
          close (sub);
          sub = -1;
        }
      if (sub < 0 || (dir = fdopendir (sub)) == NULL)
        {
          if (sub >= 0)
            close (sub);
          (*n_errors)++;
          continue;
        }
      g_array_append_val (stack, ((Frame){ dir, g_strconcat (path, "/", NULL) }));
    }
  return g_steal_pointer (&m);
}

static gint
compare_str (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

static GPtrArray *
sorted_keys (UlManifest *m)
{
  GPtrArray *keys = g_ptr_array_new ();
  GHashTableIter iter;
  gpointer key;

  g_hash_table_iter_init (&iter, m);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    g_ptr_array_add (keys, key);
  g_ptr_array_sort (keys, compare_str);
  return keys;
}

GBytes *
ul_manifest_serialize (UlManifest *m)
{
  g_autoptr(GPtrArray) keys = sorted_keys (m);
  GString *out = g_string_new (NULL);

  for (guint i = 0; i < keys->len; i++)
    {
      const char *path = g_ptr_array_index (keys, i);
      const UlManifestEntry *e = g_hash_table_lookup (m, path);

      g_string_append_printf (out, "%c\t%" G_GINT64_FORMAT "\t%" G_GINT64_FORMAT "\t%s",
                              e->dir ? 'D' : 'F', e->size, e->mtime_ns, path);
      g_string_append_c (out, '\0');
    }
  return g_string_free_to_bytes (out);
}

UlManifest *
ul_manifest_parse (const guint8 *data, gsize len, GError **error)
{
  g_autoptr(GHashTable) m = ul_manifest_new ();
  gsize pos = 0;

  while (pos < len)
    {
      const guint8 *end = memchr (data + pos, '\0', len - pos);
      g_autofree char *rec = NULL;
      g_auto(GStrv) f = NULL;
      UlManifestEntry *e;
      char *tail1, *tail2;

      if (end == NULL)
        {
          g_set_error (error, UL_ERROR, UL_ERROR_MALFORMED, "manifest: unterminated record");
          return NULL;
        }
      rec = g_strndup ((const char *) data + pos, (gsize) (end - (data + pos)));
      pos = (gsize) (end - data) + 1;
      f = g_strsplit (rec, "\t", 4);
      if (g_strv_length (f) != 4 || (strcmp (f[0], "D") != 0 && strcmp (f[0], "F") != 0) ||
          f[3][0] == '\0')
        {
          g_set_error (error, UL_ERROR, UL_ERROR_MALFORMED, "manifest: bad record");
          return NULL;
        }
      e = g_new0 (UlManifestEntry, 1);
      e->dir = f[0][0] == 'D';
      e->size = g_ascii_strtoll (f[1], &tail1, 10);
      e->mtime_ns = g_ascii_strtoll (f[2], &tail2, 10);
      if (*tail1 != '\0' || *tail2 != '\0')
        {
          g_free (e);
          g_set_error (error, UL_ERROR, UL_ERROR_MALFORMED, "manifest: bad number");
          return NULL;
        }
      g_hash_table_replace (m, g_strdup (f[3]), e);
    }
  return g_steal_pointer (&m);
}

void
ul_manifest_diff (UlManifest *before, UlManifest *after, UlManifestDiffFunc func,
                  gpointer user_data)
{
  g_autoptr(GPtrArray) keys = sorted_keys (after);
  g_autoptr(GPtrArray) old_keys = sorted_keys (before);

  for (guint i = 0; i < keys->len; i++)
    {
      const char *path = g_ptr_array_index (keys, i);
      const UlManifestEntry *now = g_hash_table_lookup (after, path);
      const UlManifestEntry *was = g_hash_table_lookup (before, path);

      if (was == NULL)
        func (path, UL_MANIFEST_ADDED, now, user_data);
      else if (!now->dir && (was->dir || was->size != now->size ||
                             was->mtime_ns != now->mtime_ns))
        func (path, UL_MANIFEST_MODIFIED, now, user_data);
    }
  for (guint i = 0; i < old_keys->len; i++)
    {
      const char *path = g_ptr_array_index (old_keys, i);

      if (!g_hash_table_contains (after, path))
        func (path, UL_MANIFEST_DELETED, NULL, user_data);
    }
}
