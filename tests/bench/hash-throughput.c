/* hash-throughput: the daemon's hashing path (ul_file_hash_at, the function
 * the hasher thread runs) over the files given, timed; prints bytes and
 * seconds, and each file's hash so the script can check them against
 * sha256sum's. */
#include <fcntl.h>
#include <stdio.h>

#include "ul-file-hash.h"

int
main (int argc, char **argv)
{
  gint64 total = 0;
  gint64 start = g_get_monotonic_time ();
  g_autoptr(GString) sums = g_string_new (NULL);

  for (int i = 1; i < argc; i++)
    {
      g_autofree char *sha = NULL;
      gint64 size = 0;

      if (ul_file_hash_at (AT_FDCWD, argv[i], &size, &sha) != UL_HASH_OK)
        {
          fprintf (stderr, "hash-throughput: cannot hash %s\n", argv[i]);
          return 1;
        }
      total += size;
      g_string_append_printf (sums, "%s  %s\n", sha, argv[i]);
    }
  printf ("%" G_GINT64_FORMAT " bytes in %.3f s\n%s", total,
          (g_get_monotonic_time () - start) / 1e6, sums->str);
  return 0;
}
