/* ul-rows-writer.c: "av" of "a{sv}" in GVariant's serialised form.
 *
 * The form, as GLib writes it in normal form (the GVariant specification):
 * - a string is its bytes and a NUL; an int64 its 8 bytes, host order;
 * - a variant is its child's form, a NUL, then the child's type string;
 * - a dict entry {sv} is the key, padding to 8, the variant, then one
 *   framing offset: where the key ends;
 * - an array of variable-size elements is the elements, each padded to its
 *   alignment (8 here: a variant, a dict entry), then the end of each
 *   element as a framing offset; an empty array is empty;
 * - framing offsets are little-endian, 1, 2, 4 or 8 bytes each: the
 *   fewest with which the container's whole size (offsets included) fits.
 * Every container here is 8-aligned, and so starts at a multiple of 8 of
 * the one buffer: padding is counted from the buffer's start. */
#include "ul-rows-writer.h"

#include <string.h>

static void
pad8 (GByteArray *buf)
{
  static const guint8 zeros[8];

  if (buf->len % 8 != 0)
    g_byte_array_append (buf, zeros, 8 - buf->len % 8);
}

static guint
offset_size (gsize body, gsize n_offsets)
{
  if (body + n_offsets <= G_MAXUINT8)
    return 1;
  if (body + 2 * n_offsets <= G_MAXUINT16)
    return 2;
  if (body + 4 * n_offsets <= G_MAXUINT32)
    return 4;
  return 8;
}

static void
put_offset (GByteArray *buf, guint64 value, guint size)
{
  guint8 le[8];

  for (guint i = 0; i < size; i++)
    le[i] = (guint8) (value >> (8 * i));
  g_byte_array_append (buf, le, size);
}

/* the framing offsets of a container that began at @start */
static void
put_offsets (GByteArray *buf, gsize start, GArray *ends)
{
  guint size;

  if (ends->len == 0)
    return;
  size = offset_size (buf->len - start, ends->len);
  for (guint i = 0; i < ends->len; i++)
    put_offset (buf, g_array_index (ends, gsize, i), size);
}

static void
put_string (GByteArray *buf, const char *s)
{
  g_byte_array_append (buf, (const guint8 *) s, (guint) strlen (s) + 1);
}

/* a variant's end: a NUL and its child's type */
static void
put_type (GByteArray *buf, const char *type)
{
  g_byte_array_append (buf, (const guint8 *) "", 1);
  g_byte_array_append (buf, (const guint8 *) type, (guint) strlen (type));
}

void
ul_rows_writer_init (UlRowsWriter *w)
{
  w->buf = g_byte_array_sized_new (4096);
  w->row_ends = g_array_new (FALSE, FALSE, sizeof (gsize));
  w->entry_ends = g_array_new (FALSE, FALSE, sizeof (gsize));
  w->row_start = 0;
  w->in_row = FALSE;
}

void
ul_rows_writer_clear (UlRowsWriter *w)
{
  g_clear_pointer (&w->buf, g_byte_array_unref);
  g_clear_pointer (&w->row_ends, g_array_unref);
  g_clear_pointer (&w->entry_ends, g_array_unref);
}

void
ul_rows_writer_begin_row (UlRowsWriter *w)
{
  g_return_if_fail (!w->in_row);
  pad8 (w->buf);
  w->row_start = w->buf->len;
  g_array_set_size (w->entry_ends, 0);
  w->in_row = TRUE;
}

/* @n more bytes at the end of @buf, to be written */
static guint8 *
grow (GByteArray *buf, gsize n)
{
  guint at = buf->len;

  g_byte_array_set_size (buf, at + (guint) n);
  return buf->data + at;
}

/* one entry whose value is a variant of @type holding @len bytes of @data
 * (and a NUL after them when @nul: a string's), written at once: the
 * padding, the key, the padding, the variant, the framing offset */
static void
put_entry (UlRowsWriter *w, const char *key, const void *data, gsize len, gboolean nul,
           const char *type)
{
  gsize key_size = strlen (key) + 1;
  gsize type_len = strlen (type);
  gsize pad_before = (8 - w->buf->len % 8) % 8;
  gsize pad_key = (8 - key_size % 8) % 8;
  gsize body = key_size + pad_key + len + (nul ? 1 : 0) + 1 + type_len;
  guint size = offset_size (body, 1);
  guint8 *p = grow (w->buf, pad_before + body + size);
  gsize end;

  memset (p, 0, pad_before);
  p += pad_before;
  memcpy (p, key, key_size);
  p += key_size;
  memset (p, 0, pad_key);
  p += pad_key;
  if (len > 0)            /* an empty array's data may be NULL */
    memcpy (p, data, len);
  p += len;
  if (nul)
    *p++ = 0;
  *p++ = 0;
  memcpy (p, type, type_len);
  p += type_len;
  for (guint i = 0; i < size; i++)
    *p++ = (guint8) (key_size >> (8 * i));
  end = w->buf->len - w->row_start;
  g_array_append_val (w->entry_ends, end);
}

void
ul_rows_writer_add_string (UlRowsWriter *w, const char *key, const char *value)
{
  g_return_if_fail (w->in_row);
  if (value != NULL)
    put_entry (w, key, value, strlen (value), TRUE, "s");
}

void
ul_rows_writer_add_string_len (UlRowsWriter *w, const char *key, const char *value, gsize len)
{
  g_return_if_fail (w->in_row);
  put_entry (w, key, value, len, TRUE, "s");
}

void
ul_rows_writer_add_int64 (UlRowsWriter *w, const char *key, gint64 value)
{
  g_return_if_fail (w->in_row);
  put_entry (w, key, &value, sizeof value, FALSE, "x");
}

void
ul_rows_writer_add_strings (UlRowsWriter *w, const char *key, const char *const *values,
                            guint n_values)
{
  /* the array on its own, from offset 0: it lands 8-aligned in the entry,
   * so its padding and offsets are the same there */
  g_autoptr(GByteArray) array = g_byte_array_new ();
  g_autoptr(GArray) ends = g_array_sized_new (FALSE, FALSE, sizeof (gsize), n_values);

  g_return_if_fail (w->in_row);
  for (guint i = 0; i < n_values; i++)
    {
      gsize end;

      pad8 (array);
      put_string (array, values[i]);
      put_type (array, "s");
      end = array->len;
      g_array_append_val (ends, end);
    }
  put_offsets (array, 0, ends);
  put_entry (w, key, array->data, array->len, FALSE, "av");
}

void
ul_rows_writer_end_row (UlRowsWriter *w)
{
  gsize end;

  g_return_if_fail (w->in_row);
  put_offsets (w->buf, w->row_start, w->entry_ends);
  put_type (w->buf, "a{sv}");
  end = w->buf->len;
  g_array_append_val (w->row_ends, end);
  w->in_row = FALSE;
}

GVariant *
ul_rows_writer_end (UlRowsWriter *w)
{
  g_autoptr(GBytes) bytes = NULL;

  g_return_val_if_fail (!w->in_row, NULL);
  put_offsets (w->buf, 0, w->row_ends);
  bytes = g_byte_array_free_to_bytes (g_steal_pointer (&w->buf));
  ul_rows_writer_clear (w);
  return g_variant_new_from_bytes (G_VARIANT_TYPE ("av"), bytes, TRUE);
}
