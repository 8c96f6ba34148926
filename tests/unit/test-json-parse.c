/* reading JSON back (the signed certificate, a ledger's manifest): what
 * ul_canonical_json wrote reads back to the same bytes, and text that is
 * not JSON, or JSON we do not sign (fractions, duplicate keys), is refused
 * with the place it went wrong */
#include "ul-canonical-json.h"
#include "ul-json-parse.h"
#include "ul-test-util.h"

static void
test_canonical_round_trip (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) doc = g_variant_ref_sink (g_variant_new_parsed (
    "{'number': <'2026-0001'>, 'issued-at': <'2026-11-27T14:52:10Z'>,"
    " 'medium': <{'serial': <'A\"B\\\\C\\n\\u0001 漢字'>, 'capacity-bytes': <int64 -15>}>,"
    " 'sessions-closed': <[<int64 3>, <int64 4>]>, 'ok': <true>}"));
  g_autofree char *json = ul_canonical_json (doc, &error);
  g_autoptr(GVariant) back = NULL;
  g_autofree char *again = NULL;

  g_assert_no_error (error);
  back = ul_json_parse (json, strlen (json), &error);
  g_assert_no_error (error);
  again = ul_canonical_json (back, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (again, ==, json);
}

static void
test_escapes_and_space (void)
{
  g_autoptr(GError) error = NULL;
  const char *text = " { \"a\" : [ \"\\ud83d\\ude00\\u00e9\\/\" , null , false ] } \r\n";
  g_autoptr(GVariant) v = ul_json_parse (text, strlen (text), &error);
  g_autoptr(GVariant) a = NULL;
  g_autoptr(GVariant) boxed0 = NULL, boxed1 = NULL;
  g_autoptr(GVariant) first = NULL;
  g_autoptr(GVariant) second = NULL;

  g_assert_no_error (error);
  a = g_variant_lookup_value (v, "a", G_VARIANT_TYPE ("av"));
  g_assert_nonnull (a);
  boxed0 = g_variant_get_child_value (a, 0);
  first = g_variant_get_variant (boxed0);
  g_assert_cmpstr (g_variant_get_string (first, NULL), ==, "😀é/");
  boxed1 = g_variant_get_child_value (a, 1);
  second = g_variant_get_variant (boxed1);
  g_assert_true (g_variant_is_of_type (second, G_VARIANT_TYPE ("mv")));
}

static void
test_refused (void)
{
  const char *bad[] = {
    "", "{", "{\"a\":1,}", "[1 2]", "{\"a\":1} x", "{\"a\":1,\"a\":2}", "1.5", "1e3", "01",
    "\"\\ud800\"", "\"\\udc00x\"", "\"\\u0000\"", "\"a\tb\"", "\"\\q\"", "\"\xff\"",
    "99999999999999999999", "tru", "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]",
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GVariant) v = ul_json_parse (bad[i], strlen (bad[i]), &error);

      if (v != NULL)
        g_error ("read %s", bad[i]);
      g_assert_nonnull (error);
      g_assert_true (strstr (error->message, "JSON at byte") != NULL);
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/json-parse/canonical-round-trip", test_canonical_round_trip);
  g_test_add_func ("/json-parse/escapes-and-space", test_escapes_and_space);
  g_test_add_func ("/json-parse/refused", test_refused);
  return g_test_run ();
}
