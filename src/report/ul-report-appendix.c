/* ul-report-appendix.c: see ul-report-appendix.h */
#include "ul-report-appendix.h"
#include "ul-report-csv.h"
#include "ul-report-ledger-table.h"

static void
cell (GString *out, GVariant *row, const char *key, gboolean last)
{
  g_autoptr(GVariant) v = g_variant_lookup_value (row, key, NULL);
  g_autofree char *text = NULL;

  if (v != NULL && g_variant_is_of_type (v, G_VARIANT_TYPE_STRING))
    text = g_variant_dup_string (v, NULL);
  else if (v != NULL && g_variant_is_of_type (v, G_VARIANT_TYPE_INT64))
    text = g_strdup_printf ("%" G_GINT64_FORMAT, g_variant_get_int64 (v));
  if (g_str_equal (key, "time"))
    {
      g_autofree char *iso = g_steal_pointer (&text);

      text = ul_report_local_minute (iso);
    }
  ul_report_csv_append_cell (out, text);
  g_string_append (out, last ? "\r\n" : ",");
}

GBytes *
ul_report_files_appendix_csv (GVariant *files)
{
  static const char *const keys[] = { "session-id", "asset-number", "time", "action", "path",
                                      "old-path", "size", "sha256", "status" };
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

      if (!g_variant_is_of_type (row, G_VARIANT_TYPE_VARDICT))
        continue;
      for (guint k = 0; k < G_N_ELEMENTS (keys); k++)
        cell (out, row, keys[k], k + 1 == G_N_ELEMENTS (keys));
    }
  return g_string_free_to_bytes (out);
}
