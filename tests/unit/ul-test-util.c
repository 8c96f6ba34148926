/* ul-test-util.c */
#include "ul-test-util.h"

#include <ftw.h>
#include <stdio.h>

#include <glib/gstdio.h>
#include <string.h>

GByteArray *
ul_test_device_desc (guint8 n_configs)
{
  const guint8 d[18] = { 18, 1, 0x00, 0x02, 0, 0, 0, 64, 0x81, 0x07, 0x67, 0x55,
                         0x00, 0x01, 1, 2, 3, n_configs };
  GByteArray *a = g_byte_array_new ();

  g_byte_array_append (a, d, sizeof d);
  return a;
}

void
ul_test_append_config (GByteArray *a, guint8 value, const guint8 (*ifaces)[3], guint n_ifaces,
                       guint n_endpoints)
{
  guint total = 9 + n_ifaces * (9 + 7 * n_endpoints);
  guint8 cfg[9] = { 9, 2, (guint8) (total & 0xff), (guint8) (total >> 8), (guint8) n_ifaces,
                    value, 0, 0x80, 50 };

  g_byte_array_append (a, cfg, 9);
  for (guint i = 0; i < n_ifaces; i++)
    {
      guint8 ifd[9] = { 9, 4, (guint8) i, 0, (guint8) n_endpoints, ifaces[i][0], ifaces[i][1],
                        ifaces[i][2], 0 };

      g_byte_array_append (a, ifd, 9);
      for (guint e = 0; e < n_endpoints; e++)
        {
          guint8 ep[7] = { 7, 5, (guint8) (0x81 + e), e == 2 ? 3 : 2, 0, 2, 0 };

          g_byte_array_append (a, ep, 7);
        }
    }
}

static GByteArray *
descriptors_for (const guint8 (*ifaces)[3], guint n_ifaces)
{
  GByteArray *a = ul_test_device_desc (1);

  ul_test_append_config (a, 1, ifaces, n_ifaces, 3);
  return a;
}

UlDevice *
ul_test_device_new (const char *name, const char *serial, const guint8 (*ifaces)[3],
                    guint n_ifaces)
{
  g_autoptr(GByteArray) raw = descriptors_for (ifaces, n_ifaces);
  UlDevice *dev = g_new0 (UlDevice, 1);

  dev->dirfd = -1;
  dev->name = g_strdup (name);
  dev->syspath = g_strdup_printf ("/sys/devices/usb1/%s", name);
  dev->vendor_id = 0x0781;
  dev->product_id = 0x5567;
  dev->serial = serial ? g_bytes_new (serial, strlen (serial)) : NULL;
  dev->speed = g_strdup ("480");
  dev->descriptors = g_bytes_new (raw->data, raw->len);
  dev->descriptor_hash = ul_sha256_hex (raw->data, raw->len);
  dev->desc = ul_descriptors_parse (raw->data, raw->len, NULL);
  g_assert_nonnull (dev->desc);
  return dev;
}

static void
write_attr (const char *dir, const char *name, const void *data, gsize len)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autoptr(GError) error = NULL;

  g_file_set_contents (path, data, (gssize) len, &error);
  g_assert_no_error (error);
}

char *
ul_test_make_sysfs_device (const char *root, const char *name, const char *serial,
                           guint devnum, const guint8 (*ifaces)[3], guint n_ifaces)
{
  g_autoptr(GByteArray) raw = descriptors_for (ifaces, n_ifaces);
  char *dir = g_build_filename (root, name, NULL);
  g_autofree char *devnum_s = g_strdup_printf ("%u\n", devnum);

  g_assert_cmpint (g_mkdir_with_parents (dir, 0755), ==, 0);
  write_attr (dir, "idVendor", "0781\n", 5);
  write_attr (dir, "idProduct", "5567\n", 5);
  write_attr (dir, "bcdDevice", "0100\n", 5);
  write_attr (dir, "busnum", "1\n", 2);
  write_attr (dir, "devnum", devnum_s, strlen (devnum_s));
  write_attr (dir, "authorized", "0\n", 2);
  write_attr (dir, "speed", "480\n", 4);
  write_attr (dir, "descriptors", raw->data, raw->len);
  if (serial != NULL)
    {
      g_autofree char *s = g_strdup_printf ("%s\n", serial);

      write_attr (dir, "serial", s, strlen (s));
    }
  return dir;
}

static int
remove_entry (const char *path, const struct stat *st, int type, struct FTW *ftw)
{
  return remove (path);
}

void
ul_test_rm_rf (const char *path)
{
  g_assert_cmpint (nftw (path, remove_entry, 16, FTW_DEPTH | FTW_PHYS), ==, 0);
}

static void
set_released (gpointer data)
{
  ((UlTestWatch *) data)->released = TRUE;
}

GVariant *
ul_test_watched_variant (const char *text, UlTestWatch *w)
{
  g_autoptr(GVariant) made = g_variant_ref_sink (g_variant_new_parsed (text));
  gsize size = g_variant_get_size (made);
  g_autoptr(GBytes) bytes = NULL;

  w->released = FALSE;
  w->data = g_memdup2 (g_variant_get_data (made), size);
  bytes = g_bytes_new_with_free_func (w->data, size, set_released, w);
  return g_variant_ref_sink (g_variant_new_from_bytes (g_variant_get_type (made), bytes, TRUE));
}

void
ul_test_watch_clear (UlTestWatch *w)
{
  g_clear_pointer (&w->data, g_free);
}
