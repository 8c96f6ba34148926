/* usbledgerctl erase: erase a plugged-in medium with a progress bar
 *   erase ASSET-NUMBER --confirm "ASSET-NUMBER SERIAL" [--random] */
#include "ctl-common.h"
#include "ul-error.h"
#include "ul-vocabulary.h"

#include <glib-unix.h>
#include <stdio.h>
#include <unistd.h>

typedef struct {
  CtlContext *ctx;
  GMainLoop *loop;
  gint64 id;
  GVariant *finished;     /* the EraseFinished record */
  gboolean tty;
  GMainLoop *waiting;     /* while the medium's check at unmount runs */
} EraseWatch;

static void
on_signal (GDBusProxy *proxy, const char *sender, const char *signal, GVariant *params,
           gpointer data)
{
  EraseWatch *w = data;

  if (g_str_equal (signal, "EraseProgress") &&
      g_variant_is_of_type (params, G_VARIANT_TYPE ("(xsttdd)")))
    {
      gint64 id;
      const char *phase;
      guint64 done, total;
      double rate, left;
      int pct, bar;

      g_variant_get (params, "(x&sttdd)", &id, &phase, &done, &total, &rate, &left);
      if (id != w->id || total == 0)
        return;
      pct = (int) (done * 100 / total);
      bar = pct / 4;
      /* a bar that redraws itself on a terminal, a line every 25 % elsewhere */
      if (w->tty)
        g_printerr ("\r%-8s [%.*s%*s] %3d %%  %6.1f MB/s  %s %5.0f s ",
                    g_str_equal (phase, "write") ? _("writing") : _("checking"), bar,
                    "#########################", 25 - bar, "", pct, rate / 1e6, _("left"), left);
      else if (pct % 25 == 0)
        g_printerr ("%s %d %%\n", g_str_equal (phase, "write") ? _("writing") : _("checking"),
                    pct);
      return;
    }
  /* a check at unmount ended (it is told as a session change) */
  if (g_str_equal (signal, "SessionChanged") && w->waiting != NULL)
    {
      g_main_loop_quit (w->waiting);
      return;
    }
  if (g_str_equal (signal, "EraseFinished") &&
      g_variant_is_of_type (params, G_VARIANT_TYPE ("(a{sv})")))
    {
      g_autoptr(GVariant) rec = g_variant_get_child_value (params, 0);

      if (ctl_rec_int64 (rec, "id") != w->id)
        return;
      w->finished = g_steal_pointer (&rec);
      g_main_loop_quit (w->loop);
    }
}

static gboolean
on_wait_over (gpointer data)
{
  g_main_loop_quit (data);
  return G_SOURCE_REMOVE;
}

/* EraseMedium; while the daemon says the medium is still being checked
 * after its last unmount (busy), asks again when a session changes (the
 * check's end is one), at least every few seconds, for up to two minutes */
static gboolean
start_erase (EraseWatch *w, const char *asset_number, const char *confirm, GVariant *options)
{
  gint64 give_up = g_get_monotonic_time () + 120 * G_USEC_PER_SEC;
  gboolean told = FALSE;

  for (;;)
    {
      g_autoptr(GError) error = NULL;
      gboolean started = ul_bus_manager1_call_erase_medium_sync (w->ctx->manager, asset_number,
                                                                 confirm, options,
                                                                 UL_CLIENT_CALL_FLAGS,
                                                                 UL_CLIENT_TIMEOUT_MS, &w->id,
                                                                 NULL, &error);
      g_autoptr(GMainLoop) waiting = NULL;
      guint cap;

      if (started || !g_error_matches (error, UL_ERROR, UL_ERROR_BUSY) ||
          g_get_monotonic_time () > give_up)
        {
          if (!started)
            ctl_print_call_error (error);
          return started;
        }
      if (!told)
        g_printerr (_("waiting for the check of its last unmount to end...\n"));
      told = TRUE;
      waiting = g_main_loop_new (NULL, FALSE);
      w->waiting = waiting;
      cap = g_timeout_add_seconds (3, on_wait_over, waiting);
      g_main_loop_run (waiting);
      w->waiting = NULL;
      if (g_main_context_find_source_by_id (NULL, cap) != NULL)
        g_source_remove (cap);
    }
}

static gboolean
on_interrupt (gpointer data)
{
  EraseWatch *w = data;
  g_autoptr(GError) error = NULL;

  g_printerr (_("\ncancelling...\n"));
  if (!ul_bus_manager1_call_cancel_erase_sync (w->ctx->manager, w->id, UL_CLIENT_CALL_FLAGS,
                                               UL_CLIENT_TIMEOUT_MS, NULL, &error))
    ctl_print_call_error (error);
  return G_SOURCE_CONTINUE;
}

int
ctl_erase (CtlContext *ctx, int argc, char **argv)
{
  g_autofree char *confirm = NULL;
  gboolean random = FALSE;
  GOptionEntry entries[] = {
    { "confirm", 0, 0, G_OPTION_ARG_STRING, &confirm,
      N_("The medium's asset number and serial, as a check (required)"), "\"ID SERIAL\"" },
    { "random", 0, 0, G_OPTION_ARG_NONE, &random,
      N_("Overwrite with an AES-256-CTR keystream instead of zeros"), NULL },
    { NULL }
  };
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  g_autoptr(GVariant) options = NULL;
  EraseWatch w = { ctx, loop, 0, NULL, isatty (STDERR_FILENO), NULL };
  UlBusManager1 *m;
  gulong sub;
  guint sigint;
  int code;

  if (!ctl_parse (_("ASSET-NUMBER"),
                  _("Erase a plugged-in medium: every byte is overwritten, then read back and "
                    "compared; a verified erasure gets a signed certificate."),
                  entries, &argc, &argv))
    return 2;
  if (argc != 2 || confirm == NULL)
    {
      g_printerr (_("usbledgerctl: erase needs the asset number and "
                    "--confirm \"ASSET-NUMBER SERIAL\"\n"));
      return 2;
    }
  /* listen before asking, so no progress or end is missed */
  if ((m = ctl_manager_or_say (ctx)) == NULL)
    return 1;
  sub = g_signal_connect (m, "g-signal", G_CALLBACK (on_signal), &w);
  {
    GVariantDict d;

    g_variant_dict_init (&d, NULL);
    g_variant_dict_insert (&d, "pattern", "s", random ? "aes-256-ctr" : "zeros");
    options = g_variant_ref_sink (g_variant_dict_end (&d));
  }
  if (!start_erase (&w, argv[1], confirm, options))
    {
      g_signal_handler_disconnect (m, sub);
      return 1;
    }
  sigint = g_unix_signal_add (SIGINT, on_interrupt, &w);
  g_main_loop_run (loop);
  g_source_remove (sigint);
  g_signal_handler_disconnect (m, sub);
  if (w.tty)
    g_printerr ("\n");

  if (ctx->json)
    ctl_print_json (w.finished);
  else
    {
      g_autofree char *message = ctl_escape (ctl_rec_str (w.finished, "message"));

      if (ctl_rec_str (w.finished, "certificate") != NULL)
        g_print (_("erased and verified: %" PRId64 " bytes, 0 mismatches; "
                   "certificate %s\n"), ctl_rec_int64 (w.finished, "bytes-verified"),
                 ctl_rec_str (w.finished, "certificate"));
      else
        g_print (_("NOT erased (%s): %s\n"),
                 ul_vocabulary_label (UL_VOCAB_ERASE_OUTCOME, ctl_rec_str (w.finished, "outcome")),
                 ctl_rec_str (w.finished, "message") ? message : "-");
    }
  code = ctl_rec_str (w.finished, "certificate") != NULL ? 0 : 1;
  g_variant_unref (w.finished);
  return code;
}
