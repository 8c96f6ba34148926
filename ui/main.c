/* usbledger-admin: the supervisor's window on usbledgerd */
#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>

#include "ul-admin-application.h"
#include "ul-admin-window.h"

int
main (int argc, char **argv)
{
  g_autoptr(UlAdminApplication) app = NULL;

  setlocale (LC_ALL, "");
  /* USBLEDGER_LOCALEDIR: the catalog of a build tree (tests, the mock) */
  bindtextdomain (GETTEXT_PACKAGE, g_getenv ("USBLEDGER_LOCALEDIR") != NULL
                                     ? g_getenv ("USBLEDGER_LOCALEDIR") : UL_LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
  ul_admin_prepare_gdk ();
  app = ul_admin_application_new ();
  return g_application_run (G_APPLICATION (app), argc, argv);
}
