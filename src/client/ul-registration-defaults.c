/* ul-registration-defaults.c: see ul-registration-defaults.h */
#include "ul-registration-defaults.h"
#include "ul-client-record.h"

#include <string.h>

/* "YZ-USB-0009" -> prefix "YZ-USB-", 9, 4 digits; FALSE without digits at
 * the end */
static gboolean
split_number (const char *asset, char **prefix, guint64 *number, guint *digits)
{
  size_t len = strlen (asset);
  size_t start = len;

  while (start > 0 && g_ascii_isdigit (asset[start - 1]))
    start--;
  if (start == len || len - start > 18)
    return FALSE;
  *prefix = g_strndup (asset, start);
  *number = g_ascii_strtoull (asset + start, NULL, 10);
  *digits = len - start;
  return TRUE;
}

static gboolean
taken (GListModel *media, const char *asset)
{
  guint n = g_list_model_get_n_items (media);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(UlClientRecord) m = g_list_model_get_item (media, i);

      if (g_str_equal (ul_client_record_str (m, "asset-number"), asset))
        return TRUE;
    }
  return FALSE;
}

char *
ul_next_asset_number (GListModel *media)
{
  g_autofree char *prefix = NULL;
  guint n = g_list_model_get_n_items (media);
  gint64 latest = G_MININT64;
  guint64 highest = 0;
  guint digits = 4;

  /* the prefix of the latest registration: the one in use now */
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(UlClientRecord) m = g_list_model_get_item (media, i);
      g_autofree char *p = NULL;
      guint64 number;
      guint d;

      if (ul_client_record_int (m, "registered-at") >= latest &&
          split_number (ul_client_record_str (m, "asset-number"), &p, &number, &d))
        {
          latest = ul_client_record_int (m, "registered-at");
          g_free (prefix);
          prefix = g_steal_pointer (&p);
          digits = d;
        }
    }
  if (prefix == NULL)
    prefix = g_strdup ("USB-");
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(UlClientRecord) m = g_list_model_get_item (media, i);
      g_autofree char *p = NULL;
      guint64 number;
      guint d;

      if (split_number (ul_client_record_str (m, "asset-number"), &p, &number, &d) &&
          g_str_equal (p, prefix))
        highest = MAX (highest, number);
    }
  /* a number written without leading zeros elsewhere may still be taken */
  for (;;)
    {
      char *next = g_strdup_printf ("%s%0*" G_GUINT64_FORMAT, prefix, (int) digits, ++highest);

      if (!taken (media, next))
        return next;
      g_free (next);
    }
}

gint64
ul_fiscal_year_end (GDateTime *now)
{
  int year = g_date_time_get_year (now);
  g_autoptr(GDateTime) end = NULL;

  /* January to March belong to the fiscal year that began the April before */
  if (g_date_time_get_month (now) > 3)
    year++;
  end = g_date_time_new (g_date_time_get_timezone (now), year, 3, 31, 23, 59, 59);
  return g_date_time_to_unix (end) * G_USEC_PER_SEC;
}
