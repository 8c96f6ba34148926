/* ul-card-mark.c: see ul-card-mark.h */
#include "ul-card-mark.h"

#include "ul-error.h"
#include "ul-runtime-mark.h"

gboolean
ul_card_mark_set (const char *runtime_dir, guint64 diskseq, const char *state, GError **error)
{
  g_autofree char *name = g_strdup_printf ("%" G_GUINT64_FORMAT, diskseq);
  g_autofree char *contents = state ? g_strconcat (state, "\n", NULL) : NULL;

  if (diskseq == 0)
    {
      g_set_error (error, UL_ERROR, UL_ERROR_INVALID_ARGUMENT,
                   "the kernel does not number this disk's media (no diskseq)");
      return FALSE;
    }
  return ul_runtime_mark_set (runtime_dir, "cards", name, contents, error);
}

char *
ul_card_mark_get (const char *runtime_dir, guint64 diskseq)
{
  g_autofree char *name = g_strdup_printf ("%" G_GUINT64_FORMAT, diskseq);
  g_autofree char *mark = diskseq != 0 ? ul_runtime_mark_get (runtime_dir, "cards", name)
                                       : NULL;

  if (mark == NULL)
    return NULL;
  g_strstrip (mark);
  /* only an exact "read-write" lets a card be written */
  if (g_strcmp0 (mark, UL_CARD_READ_WRITE) == 0)
    return g_strdup (UL_CARD_READ_WRITE);
  return g_strdup (UL_CARD_READ_ONLY);
}
