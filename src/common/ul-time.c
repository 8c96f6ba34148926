/* ul-time.c */
#include "ul-time.h"
#include "ul-error.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

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

static void
put_digits (char *p, int value, int n)
{
  for (int i = n - 1; i >= 0; i--, value /= 10)
    p[i] = (char) ('0' + value % 10);
}

/* the civil date of day @z since 1970-01-01 (proleptic Gregorian; the
 * algorithm of H. Hinnant, "chrono-Compatible Low-Level Date Algorithms"):
 * without gmtime_r, which a month's ledger would call fifty thousand times */
static void
civil_from_days (gint64 z, int *year, int *month, int *day)
{
  gint64 era, y;
  guint doe, yoe, doy, mp;

  z += 719468;
  era = (z >= 0 ? z : z - 146096) / 146097;
  doe = (guint) (z - era * 146097);
  yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  y = (gint64) yoe + era * 400;
  doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  mp = (5 * doy + 2) / 153;
  *day = (int) (doy - (153 * mp + 2) / 5 + 1);
  *month = (int) (mp < 10 ? mp + 3 : mp - 9);
  *year = (int) (y + (*month <= 2));
}

gboolean
ul_time_format_iso8601_into (gint64 usec, char out[UL_TIME_ISO8601_SIZE])
{
  gint64 seconds = usec / G_USEC_PER_SEC;
  gint64 secs_of_day;
  int year, month, day;

  /* the common case without GDateTime, which costs microseconds a call:
   * the same text, from 1970 to 9999 */
  if (seconds < 0 || seconds >= G_GINT64_CONSTANT (253402300800))
    return FALSE;
  civil_from_days (seconds / 86400, &year, &month, &day);
  secs_of_day = seconds % 86400;
  memcpy (out, "0000-00-00T00:00:00Z", UL_TIME_ISO8601_SIZE);
  put_digits (out, year, 4);
  put_digits (out + 5, month, 2);
  put_digits (out + 8, day, 2);
  put_digits (out + 11, (int) (secs_of_day / 3600), 2);
  put_digits (out + 14, (int) (secs_of_day / 60 % 60), 2);
  put_digits (out + 17, (int) (secs_of_day % 60), 2);
  return TRUE;
}

char *
ul_time_format_iso8601 (gint64 usec)
{
  char text[UL_TIME_ISO8601_SIZE];

  if (ul_time_format_iso8601_into (usec, text))
    return g_strdup (text);
  {
    g_autoptr(GDateTime) dt = g_date_time_new_from_unix_utc (usec / G_USEC_PER_SEC);

    return dt ? g_date_time_format_iso8601 (dt) : g_strdup ("");
  }
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

gboolean
ul_time_parse_iso8601_plain (const char *text, gint64 *usec)
{
  struct tm tm = { 0 };
  int v[6];
  static const int at[6] = { 0, 5, 8, 11, 14, 17 };
  static const int digits[6] = { 4, 2, 2, 2, 2, 2 };
  time_t t;

  if (text == NULL || strlen (text) != 20 || text[4] != '-' || text[7] != '-' ||
      text[10] != 'T' || text[13] != ':' || text[16] != ':' || text[19] != 'Z')
    return FALSE;
  for (int i = 0; i < 6; i++)
    {
      v[i] = 0;
      for (int d = 0; d < digits[i]; d++)
        {
          char c = text[at[i] + d];

          if (!g_ascii_isdigit (c))
            return FALSE;
          v[i] = v[i] * 10 + (c - '0');
        }
    }
  if (v[0] < 1970 || v[1] < 1 || v[1] > 12 || v[2] < 1 ||
      v[2] > g_date_get_days_in_month ((GDateMonth) v[1], (GDateYear) v[0]) || v[3] > 23 ||
      v[4] > 59 || v[5] > 59)
    return FALSE;
  tm.tm_year = v[0] - 1900;
  tm.tm_mon = v[1] - 1;
  tm.tm_mday = v[2];
  tm.tm_hour = v[3];
  tm.tm_min = v[4];
  tm.tm_sec = v[5];
  t = timegm (&tm);
  if (t == (time_t) -1)
    return FALSE;
  *usec = (gint64) t * G_USEC_PER_SEC;
  return TRUE;
}

char *
ul_time_format_local_plain (gint64 usec, gboolean minutes)
{
  time_t t = (time_t) (usec / G_USEC_PER_SEC);
  struct tm tm;

  if (usec < 0 || localtime_r (&t, &tm) == NULL || tm.tm_year + 1900 > 9999)
    return NULL;
  if (minutes)
    return g_strdup_printf ("%04d-%02d-%02d %02d:%02d", tm.tm_year + 1900, tm.tm_mon + 1,
                            tm.tm_mday, tm.tm_hour, tm.tm_min);
  return g_strdup_printf ("%04d-%02d-%02d", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
}
