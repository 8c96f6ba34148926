/* the records a client reads from the daemon's replies (src/client) */
#include "ul-client-record.h"

static void
set_flag (gpointer data)
{
  *(gboolean *) data = TRUE;
}

/* a reply's records, as the pages read them: once the records and the
 * reply are freed, nothing of the reply is kept (each record used to hold
 * a second reference, and so its whole page's buffer) */
static void
test_records_keep_nothing_of_the_reply (void)
{
  g_autoptr(GVariant) made = g_variant_ref_sink (g_variant_new_parsed (
    "[{'id': <int64 1>}, {'id': <int64 2>}]"));
  gboolean released = FALSE;
  /* the reply's buffer, whose release is seen */
  g_autofree void *data = g_memdup2 (g_variant_get_data (made), g_variant_get_size (made));
  GBytes *watched = g_bytes_new_with_free_func (data, g_variant_get_size (made), set_flag,
                                                &released);
  GVariant *reply = g_variant_ref_sink (g_variant_new_from_bytes (G_VARIANT_TYPE ("aa{sv}"),
                                                                  watched, TRUE));
  GPtrArray *records;

  g_bytes_unref (watched);
  records = ul_client_records_new (reply);
  g_assert_cmpuint (records->len, ==, 2);
  g_assert_cmpint (ul_client_record_int (records->pdata[1], "id"), ==, 2);
  g_variant_unref (reply);
  g_assert_false (released);      /* the records still read it */
  g_ptr_array_unref (records);
  g_assert_true (released);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/client-records/keep-nothing-of-the-reply",
                   test_records_keep_nothing_of_the_reply);
  return g_test_run ();
}
