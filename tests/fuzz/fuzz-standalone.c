/* runs a fuzz target over its corpus files, so the corpus is a normal test
 * also where libFuzzer is not available */
#include <glib.h>

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

int
main (int argc, char **argv)
{
  guint n = 0;

  for (int i = 1; i < argc; i++)
    {
      g_autoptr(GDir) dir = g_dir_open (argv[i], 0, NULL);
      const char *name;

      if (dir == NULL)
        {
          g_printerr ("cannot open corpus %s\n", argv[i]);
          return 1;
        }
      while ((name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *path = g_build_filename (argv[i], name, NULL);
          g_autofree char *data = NULL;
          gsize len = 0;

          if (!g_file_get_contents (path, &data, &len, NULL))
            return 1;
          LLVMFuzzerTestOneInput ((const guint8 *) data, len);
          n++;
        }
    }
  g_print ("%u corpus inputs ran\n", n);
  return n > 0 ? 0 : 1;
}
