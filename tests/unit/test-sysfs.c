/* identity from a sysfs folder and the checked "authorized" write; the
 * sysfs root is a temporary folder */
#include "ul-authorize.h"
#include "ul-error.h"
#include "ul-test-util.h"

#include <glib/gstdio.h>
#include <string.h>

static const guint8 STORAGE[][3] = { { 0x08, 0x06, 0x50 } };

static char *
read_file (const char *dir, const char *name)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  char *data = NULL;

  g_assert_true (g_file_get_contents (path, &data, NULL, NULL));
  return data;
}

static void
write_file (const char *dir, const char *name, const char *value)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);

  g_assert_true (g_file_set_contents (path, value, -1, NULL));
}

static void
test_identity (void)
{
  g_autofree char *root = g_dir_make_tmp ("usbledger-sysfs-XXXXXX", NULL);
  g_autofree char *dir = ul_test_make_sysfs_device (root, "1-2", "AB\xff\n", 7, STORAGE, 1);
  g_autoptr(GError) error = NULL;
  g_autoptr(UlDevice) dev = ul_device_new_from_syspath (dir, &error);
  g_autofree char *desc = NULL;

  g_assert_no_error (error);
  g_assert_cmpuint (dev->vendor_id, ==, 0x0781);
  g_assert_cmpuint (dev->devnum, ==, 7);
  g_assert_cmpstr (dev->name, ==, "1-2");
  /* only the kernel's own trailing newline is removed */
  g_assert_cmpmem (g_bytes_get_data (dev->serial, NULL), g_bytes_get_size (dev->serial),
                   "AB\xff\n", 4);
  g_assert_null (dev->product);
  g_assert_nonnull (dev->desc);
  g_assert_true (ul_device_is_storage (dev));
  desc = ul_device_describe (dev);
  g_assert_cmpstr (desc, ==, "1-2 0781:5567 serial=\"AB\\xff\\n\" product=\"(none)\"");

  /* not a device at all */
  g_assert_null (ul_device_new_from_syspath (root, &error));
  g_assert_nonnull (strstr (error->message, "not a readable USB device"));
  g_clear_error (&error);
  /* an oversized attribute is refused, not read into memory */
  {
    g_autofree char *big = g_strnfill (70000, 'A');

    write_file (dir, "product", big);
    g_assert_null (ul_device_new_from_syspath (dir, &error));
    g_assert_error (error, UL_ERROR, UL_ERROR_MALFORMED);
  }
}

static void
test_authorize_checks_identity (void)
{
  g_autofree char *root = g_dir_make_tmp ("usbledger-sysfs-XXXXXX", NULL);
  g_autofree char *dir = ul_test_make_sysfs_device (root, "1-2", "SN1", 5, STORAGE, 1);
  g_autoptr(GError) error = NULL;
  g_autoptr(UlDevice) dev = ul_device_new_from_syspath (dir, &error);
  g_autofree char *v1 = NULL, *v2 = NULL, *v3 = NULL;

  g_assert_no_error (error);
  g_assert_true (ul_authorize_device (dev, TRUE, &error));
  g_assert_no_error (error);
  v1 = read_file (dir, "authorized");
  g_assert_cmpstr (v1, ==, "1");
  g_assert_true (ul_authorize_device (dev, FALSE, &error));
  v2 = read_file (dir, "authorized");
  g_assert_cmpstr (v2, ==, "0");

  /* unplugged and another device took the path: refused, nothing written */
  write_file (dir, "devnum", "6\n");
  g_assert_false (ul_authorize_device (dev, TRUE, &error));
  g_assert_error (error, UL_ERROR, UL_ERROR_DEVICE_CHANGED);
  g_clear_error (&error);
  v3 = read_file (dir, "authorized");
  g_assert_cmpstr (v3, ==, "0");
  write_file (dir, "devnum", "5\n");
  write_file (dir, "serial", "SN2\n");
  g_assert_false (ul_authorize_device (dev, TRUE, &error));
  g_assert_error (error, UL_ERROR, UL_ERROR_DEVICE_CHANGED);
  g_clear_error (&error);

  /* gone */
  ul_test_rm_rf (root);
  g_assert_false (ul_authorize_device (dev, TRUE, &error));
  g_assert_error (error, UL_ERROR, UL_ERROR_DEVICE_CHANGED);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/sysfs/identity", test_identity);
  g_test_add_func ("/sysfs/authorize", test_authorize_checks_identity);
  return g_test_run ();
}
