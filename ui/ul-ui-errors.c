/* ul-ui-errors.c: see ul-ui-errors.h */
#include "config.h"

#include <glib/gi18n.h>

#include "ul-error.h"
#include "ul-ui-errors.h"

gboolean
ul_ui_error_is_refusal (const GError *error)
{
  return g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_ACCESS_DENIED) ||
         g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_AUTH_FAILED);
}

static gboolean
is_daemon_gone (const GError *error)
{
  return g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_SERVICE_UNKNOWN) ||
         g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_NAME_HAS_NO_OWNER) ||
         g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_NO_REPLY) ||
         g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_DISCONNECTED) ||
         g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CLOSED);
}

char *
ul_ui_error_text (const char *what, const GError *error)
{
  g_autoptr(GError) copy = g_error_copy (error);
  const char *why;

  if (ul_ui_error_is_refusal (error))
    why = _("You are not permitted to do this (polkit refused).");
  else if (is_daemon_gone (error))
    why = _("usbledgerd is not running, or stopped while answering.");
  else if (error->domain == UL_ERROR && error->code == UL_ERROR_NOT_FOUND)
    why = _("It is no longer there.");
  else if (error->domain == UL_ERROR && error->code == UL_ERROR_INVALID_ARGUMENT)
    why = _("A value was not accepted.");
  else if (error->domain == UL_ERROR && error->code == UL_ERROR_BAD_STATE)
    why = _("It is not in a state that allows this.");
  else
    why = _("usbledgerd could not do it.");
  /* the daemon's own words, stripped of the D-Bus error name */
  g_dbus_error_strip_remote_error (copy);
  /* TRANSLATORS: what failed, why in general, and the daemon's own words */
  return g_strdup_printf (_("%s: %s (%s)"), what, why, copy->message);
}
