/* usbledgerctl log: the event log, filtered; --verify checks the whole logbook */
#include "ctl-common.h"
#include "ul-time.h"
#include "ul-vocabulary.h"

/* every event the filter selects, page after page (the daemon returns at
 * most a page per call); @limit: at most this many in all, 0: no limit */
static GVariant *
fetch_all_pages (CtlContext *ctx, GVariant *filter, int limit, int *code)
{
  g_autoptr(GVariant) base = g_variant_ref_sink (filter);
  GVariantBuilder all;
  gint64 after = 0;
  guint n = 0;

  g_variant_builder_init (&all, G_VARIANT_TYPE ("aa{sv}"));
  for (;;)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GVariant) page = NULL;
      GVariantDict d;
      gsize len;

      g_variant_dict_init (&d, base);
      g_variant_dict_insert (&d, "after-id", "x", after);
      if (limit > 0)
        g_variant_dict_insert (&d, "limit", "u", (guint32) (limit - (int) n));
      if (ctl_manager (ctx, &error) == NULL ||
          !ul_bus_manager1_call_list_events_sync (ctx->manager, g_variant_dict_end (&d),
                                                  UL_CLIENT_CALL_FLAGS, UL_CLIENT_TIMEOUT_MS,
                                                  &page, NULL, &error))
        {
          ctl_print_call_error (error);
          g_variant_builder_clear (&all);
          *code = 1;
          return NULL;
        }
      len = g_variant_n_children (page);
      for (gsize i = 0; i < len; i++)
        {
          g_autoptr(GVariant) rec = g_variant_get_child_value (page, i);

          after = ctl_rec_int64 (rec, "id");
          g_variant_builder_add_value (&all, rec);
          n++;
        }
      if (len == 0 || (limit > 0 && n >= (guint) limit))
        break;
    }
  *code = 0;
  return g_variant_ref_sink (g_variant_builder_end (&all));
}

int
ctl_log (CtlContext *ctx, int argc, char **argv)
{
  gint64 device_id = 0;
  int limit = 0;
  gboolean verify = FALSE;
  g_autofree char *asset = NULL, *user = NULL, *since = NULL, *until = NULL;
  GOptionEntry entries[] = {
    { "device-id", 0, 0, G_OPTION_ARG_INT64, &device_id, N_("Only this device"), "ID" },
    { "asset-number", 'a', 0, G_OPTION_ARG_STRING, &asset, N_("Only this medium"), "ID" },
    { "user", 'u', 0, G_OPTION_ARG_STRING, &user, N_("Only events by or at the seat of this account"),
      "ACCOUNT" },
    { "since", 0, 0, G_OPTION_ARG_STRING, &since, N_("From this day"), "YYYY-MM-DD" },
    { "until", 0, 0, G_OPTION_ARG_STRING, &until, N_("Before this day"), "YYYY-MM-DD" },
    { "limit", 'n', 0, G_OPTION_ARG_INT, &limit, N_("At most this many events"), "N" },
    { "verify", 0, 0, G_OPTION_ARG_NONE, &verify,
      N_("Verify the whole logbook: its hash chains, its records and its signed checkpoints"),
      NULL },
    { NULL }
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) list = NULL;
  GVariantBuilder filter;
  GVariantIter iter;
  GVariant *e;
  gint64 t;
  int code;

  if (!ctl_parse ("", _("Show the event log."), entries, &argc, &argv))
    return 2;
  if (argc != 1 || limit < 0 || device_id < 0)
    {
      g_printerr (_("usbledgerctl: unexpected argument\n"));
      return 2;
    }
  if (verify)
    {
      guint64 n = 0, n_records = 0;
      guint32 n_checkpoints = 0;

      if (ctl_manager (ctx, &error) == NULL ||
          !ul_bus_manager1_call_verify_event_log_sync (ctx->manager, UL_CLIENT_CALL_FLAGS,
                                                       UL_CLIENT_VERIFY_TIMEOUT_MS, &n, &n_records,
                                                       &n_checkpoints, NULL, &error))
        {
          ctl_print_call_error (error);
          return 1;
        }
      if (ctx->json)
        g_print ("{\"verified\":true,\"events\":%" G_GUINT64_FORMAT ",\"records\":%"
                 G_GUINT64_FORMAT ",\"checkpoints\":%u}\n", n, n_records, n_checkpoints);
      else
        g_print (_("logbook intact: %" PRIu64 " events in their hash chain, %" PRIu64
                   " records matching their seals, %u signed checkpoints matching\n"),
                 n, n_records, n_checkpoints);
      return 0;
    }

  g_variant_builder_init (&filter, G_VARIANT_TYPE_VARDICT);
  if (device_id > 0)
    g_variant_builder_add (&filter, "{sv}", "device-id", g_variant_new_int64 (device_id));
  if (asset != NULL)
    g_variant_builder_add (&filter, "{sv}", "asset-number", g_variant_new_string (asset));
  if (user != NULL)
    g_variant_builder_add (&filter, "{sv}", "user", g_variant_new_string (user));
  if (limit > 0)
    g_variant_builder_add (&filter, "{sv}", "limit", g_variant_new_uint32 ((guint32) limit));
  if (since != NULL)
    {
      if (!ul_time_parse (since, &t, &error))
        {
          g_printerr ("usbledgerctl: --since: %s\n", error->message);
          g_variant_builder_clear (&filter);
          return 2;
        }
      g_variant_builder_add (&filter, "{sv}", "since", g_variant_new_int64 (t));
    }
  if (until != NULL)
    {
      if (!ul_time_parse (until, &t, &error))
        {
          g_printerr ("usbledgerctl: --until: %s\n", error->message);
          g_variant_builder_clear (&filter);
          return 2;
        }
      g_variant_builder_add (&filter, "{sv}", "until", g_variant_new_int64 (t));
    }
  list = fetch_all_pages (ctx, g_variant_builder_end (&filter), limit, &code);
  if (list == NULL)
    return code;
  if (ctx->json)
    {
      ctl_print_json (list);
      return 0;
    }
  g_variant_iter_init (&iter, list);
  while ((e = g_variant_iter_next_value (&iter)) != NULL)
    {
      g_autoptr(GVariant) rec = e;
      g_autofree char *time = ctl_rec_time (rec, "time");
      g_autofree char *actor = ctl_escape (ctl_rec_str (rec, "actor"));
      g_autofree char *seat = ctl_escape (ctl_rec_str (rec, "seat-user"));
      g_autofree char *detail = ctl_escape (ctl_rec_str (rec, "detail"));
      const char *reason = ctl_rec_str (rec, "reason-code");
      /* a decision's reason in the person's language before the sentence */
      g_autofree char *why = reason != NULL
                               ? g_strdup_printf (" [%s]", ul_vocabulary_label (UL_VOCAB_REASON,
                                                                                reason))
                               : g_strdup ("");

      g_print ("%6" G_GINT64_FORMAT "  %s  %-18s %-10s seat=%s  %s%s%s%s\n",
               ctl_rec_int64 (rec, "id"), time, ctl_rec_str (rec, "kind"), actor,
               ctl_rec_str (rec, "seat-user") ? seat : "-",
               ctl_rec_str (rec, "decision") ? ctl_rec_str (rec, "decision") : "", why,
               ctl_rec_str (rec, "decision") ? ": " : "", detail);
    }
  return 0;
}
