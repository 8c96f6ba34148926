/* what a supervisor sees of a device's strings */
#include "ul-escape.h"
#include "ul-json.h"

#include <string.h>

static void
check (const char *in, gssize len, const char *expected)
{
  g_autofree char *out = ul_escape_bytes ((const guint8 *) in,
                                          len < 0 ? strlen (in) : (gsize) len);

  g_assert_cmpstr (out, ==, expected);
  g_assert_true (g_utf8_validate (out, -1, NULL));
}

static void
test_escape (void)
{
  check ("SanDisk", -1, "SanDisk");
  check ("a\\b", -1, "a\\\\b");
  check ("x\ny\r\t", -1, "x\\ny\\r\\t");
  check ("\x1b[31m\x07", -1, "\\x1b[31m\\x07");
  check ("\xff\xfe", -1, "\\xff\\xfe");
  check ("\xe3\x81", -1, "\\xe3\\x81");           /* truncated UTF-8 */
  check ("ＵＳＢメモリ", -1, "ＵＳＢメモリ");
  check ("abc\xe2\x80\xae" "exe.txt", -1, "abc\\u{202E}exe.txt");
  check ("zero\xe2\x80\x8bwidth", -1, "zero\\u{200B}width");
  check ("\xc2\x9b" "31m", -1, "\\u{009B}31m");     /* C1 CSI */
  check ("a\0b", 3, "a\\x00b");
  check ("%n%s", -1, "%n%s");
  check ("", 0, "");
  {
    g_autofree char *none = ul_escape_bytes (NULL, 0);

    g_assert_cmpstr (none, ==, "(none)");
  }
}

static void
test_escape_text (void)
{
  g_autofree char *a = ul_escape_text ("serial=\"\\x1b\" \x1b\n");

  g_assert_cmpstr (a, ==, "serial=\"\\x1b\" \\x1b\\n");
}

static void
test_json (void)
{
  const guint8 raw[] = { 'a', 0x1b, 0xff };
  GVariantBuilder b;
  g_autoptr(GVariant) v = NULL;
  g_autofree char *json = NULL;

  g_variant_builder_init (&b, G_VARIANT_TYPE_VARDICT);
  g_variant_builder_add (&b, "{sv}", "s", g_variant_new_string ("q\"\\\n"));
  g_variant_builder_add (&b, "{sv}", "x", g_variant_new_int64 (-5));
  g_variant_builder_add (&b, "{sv}", "b", g_variant_new_boolean (TRUE));
  g_variant_builder_add (&b, "{sv}", "q", g_variant_new_uint16 (0x0781));
  g_variant_builder_add (&b, "{sv}", "ay",
                         g_variant_new_fixed_array (G_VARIANT_TYPE_BYTE, raw, 3, 1));
  g_variant_builder_add (&b, "{sv}", "as",
                         g_variant_new_strv ((const char *[]){ "x", "y" }, 2));
  v = g_variant_ref_sink (g_variant_builder_end (&b));
  json = ul_json_from_variant (v);
  g_assert_cmpstr (json, ==,
                   "{\"s\":\"q\\\"\\\\\\u000a\",\"x\":-5,\"b\":true,\"q\":1921,"
                   "\"ay\":{\"escaped\":\"a\\\\x1b\\\\xff\",\"hex\":\"611bff\"},"
                   "\"as\":[\"x\",\"y\"]}");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/escape/bytes", test_escape);
  g_test_add_func ("/escape/text", test_escape_text);
  g_test_add_func ("/escape/json", test_json);
  return g_test_run ();
}
