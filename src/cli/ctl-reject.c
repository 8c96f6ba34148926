/* usbledgerctl reject: refuse a request */
#include "ctl-common.h"

int
ctl_reject (CtlContext *ctx, int argc, char **argv)
{
  g_autofree char *note = NULL;
  GOptionEntry entries[] = {
    { "note", 0, 0, G_OPTION_ARG_STRING, &note, N_("Why, for the logbook"), "TEXT" },
    { NULL }
  };
  g_autoptr(GError) error = NULL;
  UlBusManager1 *m;
  gint64 id;

  if (!ctl_parse (_("REQUEST-ID"), _("Reject a request."), entries, &argc, &argv))
    return 2;
  if (argc != 2 || !g_ascii_string_to_signed (argv[1], 10, 1, G_MAXINT64, &id, NULL))
    {
      g_printerr (_("usbledgerctl: reject needs one request number\n"));
      return 2;
    }
  if ((m = ctl_manager (ctx, &error)) == NULL ||
      !ul_bus_manager1_call_reject_request_sync (m, id, note ? note : "", UL_CLIENT_CALL_FLAGS,
                                                 UL_CLIENT_TIMEOUT_MS, NULL, &error))
    {
      ctl_print_call_error (error);
      return 1;
    }
  if (!ctx->json)
    g_print (_("request %" PRId64 " rejected\n"), id);
  return 0;
}
