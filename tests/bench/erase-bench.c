/* erase-bench: runs the erase engine (ul_erase_device) on a device and
 * prints the outcome and the time, for tests/bench/erase-vs-dd.sh */
#include <stdio.h>
#include <string.h>

#include "ul-erase.h"

int
main (int argc, char **argv)
{
  UlEraseOptions opts = { UL_ERASE_ZEROS };
  UlEraseResult r;
  g_autoptr(GError) error = NULL;
  gint64 start;

  if (argc < 2)
    {
      fprintf (stderr, "usage: erase-bench DEVICE [zeros|random]\n");
      return 2;
    }
  if (argc > 2 && strcmp (argv[2], "random") == 0)
    ul_erase_options_init_random (&opts);
  start = g_get_monotonic_time ();
  if (!ul_erase_device (argv[1], &opts, NULL, NULL, NULL, &r, &error))
    {
      fprintf (stderr, "erase-bench: %s\n", error->message);
      return 1;
    }
  printf ("%.3f %s %" G_GUINT64_FORMAT " %" G_GUINT64_FORMAT " %s\n",
          (g_get_monotonic_time () - start) / 1e6, ul_erase_outcome_to_string (r.outcome),
          r.bytes_written, r.bytes_verified, r.direct_io ? "direct" : "cached");
  ul_erase_result_clear (&r);
  return r.outcome == UL_ERASE_OK ? 0 : 1;
}
