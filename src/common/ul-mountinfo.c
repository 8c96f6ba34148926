/* ul-mountinfo.c: parsing /proc/self/mountinfo (proc(5)): one mount a line,
 * "ID PARENT MAJ:MIN ROOT MOUNTPOINT OPTIONS [OPTIONAL...] - FSTYPE SOURCE
 * SUPEROPTIONS", paths with space, tab, newline and backslash escaped as
 * \ooo octal */
#include "ul-mountinfo.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "ul-error.h"

void
ul_mount_free (UlMount *m)
{
  if (m == NULL)
    return;
  g_free (m->root);
  g_free (m->mount_point);
  g_free (m->fstype);
  g_free (m->source);
  g_free (m);
}

static char *
unescape (const char *s)
{
  GString *out = g_string_sized_new (strlen (s));

  for (const char *p = s; *p; p++)
    {
      if (p[0] == '\\' && p[1] >= '0' && p[1] <= '3' && p[2] >= '0' && p[2] <= '7' &&
          p[3] >= '0' && p[3] <= '7')
        {
          char c = (char) (((p[1] - '0') << 6) | ((p[2] - '0') << 3) | (p[3] - '0'));

          if (c != '\0')
            g_string_append_c (out, c);
          p += 3;
        }
      else
        g_string_append_c (out, *p);
    }
  return g_string_free (out, FALSE);
}

static UlMount *
parse_line (const char *line)
{
  g_auto(GStrv) f = g_strsplit (line, " ", -1);
  guint n = g_strv_length (f);
  guint sep;
  unsigned maj, min;
  UlMount *m;
  char *end;

  if (n < 10)
    return NULL;
  for (sep = 6; sep < n && g_strcmp0 (f[sep], "-") != 0; sep++)
    ;
  if (sep + 2 >= n || sscanf (f[2], "%u:%u", &maj, &min) != 2)
    return NULL;
  m = g_new0 (UlMount, 1);
  m->mount_id = (int) strtol (f[0], &end, 10);
  m->dev = makedev (maj, min);
  m->root = unescape (f[3]);
  m->mount_point = unescape (f[4]);
  m->fstype = unescape (f[sep + 1]);
  m->source = unescape (f[sep + 2]);
  return m;
}

GPtrArray *
ul_mountinfo_parse (const char *text)
{
  GPtrArray *out = g_ptr_array_new_with_free_func ((GDestroyNotify) ul_mount_free);
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);

  for (guint i = 0; lines[i] != NULL; i++)
    {
      UlMount *m = lines[i][0] ? parse_line (lines[i]) : NULL;

      if (m != NULL)
        g_ptr_array_add (out, m);
    }
  return out;
}

GPtrArray *
ul_mountinfo_read (const char *path, GError **error)
{
  g_autofree char *text = NULL;
  g_autoptr(GError) local = NULL;

  /* procfs reports size 0: g_file_get_contents reads until EOF */
  if (!g_file_get_contents (path, &text, NULL, &local))
    {
      g_set_error (error, UL_ERROR, UL_ERROR_IO, "cannot read %s: %s", path, local->message);
      return NULL;
    }
  return ul_mountinfo_parse (text);
}

dev_t
ul_mount_block_device (const UlMount *m)
{
  /* a filesystem on a block device reports that device (also fuseblk:
   * exfat-fuse, ntfs-3g); one with an anonymous device (major 0: tmpfs, a
   * user's FUSE mount) names whatever source it likes, and is never taken
   * for the medium's */
  return major (m->dev) != 0 ? m->dev : 0;
}

gboolean
ul_block_device_under (dev_t dev, const char *syspath)
{
  g_autofree char *link = NULL;
  g_autofree char *real = NULL;
  size_t n = strlen (syspath);

  if (dev == 0)
    return FALSE;
  link = g_strdup_printf ("/sys/dev/block/%u:%u", major (dev), minor (dev));
  real = realpath (link, NULL);
  /* beneath it, or itself (a card without partitions, mounted whole) */
  return real != NULL && strncmp (real, syspath, n) == 0 && (real[n] == '/' || real[n] == '\0');
}
