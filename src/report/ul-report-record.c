/* ul-report-record.c: see ul-report-record.h. Documents are drawn by a
 * short-lived process (or once per print), so strings made here are
 * interned rather than tracked. */
#include "ul-report-record.h"
#include "ul-time.h"

GVariant *
ul_report_record_lookup (GVariant *dict, const char *path)
{
  g_auto(GStrv) parts = g_strsplit (path, "/", -1);
  g_autoptr(GVariant) cur = g_variant_ref (dict);

  for (guint i = 0; parts[i] != NULL && cur != NULL; i++)
    {
      GVariant *next = g_variant_is_of_type (cur, G_VARIANT_TYPE_VARDICT)
                         ? g_variant_lookup_value (cur, parts[i], NULL) : NULL;

      g_variant_unref (cur);
      cur = next;
      if (cur != NULL && g_variant_is_of_type (cur, G_VARIANT_TYPE_VARIANT))
        {
          GVariant *inner = g_variant_get_variant (cur);

          g_variant_unref (cur);
          cur = inner;
        }
    }
  return g_steal_pointer (&cur);
}

const char *
ul_report_record_str (GVariant *dict, const char *path)
{
  g_autoptr(GVariant) v = ul_report_record_lookup (dict, path);

  if (v != NULL && g_variant_is_of_type (v, G_VARIANT_TYPE_STRING))
    return g_intern_string (g_variant_get_string (v, NULL));
  if (v != NULL && g_variant_is_of_type (v, G_VARIANT_TYPE_INT64))
    {
      char buf[32];

      g_snprintf (buf, sizeof buf, "%" G_GINT64_FORMAT, g_variant_get_int64 (v));
      return g_intern_string (buf);
    }
  return "-";
}

const char *
ul_report_record_local_time (GVariant *dict, const char *path)
{
  const char *iso = ul_report_record_str (dict, path);
  g_autofree char *local = NULL;
  gint64 t;

  if (!ul_time_parse (iso, &t, NULL))
    return iso;
  local = ul_time_format (t);
  return g_intern_string (local);
}
