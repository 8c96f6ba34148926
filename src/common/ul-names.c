/* ul-names.c: see ul-names.h */
#include "ul-names.h"

const char *
ul_name_of (const char *const *names, guint n_names, guint value)
{
  return value < n_names ? names[value] : "unknown";
}

gboolean
ul_name_lookup (const char *const *names, guint n_names, const char *s, guint *value)
{
  for (guint i = 0; i < n_names; i++)
    if (g_strcmp0 (s, names[i]) == 0)
      {
        *value = i;
        return TRUE;
      }
  return FALSE;
}
