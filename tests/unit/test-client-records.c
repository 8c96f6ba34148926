/* the records a client reads from the daemon's replies (src/client) */
#include "ul-client-record.h"
#include "ul-test-util.h"

/* a reply's records, as the pages read them: once the records and the
 * reply are freed, nothing of the reply is kept (each record used to hold
 * a second reference, and so its whole page's buffer) */
static void
test_records_keep_nothing_of_the_reply (void)
{
  g_auto(UlTestWatch) w = { 0 };
  GVariant *reply = ul_test_watched_variant ("[{'id': <int64 1>}, {'id': <int64 2>}]", &w);
  GPtrArray *records = ul_client_records_new (reply);

  g_assert_cmpuint (records->len, ==, 2);
  g_assert_cmpint (ul_client_record_int (records->pdata[1], "id"), ==, 2);
  g_variant_unref (reply);
  g_assert_false (w.released);    /* the records still read it */
  g_ptr_array_unref (records);
  g_assert_true (w.released);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/client-records/keep-nothing-of-the-reply",
                   test_records_keep_nothing_of_the_reply);
  return g_test_run ();
}
