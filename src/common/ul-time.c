/* ul-time.c */
#include "ul-time.h"
#include "ul-error.h"

#include <stdio.h>

char *
ul_time_format (gint64 usec)
{
  g_autoptr(GDateTime) utc = NULL;
  g_autoptr(GDateTime) local = NULL;

  if (usec == 0)
    return g_strdup ("");
  utc = g_date_time_new_from_unix_utc (usec / G_USEC_PER_SEC);
  if (utc == NULL)
    return g_strdup ("?");
  local = g_date_time_to_local (utc);
  /* the zone's name as a person knows it (JST), and its offset, which
   * says the same where the name is not known */
  return g_date_time_format (local, "%Y-%m-%d %H:%M:%S %Z (UTC%:z)");
}

gboolean
ul_time_parse (const char *text, gint64 *usec, GError **error)
{
  g_autoptr(GDateTime) dt = NULL;
  g_autoptr(GTimeZone) tz = g_time_zone_new_local ();
  int y, m, d;
  char tail;

  if (text != NULL && sscanf (text, "%4d-%2d-%2d%c", &y, &m, &d, &tail) == 3)
    dt = g_date_time_new (tz, y, m, d, 0, 0, 0);
  else if (text != NULL)
    dt = g_date_time_new_from_iso8601 (text, tz);
  if (dt == NULL)
    {
      g_set_error (error, UL_ERROR, UL_ERROR_INVALID_ARGUMENT,
                   "cannot read \"%s\" as a date (YYYY-MM-DD or ISO 8601)",
                   text ? text : "");
      return FALSE;
    }
  *usec = g_date_time_to_unix (dt) * G_USEC_PER_SEC + g_date_time_get_microsecond (dt);
  return TRUE;
}

gboolean
ul_time_parse_month (const char *text, gint64 *since, gint64 *until, GError **error)
{
  g_autoptr(GTimeZone) tz = g_time_zone_new_local ();
  g_autoptr(GDateTime) start = NULL;
  g_autoptr(GDateTime) end = NULL;
  int y, m;
  char tail;

  if (text != NULL && sscanf (text, "%4d-%2d%c", &y, &m, &tail) == 2 && m >= 1 && m <= 12)
    start = g_date_time_new (tz, y, m, 1, 0, 0, 0);
  if (start == NULL || (end = g_date_time_add_months (start, 1)) == NULL)
    {
      g_set_error (error, UL_ERROR, UL_ERROR_INVALID_ARGUMENT,
                   "cannot read \"%s\" as a month (YYYY-MM)", text ? text : "");
      return FALSE;
    }
  *since = g_date_time_to_unix (start) * G_USEC_PER_SEC;
  *until = g_date_time_to_unix (end) * G_USEC_PER_SEC;
  return TRUE;
}

char *
ul_time_format_iso8601 (gint64 usec)
{
  g_autoptr(GDateTime) dt = g_date_time_new_from_unix_utc (usec / G_USEC_PER_SEC);

  return dt ? g_date_time_format_iso8601 (dt) : g_strdup ("");
}

char *
ul_time_format_iso8601_us (gint64 usec)
{
  g_autoptr(GDateTime) dt = g_date_time_new_from_unix_utc (usec / G_USEC_PER_SEC);
  g_autofree char *seconds = dt ? g_date_time_format (dt, "%Y-%m-%dT%H:%M:%S") : NULL;

  if (seconds == NULL)
    return g_strdup ("");
  return g_strdup_printf ("%s.%06" G_GINT64_FORMAT "Z", seconds, usec % G_USEC_PER_SEC);
}
