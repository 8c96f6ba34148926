/* times a person reads are local, with the zone's name and offset; machine
 * formats are UTC (issue 10, item 4). Run under TZ=Asia/Tokyo, the city's. */
#include "ul-time.h"
#include "ul-test-util.h"

/* 2026-11-27 14:52:10 UTC */
#define INSTANT (G_GINT64_CONSTANT (1795791130) * G_USEC_PER_SEC)

static void
test_local_with_zone_and_offset (void)
{
  g_autofree char *local = ul_time_format (INSTANT);
  g_autofree char *iso = ul_time_format_iso8601 (INSTANT);

  g_assert_cmpstr (local, ==, "2026-11-27 23:52:10 JST (UTC+09:00)");
  g_assert_cmpstr (iso, ==, "2026-11-27T14:52:10Z");
}

static void
test_month_is_the_local_month (void)
{
  g_autoptr(GError) error = NULL;
  gint64 since = 0, until = 0, late = 0;

  g_assert_true (ul_time_parse_month ("2026-11", &since, &until, &error));
  g_assert_no_error (error);
  /* JST midnight, 2026-10-31 15:00 and 2026-11-30 15:00 UTC */
  g_assert_cmpint (since, ==, G_GINT64_CONSTANT (1793458800) * G_USEC_PER_SEC);
  g_assert_cmpint (until, ==, G_GINT64_CONSTANT (1796050800) * G_USEC_PER_SEC);
  /* the last half hour of November in Tokyo belongs to November */
  g_assert_true (ul_time_parse ("2026-11-30T23:30:00+09:00", &late, &error));
  g_assert_cmpint (late, >=, since);
  g_assert_cmpint (late, <, until);
  g_assert_false (ul_time_parse_month ("2026-13", &since, &until, &error));
  g_assert_nonnull (error);
}

int
main (int argc, char **argv)
{
  /* before GLib reads the local zone for the first time */
  g_setenv ("TZ", "Asia/Tokyo", TRUE);
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/time/local-with-zone-and-offset", test_local_with_zone_and_offset);
  g_test_add_func ("/time/month-is-the-local-month", test_month_is_the_local_month);
  return g_test_run ();
}
