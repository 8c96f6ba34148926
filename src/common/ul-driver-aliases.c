/* ul-driver-aliases.c: see ul-driver-aliases.h. We match the modalias the
 * kernel would give each interface (built from the raw descriptors, since an
 * unauthorized device has no interfaces in sysfs yet) against the alias
 * patterns with fnmatch(3), as kmod does. Only the storage drivers' lines
 * are kept: a few hundred patterns. */
#include "ul-driver-aliases.h"

#include <fnmatch.h>
#include <string.h>
#include <sys/utsname.h>

#include "ul-error.h"

typedef struct {
  char *pattern;
  char *driver;
} Alias;

struct _UlDriverAliases {
  GArray *aliases;   /* Alias */
};

/* the kernel's drivers that make a USB interface a disk or a card reader */
static const char *const storage_drivers[] = { "usb_storage", "uas", "rtsx_usb", "ushc",
                                               "vub300" };

/* compares with '-' and '_' alike, as module names do */
static gboolean
same_module (const char *a, const char *b, gsize n)
{
  for (gsize i = 0; i < n; i++)
    {
      char x = a[i] == '-' ? '_' : a[i];
      char y = b[i] == '-' ? '_' : b[i];

      if (x != y || x == '\0')
        return x == y;
    }
  return TRUE;
}

gboolean
ul_driver_is_storage (const char *driver)
{
  if (same_module (driver, "ums_", 4))   /* usb-storage's sub-drivers */
    return TRUE;
  for (guint i = 0; i < G_N_ELEMENTS (storage_drivers); i++)
    if (same_module (driver, storage_drivers[i], strlen (storage_drivers[i]) + 1))
      return TRUE;
  return FALSE;
}

static void
alias_clear (gpointer data)
{
  Alias *a = data;

  g_free (a->pattern);
  g_free (a->driver);
}

static UlDriverAliases *
aliases_new (void)
{
  UlDriverAliases *self = g_new0 (UlDriverAliases, 1);

  self->aliases = g_array_new (FALSE, FALSE, sizeof (Alias));
  g_array_set_clear_func (self->aliases, alias_clear);
  return self;
}

/* "alias usb:v04B8p0602d0110dc*dsc*dp*ic*isc*ip*in* usb_storage"; the file
 * has some 25,000 lines, read at every plug-in by the udev helper: only the
 * few hundred of USB storage drivers are copied */
static void
add_from_data (UlDriverAliases *self, const char *data)
{
  static const char prefix[] = "alias usb:";
  const char *line = data;

  while (line != NULL && *line != '\0')
    {
      const char *end = strchr (line, '\n');
      gsize len = end ? (gsize) (end - line) : strlen (line);

      const char *space = len > 0 ? memrchr (line, ' ', len) : NULL;
      char module[64];
      gsize mlen = space ? (gsize) (line + len - space - 1) : 0;

      /* the module name is the last word: look at it before copying anything */
      if (len > sizeof prefix - 1 && strncmp (line, prefix, sizeof prefix - 1) == 0 &&
          mlen > 0 && mlen < sizeof module &&
          (memcpy (module, space + 1, mlen), module[mlen] = '\0', ul_driver_is_storage (module)))
        {
          g_autofree char *copy = g_strndup (line, len);
          g_auto(GStrv) words = g_strsplit_set (copy, " \t", -1);
          Alias a;

          if (g_strv_length (words) == 3 && ul_driver_is_storage (words[2]))
            {
              a.pattern = g_strdup (words[1]);
              a.driver = g_strdelimit (g_strdup (words[2]), "-", '_');
              g_array_append_val (self->aliases, a);
            }
        }
      line = end ? end + 1 : NULL;
    }
}

UlDriverAliases *
ul_driver_aliases_new_from_data (const char *data)
{
  UlDriverAliases *self = aliases_new ();

  add_from_data (self, data);
  return self;
}

char *
ul_driver_aliases_default_dir (void)
{
  struct utsname u;

  if (uname (&u) != 0)
    return g_strdup ("/lib/modules");
  return g_build_filename ("/lib/modules", u.release, NULL);
}

UlDriverAliases *
ul_driver_aliases_load (const char *modules_dir, GError **error)
{
  g_autoptr(UlDriverAliases) self = aliases_new ();
  g_autofree char *path = g_build_filename (modules_dir, "modules.alias", NULL);
  g_autofree char *builtin = g_build_filename (modules_dir, "modules.builtin.alias", NULL);
  g_autofree char *data = NULL;
  g_autofree char *builtin_data = NULL;
  g_autoptr(GError) local = NULL;

  if (!g_file_get_contents (path, &data, NULL, &local))
    {
      g_set_error (error, UL_ERROR, UL_ERROR_IO,
                   "cannot read the kernel's module aliases: %s", local->message);
      return NULL;
    }
  add_from_data (self, data);
  /* drivers built into the kernel (absent on Debian, where all are modules) */
  if (g_file_get_contents (builtin, &builtin_data, NULL, NULL))
    add_from_data (self, builtin_data);
  return g_steal_pointer (&self);
}

void
ul_driver_aliases_free (UlDriverAliases *aliases)
{
  if (aliases == NULL)
    return;
  g_array_unref (aliases->aliases);
  g_free (aliases);
}

guint
ul_driver_aliases_count (const UlDriverAliases *aliases)
{
  return aliases->aliases->len;
}

const char *
ul_driver_aliases_match (const UlDriverAliases *aliases, const UlDescriptors *desc,
                         char **matched_modalias)
{
  for (guint i = 0; i < desc->interfaces->len; i++)
    {
      const UlInterfaceDesc *iface = &g_array_index (desc->interfaces, UlInterfaceDesc, i);
      g_autofree char *modalias = ul_descriptors_modalias (desc, iface);

      for (guint j = 0; j < aliases->aliases->len; j++)
        {
          const Alias *a = &g_array_index (aliases->aliases, Alias, j);

          if (fnmatch (a->pattern, modalias, 0) == 0)
            {
              if (matched_modalias != NULL)
                *matched_modalias = g_steal_pointer (&modalias);
              return a->driver;
            }
        }
    }
  return NULL;
}
