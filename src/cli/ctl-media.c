/* usbledgerctl media: the inventory of registered media */
#include "ctl-common.h"

int
ctl_media (CtlContext *ctx, int argc, char **argv)
{
  GOptionEntry entries[] = { { NULL } };
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GVariant) list = NULL;
  GVariantIter iter;
  GVariant *m;

  if (!ctl_parse ("", _("List registered media."), entries, &argc, &argv))
    return 2;
  reply = ctl_call (ctx, "ListMedia", NULL, G_VARIANT_TYPE ("(aa{sv})"));
  if (reply == NULL)
    return 1;
  list = g_variant_get_child_value (reply, 0);
  if (ctx->json)
    {
      ctl_print_json (list);
      return 0;
    }
  g_variant_iter_init (&iter, list);
  while ((m = g_variant_iter_next_value (&iter)) != NULL)
    {
      ctl_print_medium (m);
      g_variant_unref (m);
    }
  return 0;
}
