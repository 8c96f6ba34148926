/* ul-canonical-json.c: the one JSON form a certificate is signed in (keys
 * sorted, no white space, RFC 8785 string escapes), so that the signed
 * bytes are the same wherever they are made again */
#include "ul-canonical-json.h"

#include <string.h>

#include "ul-error.h"
#include "ul-json.h"

static void
append_string (GString *out, const char *s)
{
  g_string_append_c (out, '"');
  for (const guchar *p = (const guchar *) s; *p; p++)
    {
      switch (*p)
        {
        case '"': g_string_append (out, "\\\""); break;
        case '\\': g_string_append (out, "\\\\"); break;
        case '\b': g_string_append (out, "\\b"); break;
        case '\f': g_string_append (out, "\\f"); break;
        case '\n': g_string_append (out, "\\n"); break;
        case '\r': g_string_append (out, "\\r"); break;
        case '\t': g_string_append (out, "\\t"); break;
        default:
          if (*p < 0x20)
            g_string_append_printf (out, "\\u%04x", *p);
          else
            g_string_append_c (out, (char) *p);
        }
    }
  g_string_append_c (out, '"');
}

/* a dictionary entry, read once */
typedef struct {
  GVariant *key;
  GVariant *value;
} Entry;

static gint
compare_entries (gconstpointer a, gconstpointer b)
{
  /* by UTF-8 bytes, as RFC 8785 sorts for the ASCII keys we use */
  return strcmp (g_variant_get_string (((const Entry *) a)->key, NULL),
                 g_variant_get_string (((const Entry *) b)->key, NULL));
}

static void
entry_clear (gpointer data)
{
  g_variant_unref (((Entry *) data)->key);
  g_variant_unref (((Entry *) data)->value);
}

static gboolean
append (GString *out, GVariant *v, GError **error)
{
  const GVariantType *t = g_variant_get_type (v);

  if (g_variant_type_equal (t, G_VARIANT_TYPE_VARIANT))
    {
      g_autoptr(GVariant) inner = g_variant_get_variant (v);

      return append (out, inner, error);
    }
  if (g_variant_type_equal (t, G_VARIANT_TYPE_STRING))
    {
      const char *s = g_variant_get_string (v, NULL);

      if (!g_utf8_validate (s, -1, NULL))
        {
          g_set_error (error, UL_ERROR, UL_ERROR_INVALID_ARGUMENT, "not UTF-8");
          return FALSE;
        }
      append_string (out, s);
      return TRUE;
    }
  if (ul_json_append_integer_or_boolean (out, v))
    ;
  else if (g_variant_type_equal (t, G_VARIANT_TYPE_VARDICT))
    {
      /* the entries read once and sorted by key (a lookup per key would
       * read the dictionary again for each) */
      gsize n = g_variant_n_children (v);
      g_autoptr(GArray) entries = g_array_sized_new (FALSE, FALSE, sizeof (Entry), (guint) n);

      g_array_set_clear_func (entries, entry_clear);
      /* no format strings: "{&sv}" would make GLib serialise each entry,
       * and a ledger has tens of thousands */
      for (gsize i = 0; i < n; i++)
        {
          g_autoptr(GVariant) entry = g_variant_get_child_value (v, i);
          g_autoptr(GVariant) boxed = g_variant_get_child_value (entry, 1);
          Entry e = { g_variant_get_child_value (entry, 0), g_variant_get_variant (boxed) };

          g_array_append_val (entries, e);
        }
      g_array_sort (entries, compare_entries);
      g_string_append_c (out, '{');
      for (guint i = 0; i < entries->len; i++)
        {
          Entry *e = &g_array_index (entries, Entry, i);

          if (i > 0)
            g_string_append_c (out, ',');
          append_string (out, g_variant_get_string (e->key, NULL));
          g_string_append_c (out, ':');
          if (!append (out, e->value, error))
            return FALSE;
        }
      g_string_append_c (out, '}');
    }
  else if (g_variant_type_is_array (t) && !g_variant_type_equal (t, G_VARIANT_TYPE_BYTESTRING))
    {
      g_string_append_c (out, '[');
      for (gsize i = 0; i < g_variant_n_children (v); i++)
        {
          g_autoptr(GVariant) child = g_variant_get_child_value (v, i);

          if (i > 0)
            g_string_append_c (out, ',');
          if (!append (out, child, error))
            return FALSE;
        }
      g_string_append_c (out, ']');
    }
  else
    {
      g_set_error (error, UL_ERROR, UL_ERROR_INVALID_ARGUMENT,
                   "canonical JSON cannot hold a value of type %s", g_variant_get_type_string (v));
      return FALSE;
    }
  return TRUE;
}

char *
ul_canonical_json (GVariant *value, GError **error)
{
  g_autoptr(GString) out = g_string_new (NULL);

  if (!append (out, value, error))
    return NULL;
  return g_string_free (g_steal_pointer (&out), FALSE);
}
