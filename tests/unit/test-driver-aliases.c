/* storage by the kernel's own driver tables: a device that usb-storage, an
 * ums-* driver or a card reader driver would bind is storage whatever class
 * it announces, and a device of no harmless class is decided, never waved
 * through (issue 9, item 1) */
#include "ul-driver-aliases.h"
#include "ul-policy.h"
#include "ul-test-util.h"

#include <glob.h>
#include <string.h>

static const guint8 VENDOR[][3] = { { 0xff, 0x00, 0x00 } };
static const guint8 KEYBOARD[][3] = { { 0x03, 0x01, 0x01 } };
static const guint8 STORAGE[][3] = { { 0x08, 0x06, 0x50 } };
static const guint8 AUDIO[][3] = { { 0x01, 0x01, 0x00 }, { 0x01, 0x02, 0x00 } };
static const guint8 CDC_ACM[][3] = { { 0x02, 0x02, 0x01 }, { 0x0a, 0x00, 0x00 } };

/* a device with the given ids; the descriptors are rewritten and parsed
 * again, so the modalias is built from the bytes as the kernel's would be */
static UlDevice *
device_with_ids (guint16 vid, guint16 pid, guint16 bcd, const guint8 (*ifaces)[3], guint n)
{
  UlDevice *dev = ul_test_device_new ("1-1", "SER-1", ifaces, n);
  g_autoptr(GByteArray) raw = g_byte_array_new ();
  gsize len;
  const guint8 *data = g_bytes_get_data (dev->descriptors, &len);

  g_byte_array_append (raw, data, len);
  raw->data[8] = vid & 0xff;
  raw->data[9] = vid >> 8;
  raw->data[10] = pid & 0xff;
  raw->data[11] = pid >> 8;
  raw->data[12] = bcd & 0xff;
  raw->data[13] = bcd >> 8;
  ul_descriptors_free (dev->desc);
  dev->desc = ul_descriptors_parse (raw->data, raw->len, NULL);
  g_assert_nonnull (dev->desc);
  dev->vendor_id = vid;
  dev->product_id = pid;
  g_bytes_unref (dev->descriptors);
  dev->descriptors = g_bytes_new (raw->data, raw->len);
  g_free (dev->descriptor_hash);
  dev->descriptor_hash = ul_sha256_hex (raw->data, raw->len);
  return dev;
}

static UlDriverAliases *
fixture_aliases (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_test_build_filename (G_TEST_DIST, "..", "fixtures", "modules", NULL);
  UlDriverAliases *a = ul_driver_aliases_load (dir, &error);

  g_assert_no_error (error);
  return a;
}

static UlDecision
decide (const UlDevice *dev, UlOtherDevices other, char **reason)
{
  UlPolicyInput in = { 0 };
  const char *code = NULL;

  in.device = dev;
  in.seat_user = "tanaka";
  in.now = G_GINT64_CONSTANT (1790000000) * G_USEC_PER_SEC;
  in.other_devices = other;
  return ul_policy_decide (&in, reason, &code);
}

static void
test_modalias_format (void)
{
  g_autoptr(UlDevice) dev = device_with_ids (0x04b8, 0x0602, 0x0110, VENDOR, 1);
  g_autofree char *m = ul_descriptors_modalias (dev->desc, &g_array_index (dev->desc->interfaces,
                                                                           UlInterfaceDesc, 0));

  /* as usb_uevent() writes it: upper-case hex, bInterfaceNumber last */
  g_assert_cmpstr (m, ==, "usb:v04B8p0602d0110dc00dsc00dp00icFFisc00ip00in00");
}

static void
test_fixture_matches (void)
{
  g_autoptr(UlDriverAliases) a = fixture_aliases ();
  g_autoptr(UlDevice) epson = device_with_ids (0x04b8, 0x0602, 0x0110, VENDOR, 1);
  g_autoptr(UlDevice) epson_other_bcd = device_with_ids (0x04b8, 0x0602, 0x0200, VENDOR, 1);
  g_autoptr(UlDevice) reader = device_with_ids (0x0bda, 0x0129, 0x3960, VENDOR, 1);
  g_autoptr(UlDevice) cypress = device_with_ids (0x14cd, 0x6116, 0x0150, VENDOR, 1);
  g_autoptr(UlDevice) printer = device_with_ids (0x04b8, 0x0202, 0x0100, VENDOR, 1);
  g_autoptr(UlDevice) kbd = device_with_ids (0x046d, 0xc31c, 0x0110, KEYBOARD, 1);
  g_autoptr(UlDevice) stick = device_with_ids (0x0781, 0x5567, 0x0100, STORAGE, 1);
  g_autofree char *modalias = NULL;

  /* usb_storage, uas, rtsx_usb and ums_* lines are kept; usbhid, cdc_acm,
   * usblp and the pci line are not */
  g_assert_cmpuint (ul_driver_aliases_count (a), ==, 26);
  g_assert_cmpstr (ul_driver_aliases_match (a, epson->desc, &modalias), ==, "usb_storage");
  g_assert_cmpstr (modalias, ==, "usb:v04B8p0602d0110dc00dsc00dp00icFFisc00ip00in00");
  g_assert_null (ul_driver_aliases_match (a, epson_other_bcd->desc, NULL));
  g_assert_cmpstr (ul_driver_aliases_match (a, reader->desc, NULL), ==, "rtsx_usb");
  g_assert_cmpstr (ul_driver_aliases_match (a, cypress->desc, NULL), ==, "ums_cypress");
  g_assert_null (ul_driver_aliases_match (a, printer->desc, NULL));
  g_assert_null (ul_driver_aliases_match (a, kbd->desc, NULL));
  g_assert_cmpstr (ul_driver_aliases_match (a, stick->desc, NULL), ==, "uas");
  g_assert_true (ul_driver_is_storage ("ums-karma"));
  g_assert_false (ul_driver_is_storage ("usbhid"));
}

/* the kernel the VM test boots (linux-image-amd64, which .ci/packages
 * installs): its whole alias file, not our excerpt */
static void
test_kernel_alias_file (void)
{
  glob_t g = { 0 };
  g_autoptr(UlDriverAliases) a = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL;
  g_autoptr(UlDevice) epson = device_with_ids (0x04b8, 0x0602, 0x0110, VENDOR, 1);
  g_autoptr(UlDevice) reader = device_with_ids (0x0bda, 0x0129, 0x3960, VENDOR, 1);
  g_autoptr(UlDevice) kbd = device_with_ids (0x046d, 0xc31c, 0x0110, KEYBOARD, 1);
  g_autoptr(UlDevice) audio = device_with_ids (0x0d8c, 0x0014, 0x0100, AUDIO, 2);
  gint64 t0;

  g_assert_cmpint (glob ("/lib/modules/*/modules.alias", 0, NULL, &g), ==, 0);
  dir = g_path_get_dirname (g.gl_pathv[0]);
  globfree (&g);
  t0 = g_get_monotonic_time ();
  a = ul_driver_aliases_load (dir, &error);
  g_assert_no_error (error);
  g_test_message ("%s: %u storage aliases, read in %" G_GINT64_FORMAT " µs", dir,
                  ul_driver_aliases_count (a), g_get_monotonic_time () - t0);
  /* Debian 12: some 400 usb_storage lines alone */
  g_assert_cmpuint (ul_driver_aliases_count (a), >, 300);
  g_assert_cmpstr (ul_driver_aliases_match (a, epson->desc, NULL), ==, "usb_storage");
  g_assert_cmpstr (ul_driver_aliases_match (a, reader->desc, NULL), ==, "rtsx_usb");
  g_assert_null (ul_driver_aliases_match (a, kbd->desc, NULL));
  g_assert_null (ul_driver_aliases_match (a, audio->desc, NULL));
}

static void
test_missing_alias_file (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(UlDriverAliases) a = ul_driver_aliases_load ("/nonexistent-modules", &error);

  g_assert_null (a);
  g_assert_nonnull (strstr (error->message, "module aliases"));
}

static void
test_policy_allow_list (void)
{
  g_autoptr(UlDriverAliases) a = fixture_aliases ();
  g_autoptr(UlDevice) epson = device_with_ids (0x04b8, 0x0602, 0x0110, VENDOR, 1);
  g_autoptr(UlDevice) vendor = device_with_ids (0x1234, 0x5678, 0x0100, VENDOR, 1);
  g_autoptr(UlDevice) fake_kbd = device_with_ids (0x04b8, 0x0602, 0x0110, KEYBOARD, 1);
  g_autoptr(UlDevice) audio = device_with_ids (0x0d8c, 0x0014, 0x0100, AUDIO, 2);
  g_autoptr(UlDevice) modem = device_with_ids (0x1234, 0x0001, 0x0100, CDC_ACM, 2);
  g_autofree char *r1 = NULL, *r2 = NULL, *r3 = NULL, *r4 = NULL, *r5 = NULL, *r6 = NULL,
                  *r7 = NULL;

  ul_device_match_drivers (epson, a);
  ul_device_match_drivers (vendor, a);
  ul_device_match_drivers (fake_kbd, a);
  ul_device_match_drivers (audio, a);
  ul_device_match_drivers (modem, a);

  /* storage by driver: a request like any stick, naming the driver */
  g_assert_true (ul_device_is_storage (epson));
  g_assert_cmpint (decide (epson, UL_OTHER_DEVICES_ALLOW, &r1), ==,
                   UL_DECISION_BLOCK_AND_REQUEST);
  g_assert_nonnull (strstr (r1, "usb_storage"));
  /* a keyboard usb-storage would bind is a BadUSB device */
  g_assert_cmpint (decide (fake_kbd, UL_OTHER_DEVICES_REQUEST, &r2), ==,
                   UL_DECISION_BLOCK_SUSPICIOUS);
  /* vendor-specific, bound by no storage driver: the configured policy */
  g_assert_false (ul_device_is_storage (vendor));
  g_assert_true (ul_device_is_controlled (vendor));
  g_assert_cmpint (decide (vendor, UL_OTHER_DEVICES_REQUEST, &r3), ==,
                   UL_DECISION_BLOCK_AND_REQUEST);
  g_assert_nonnull (strstr (r3, "ff/00/00"));
  g_assert_cmpint (decide (vendor, UL_OTHER_DEVICES_BLOCK, &r4), ==, UL_DECISION_BLOCK);
  g_assert_cmpint (decide (vendor, UL_OTHER_DEVICES_ALLOW, &r5), ==, UL_DECISION_NOT_STORAGE);
  /* communications devices are not harmless either */
  g_assert_cmpint (decide (modem, UL_OTHER_DEVICES_REQUEST, &r6), ==,
                   UL_DECISION_BLOCK_AND_REQUEST);
  /* audio is */
  g_assert_false (ul_device_is_controlled (audio));
  g_assert_cmpint (decide (audio, UL_OTHER_DEVICES_REQUEST, &r7), ==, UL_DECISION_NOT_STORAGE);
}

static void
test_other_devices_names (void)
{
  UlOtherDevices v = UL_OTHER_DEVICES_ALLOW;

  g_assert_true (ul_other_devices_from_string ("block", &v));
  g_assert_cmpint (v, ==, UL_OTHER_DEVICES_BLOCK);
  g_assert_false (ul_other_devices_from_string ("yes", &v));
  g_assert_cmpstr (ul_other_devices_to_string (UL_OTHER_DEVICES_REQUEST), ==, "request");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/driver-aliases/modalias-format", test_modalias_format);
  g_test_add_func ("/driver-aliases/fixture", test_fixture_matches);
  g_test_add_func ("/driver-aliases/kernel-alias-file", test_kernel_alias_file);
  g_test_add_func ("/driver-aliases/missing", test_missing_alias_file);
  g_test_add_func ("/driver-aliases/policy-allow-list", test_policy_allow_list);
  g_test_add_func ("/driver-aliases/other-devices-names", test_other_devices_names);
  return g_test_run ();
}
