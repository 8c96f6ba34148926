/* ul-escape.c: a device string may contain terminal escapes, format
 * directives, markup, newlines that forge log lines, or right-to-left
 * overrides that reorder what a supervisor reads; we store the bytes as given
 * and only ever show this escaped form */
#include "ul-escape.h"

#include <string.h>

static gboolean
is_invisible_or_reordering (gunichar c)
{
  return (c >= 0x200B && c <= 0x200F) || /* zero width, LRM, RLM */
         (c >= 0x202A && c <= 0x202E) || /* embeddings, overrides */
         (c >= 0x2060 && c <= 0x2069) || /* word joiner, isolates */
         c == 0xFEFF || c == 0x061C ||
         (c >= 0x80 && c < 0xA0) ||      /* C1 controls */
         c == 0x2028 || c == 0x2029;     /* line and paragraph separators */
}

static char *
escape (const guint8 *data, gsize len, gboolean escape_backslash, gboolean escape_quote)
{
  GString *out;
  gsize i = 0;

  if (data == NULL)
    return g_strdup ("(none)");

  out = g_string_sized_new (len + 8);
  while (i < len)
    {
      guint8 b = data[i];

      if (b == '\\' && escape_backslash)
        {
          g_string_append (out, "\\\\");
          i++;
        }
      else if (b == '"' && escape_quote)
        {
          g_string_append (out, "\\\"");
          i++;
        }
      else if (b == '\n')
        {
          g_string_append (out, "\\n");
          i++;
        }
      else if (b == '\r')
        {
          g_string_append (out, "\\r");
          i++;
        }
      else if (b == '\t')
        {
          g_string_append (out, "\\t");
          i++;
        }
      else if (b < 0x20 || b == 0x7f)
        {
          g_string_append_printf (out, "\\x%02x", b);
          i++;
        }
      else if (b < 0x80)
        {
          g_string_append_c (out, (char) b);
          i++;
        }
      else
        {
          const char *p = (const char *) data + i;
          gunichar c = g_utf8_get_char_validated (p, (gssize) (len - i));

          if (c == (gunichar) -1 || c == (gunichar) -2)
            {
              g_string_append_printf (out, "\\x%02x", b);
              i++;
            }
          else
            {
              gsize clen = (gsize) (g_utf8_next_char (p) - p);

              if (is_invisible_or_reordering (c) || !g_unichar_isdefined (c))
                g_string_append_printf (out, "\\u{%04X}", c);
              else
                g_string_append_len (out, p, (gssize) clen);
              i += clen;
            }
        }
    }
  return g_string_free (out, FALSE);
}

char *
ul_escape_bytes (const guint8 *data, gsize len)
{
  return escape (data, len, TRUE, FALSE);
}

char *
ul_escape_gbytes_quoted (GBytes *bytes)
{
  gsize len = 0;
  const guint8 *data = bytes ? g_bytes_get_data (bytes, &len) : NULL;

  if (bytes == NULL)
    return escape (NULL, 0, TRUE, TRUE);
  return escape (data != NULL ? data : (const guint8 *) "", len, TRUE, TRUE);
}

char *
ul_escape_text (const char *text)
{
  if (text == NULL)
    return g_strdup ("(none)");
  return escape ((const guint8 *) text, strlen (text), FALSE, FALSE);
}

char *
ul_escape_gbytes (GBytes *bytes)
{
  gsize len = 0;
  const guint8 *data;

  if (bytes == NULL)
    return ul_escape_bytes (NULL, 0);
  data = g_bytes_get_data (bytes, &len);
  /* g_bytes_get_data gives NULL for an empty GBytes */
  return ul_escape_bytes (data != NULL ? data : (const guint8 *) "", len);
}
