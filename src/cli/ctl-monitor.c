/* usbledgerctl monitor: print the daemon's signals as they arrive */
#include "ctl-common.h"

#include <glib-unix.h>
#include <stdio.h>

static void
on_signal (GDBusProxy *proxy, const char *sender, const char *signal, GVariant *params,
           gpointer user_data)
{
  CtlContext *ctx = user_data;
  g_autoptr(GVariant) rec = NULL;

  if (!g_variant_is_of_type (params, G_VARIANT_TYPE ("(a{sv})")))
    return;
  rec = g_variant_get_child_value (params, 0);
  if (ctx->json)
    {
      g_print ("{\"signal\":\"%s\",\"record\":", signal);
      ctl_print_json (rec);
      g_print ("}\n");
    }
  else if (g_str_equal (signal, "DeviceChanged"))
    {
      g_autofree char *serial = ctl_rec_bytes_escaped (rec, "serial");
      g_autofree char *reason = ctl_escape (ctl_rec_str (rec, "reason"));
      g_autofree char *ids = ctl_rec_ids (rec);

      g_print ("%s %s %s serial=%s %s: %s\n",
               ctl_rec_bool (rec, "removed") ? _("removed") : _("device"),
               ctl_rec_str (rec, "name"), ids, serial, ctl_rec_str (rec, "decision"), reason);
    }
  else if (g_str_equal (signal, "SessionChanged"))
    g_print (_("session #%" PRId64 " %s %" PRId64 " file(s)%s%s\n"),
             ctl_rec_int64 (rec, "id"), ctl_rec_str (rec, "asset-number"),
             ctl_rec_int64 (rec, "files"), ctl_rec_int64 (rec, "ended-at") ? " ended " : "",
             ctl_rec_str (rec, "end-reason") ? ctl_rec_str (rec, "end-reason") : "");
  else if (g_str_equal (signal, "EraseFinished"))
    g_print (_("erasure #%" PRId64 " %s %s\n"), ctl_rec_int64 (rec, "id"),
             ctl_rec_str (rec, "outcome"),
             ctl_rec_str (rec, "certificate") ? ctl_rec_str (rec, "certificate") : "");
  else if (g_str_equal (signal, "RequestChanged"))
    g_print (_("request #%" PRId64 " %s\n"), ctl_rec_int64 (rec, "id"),
             ctl_rec_str (rec, "state"));
  else if (g_str_equal (signal, "MediumChanged"))
    {
      g_autofree char *asset = ctl_escape (ctl_rec_str (rec, "asset-number"));

      g_print (_("medium %s %s\n"), asset, ctl_rec_str (rec, "status"));
    }
  fflush (stdout);
}

static gboolean
on_quit (gpointer loop)
{
  g_main_loop_quit (loop);
  return G_SOURCE_REMOVE;
}

int
ctl_monitor (CtlContext *ctx, int argc, char **argv)
{
  GOptionEntry entries[] = { { NULL } };
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  UlBusManager1 *m;
  gulong sub;

  if (!ctl_parse ("", _("Print device, request and medium changes as they happen."), entries,
                  &argc, &argv))
    return 2;
  if ((m = ctl_manager_or_say (ctx)) == NULL)
    return 1;
  sub = g_signal_connect (m, "g-signal", G_CALLBACK (on_signal), ctx);
  g_unix_signal_add (SIGINT, on_quit, loop);
  g_unix_signal_add (SIGTERM, on_quit, loop);
  g_main_loop_run (loop);
  g_signal_handler_disconnect (m, sub);
  return 0;
}
