/* usbledgerctl media: the inventory of registered media */
#include "ctl-common.h"

int
ctl_media (CtlContext *ctx, int argc, char **argv)
{
  GOptionEntry entries[] = { { NULL } };
  g_autoptr(GVariant) list = NULL;
  int code;
  GVariantIter iter;
  GVariant *m;

  if (!ctl_parse ("", _("List registered media."), entries, &argc, &argv))
    return 2;
  list = ctl_call_list (ctx, "ListMedia", NULL, &code);
  if (list == NULL)
    return code;
  g_variant_iter_init (&iter, list);
  while ((m = g_variant_iter_next_value (&iter)) != NULL)
    {
      ctl_print_medium (m);
      g_variant_unref (m);
    }
  return 0;
}
