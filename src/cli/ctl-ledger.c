/* usbledgerctl ledger: the monthly usage ledger (月次使用簿)
 *   ledger YYYY-MM            a preview in the terminal, in local time
 *   ledger YYYY-MM --json     the ledger as the daemon derived it (UTC)
 * (the signed bundle and its check: ctl-ledger-bundle.c) */
#include "ctl-common.h"
#include "ul-time.h"

#include <stdio.h>

static const char *const parts[] = { "sessions", "blocked", "incidents" };

/* rows of each part per call (the daemon's most) */
#define PAGE 2000

/* the ledger with every row of every part: pages fetched with one as-of
 * (@as_of, or the first page's when 0), so that they all describe the same
 * logbook */
GVariant *
ctl_fetch_ledger (CtlContext *ctx, const char *month, gint64 as_of, GError **error)
{
  g_autoptr(GVariant) first = NULL;
  GPtrArray *rows[G_N_ELEMENTS (parts)];
  guint32 offset = 0;
  GVariantDict whole;
  gboolean more = TRUE;

  if (ctl_manager (ctx, error) == NULL)
    return NULL;
  for (guint p = 0; p < G_N_ELEMENTS (parts); p++)
    rows[p] = g_ptr_array_new_with_free_func ((GDestroyNotify) g_variant_unref);
  while (more)
    {
      g_autoptr(GVariant) page = NULL;
      GVariantDict options;

      g_variant_dict_init (&options, NULL);
      g_variant_dict_insert (&options, "offset", "u", offset);
      g_variant_dict_insert (&options, "limit", "u", (guint32) PAGE);
      if (as_of != 0)
        g_variant_dict_insert (&options, "as-of", "x", as_of);
      if (!ul_bus_manager1_call_get_ledger_sync (ctx->manager, month,
                                                 g_variant_dict_end (&options),
                                                 UL_CLIENT_CALL_FLAGS, UL_CLIENT_TIMEOUT_MS, &page,
                                                 NULL, error))
        {
          /* a ledger with pages missing is no ledger */
          for (guint p = 0; p < G_N_ELEMENTS (parts); p++)
            g_ptr_array_unref (rows[p]);
          return NULL;
        }
      if (first == NULL)
        {
          first = g_variant_ref (page);
          as_of = ctl_rec_int64 (page, "as-of-us");
        }
      /* each part gives its rows from offset on, a page at most */
      more = FALSE;
      for (guint p = 0; p < G_N_ELEMENTS (parts); p++)
        {
          g_autoptr(GVariant) part = g_variant_lookup_value (page, parts[p],
                                                             G_VARIANT_TYPE ("av"));
          gsize n = part ? g_variant_n_children (part) : 0;

          for (gsize i = 0; i < n; i++)
            g_ptr_array_add (rows[p], g_variant_get_child_value (part, i));
          if (n == PAGE)
            more = TRUE;
        }
      offset += PAGE;
    }
  g_variant_dict_init (&whole, first);
  for (guint p = 0; p < G_N_ELEMENTS (parts); p++)
    {
      g_variant_dict_insert_value (&whole, parts[p],
                                   g_variant_new_array (G_VARIANT_TYPE_VARIANT,
                                                        (GVariant **) rows[p]->pdata,
                                                        rows[p]->len));
      g_ptr_array_unref (rows[p]);
    }
  return g_variant_ref_sink (g_variant_dict_end (&whole));
}

static const char *
get (GVariant *row, const char *key)
{
  const char *s = NULL;

  return g_variant_lookup (row, key, "&s", &s) ? s : NULL;
}

/* a ledger's UTC ISO 8601 time in local time for a person; "-" for none */
static char *
local (const char *iso)
{
  gint64 t;

  if (iso == NULL || !ul_time_parse (iso, &t, NULL))
    return g_strdup ("-");
  return ul_time_format (t);
}

static void
print_sessions (GVariant *ledger)
{
  g_autoptr(GVariant) rows = g_variant_lookup_value (ledger, "sessions", G_VARIANT_TYPE ("av"));

  for (gsize i = 0; i < g_variant_n_children (rows); i++)
    {
      g_autoptr(GVariant) boxed = g_variant_get_child_value (rows, i);
      g_autoptr(GVariant) r = g_variant_get_variant (boxed);
      g_autofree char *start = local (get (r, "started-at"));
      g_autofree char *end = get (r, "ended-at") ? local (get (r, "ended-at")) : NULL;
      g_autofree char *asset = ctl_escape (get (r, "asset-number"));
      g_autofree char *user = ctl_escape (get (r, "user") ? get (r, "user") : _("(no one logged in)"));
      gint64 files = ctl_rec_int64 (r, "files"), bytes = ctl_rec_int64 (r, "bytes");

      g_print ("%3" G_GSIZE_FORMAT "  %s  %s  %s -> %s  %s\n", i + 1, asset, user, start,
               end ? end : _("(in use)"), get (r, "end-reason") ? get (r, "end-reason") : "");
      g_print (_("     %" PRId64 " file(s), %" PRId64 " bytes, file list SHA-256 %s; %s\n"), files,
               bytes, get (r, "files-sha256"),
               get (r, "certificate") ? get (r, "certificate") : _("not erased"));
    }
}

static void
print_rows (GVariant *ledger, const char *part, const char *title)
{
  g_autoptr(GVariant) rows = g_variant_lookup_value (ledger, part, G_VARIANT_TYPE ("av"));

  g_print ("\n%s\n", title);
  for (gsize i = 0; i < g_variant_n_children (rows); i++)
    {
      g_autoptr(GVariant) boxed = g_variant_get_child_value (rows, i);
      g_autoptr(GVariant) r = g_variant_get_variant (boxed);
      g_autofree char *when = local (get (r, "time"));
      g_autofree char *detail = ctl_escape (get (r, "detail") ? get (r, "detail") : "");
      g_autofree char *who = ctl_escape (get (r, "seat-user") ? get (r, "seat-user") : "-");

      g_print ("%3" G_GSIZE_FORMAT "  %s  %s  %s  %s\n", i + 1, when,
               get (r, "decision") ? get (r, "decision") : get (r, "kind"), who, detail);
    }
}

int
ctl_ledger (CtlContext *ctx, int argc, char **argv)
{
  gboolean json = FALSE, csv_only = FALSE, appendix = FALSE;
  g_autofree char *out = NULL;
  GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("The ledger as JSON, times in UTC"), NULL },
    { "out", 'o', 0, G_OPTION_ARG_FILENAME, &out,
      N_("Write the signed bundle for the city into this folder"), "FOLDER" },
    { "files-appendix", 0, 0, G_OPTION_ARG_NONE, &appendix,
      N_("Also the files appendix (file names: kept inside the office)"), NULL },
    { "csv-only", 0, 0, G_OPTION_ARG_NONE, &csv_only,
      N_("Only the CSV (to the folder of --out, else to standard output)"), NULL },
    { NULL }
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) ledger = NULL;
  g_autoptr(GVariant) summary = NULL;

  if (!ctl_parse (_("YYYY-MM | verify FOLDER"),
                  _("The monthly usage ledger (月次使用簿) of a month: a preview, or the signed "
                    "bundle for the city; verify checks a bundle against the logbook."),
                  entries, &argc, &argv))
    return 2;
  if (argc != 2 && !(argc == 3 && g_str_equal (argv[1], "verify")))
    {
      g_printerr (_("usbledgerctl: say which month, as YYYY-MM\n"));
      return 2;
    }
  if (g_str_equal (argv[1], "verify"))
    {
      if (argc != 3 || out != NULL || csv_only || appendix)
        {
          g_printerr (_("usbledgerctl: use \"ledger verify FOLDER\"\n"));
          return 2;
        }
      return ctl_ledger_verify (ctx, argv[2]);
    }
  if (out != NULL || csv_only)
    return ctl_ledger_export (ctx, argv[1], out, appendix, csv_only);
  ledger = ctl_fetch_ledger (ctx, argv[1], 0, &error);
  if (ledger == NULL)
    {
      ctl_print_call_error (error);
      return 1;
    }
  if (json || ctx->json)
    {
      ctl_print_json (ledger);
      return 0;
    }
  g_print (_("Monthly usage ledger %s, %s, host %s\n"), get (ledger, "month"), get (ledger, "zone"),
           get (ledger, "host"));
  print_sessions (ledger);
  print_rows (ledger, "blocked", _("Blocked insertions:"));
  print_rows (ledger, "incidents", _("Incidents:"));
  summary = g_variant_lookup_value (ledger, "summary", G_VARIANT_TYPE_VARDICT);
  g_print (_("\n%" PRId64 " session(s), %" PRId64 " in use, %" PRId64 " blocked, %" PRId64
             " incident(s), %" PRId64 " medium/media not erased at the month's end\n"),
           ctl_rec_int64 (summary, "sessions"), ctl_rec_int64 (summary, "sessions-in-use"),
           ctl_rec_int64 (summary, "blocked-insertions"), ctl_rec_int64 (summary, "incidents"),
           ctl_rec_int64 (summary, "media-not-erased"));
  g_print (_("content digest (SHA-256): %s\n"), get (ledger, "content-digest"));
  return 0;
}
