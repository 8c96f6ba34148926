/* usbledgerctl sessions: who used which medium, when */
#include "ctl-common.h"

int
ctl_sessions (CtlContext *ctx, int argc, char **argv)
{
  GOptionEntry entries[] = { { NULL } };
  g_autoptr(GVariant) list = NULL;
  int code;
  GVariantIter iter;
  GVariant *s;

  if (!ctl_parse ("", _("List usage sessions."), entries, &argc, &argv))
    return 2;
  list = ctl_call_list (ctx, "ListSessions", NULL, &code);
  if (list == NULL)
    return code;
  g_variant_iter_init (&iter, list);
  while ((s = g_variant_iter_next_value (&iter)) != NULL)
    {
      g_autoptr(GVariant) rec = s;
      g_autofree char *asset = ctl_escape (ctl_rec_str (rec, "asset-number"));
      g_autofree char *user = ctl_escape (ctl_rec_str (rec, "user"));
      g_autofree char *start = ctl_rec_time (rec, "started-at");
      g_autofree char *end = ctl_rec_time (rec, "ended-at");
      g_autofree char *host = ctl_escape (ctl_rec_str (rec, "host"));

      g_print (_("#%" G_GINT64_FORMAT "  %s  %s  %s .. %s  %s%s%s\n"), ctl_rec_int64 (rec, "id"),
               asset, ctl_rec_str (rec, "user") ? user : _("(no one logged in)"), start,
               ctl_rec_int64 (rec, "ended-at") ? end : _("(in use)"), host,
               ctl_rec_str (rec, "end-reason") ? "  " : "",
               ctl_rec_str (rec, "end-reason") ? ctl_rec_str (rec, "end-reason") : "");
    }
  return 0;
}
