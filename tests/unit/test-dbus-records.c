/* the D-Bus records and filters (issue 9, item 17): ListEvents is paged,
 * and a string that is not UTF-8 is sent escaped, never dropped */
#include "ul-dbus-records.h"
#include "ul-test-util.h"

static void
test_event_filter_is_one_page (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) none = g_variant_ref_sink (g_variant_new_parsed ("@a{sv} {}"));
  g_autoptr(GVariant) big = g_variant_ref_sink (
    g_variant_new_parsed ("{'limit': <uint32 4000000000>, 'after-id': <int64 42>}"));
  g_autoptr(GVariant) small = g_variant_ref_sink (
    g_variant_new_parsed ("{'limit': <uint32 7>}"));
  g_autoptr(GVariant) bad = g_variant_ref_sink (g_variant_new_parsed ("{'after-id': <'x'>}"));
  g_autofree char *user = NULL, *asset = NULL;
  UlEventFilter f = { 0 };

  g_assert_true (ul_record_parse_event_filter (none, &f, &user, &asset, &error));
  g_assert_cmpuint (f.limit, ==, UL_EVENTS_PAGE_MAX);
  memset (&f, 0, sizeof f);
  g_assert_true (ul_record_parse_event_filter (big, &f, &user, &asset, &error));
  g_assert_cmpuint (f.limit, ==, UL_EVENTS_PAGE_MAX);
  g_assert_cmpint (f.after_id, ==, 42);
  memset (&f, 0, sizeof f);
  g_assert_true (ul_record_parse_event_filter (small, &f, &user, &asset, &error));
  g_assert_cmpuint (f.limit, ==, 7);
  g_assert_false (ul_record_parse_event_filter (bad, &f, &user, &asset, &error));
  g_assert_nonnull (error);
}

static void
test_string_not_utf8_is_escaped (void)
{
  g_autoptr(UlFileRecord) rec = g_new0 (UlFileRecord, 1);
  g_autoptr(GVariant) v = NULL;
  const char *program = NULL;

  rec->action = g_strdup ("created");
  rec->path = g_bytes_new ("a", 1);
  rec->status = g_strdup ("ok");
  rec->source = g_strdup ("fanotify");
  rec->program = g_strdup ("/tmp/sh\xff\xfe");
  v = g_variant_ref_sink (ul_record_file (rec));
  g_assert_true (g_variant_lookup (v, "program", "&s", &program));
  g_assert_cmpstr (program, ==, "/tmp/sh\\xff\\xfe");
}

/* GetLedger's page of a part: the rows asked for, and once the page is
 * freed nothing of the part is kept (the part's buffer is released). A
 * page that kept its rows' references kept every month it was asked for. */
static void
test_slice_keeps_nothing_of_its_part (void)
{
  g_auto(UlTestWatch) w = { 0 };
  GVariant *part = ul_test_watched_variant (
    "[<{'id': <int64 1>}>, <{'id': <int64 2>}>, <{'id': <int64 3>}>]", &w);
  GVariant *page = g_variant_ref_sink (ul_record_slice (part, 1, 5));
  gint64 id = 0;

  g_assert_cmpuint (g_variant_n_children (page), ==, 2);
  {
    g_autoptr(GVariant) boxed = g_variant_get_child_value (page, 0);
    g_autoptr(GVariant) row = g_variant_get_variant (boxed);

    g_assert_true (g_variant_lookup (row, "id", "x", &id));
    g_assert_cmpint (id, ==, 2);
  }
  g_variant_unref (part);
  g_variant_unref (page);
  g_assert_true (w.released);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/dbus-records/event-filter-one-page", test_event_filter_is_one_page);
  g_test_add_func ("/dbus-records/not-utf8-escaped", test_string_not_utf8_is_escaped);
  g_test_add_func ("/dbus-records/slice-keeps-nothing-of-its-part",
                   test_slice_keeps_nothing_of_its_part);
  return g_test_run ();
}
