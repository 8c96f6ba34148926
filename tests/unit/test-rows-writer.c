/* Unit tests of ul-rows-writer.c: the rows it writes are, byte for byte,
 * what GLib's GVariantBuilder gives for the same rows, in normal form, for
 * every size of framing offset (containers under 256 bytes, under 64 KiB,
 * and above). */
#include "ul-rows-writer.h"

#include <string.h>

/* the same rows through both: a row is a list of entries of one kind */
typedef struct {
  UlRowsWriter w;
  GVariantBuilder rows;
  GVariantBuilder row;
} Both;

static void
both_init (Both *b)
{
  ul_rows_writer_init (&b->w);
  g_variant_builder_init (&b->rows, G_VARIANT_TYPE ("av"));
}

static void
begin_row (Both *b)
{
  ul_rows_writer_begin_row (&b->w);
  g_variant_builder_init (&b->row, G_VARIANT_TYPE_VARDICT);
}

static void
add_string (Both *b, const char *key, const char *value)
{
  ul_rows_writer_add_string (&b->w, key, value);
  if (value != NULL)
    g_variant_builder_add (&b->row, "{sv}", key, g_variant_new_string (value));
}

static void
add_int64 (Both *b, const char *key, gint64 value)
{
  ul_rows_writer_add_int64 (&b->w, key, value);
  g_variant_builder_add (&b->row, "{sv}", key, g_variant_new_int64 (value));
}

static void
add_strings (Both *b, const char *key, const char *const *values, guint n)
{
  GVariantBuilder av;

  ul_rows_writer_add_strings (&b->w, key, values, n);
  g_variant_builder_init (&av, G_VARIANT_TYPE ("av"));
  for (guint i = 0; i < n; i++)
    g_variant_builder_add (&av, "v", g_variant_new_string (values[i]));
  g_variant_builder_add (&b->row, "{sv}", key, g_variant_builder_end (&av));
}

static void
end_row (Both *b)
{
  ul_rows_writer_end_row (&b->w);
  g_variant_builder_add (&b->rows, "v", g_variant_builder_end (&b->row));
}

/* the sizes of list met, to show that every framing offset size was */
static guint seen_small, seen_medium, seen_large;

static void
assert_same (Both *b)
{
  g_autoptr(GVariant) ours = g_variant_ref_sink (ul_rows_writer_end (&b->w));
  g_autoptr(GVariant) glib = g_variant_ref_sink (g_variant_builder_end (&b->rows));

  g_assert_true (g_variant_is_normal_form (ours));
  g_assert_cmpuint (g_variant_get_size (ours), ==, g_variant_get_size (glib));
  g_assert_cmpmem (g_variant_get_data (ours), g_variant_get_size (ours),
                   g_variant_get_data (glib), g_variant_get_size (glib));
  g_assert_true (g_variant_equal (ours, glib));
  if (g_variant_get_size (ours) > G_MAXUINT16)
    seen_large++;
  else if (g_variant_get_size (ours) > G_MAXUINT8)
    seen_medium++;
  else
    seen_small++;
}

static void
test_empty (void)
{
  Both b;

  both_init (&b);
  assert_same (&b);
  both_init (&b);
  begin_row (&b);
  end_row (&b);
  assert_same (&b);
}

static void
test_entries_of_each_kind (void)
{
  static const char *const codes[] = { "read-only", "seat-changed", "不" };
  Both b;

  both_init (&b);
  begin_row (&b);
  add_int64 (&b, "session-id", 42);
  add_string (&b, "user", "鈴木");
  add_string (&b, "absent", NULL);
  add_int64 (&b, "bytes", G_MININT64);
  add_strings (&b, "remarks", codes, 3);
  add_strings (&b, "none", codes, 0);
  add_string (&b, "empty", "");
  /* a column's text as SQLite holds it: not NUL-terminated where it ends */
  ul_rows_writer_add_string_len (&b.w, "label", "総務課 1xyz", strlen ("総務課 1"));
  g_variant_builder_add (&b.row, "{sv}", "label", g_variant_new_string ("総務課 1"));
  end_row (&b);
  begin_row (&b);
  add_string (&b, "k", "v");
  end_row (&b);
  assert_same (&b);
}

/* random rows, with strings long enough that rows, entries and the list
 * each need 1-, 2- and 4-byte framing offsets */
static void
test_random_rows_of_every_size (void)
{
  static const gsize lengths[] = { 0, 1, 7, 8, 9, 200, 250, 300, 5000, 65530, 70000 };
  static const char *const codes[] = { "a", "bb", "ccc", "dddd" };

  for (guint round = 0; round < 40; round++)
    {
      Both b;
      guint n_rows = (guint) g_test_rand_int_range (0, 30);

      both_init (&b);
      for (guint r = 0; r < n_rows; r++)
        {
          guint n_entries = (guint) g_test_rand_int_range (0, 12);

          begin_row (&b);
          for (guint e = 0; e < n_entries; e++)
            {
              g_autofree char *key = g_strdup_printf ("key-%u", e);
              /* long strings are rare, or the test would be slow */
              gsize len = lengths[g_test_rand_int_range (0, g_test_rand_bit () &&
                                                             g_test_rand_bit () ? 11 : 8)];
              g_autofree char *value = g_strnfill (len, (char) ('a' + e));

              switch (g_test_rand_int_range (0, 3))
                {
                case 0:
                  add_string (&b, key, value);
                  break;
                case 1:
                  add_int64 (&b, key, (gint64) g_test_rand_int () * 1048576);
                  break;
                default:
                  add_strings (&b, key, codes, (guint) g_test_rand_int_range (0, 5));
                }
            }
          end_row (&b);
        }
      assert_same (&b);
    }
  g_assert_cmpuint (seen_small, >, 0);
  g_assert_cmpuint (seen_medium, >, 0);
  g_assert_cmpuint (seen_large, >, 0);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/rows-writer/empty", test_empty);
  g_test_add_func ("/rows-writer/entries-of-each-kind", test_entries_of_each_kind);
  g_test_add_func ("/rows-writer/random-rows-of-every-size", test_random_rows_of_every_size);
  return g_test_run ();
}
