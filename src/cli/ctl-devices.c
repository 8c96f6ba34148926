/* usbledgerctl devices: what is plugged in and what was decided */
#include "ctl-common.h"
#include "ul-vocabulary.h"

int
ctl_devices (CtlContext *ctx, int argc, char **argv)
{
  GOptionEntry entries[] = { { NULL } };
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GVariant) list = NULL;
  UlBusManager1 *m;
  gboolean ok;
  int code;
  GVariantIter iter;
  GVariant *d;

  if (!ctl_parse ("", _("List the USB devices present, with the decision and its reason."),
                  entries, &argc, &argv))
    return 2;
  ok = (m = ctl_manager (ctx, &error)) != NULL &&
       ul_bus_manager1_call_list_devices_sync (m, UL_CLIENT_CALL_FLAGS, UL_CLIENT_TIMEOUT_MS,
                                               &reply, NULL, &error);
  list = ctl_list_for_people (ctx, ok, reply, error, &code);
  if (list == NULL)
    return code;
  g_variant_iter_init (&iter, list);
  while ((d = g_variant_iter_next_value (&iter)) != NULL)
    {
      g_autoptr(GVariant) rec = d;
      g_autofree char *serial = ctl_rec_bytes_escaped (rec, "serial");
      g_autofree char *product = ctl_rec_bytes_escaped (rec, "product");
      g_autofree char *manufacturer = ctl_rec_bytes_escaped (rec, "manufacturer");
      g_autofree char *reason = ctl_rec_reason (rec);
      g_autofree char *user = ctl_escape (ctl_rec_str (rec, "seat-user"));
      g_autofree char *ids = ctl_rec_ids (rec);
      const char *decision = ctl_rec_str (rec, "decision");

      /* the decision's label in the person's language, and its code */
      g_print ("%-10s %s  %s (%s)  %s\n", ctl_rec_str (rec, "name"), ids,
               ul_vocabulary_label (UL_VOCAB_DECISION, decision), decision ? decision : "-",
               ctl_rec_bool (rec, "authorized") ? _("authorized") : _("blocked"));
      if (ctl_rec_str (rec, "card-volume") != NULL)
        {
          g_autofree char *volume = ctl_escape (ctl_rec_str (rec, "card-volume"));

          g_print (_("  card:         %s\n"), volume);
        }
      g_print (_("  manufacturer: %s\n  product:      %s\n  serial:       %s\n"),
               manufacturer, product, serial);
      g_print (_("  interfaces:   %s\n  reason:       %s\n"), ctl_rec_str (rec, "interfaces"),
               reason);
      if (ctl_rec_bool (rec, "storage"))
        g_print (_("  seat user:    %s\n"), ctl_rec_str (rec, "seat-user") ? user
                                                                       : _("(no one logged in)"));
      if (ctl_rec_int64 (rec, "request-id") != 0)
        g_print (_("  request:      %" PRId64 "\n"), ctl_rec_int64 (rec, "request-id"));
      if (ctl_rec_str (rec, "asset-number") != NULL)
        {
          g_autofree char *asset = ctl_escape (ctl_rec_str (rec, "asset-number"));

          g_print (_("  medium:       %s\n"), asset);
        }
    }
  return 0;
}
