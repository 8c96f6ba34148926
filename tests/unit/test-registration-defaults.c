/* What the approve dialog proposes: the next free 管理番号 and the end of
 * the fiscal year */
#include "ul-client-record.h"
#include "ul-registration-defaults.h"

static void
add_medium (GListStore *media, const char *asset, gint64 registered_at)
{
  GVariantBuilder b;
  g_autoptr(UlClientRecord) m = NULL;

  g_variant_builder_init (&b, G_VARIANT_TYPE_VARDICT);
  g_variant_builder_add (&b, "{sv}", "asset-number", g_variant_new_string (asset));
  g_variant_builder_add (&b, "{sv}", "registered-at", g_variant_new_int64 (registered_at));
  m = ul_client_record_new (g_variant_builder_end (&b));
  g_list_store_append (media, m);
}

static char *
next_of (GListStore *media)
{
  return ul_next_asset_number (G_LIST_MODEL (media));
}

static void
test_next_asset_number (void)
{
  g_autoptr(GListStore) media = g_list_store_new (UL_TYPE_CLIENT_RECORD);
  g_autofree char *first = next_of (media);
  g_autofree char *second = NULL;
  g_autofree char *third = NULL;
  g_autofree char *fourth = NULL;
  g_autofree char *fifth = NULL;

  g_assert_cmpstr (first, ==, "USB-0001");
  add_medium (media, "YZ-USB-0009", 10);
  second = next_of (media);
  g_assert_cmpstr (second, ==, "YZ-USB-0010");
  /* the highest number of the prefix counts, not the latest one */
  add_medium (media, "YZ-USB-0042", 20);
  add_medium (media, "YZ-USB-0003", 30);
  third = next_of (media);
  g_assert_cmpstr (third, ==, "YZ-USB-0043");
  /* the latest registration's prefix is the one in use; one without
   * digits is passed over */
  add_medium (media, "SD-07", 40);
  add_medium (media, "総務課カード", 50);
  fourth = next_of (media);
  g_assert_cmpstr (fourth, ==, "SD-08");
  /* never a number that is taken, even written with other zeros */
  add_medium (media, "SD-008", 5);
  add_medium (media, "SD-09", 6);
  fifth = next_of (media);
  g_assert_cmpstr (fifth, ==, "SD-10");
}

static gint64
end_for (int year, int month, int day)
{
  g_autoptr(GTimeZone) tokyo = g_time_zone_new_identifier ("Asia/Tokyo");
  g_autoptr(GDateTime) now = g_date_time_new (tokyo, year, month, day, 12, 0, 0);

  return ul_fiscal_year_end (now);
}

static void
test_fiscal_year_end (void)
{
  /* 2027-03-31 23:59:59 +09:00 = 2027-03-31 14:59:59 UTC */
  const gint64 fy2026 = G_GINT64_CONSTANT (1806505199) * G_USEC_PER_SEC;

  g_assert_cmpint (end_for (2026, 11, 28), ==, fy2026);
  g_assert_cmpint (end_for (2026, 4, 1), ==, fy2026);
  g_assert_cmpint (end_for (2027, 3, 31), ==, fy2026);
  g_assert_cmpint (end_for (2027, 1, 5), ==, fy2026);
  /* the next one ends a leap year later: 29 February 2028 lies between */
  g_assert_cmpint (end_for (2027, 4, 1), ==, fy2026 + G_GINT64_CONSTANT (366) * 86400 *
                   G_USEC_PER_SEC);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/registration/next-asset-number", test_next_asset_number);
  g_test_add_func ("/registration/fiscal-year-end", test_fiscal_year_end);
  return g_test_run ();
}
