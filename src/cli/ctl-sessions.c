/* usbledgerctl sessions: who used which medium, when, and which files
 *   sessions [--month YYYY-MM] [--asset-number ID] [--user ACCOUNT]
 *   sessions show ID */
#include "ctl-common.h"
#include "ul-time.h"
#include "ul-vocabulary.h"

static void
print_session_line (GVariant *rec)
{
  g_autofree char *asset = ctl_escape (ctl_rec_str (rec, "asset-number"));
  g_autofree char *user = ctl_escape (ctl_rec_str (rec, "user"));
  g_autofree char *start = ctl_rec_time (rec, "started-at");
  g_autofree char *end = ctl_rec_time (rec, "ended-at");
  g_autofree char *host = ctl_escape (ctl_rec_str (rec, "host"));
  const char *code = ctl_rec_str (rec, "end-reason");
  /* the label the vocabulary gives, and the code as it is recorded */
  g_autofree char *reason = code ? g_strdup_printf ("%s (%s)",
                                                    ul_vocabulary_label (UL_VOCAB_END_REASON,
                                                                         code), code)
                                 : NULL;
  g_autofree char *shown_reason = ctl_escape (reason);

  g_print (_("#%" PRId64 "  %s  %s  %s .. %s  %s  %" PRId64 " file(s)  %s%s%s\n"),
           ctl_rec_int64 (rec, "id"), asset,
           ctl_rec_str (rec, "user") ? user : _("(no one logged in)"), start,
           ctl_rec_int64 (rec, "ended-at") ? end : _("(in use)"), host,
           ctl_rec_int64 (rec, "files"),
           ctl_rec_bool (rec, "erased") ? _("erased") : _("not erased"),
           code ? "  " : "", code ? shown_reason : "");
}

static const char *
action_label (const char *action)
{
  return ul_vocabulary_label (UL_VOCAB_FILE_ACTION, action ? action : "written");
}

/* every file record of the session, fetched a page at a time */
static GVariant *
all_files (CtlContext *ctx, gint64 id)
{
  GVariantBuilder b;
  gint64 after = 0;

  g_variant_builder_init (&b, G_VARIANT_TYPE ("aa{sv}"));
  for (;;)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GVariant) page = NULL;
      GVariantIter iter;
      GVariant *rec;
      gsize n;

      if (!ul_bus_manager1_call_list_session_files_sync (ctx->manager, id, after, 5000u,
                                                         UL_CLIENT_CALL_FLAGS,
                                                         UL_CLIENT_TIMEOUT_MS, &page, NULL, &error))
        {
          ctl_print_call_error (error);
          g_variant_builder_clear (&b);
          return NULL;
        }
      n = g_variant_n_children (page);
      g_variant_iter_init (&iter, page);
      while ((rec = g_variant_iter_next_value (&iter)) != NULL)
        {
          after = ctl_rec_int64 (rec, "id");
          g_variant_builder_add_value (&b, rec);
          g_variant_unref (rec);
        }
      if (n < 5000)
        break;
    }
  return g_variant_ref_sink (g_variant_builder_end (&b));
}

static int
show (CtlContext *ctx, gint64 id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) session = NULL, mounts = NULL, files = NULL;
  GVariantIter iter;
  GVariant *rec;

  if (ctl_manager (ctx, &error) == NULL ||
      !ul_bus_manager1_call_get_session_sync (ctx->manager, id, UL_CLIENT_CALL_FLAGS,
                                              UL_CLIENT_TIMEOUT_MS, &session, &mounts, NULL,
                                              &error))
    {
      ctl_print_call_error (error);
      return 1;
    }
  files = all_files (ctx, id);
  if (files == NULL)
    return 1;
  if (ctx->json)
    {
      GVariant *all[] = { session, mounts, files };
      g_autoptr(GVariant) out = g_variant_ref_sink (g_variant_new_tuple (all, 3));

      ctl_print_json (out);
      return 0;
    }
  print_session_line (session);
  {
    g_autoptr(GVariant) seats = g_variant_lookup_value (session, "seat-changes",
                                                        G_VARIANT_TYPE ("a(xs)"));
    GVariantIter si;
    gint64 t;
    const char *user;

    if (seats != NULL)
      {
        g_variant_iter_init (&si, seats);
        while (g_variant_iter_next (&si, "(x&s)", &t, &user))
          {
            g_autofree char *when = ul_time_format (t);
            g_autofree char *who = ctl_escape (user);

            g_print (_("  %s  seat user now %s\n"), when, *user ? who : _("(no one logged in)"));
          }
      }
  }

  g_variant_iter_init (&iter, mounts);
  while ((rec = g_variant_iter_next_value (&iter)) != NULL)
    {
      g_autoptr(GVariant) m = rec;
      g_autofree char *point = ctl_rec_bytes_escaped (m, "mount-point");
      g_autofree char *on = ctl_rec_time (m, "mounted-at");
      g_autofree char *off = ctl_rec_time (m, "unmounted-at");
      g_autofree char *manifest = ctl_escape (ctl_rec_str (m, "manifest"));
      /* every field: a mount's type and source name what its owner chose */
      g_autofree char *device = ctl_escape (ctl_rec_str (m, "device"));
      g_autofree char *fstype = ctl_escape (ctl_rec_str (m, "fstype"));
      g_autofree char *watch = ctl_escape (ctl_rec_str (m, "watch"));

      g_print (_("  mount %" PRId64 ": %s on %s (%s)  %s .. %s  watch: %s  manifest: %s\n"),
               ctl_rec_int64 (m, "id"), device, point, fstype, on,
               ctl_rec_int64 (m, "unmounted-at") ? off : _("(mounted)"), watch, manifest);
    }

  g_variant_iter_init (&iter, files);
  while ((rec = g_variant_iter_next_value (&iter)) != NULL)
    {
      g_autoptr(GVariant) f = rec;
      g_autofree char *path = ctl_rec_bytes_escaped (f, "path");
      g_autofree char *when = ctl_rec_time (f, "time");
      g_autofree char *program = ctl_escape (ctl_rec_str (f, "program"));
      g_autofree char *status = ctl_escape (ctl_rec_str (f, "status"));
      g_autofree char *sha = ctl_escape (ctl_rec_str (f, "sha256"));
      g_autofree char *size = NULL;
      g_autofree char *uid = NULL;
      g_autoptr(GVariant) old = g_variant_lookup_value (f, "old-path",
                                                        G_VARIANT_TYPE_BYTESTRING);
      g_autoptr(GVariant) v_uid = g_variant_lookup_value (f, "uid", G_VARIANT_TYPE_INT64);
      g_autoptr(GVariant) v_size = g_variant_lookup_value (f, "size", G_VARIANT_TYPE_INT64);

      size = v_size ? g_strdup_printf ("%" G_GINT64_FORMAT, g_variant_get_int64 (v_size))
                    : g_strdup ("-");
      uid = v_uid ? g_strdup_printf ("%" G_GINT64_FORMAT, g_variant_get_int64 (v_uid))
                  : g_strdup ("?");
      g_print ("  %s  %-8s  %s", when, action_label (ctl_rec_str (f, "action")), path);
      if (old != NULL)
        {
          g_autofree char *from = ctl_rec_bytes_escaped (f, "old-path");

          g_print (_(" (from %s)"), from);
        }
      g_print (_("  size %s  sha256 %s  %s  uid %s  %s%s\n"), size,
               ctl_rec_str (f, "sha256") ? sha : "-", status, uid, program,
               g_strcmp0 (ctl_rec_str (f, "source"), "manifest") == 0
                 ? _("  (found by the manifest)")
               : g_strcmp0 (ctl_rec_str (f, "source"), "outside") == 0
                 ? _("  (changed outside usbledger, found at mount)") : "");
    }
  return 0;
}

int
ctl_sessions (CtlContext *ctx, int argc, char **argv)
{
  g_autofree char *month = NULL, *asset = NULL, *user = NULL;
  gboolean in_use = FALSE;
  GOptionEntry entries[] = {
    { "month", 'm', 0, G_OPTION_ARG_STRING, &month, N_("Sessions in use during this month"),
      "YYYY-MM" },
    { "asset-number", 'a', 0, G_OPTION_ARG_STRING, &asset, N_("Of this medium"), "ID" },
    { "user", 'u', 0, G_OPTION_ARG_STRING, &user, N_("With this seat user"), "ACCOUNT" },
    { "in-use", 0, 0, G_OPTION_ARG_NONE, &in_use, N_("Only the sessions not ended"), NULL },
    { NULL }
  };
  g_autoptr(GVariant) list = NULL;
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GVariant) query = NULL;
  g_autoptr(GError) error = NULL;
  GVariantBuilder filter;
  gboolean ok;
  int code;
  GVariantIter iter;
  GVariant *s;

  if (!ctl_parse (_("[show ID]"), _("List usage sessions, or show one with its files."),
                  entries, &argc, &argv))
    return 2;
  if (argc >= 2 && g_str_equal (argv[1], "show"))
    {
      gint64 id;

      if (argc != 3 || !g_ascii_string_to_signed (argv[2], 10, 1, G_MAXINT64, &id, NULL))
        {
          g_printerr (_("usbledgerctl: sessions show needs one session number\n"));
          return 2;
        }
      return show (ctx, id);
    }
  if (argc != 1)
    {
      g_printerr (_("usbledgerctl: unexpected argument\n"));
      return 2;
    }
  g_variant_builder_init (&filter, G_VARIANT_TYPE_VARDICT);
  if (month != NULL)
    {
      gint64 since, until;

      if (!ul_time_parse_month (month, &since, &until, &error))
        {
          g_printerr ("usbledgerctl: --month: %s\n", error->message);
          g_variant_builder_clear (&filter);
          return 2;
        }
      g_variant_builder_add (&filter, "{sv}", "since", g_variant_new_int64 (since));
      g_variant_builder_add (&filter, "{sv}", "until", g_variant_new_int64 (until));
    }
  if (asset != NULL)
    g_variant_builder_add (&filter, "{sv}", "asset-number", g_variant_new_string (asset));
  if (user != NULL)
    g_variant_builder_add (&filter, "{sv}", "user", g_variant_new_string (user));
  if (in_use)
    g_variant_builder_add (&filter, "{sv}", "in-use", g_variant_new_boolean (TRUE));
  query = g_variant_ref_sink (g_variant_builder_end (&filter));
  ok = ctl_manager (ctx, &error) != NULL &&
       ul_bus_manager1_call_list_sessions_sync (ctx->manager, query, UL_CLIENT_CALL_FLAGS,
                                                UL_CLIENT_TIMEOUT_MS, &reply, NULL, &error);
  list = ctl_list_for_people (ctx, ok, reply, error, &code);
  if (list == NULL)
    return code;
  g_variant_iter_init (&iter, list);
  while ((s = g_variant_iter_next_value (&iter)) != NULL)
    {
      g_autoptr(GVariant) rec = s;

      print_session_line (rec);
    }
  return 0;
}
