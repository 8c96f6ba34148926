/* usbledgerctl approve: register a request's device as a medium */
#include "ctl-common.h"

int
ctl_approve (CtlContext *ctx, int argc, char **argv)
{
  CtlRegistration reg = { 0 };
  g_autoptr(GArray) entries = g_array_new (TRUE, TRUE, sizeof (GOptionEntry));
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) medium = NULL;
  g_autoptr(GVariant) options = NULL;
  GVariantBuilder dict;
  UlBusManager1 *m;
  gboolean ok;
  gint64 id;
  int code;

  ctl_registration_add_entries (entries, &reg);
  if (!ctl_parse (_("REQUEST-ID"),
                  _("Approve a request: the device becomes a registered medium and, if it is "
                    "plugged in, is let through at once."),
                  (GOptionEntry *) entries->data, &argc, &argv))
    {
      ctl_registration_clear (&reg);
      return 2;
    }
  if (argc != 2 || !g_ascii_string_to_signed (argv[1], 10, 1, G_MAXINT64, &id, NULL))
    {
      g_printerr (_("usbledgerctl: approve needs one request number\n"));
      ctl_registration_clear (&reg);
      return 2;
    }
  g_variant_builder_init (&dict, G_VARIANT_TYPE_VARDICT);
  if (!ctl_registration_build (&reg, &dict))
    {
      g_variant_builder_clear (&dict);
      ctl_registration_clear (&reg);
      return 2;
    }
  options = g_variant_ref_sink (g_variant_builder_end (&dict));
  ok = (m = ctl_manager (ctx, &error)) != NULL &&
       ul_bus_manager1_call_approve_request_sync (m, id, options, UL_CLIENT_CALL_FLAGS,
                                                  UL_CLIENT_TIMEOUT_MS, &medium, NULL, &error);
  code = ctl_show_medium (ctx, ok, medium, error);
  ctl_registration_clear (&reg);
  return code;
}
