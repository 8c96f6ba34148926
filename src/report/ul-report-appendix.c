/* ul-report-appendix.c: see ul-report-appendix.h */
#include "ul-report-appendix.h"
#include "ul-report-csv.h"
#include "ul-report-ledger-table.h"

#include <string.h>

static const char *const keys[] = { "session-id", "asset-number", "time", "action", "path",
                                    "old-path", "size", "sha256", "status" };
#define N_KEYS G_N_ELEMENTS (keys)

/* a record's cells, in the columns' order: the dictionary read once */
static void
cells_of (GVariant *row, char **cells)
{
  gsize n = g_variant_n_children (row);

  memset (cells, 0, N_KEYS * sizeof (char *));
  /* no "{&sv}" format: it makes GLib serialise each record first */
  for (gsize i = 0; i < n; i++)
    {
      g_autoptr(GVariant) entry = g_variant_get_child_value (row, i);
      g_autoptr(GVariant) name = g_variant_get_child_value (entry, 0);
      g_autoptr(GVariant) boxed = g_variant_get_child_value (entry, 1);
      g_autoptr(GVariant) value = g_variant_get_variant (boxed);
      const char *key = g_variant_get_string (name, NULL);

      for (guint k = 0; k < N_KEYS; k++)
        if (g_str_equal (key, keys[k]))
          {
            if (g_variant_is_of_type (value, G_VARIANT_TYPE_STRING))
              cells[k] = g_variant_dup_string (value, NULL);
            else if (g_variant_is_of_type (value, G_VARIANT_TYPE_INT64))
              cells[k] = g_strdup_printf ("%" G_GINT64_FORMAT, g_variant_get_int64 (value));
            break;
          }
    }
}

GBytes *
ul_report_files_appendix_csv (GVariant *files)
{
  GString *out = g_string_new ("\xEF\xBB\xBF");

  ul_report_csv_append_cell (out, "別紙 ファイル一覧（庁内保管・外部提出不可）");
  g_string_append (out, "\r\n");
  g_string_append (out, "使用記録番号,管理番号,日時,操作,パス,元のパス,サイズ (バイト),SHA-256,"
                        "ハッシュの状態\r\n");
  for (gsize i = 0; files != NULL && g_variant_is_container (files) &&
                    i < g_variant_n_children (files); i++)
    {
      g_autoptr(GVariant) boxed = g_variant_get_child_value (files, i);
      g_autoptr(GVariant) row = g_variant_is_of_type (boxed, G_VARIANT_TYPE_VARIANT)
                                  ? g_variant_get_variant (boxed) : g_variant_ref (boxed);
      char *cells[N_KEYS];

      if (!g_variant_is_of_type (row, G_VARIANT_TYPE_VARDICT))
        continue;
      cells_of (row, cells);
      /* the time a person reads: local */
      {
        char *utc = cells[2];

        cells[2] = ul_report_local_minute (utc);
        g_free (utc);
      }
      for (guint k = 0; k < N_KEYS; k++)
        {
          ul_report_csv_append_cell (out, cells[k]);
          g_string_append (out, k + 1 == N_KEYS ? "\r\n" : ",");
          g_free (cells[k]);
        }
    }
  return g_string_free_to_bytes (out);
}
