/* usbledgerctl register: register a medium directly (without a request) */
#include "ctl-common.h"

int
ctl_register (CtlContext *ctx, int argc, char **argv)
{
  CtlRegistration reg = { 0 };
  char *device = NULL;
  g_autoptr(GArray) entries = g_array_new (TRUE, TRUE, sizeof (GOptionEntry));
  GOptionEntry dev_entry = { "device", 'd', 0, G_OPTION_ARG_STRING, &device,
                             N_("Kernel name of the plugged-in device, as in 'devices'"),
                             "NAME" };
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) medium = NULL;
  g_autoptr(GVariant) options = NULL;
  GVariantBuilder dict;
  UlBusManager1 *m;
  gboolean ok;
  int code;

  g_array_append_val (entries, dev_entry);
  ctl_registration_add_entries (entries, &reg);
  if (!ctl_parse ("", _("Register a plugged-in storage device as a medium."),
                  (GOptionEntry *) entries->data, &argc, &argv))
    {
      ctl_registration_clear (&reg);
      g_free (device);
      return 2;
    }
  if (device == NULL || argc != 1)
    {
      g_printerr (_("usbledgerctl: register needs --device NAME (see 'usbledgerctl devices')\n"));
      ctl_registration_clear (&reg);
      g_free (device);
      return 2;
    }
  g_variant_builder_init (&dict, G_VARIANT_TYPE_VARDICT);
  g_variant_builder_add (&dict, "{sv}", "device", g_variant_new_string (device));
  g_free (device);
  if (!ctl_registration_build (&reg, &dict))
    {
      g_variant_builder_clear (&dict);
      ctl_registration_clear (&reg);
      return 2;
    }
  options = g_variant_ref_sink (g_variant_builder_end (&dict));
  ok = (m = ctl_manager (ctx, &error)) != NULL &&
       ul_bus_manager1_call_register_medium_sync (m, options, UL_CLIENT_CALL_FLAGS,
                                                  UL_CLIENT_TIMEOUT_MS, &medium, NULL, &error);
  code = ctl_show_medium (ctx, ok, medium, error);
  ctl_registration_clear (&reg);
  return code;
}
