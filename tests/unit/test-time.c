/* times a person reads are local, with the zone's name and offset; machine
 * formats are UTC (issue 10, item 4). Run under TZ=Asia/Tokyo, the city's. */
#include "ul-time.h"
#include "ul-test-util.h"

#include <time.h>

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

/* the fast UTC formatter gives GDateTime's text, to the byte: a ledger's
 * digest covers it */
static void
test_iso8601_as_gdatetime_writes_it (void)
{
  static const gint64 seconds[] = { 0, 1, 59, 951782400 /* 2000-02-29 */, 1795791130,
                                    2147483647, 2147483648, 4102444800 /* 2100-01-01 */,
                                    253402300799 /* 9999-12-31T23:59:59 */ };
  GRand *rand = g_rand_new_with_seed (10);

  for (guint i = 0; i < G_N_ELEMENTS (seconds) + 2000; i++)
    {
      gint64 s = i < G_N_ELEMENTS (seconds)
                   ? seconds[i] : (gint64) g_rand_double_range (rand, 0, 253402300799.0);
      gint64 usec = s * G_USEC_PER_SEC + g_rand_int_range (rand, 0, 1000000);
      g_autoptr(GDateTime) dt = g_date_time_new_from_unix_utc (s);
      g_autofree char *want = g_date_time_format_iso8601 (dt);
      g_autofree char *got = ul_time_format_iso8601 (usec);

      g_assert_cmpstr (got, ==, want);
    }
  g_rand_free (rand);
}

/* the plain local form, as GDateTime formats it, in a zone without and a
 * zone with summer time */
static void
test_local_plain_as_gdatetime_writes_it (void)
{
  static const char *const zones[] = { "Asia/Tokyo", "America/New_York", "UTC" };
  GRand *rand = g_rand_new_with_seed (11);

  for (guint z = 0; z < G_N_ELEMENTS (zones); z++)
    {
      g_setenv ("TZ", zones[z], TRUE);
      tzset ();
      for (guint i = 0; i < 3000; i++)
        {
          gint64 s = (gint64) g_rand_double_range (rand, 0, 4102444800.0);
          g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (s);
          g_autoptr(GDateTime) local = g_date_time_to_local (utc);
          g_autofree char *iso = g_date_time_format_iso8601 (utc);
          g_autofree char *want_min = g_date_time_format (local, "%Y-%m-%d %H:%M");
          g_autofree char *want_day = g_date_time_format (local, "%Y-%m-%d");
          g_autofree char *got_min = NULL;
          g_autofree char *got_day = NULL;
          gint64 usec = 0;

          g_assert_true (ul_time_parse_iso8601_plain (iso, &usec));
          g_assert_cmpint (usec, ==, s * G_USEC_PER_SEC);
          got_min = ul_time_format_local_plain (usec, TRUE);
          got_day = ul_time_format_local_plain (usec, FALSE);
          g_assert_cmpstr (got_min, ==, want_min);
          g_assert_cmpstr (got_day, ==, want_day);
        }
    }
  g_setenv ("TZ", "Asia/Tokyo", TRUE);
  tzset ();
  g_rand_free (rand);
  /* other forms are left to GDateTime */
  {
    gint64 usec = 0;

    g_assert_false (ul_time_parse_iso8601_plain ("2026-11-26T01:16:25.5Z", &usec));
    g_assert_false (ul_time_parse_iso8601_plain ("2026-11-26T01:16:25+09:00", &usec));
    g_assert_false (ul_time_parse_iso8601_plain ("2026-02-30T01:16:25Z", &usec));
    g_assert_false (ul_time_parse_iso8601_plain ("2026-1x-26T01:16:25Z", &usec));
    g_assert_false (ul_time_parse_iso8601_plain (NULL, &usec));
  }
}

int
main (int argc, char **argv)
{
  /* before GLib reads the local zone for the first time */
  g_setenv ("TZ", "Asia/Tokyo", TRUE);
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/time/local-with-zone-and-offset", test_local_with_zone_and_offset);
  g_test_add_func ("/time/month-is-the-local-month", test_month_is_the_local_month);
  g_test_add_func ("/time/iso8601-as-gdatetime-writes-it", test_iso8601_as_gdatetime_writes_it);
  g_test_add_func ("/time/local-plain-as-gdatetime-writes-it",
                   test_local_plain_as_gdatetime_writes_it);
  return g_test_run ();
}
