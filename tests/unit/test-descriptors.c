/* raw descriptor parsing: valid devices, every configuration, hostile blobs */
#include "ul-descriptors.h"
#include "ul-test-util.h"
#include "ul-error.h"

#include <string.h>

static void
test_mass_storage (void)
{
  const guint8 ifaces[][3] = { { 0x08, 0x06, 0x50 } };
  g_autoptr(GByteArray) a = ul_test_device_desc (1);
  g_autoptr(GError) error = NULL;
  g_autoptr(UlDescriptors) d = NULL;
  g_autofree char *s = NULL;
  const UlInterfaceDesc *i;

  ul_test_append_config (a, 1, ifaces, 1, 2);
  d = ul_descriptors_parse (a->data, a->len, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (d->vendor_id, ==, 0x0781);
  g_assert_cmpuint (d->product_id, ==, 0x5567);
  g_assert_cmpuint (d->bcd_device, ==, 0x0100);
  g_assert_cmpuint (d->interfaces->len, ==, 1);
  i = &g_array_index (d->interfaces, UlInterfaceDesc, 0);
  g_assert_cmpuint (i->iface_class, ==, 0x08);
  g_assert_cmpuint (i->n_bulk, ==, 2);
  g_assert_cmpuint (d->classes, ==, UL_CLASS_MASS_STORAGE);
  s = ul_descriptors_interfaces_to_string (d);
  g_assert_cmpstr (s, ==, "1.0:08/06/50");
}

static void
test_hidden_in_second_configuration (void)
{
  const guint8 kbd[][3] = { { 0x03, 0x01, 0x01 } };
  const guint8 storage[][3] = { { 0x08, 0x06, 0x62 } };
  g_autoptr(GByteArray) a = ul_test_device_desc (2);
  g_autoptr(GError) error = NULL;
  g_autoptr(UlDescriptors) d = NULL;

  ul_test_append_config (a, 1, kbd, 1, 1);
  ul_test_append_config (a, 2, storage, 1, 2);
  d = ul_descriptors_parse (a->data, a->len, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (d->n_parsed_configurations, ==, 2);
  g_assert_true (d->classes & UL_CLASS_HID);
  g_assert_true (d->classes & UL_CLASS_MASS_STORAGE);
}

static void
test_mtp_heuristic (void)
{
  const guint8 mtp[][3] = { { 0xff, 0xff, 0x00 } };
  const guint8 vendor[][3] = { { 0xff, 0x42, 0x01 } };
  g_autoptr(GByteArray) a = ul_test_device_desc (1);
  g_autoptr(GByteArray) b = ul_test_device_desc (1);
  g_autoptr(UlDescriptors) d = NULL;
  g_autoptr(UlDescriptors) e = NULL;

  ul_test_append_config (a, 1, mtp, 1, 3);
  d = ul_descriptors_parse (a->data, a->len, NULL);
  g_assert_nonnull (d);
  g_assert_true (d->classes & UL_CLASS_MTP_VENDOR);

  ul_test_append_config (b, 1, vendor, 1, 3);
  e = ul_descriptors_parse (b->data, b->len, NULL);
  g_assert_nonnull (e);
  g_assert_cmpuint (e->classes, ==, UL_CLASS_OTHER);
}

static void
expect_malformed (const guint8 *data, gsize len, const char *why)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(UlDescriptors) d = ul_descriptors_parse (data, len, &error);

  g_assert_null (d);
  g_assert_error (error, UL_ERROR, UL_ERROR_MALFORMED);
  if (strstr (error->message, why) == NULL)
    g_error ("\"%s\" does not say \"%s\"", error->message, why);
}

static void
test_hostile (void)
{
  const guint8 storage[][3] = { { 0x08, 0x06, 0x50 } };
  g_autoptr(GByteArray) a = ul_test_device_desc (1);
  g_autoptr(GByteArray) b = NULL;
  g_autoptr(GByteArray) many = ul_test_device_desc (1);
  guint8 *p;

  expect_malformed (NULL, 0, "device descriptor missing");
  expect_malformed ((const guint8 *) "\x12\x01", 2, "truncated");

  ul_test_append_config (a, 1, storage, 1, 2);
  /* truncated anywhere inside the configuration */
  for (guint cut = 19; cut < a->len; cut++)
    {
      g_autoptr(UlDescriptors) d = ul_descriptors_parse (a->data, cut, NULL);

      g_assert_null (d);
    }
  /* wrong device descriptor length */
  b = g_byte_array_sized_new (a->len);
  g_byte_array_append (b, a->data, a->len);
  b->data[0] = 17;
  expect_malformed (b->data, b->len, "not a device descriptor");
  b->data[0] = 18;
  /* a zero-length sub-descriptor would loop forever in a naive parser */
  p = b->data + 18 + 9;
  p[0] = 0;
  expect_malformed (b->data, b->len, "length 0 invalid");
  p[0] = 9;
  /* configuration claims more bytes than present */
  b->data[18 + 2] = 0xff;
  expect_malformed (b->data, b->len, "configuration length");
  b->data[18 + 2] = a->data[18 + 2];
  /* announces two configurations, has one */
  b->data[17] = 2;
  expect_malformed (b->data, b->len, "announces 2 configurations");
  b->data[17] = 1;
  /* short interface descriptor */
  p[0] = 5;
  expect_malformed (b->data, b->len, "interface descriptor too short");

  /* thousands of interfaces in one 64 KiB configuration */
  {
    guint n = 300;
    guint total = 9 + n * 9;
    guint8 cfg[9] = { 9, 2, (guint8) (total & 0xff), (guint8) (total >> 8), 1, 1, 0, 0x80, 50 };
    guint8 ifd[9] = { 9, 4, 0, 0, 0, 0x08, 0x06, 0x50, 0 };

    g_byte_array_append (many, cfg, 9);
    for (guint i = 0; i < n; i++)
      g_byte_array_append (many, ifd, 9);
    expect_malformed (many->data, many->len, "more than 256 interfaces");
  }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/descriptors/mass-storage", test_mass_storage);
  g_test_add_func ("/descriptors/second-configuration", test_hidden_in_second_configuration);
  g_test_add_func ("/descriptors/mtp", test_mtp_heuristic);
  g_test_add_func ("/descriptors/hostile", test_hostile);
  return g_test_run ();
}
