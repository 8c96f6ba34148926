/* usbledgerctl: everything the supervisor GUI can do, from a terminal.
 * A thin client: each subcommand is one D-Bus call to usbledgerd. */
#include "config.h"

#include <locale.h>
#include <string.h>

#include "ctl-common.h"

typedef struct {
  const char *name;
  CtlCommandFunc func;
  const char *summary;
} CtlCommand;

static const CtlCommand commands[] = {
  { "devices", ctl_devices, N_("USB devices present, with decision and reason") },
  { "requests", ctl_requests, N_("requests to use a medium") },
  { "approve", ctl_approve, N_("approve a request and register its medium") },
  { "reject", ctl_reject, N_("reject a request") },
  { "register", ctl_register, N_("register a plugged-in medium directly") },
  { "revoke", ctl_revoke, N_("revoke a medium") },
  { "media", ctl_media, N_("registered media") },
  { "sessions", ctl_sessions, N_("usage sessions") },
  { "log", ctl_log, N_("the event log (--verify checks the whole logbook)") },
  { "erase", ctl_erase, N_("erase a plugged-in medium, verified, with a certificate") },
  { "certificates", ctl_certificates, N_("erasures and their certificates") },
  { "certificate", ctl_certificate, N_("export or verify an erasure certificate") },
  { "dispose", ctl_dispose, N_("record a medium as destroyed or retired") },
  { "ledger", ctl_ledger, N_("the monthly usage ledger (月次使用簿)") },
  { "monitor", ctl_monitor, N_("print changes as they happen") },
};

static void
usage (void)
{
  g_printerr (_("usage: usbledgerctl [--json] COMMAND [OPTIONS]\n\ncommands:\n"));
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    g_printerr ("  %-10s %s\n", commands[i].name, _(commands[i].summary));
  g_printerr (_("\n'usbledgerctl COMMAND --help' shows a command's options.\n"));
}

int
main (int argc, char **argv)
{
  CtlContext ctx = { 0 };
  const char *localedir;
  int first = 1;
  int code;

  setlocale (LC_ALL, "");
  /* USBLEDGER_LOCALEDIR: the build tree's catalogs (tests, the mock) */
  localedir = g_getenv ("USBLEDGER_LOCALEDIR");
  bindtextdomain (GETTEXT_PACKAGE, localedir != NULL ? localedir : UL_LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  while (first < argc && argv[first][0] == '-')
    {
      if (g_str_equal (argv[first], "--json"))
        ctx.json = TRUE;
      else if (g_str_equal (argv[first], "--version"))
        {
          g_print ("usbledgerctl %s\n", PACKAGE_VERSION);
          return 0;
        }
      else if (g_str_equal (argv[first], "--help") || g_str_equal (argv[first], "-h"))
        {
          usage ();
          return 0;
        }
      else
        {
          g_printerr (_("usbledgerctl: unknown option %s\n"), argv[first]);
          usage ();
          return 2;
        }
      first++;
    }
  if (first >= argc)
    {
      usage ();
      return 2;
    }

  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    {
      g_autofree char *prgname = NULL;

      if (!g_str_equal (commands[i].name, argv[first]))
        continue;
      /* the daemon is reached on the first call: --help needs none */
      prgname = g_strdup_printf ("usbledgerctl %s", commands[i].name);
      g_set_prgname (prgname);
      code = commands[i].func (&ctx, argc - first, argv + first);
      g_clear_object (&ctx.manager);
      return code;
    }
  g_printerr (_("usbledgerctl: unknown command %s\n"), argv[first]);
  usage ();
  return 2;
}
