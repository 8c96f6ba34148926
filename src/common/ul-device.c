/* ul-device.c: identity comes from the individual sysfs attributes, never
 * from a "uevent" file or udev properties: a newline in a device string can
 * forge lines there, and udev sanitizes or drops non-ASCII serials */
#include "ul-device.h"
#include "ul-driver-aliases.h"
#include "ul-error.h"
#include "ul-escape.h"
#include "ul-sysfs-attr.h"

#include <errno.h>
#include <fcntl.h>
#include <gio/gio.h>
#include <unistd.h>

/* SHA-256 (FIPS 180-4, on the CRYPTREC list) through GLib: hashing is on
 * every plug-in's path, and initializing OpenSSL for it would add ~3 MiB to
 * the daemon's resident memory; OpenSSL is kept for signing and encryption */
char *
ul_sha256_hex (const guint8 *data, gsize len)
{
  return g_compute_checksum_for_data (G_CHECKSUM_SHA256, data, len);
}

/* a missing string attribute is normal (no serial); any other failure is not */
static gboolean
read_optional_string (int dirfd, const char *name, GBytes **out, GError **error)
{
  g_autoptr(GError) local = NULL;

  *out = ul_sysfs_read_attr (dirfd, name, TRUE, &local);
  if (*out != NULL)
    return TRUE;
  if (g_error_matches (local, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
    return TRUE;
  g_propagate_error (error, g_steal_pointer (&local));
  return FALSE;
}

UlDevice *
ul_device_new_from_dirfd (int dirfd, const char *syspath, GError **error)
{
  g_autoptr(UlDevice) dev = g_new0 (UlDevice, 1);
  g_autoptr(GBytes) speed = NULL;
  g_autoptr(GError) desc_error = NULL;
  const guint8 *raw;
  gsize raw_len = 0;

  dev->dirfd = -1;
  dev->syspath = g_strdup (syspath);
  dev->name = g_path_get_basename (syspath);

  if (!ul_sysfs_read_uint (dirfd, "busnum", &dev->busnum, error) ||
      !ul_sysfs_read_uint (dirfd, "devnum", &dev->devnum, error))
    {
      g_prefix_error (error, "%s is not a readable USB device: ", syspath);
      return NULL;
    }

  dev->descriptors = ul_sysfs_read_attr (dirfd, "descriptors", FALSE, &desc_error);
  if (dev->descriptors == NULL)
    {
      dev->descriptors = g_bytes_new (NULL, 0);
      dev->desc_error = g_strdup (desc_error->message);
      g_clear_error (&desc_error);
    }
  raw = g_bytes_get_data (dev->descriptors, &raw_len);
  dev->descriptor_hash = ul_sha256_hex (raw != NULL ? raw : (const guint8 *) "", raw_len);
  if (dev->desc_error == NULL)
    {
      dev->desc = ul_descriptors_parse (raw, raw_len, &desc_error);
      if (dev->desc == NULL)
        dev->desc_error = g_strdup (desc_error->message);
    }
  if (dev->desc != NULL)
    {
      /* idVendor, idProduct and bcdDevice are printed from this very descriptor */
      dev->vendor_id = dev->desc->vendor_id;
      dev->product_id = dev->desc->product_id;
      dev->bcd_device = dev->desc->bcd_device;
    }
  else if (!ul_sysfs_read_hex16 (dirfd, "idVendor", &dev->vendor_id, error) ||
           !ul_sysfs_read_hex16 (dirfd, "idProduct", &dev->product_id, error))
    {
      g_prefix_error (error, "%s is not a readable USB device: ", syspath);
      return NULL;
    }
  if (!ul_sysfs_read_uint (dirfd, "authorized", &dev->authorized, NULL))
    dev->authorized = 1; /* no attribute: the kernel has no authorization here */

  if (!read_optional_string (dirfd, "serial", &dev->serial, error) ||
      !read_optional_string (dirfd, "manufacturer", &dev->manufacturer, error) ||
      !read_optional_string (dirfd, "product", &dev->product, error) ||
      !read_optional_string (dirfd, "speed", &speed, error))
    {
      g_prefix_error (error, "%s: ", syspath);
      return NULL;
    }
  if (speed != NULL)
    {
      gsize len;
      const char *s = g_bytes_get_data (speed, &len);

      dev->speed = g_utf8_make_valid (s != NULL ? s : "", (gssize) MIN (len, 16));
    }
  else
    dev->speed = g_strdup ("");
  return g_steal_pointer (&dev);
}

UlDevice *
ul_device_new_from_syspath (const char *syspath, GError **error)
{
  UlDevice *dev;
  int dirfd;

  do
    dirfd = open (syspath, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  while (dirfd < 0 && errno == EINTR);
  if (dirfd < 0)
    {
      int err = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (err),
                   "cannot open %s: %s", syspath, g_strerror (err));
      return NULL;
    }
  dev = ul_device_new_from_dirfd (dirfd, syspath, error);
  if (dev == NULL)
    close (dirfd);
  else
    dev->dirfd = dirfd;
  return dev;
}

void
ul_device_free (UlDevice *dev)
{
  if (dev == NULL)
    return;
  if (dev->dirfd >= 0)
    close (dev->dirfd);
  g_free (dev->syspath);
  g_free (dev->name);
  g_clear_pointer (&dev->serial, g_bytes_unref);
  g_clear_pointer (&dev->manufacturer, g_bytes_unref);
  g_clear_pointer (&dev->product, g_bytes_unref);
  g_free (dev->speed);
  g_clear_pointer (&dev->descriptors, g_bytes_unref);
  g_free (dev->descriptor_hash);
  ul_descriptors_free (dev->desc);
  g_free (dev->desc_error);
  g_free (dev->storage_driver);
  g_free (dev->storage_modalias);
  g_free (dev);
}

void
ul_device_match_drivers (UlDevice *dev, const UlDriverAliases *aliases)
{
  const char *driver;

  g_clear_pointer (&dev->storage_driver, g_free);
  g_clear_pointer (&dev->storage_modalias, g_free);
  if (dev->desc == NULL || aliases == NULL)
    return;
  driver = ul_driver_aliases_match (aliases, dev->desc, &dev->storage_modalias);
  dev->storage_driver = g_strdup (driver);
}

gboolean
ul_device_is_storage (const UlDevice *dev)
{
  /* malformed descriptors: we cannot rule storage out, so treat it as storage */
  if (dev->desc == NULL)
    return TRUE;
  return (dev->desc->classes & UL_CLASS_STORAGE_MASK) != 0 || dev->storage_driver != NULL;
}

gboolean
ul_device_is_controlled (const UlDevice *dev)
{
  return ul_device_is_storage (dev) || !ul_descriptors_all_harmless (dev->desc);
}

static gboolean
bytes_equal0 (GBytes *a, GBytes *b)
{
  if (a == NULL || b == NULL)
    return a == b;
  return g_bytes_equal (a, b);
}

gboolean
ul_device_same_identity (const UlDevice *a, const UlDevice *b)
{
  return a->card == b->card && a->vendor_id == b->vendor_id &&
         a->product_id == b->product_id && bytes_equal0 (a->serial, b->serial);
}

gboolean
ul_device_check_unchanged (const UlDevice *dev, int dirfd, GError **error)
{
  g_autoptr(GBytes) serial = NULL;
  guint devnum = 0;

  g_autoptr(GError) local = NULL;

  if (!ul_sysfs_read_uint (dirfd, "devnum", &devnum, &local) ||
      !read_optional_string (dirfd, "serial", &serial, &local))
    {
      /* through a handle of a removed device every read fails */
      g_set_error (error, UL_ERROR, UL_ERROR_DEVICE_CHANGED, "device %s is gone: %s",
                   dev->name, local->message);
      return FALSE;
    }
  if (devnum != dev->devnum || !bytes_equal0 (serial, dev->serial))
    {
      g_set_error (error, UL_ERROR, UL_ERROR_DEVICE_CHANGED,
                   "device at %s is no longer the one that was decided about",
                   dev->name);
      return FALSE;
    }
  return TRUE;
}

char *
ul_device_describe (const UlDevice *dev)
{
  g_autofree char *serial = ul_escape_gbytes_quoted (dev->serial);
  g_autofree char *product = ul_escape_gbytes_quoted (dev->product);

  if (dev->card)
    return g_strdup_printf ("%s card \"%s\" label=\"%s\"", dev->name, serial, product);
  return g_strdup_printf ("%s %04x:%04x serial=\"%s\" product=\"%s\"", dev->name,
                          dev->vendor_id, dev->product_id, serial, product);
}
