/* ul-allow-mark.c: see ul-allow-mark.h. A mark only keeps an authorized
 * device authorized; it never authorizes one. A device plugged in arrives
 * unauthorized (authorized_default=0) with a new device number, so a mark
 * left behind by a stopped daemon cannot let another device through. */
#include "ul-allow-mark.h"
#include "ul-runtime-mark.h"

#define FOLDER "allowed"

static char *
mark_contents (const UlDevice *dev)
{
  return g_strdup_printf ("%u %u %s\n", dev->busnum, dev->devnum, dev->descriptor_hash);
}

gboolean
ul_allow_mark_set (const char *runtime_dir, const UlDevice *dev, gboolean allowed,
                   GError **error)
{
  g_autofree char *contents = allowed ? mark_contents (dev) : NULL;

  return ul_runtime_mark_set (runtime_dir, FOLDER, dev->name, contents, error);
}

gboolean
ul_allow_mark_matches (const char *runtime_dir, const UlDevice *dev)
{
  g_autofree char *mark = ul_runtime_mark_get (runtime_dir, FOLDER, dev->name);
  g_autofree char *expected = mark_contents (dev);

  return mark != NULL && g_strcmp0 (mark, expected) == 0;
}
