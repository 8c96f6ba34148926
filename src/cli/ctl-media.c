/* usbledgerctl media: the inventory of registered media */
#include "ctl-common.h"

int
ctl_media (CtlContext *ctx, int argc, char **argv)
{
  GOptionEntry entries[] = { { NULL } };
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GVariant) list = NULL;
  UlBusManager1 *manager;
  gboolean ok;
  int code;
  GVariantIter iter;
  GVariant *m;

  if (!ctl_parse ("", _("List registered media."), entries, &argc, &argv))
    return 2;
  ok = (manager = ctl_manager (ctx, &error)) != NULL &&
       ul_bus_manager1_call_list_media_sync (manager, UL_CLIENT_CALL_FLAGS, UL_CLIENT_TIMEOUT_MS,
                                             &reply, NULL, &error);
  list = ctl_list_for_people (ctx, ok, reply, error, &code);
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
