/* ul-report-csv.c: see ul-report-csv.h */
#include "ul-report-csv.h"

#include <string.h>

void
ul_report_csv_append_cell (GString *out, const char *cell)
{
  const char *c = cell ? cell : "";
  gboolean formula = strchr ("=+-@\t\r", *c) != NULL && *c != '\0';
  gboolean quote = formula || strpbrk (c, "\",\r\n") != NULL;

  if (quote)
    g_string_append_c (out, '"');
  if (formula)
    g_string_append_c (out, '\'');
  /* the text between quotes at once, each quote doubled */
  for (const char *q; (q = strchr (c, '"')) != NULL; c = q + 1)
    {
      g_string_append_len (out, c, q - c + 1);
      g_string_append_c (out, '"');
    }
  g_string_append (out, c);
  if (quote)
    g_string_append_c (out, '"');
}

static void
append_row (GString *out, GPtrArray *cells)
{
  for (guint i = 0; i < cells->len; i++)
    {
      if (i > 0)
        g_string_append_c (out, ',');
      ul_report_csv_append_cell (out, g_ptr_array_index (cells, i));
    }
  g_string_append (out, "\r\n");
}

GBytes *
ul_report_ledger_csv (GPtrArray *tables)
{
  GString *out = g_string_new ("\xEF\xBB\xBF");   /* the BOM Excel reads UTF-8 by */

  for (guint i = 0; i < tables->len; i++)
    {
      UlReportTable *t = g_ptr_array_index (tables, i);

      if (i > 0)
        g_string_append (out, "\r\n");
      ul_report_csv_append_cell (out, t->title);
      g_string_append (out, "\r\n");
      append_row (out, t->headers);
      for (guint r = 0; r < t->rows->len; r++)
        append_row (out, g_ptr_array_index (t->rows, r));
    }
  return g_string_free_to_bytes (out);
}
