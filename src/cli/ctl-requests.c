/* usbledgerctl requests: blocked insertions waiting for a supervisor */
#include "ctl-common.h"
#include "ul-vocabulary.h"

int
ctl_requests (CtlContext *ctx, int argc, char **argv)
{
  g_autofree char *state = NULL;
  GOptionEntry entries[] = {
    { "state", 's', 0, G_OPTION_ARG_STRING, &state,
      N_("pending (default), approved, rejected or all"), "STATE" },
    { NULL }
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GVariant) list = NULL;
  UlBusManager1 *m;
  gboolean ok;
  int code;
  GVariantIter iter;
  GVariant *r;

  if (!ctl_parse ("", _("List requests to use a medium."), entries, &argc, &argv))
    return 2;
  if (state == NULL)
    state = g_strdup ("pending");
  ok = (m = ctl_manager (ctx, &error)) != NULL &&
       ul_bus_manager1_call_list_requests_sync (m, g_str_equal (state, "all") ? "" : state,
                                                UL_CLIENT_CALL_FLAGS, UL_CLIENT_TIMEOUT_MS, &reply,
                                                NULL, &error);
  list = ctl_list_for_people (ctx, ok, reply, error, &code);
  if (list == NULL)
    return code;
  g_variant_iter_init (&iter, list);
  while ((r = g_variant_iter_next_value (&iter)) != NULL)
    {
      g_autoptr(GVariant) rec = r;
      g_autofree char *serial = ctl_rec_bytes_escaped (rec, "serial");
      g_autofree char *product = ctl_rec_bytes_escaped (rec, "product");
      g_autofree char *manufacturer = ctl_rec_bytes_escaped (rec, "manufacturer");
      g_autofree char *created = ctl_rec_time (rec, "created-at");
      g_autofree char *requester = ctl_escape (ctl_rec_str (rec, "requester"));
      g_autofree char *reason = ctl_rec_reason (rec);
      g_autofree char *host = ctl_escape (ctl_rec_str (rec, "host"));

      g_autofree char *ids = ctl_rec_ids (rec);

      g_print (_("#%" PRId64 "  %s  %s  %s\n"), ctl_rec_int64 (rec, "id"),
               ul_vocabulary_label (UL_VOCAB_REQUEST_STATE, ctl_rec_str (rec, "state")), ids,
               created);
      g_print (_("  requester:    %s on %s\n"),
               ctl_rec_str (rec, "requester") ? requester : _("(no one logged in)"), host);
      g_print (_("  manufacturer: %s\n  product:      %s\n  serial:       %s\n"),
               manufacturer, product, serial);
      g_print (_("  reason:       %s\n"), reason);
      if (ctl_rec_str (rec, "suspicion") != NULL)
        {
          g_autofree char *why = ctl_escape (ctl_rec_str (rec, "suspicion"));

          g_print (_("  SUSPICIOUS:   %s (approve only with --override-suspicion)\n"), why);
        }
      if (ctl_rec_str (rec, "weak-serial") != NULL)
        {
          g_autofree char *why = ctl_escape (ctl_rec_str (rec, "weak-serial"));

          g_print (_("  weak serial:  %s (register only with --accept-weak-serial)\n"), why);
        }
      if (ctl_rec_str (rec, "decided-by") != NULL)
        {
          g_autofree char *by = ctl_escape (ctl_rec_str (rec, "decided-by"));
          g_autofree char *at = ctl_rec_time (rec, "decided-at");
          g_autofree char *note = ctl_escape (ctl_rec_str (rec, "decision-note"));

          g_print (_("  decided:      %s by %s %s\n"), at, by, note);
        }
    }
  return 0;
}
