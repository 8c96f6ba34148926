/* ul-json.c: a small writer; we only emit JSON, never parse it */
#include "ul-json.h"
#include "ul-escape.h"

static void
append_string (GString *out, const char *s)
{
  g_string_append_c (out, '"');
  for (const char *p = s; *p != '\0'; p++)
    {
      guchar c = (guchar) *p;

      if (c == '"' || c == '\\')
        {
          g_string_append_c (out, '\\');
          g_string_append_c (out, (char) c);
        }
      else if (c < 0x20 || c == 0x7f)
        g_string_append_printf (out, "\\u%04x", c);
      else
        g_string_append_c (out, (char) c);
    }
  g_string_append_c (out, '"');
}

static void
append_bytes (GString *out, GVariant *v)
{
  gsize len = 0;
  const guint8 *data = g_variant_get_fixed_array (v, &len, 1);
  g_autofree char *escaped = ul_escape_bytes (data ? data : (const guint8 *) "", len);

  g_string_append (out, "{\"escaped\":");
  append_string (out, escaped);
  g_string_append (out, ",\"hex\":\"");
  for (gsize i = 0; i < len; i++)
    g_string_append_printf (out, "%02x", data[i]);
  g_string_append (out, "\"}");
}

gboolean
ul_json_append_integer_or_boolean (GString *out, GVariant *v)
{
  const GVariantType *t = g_variant_get_type (v);

  if (g_variant_type_equal (t, G_VARIANT_TYPE_BOOLEAN))
    g_string_append (out, g_variant_get_boolean (v) ? "true" : "false");
  else if (g_variant_type_equal (t, G_VARIANT_TYPE_INT64))
    g_string_append_printf (out, "%" G_GINT64_FORMAT, g_variant_get_int64 (v));
  else if (g_variant_type_equal (t, G_VARIANT_TYPE_UINT64))
    g_string_append_printf (out, "%" G_GUINT64_FORMAT, g_variant_get_uint64 (v));
  else if (g_variant_type_equal (t, G_VARIANT_TYPE_INT32))
    g_string_append_printf (out, "%d", g_variant_get_int32 (v));
  else if (g_variant_type_equal (t, G_VARIANT_TYPE_UINT32))
    g_string_append_printf (out, "%u", g_variant_get_uint32 (v));
  else if (g_variant_type_equal (t, G_VARIANT_TYPE_UINT16))
    g_string_append_printf (out, "%u", g_variant_get_uint16 (v));
  else if (g_variant_type_equal (t, G_VARIANT_TYPE_BYTE))
    g_string_append_printf (out, "%u", g_variant_get_byte (v));
  else
    return FALSE;
  return TRUE;
}

void
ul_json_append_variant (GString *out, GVariant *v)
{
  const GVariantType *t = g_variant_get_type (v);

  if (g_variant_type_equal (t, G_VARIANT_TYPE_VARIANT))
    {
      g_autoptr(GVariant) inner = g_variant_get_variant (v);

      ul_json_append_variant (out, inner);
    }
  else if (g_variant_type_equal (t, G_VARIANT_TYPE_BYTESTRING))
    append_bytes (out, v);
  else if (g_variant_type_is_subtype_of (t, G_VARIANT_TYPE ("a{s*}")))
    {
      gsize n = g_variant_n_children (v);

      /* no "{&s@*}" format: it makes GLib serialise each entry first */
      g_string_append_c (out, '{');
      for (gsize i = 0; i < n; i++)
        {
          g_autoptr(GVariant) entry = g_variant_get_child_value (v, i);
          g_autoptr(GVariant) key = g_variant_get_child_value (entry, 0);
          g_autoptr(GVariant) value = g_variant_get_child_value (entry, 1);

          if (i > 0)
            g_string_append_c (out, ',');
          append_string (out, g_variant_get_string (key, NULL));
          g_string_append_c (out, ':');
          ul_json_append_variant (out, value);
        }
      g_string_append_c (out, '}');
    }
  else if (g_variant_type_is_array (t) || g_variant_type_is_tuple (t))
    {
      gsize n = g_variant_n_children (v);

      g_string_append_c (out, '[');
      for (gsize i = 0; i < n; i++)
        {
          g_autoptr(GVariant) child = g_variant_get_child_value (v, i);

          if (i > 0)
            g_string_append_c (out, ',');
          ul_json_append_variant (out, child);
        }
      g_string_append_c (out, ']');
    }
  else if (g_variant_type_equal (t, G_VARIANT_TYPE_STRING) ||
           g_variant_type_equal (t, G_VARIANT_TYPE_OBJECT_PATH))
    append_string (out, g_variant_get_string (v, NULL));
  else if (ul_json_append_integer_or_boolean (out, v))
    ;
  else if (g_variant_type_equal (t, G_VARIANT_TYPE_DOUBLE))
    g_string_append_printf (out, "%.17g", g_variant_get_double (v));
  else
    g_string_append (out, "null");
}

char *
ul_json_from_variant (GVariant *v)
{
  GString *out = g_string_new (NULL);

  ul_json_append_variant (out, v);
  return g_string_free (out, FALSE);
}
