/* ul-json-parse.c: see ul-json-parse.h. A recursive descent over a bounded
 * depth; the input may be a file someone edited, so every error says where. */
#include "ul-json-parse.h"
#include "ul-error.h"

#include <string.h>

#define MAX_DEPTH 32

typedef struct {
  const char *p;
  const char *start;
  const char *end;
  GError **error;
} Reader;

static GVariant *read_value (Reader *r, guint depth);

static gboolean
fail (Reader *r, const char *what)
{
  g_set_error (r->error, UL_ERROR, UL_ERROR_INVALID_ARGUMENT, "JSON at byte %td: %s",
               r->p - r->start, what);
  return FALSE;
}

static void
skip_space (Reader *r)
{
  while (r->p < r->end && (*r->p == ' ' || *r->p == '\t' || *r->p == '\n' || *r->p == '\r'))
    r->p++;
}

static gboolean
expect (Reader *r, char c)
{
  skip_space (r);
  if (r->p >= r->end || *r->p != c)
    {
      g_autofree char *what = g_strdup_printf ("'%c' expected", c);

      return fail (r, what);
    }
  r->p++;
  return TRUE;
}

static int
hex4 (const char *p)
{
  int v = 0;

  for (int i = 0; i < 4; i++)
    {
      int d = g_ascii_xdigit_value (p[i]);

      if (d < 0)
        return -1;
      v = v * 16 + d;
    }
  return v;
}

/* a string, without its quotes, as UTF-8; NULL on error */
static char *
read_string (Reader *r)
{
  g_autoptr(GString) s = g_string_new (NULL);

  if (!expect (r, '"'))
    return NULL;
  while (r->p < r->end && *r->p != '"')
    {
      guchar c = (guchar) *r->p;

      if (c < 0x20)
        {
          fail (r, "control character in a string");
          return NULL;
        }
      if (c != '\\')
        {
          g_string_append_c (s, (char) c);
          r->p++;
          continue;
        }
      if (r->end - r->p < 2)
        break;
      r->p++;
      switch (*r->p)
        {
        case '"': case '\\': case '/':
          g_string_append_c (s, *r->p);
          r->p++;
          break;
        case 'b': g_string_append_c (s, '\b'); r->p++; break;
        case 'f': g_string_append_c (s, '\f'); r->p++; break;
        case 'n': g_string_append_c (s, '\n'); r->p++; break;
        case 'r': g_string_append_c (s, '\r'); r->p++; break;
        case 't': g_string_append_c (s, '\t'); r->p++; break;
        case 'u':
          {
            int u = r->end - r->p >= 5 ? hex4 (r->p + 1) : -1;

            if (u < 0)
              {
                fail (r, "bad \\u escape");
                return NULL;
              }
            r->p += 5;
            if (u >= 0xd800 && u < 0xdc00)
              {
                /* a surrogate pair */
                int lo = r->end - r->p >= 6 && r->p[0] == '\\' && r->p[1] == 'u'
                           ? hex4 (r->p + 2) : -1;

                if (lo < 0xdc00 || lo > 0xdfff)
                  {
                    fail (r, "unpaired surrogate");
                    return NULL;
                  }
                r->p += 6;
                u = 0x10000 + ((u - 0xd800) << 10) + (lo - 0xdc00);
              }
            else if (u >= 0xdc00 && u <= 0xdfff)
              {
                fail (r, "unpaired surrogate");
                return NULL;
              }
            else if (u == 0)
              {
                /* a GVariant string cannot hold it */
                fail (r, "NUL in a string");
                return NULL;
              }
            g_string_append_unichar (s, (gunichar) u);
          }
          break;
        default:
          fail (r, "unknown escape");
          return NULL;
        }
    }
  if (r->p >= r->end)
    {
      fail (r, "unterminated string");
      return NULL;
    }
  r->p++;
  if (!g_utf8_validate_len (s->str, s->len, NULL))
    {
      fail (r, "string is not UTF-8");
      return NULL;
    }
  return g_string_free (g_steal_pointer (&s), FALSE);
}

static GVariant *
read_number (Reader *r)
{
  const char *begin = r->p;
  g_autofree char *digits = NULL;
  gint64 v;

  if (r->p < r->end && *r->p == '-')
    r->p++;
  if (r->p >= r->end || !g_ascii_isdigit (*r->p) || (*r->p == '0' && r->p + 1 < r->end &&
                                                     g_ascii_isdigit (r->p[1])))
    {
      fail (r, "bad number");
      return NULL;
    }
  while (r->p < r->end && g_ascii_isdigit (*r->p))
    r->p++;
  if (r->p < r->end && (*r->p == '.' || *r->p == 'e' || *r->p == 'E'))
    {
      fail (r, "only integers are read");
      return NULL;
    }
  digits = g_strndup (begin, r->p - begin);
  if (!g_ascii_string_to_signed (digits, 10, G_MININT64, G_MAXINT64, &v, NULL))
    {
      fail (r, "integer out of range");
      return NULL;
    }
  return g_variant_new_int64 (v);
}

static GVariant *
read_object (Reader *r, guint depth)
{
  GVariantBuilder b;
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  g_variant_builder_init (&b, G_VARIANT_TYPE_VARDICT);
  r->p++;
  skip_space (r);
  if (r->p < r->end && *r->p == '}')
    {
      r->p++;
      return g_variant_builder_end (&b);
    }
  for (;;)
    {
      g_autofree char *key = read_string (r);
      GVariant *value;

      if (key == NULL || !expect (r, ':'))
        break;
      if (g_hash_table_contains (seen, key))
        {
          fail (r, "duplicate key");
          break;
        }
      value = read_value (r, depth + 1);
      if (value == NULL)
        break;
      g_variant_builder_add (&b, "{sv}", key, value);
      g_hash_table_add (seen, g_steal_pointer (&key));
      skip_space (r);
      if (r->p < r->end && *r->p == ',')
        {
          r->p++;
          continue;
        }
      if (!expect (r, '}'))
        break;
      return g_variant_builder_end (&b);
    }
  g_variant_builder_clear (&b);
  return NULL;
}

static GVariant *
read_array (Reader *r, guint depth)
{
  GVariantBuilder b;

  g_variant_builder_init (&b, G_VARIANT_TYPE ("av"));
  r->p++;
  skip_space (r);
  if (r->p < r->end && *r->p == ']')
    {
      r->p++;
      return g_variant_builder_end (&b);
    }
  for (;;)
    {
      GVariant *value = read_value (r, depth + 1);

      if (value == NULL)
        break;
      g_variant_builder_add (&b, "v", value);
      skip_space (r);
      if (r->p < r->end && *r->p == ',')
        {
          r->p++;
          continue;
        }
      if (!expect (r, ']'))
        break;
      return g_variant_builder_end (&b);
    }
  g_variant_builder_clear (&b);
  return NULL;
}

static gboolean
literal (Reader *r, const char *word)
{
  gsize n = strlen (word);

  if ((gsize) (r->end - r->p) < n || memcmp (r->p, word, n) != 0)
    return FALSE;
  r->p += n;
  return TRUE;
}

static GVariant *
read_value (Reader *r, guint depth)
{
  if (depth > MAX_DEPTH)
    {
      fail (r, "nested too deeply");
      return NULL;
    }
  skip_space (r);
  if (r->p >= r->end)
    {
      fail (r, "value expected");
      return NULL;
    }
  switch (*r->p)
    {
    case '{':
      return read_object (r, depth);
    case '[':
      return read_array (r, depth);
    case '"':
      {
        char *s = read_string (r);

        return s ? g_variant_new_take_string (s) : NULL;
      }
    default:
      break;
    }
  if (literal (r, "true"))
    return g_variant_new_boolean (TRUE);
  if (literal (r, "false"))
    return g_variant_new_boolean (FALSE);
  if (literal (r, "null"))
    return g_variant_new_maybe (G_VARIANT_TYPE_VARIANT, NULL);
  return read_number (r);
}

GVariant *
ul_json_parse (const char *text, gsize len, GError **error)
{
  Reader r = { text, text, text + len, error };
  g_autoptr(GVariant) v = read_value (&r, 0);

  if (v == NULL)
    return NULL;
  g_variant_ref_sink (v);
  skip_space (&r);
  if (r.p != r.end)
    {
      fail (&r, "text after the value");
      return NULL;
    }
  return g_steal_pointer (&v);
}
