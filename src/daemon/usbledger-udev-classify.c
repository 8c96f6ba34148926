/* usbledger-udev-classify: run by the udev rule for every new USB device,
 * before any client (including usbledgerd) hears of it. With the root hubs'
 * authorized_default at 0 every device arrives unauthorized; this helper
 * authorizes the harmless ones (keyboards, mice, hubs) at once, so they
 * work even while usbledgerd is down, and makes sure a storage device stays
 * unauthorized until usbledgerd decides. It uses the daemon's own
 * classification code and needs no database. */
#include "config.h"

#include <locale.h>

#include "ul-authorize.h"
#include "ul-policy.h"

int
main (int argc, char **argv)
{
  g_autoptr(GOptionContext) ctx = g_option_context_new ("SYSPATH - classify a USB device");
  g_autoptr(GError) error = NULL;
  g_autoptr(UlDevice) dev = NULL;
  g_autofree char *reason = NULL;
  gboolean apply = FALSE;
  UlPolicyInput in = { 0 };
  UlDecision d;
  GOptionEntry entries[] = {
    { "apply", 0, 0, G_OPTION_ARG_NONE, &apply,
      "Authorize harmless devices, keep storage devices unauthorized", NULL },
    { NULL }
  };

  setlocale (LC_ALL, "");
  g_option_context_add_main_entries (ctx, entries, NULL);
  if (!g_option_context_parse (ctx, &argc, &argv, &error) || argc != 2)
    {
      g_printerr ("usage: usbledger-udev-classify [--apply] SYSPATH\n");
      return 2;
    }
  dev = ul_device_new_from_syspath (argv[1], &error);
  if (dev == NULL)
    {
      g_printerr ("usbledger-udev-classify: %s\n", error->message);
      return 1;
    }
  /* without a registration a storage device is never allowed here */
  in.device = dev;
  in.now = g_get_real_time ();
  d = ul_policy_decide (&in, &reason);
  g_print ("%s %s\n", d == UL_DECISION_NOT_STORAGE ? "harmless" : "storage", reason);

  if (!apply)
    return 0;
  if (d == UL_DECISION_NOT_STORAGE && dev->authorized == 0)
    {
      if (!ul_authorize_device (dev, TRUE, &error))
        {
          g_printerr ("usbledger-udev-classify: %s\n", error->message);
          return 1;
        }
    }
  else if (d != UL_DECISION_NOT_STORAGE && dev->authorized != 0)
    {
      /* arrived authorized (authorized_default not yet 0): take it back
       * before a driver can be bound to it */
      if (!ul_authorize_device (dev, FALSE, &error))
        {
          g_printerr ("usbledger-udev-classify: %s\n", error->message);
          return 1;
        }
    }
  return 0;
}
