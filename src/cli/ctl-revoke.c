/* usbledgerctl revoke: a medium may no longer be used; blocked at once */
#include "ctl-common.h"

int
ctl_revoke (CtlContext *ctx, int argc, char **argv)
{
  g_autofree char *reason = NULL;
  GOptionEntry entries[] = {
    { "reason", 'r', 0, G_OPTION_ARG_STRING, &reason, N_("Why, for the logbook"), "TEXT" },
    { NULL }
  };
  g_autoptr(GError) error = NULL;
  UlBusManager1 *m;

  if (!ctl_parse (_("ASSET-NUMBER"), _("Revoke a medium; if plugged in it is blocked at once."),
                  entries, &argc, &argv))
    return 2;
  if (argc != 2)
    {
      g_printerr (_("usbledgerctl: revoke needs one asset number\n"));
      return 2;
    }
  if ((m = ctl_manager (ctx, &error)) == NULL ||
      !ul_bus_manager1_call_revoke_medium_sync (m, argv[1], reason ? reason : "",
                                                UL_CLIENT_CALL_FLAGS, UL_CLIENT_TIMEOUT_MS, NULL,
                                                &error))
    {
      ctl_print_call_error (error);
      return 1;
    }
  if (!ctx->json)
    {
      g_autofree char *asset = ctl_escape (argv[1]);

      g_print (_("medium %s revoked\n"), asset);
    }
  return 0;
}
