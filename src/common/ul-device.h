/* ul-device.h: the identity of one USB device, read from sysfs */
#pragma once

#include <glib.h>

#include "ul-descriptors.h"

G_BEGIN_DECLS

typedef struct {
  char *syspath;          /* as given by udev, for logs and re-opening */
  char *name;             /* kernel name, e.g. "1-2.3"; also the port path */
  guint16 vendor_id;
  guint16 product_id;
  guint16 bcd_device;
  GBytes *serial;         /* NULL: the device reports no serial */
  GBytes *manufacturer;   /* NULL: not reported */
  GBytes *product;        /* NULL: not reported */
  char *speed;            /* Mbit/s as the kernel reports it */
  guint busnum;
  guint devnum;
  guint authorized;
  GBytes *descriptors;    /* raw, as in sysfs */
  char *descriptor_hash;  /* SHA-256 of descriptors, lowercase hex */
  UlDescriptors *desc;    /* NULL when the descriptors are malformed */
  char *desc_error;       /* why desc is NULL */
  int dirfd;              /* the device folder, opened once; -1 if not kept */
  char *storage_driver;   /* a storage driver that would bind it by its ids, or NULL
                           * (set by ul_device_match_drivers) */
  char *storage_modalias; /* the interface's modalias it would bind */
  gboolean card;          /* a card in a reader: syspath and name are its disk's, serial
                           * its volume identity, product its label, ids 0 */
} UlDevice;

/* Reads the identity below the open device directory @dirfd. Fails only when
 * the directory is not a USB device at all (no busnum/devnum, no ids);
 * malformed descriptors are kept in desc_error for the policy to judge. */
UlDevice *ul_device_new_from_dirfd (int dirfd, const char *syspath, GError **error);
/* opens @syspath and reads it; the device keeps that handle in dev->dirfd,
 * so a later authorization acts on this very device or not at all */
UlDevice *ul_device_new_from_syspath (const char *syspath, GError **error);
void ul_device_free (UlDevice *dev);

struct _UlDriverAliases;
/* notes which storage driver of the running kernel would bind @dev, if any */
void ul_device_match_drivers (UlDevice *dev, const struct _UlDriverAliases *aliases);

/* storage by class or by driver (see ul-driver-aliases.h) */
gboolean ul_device_is_storage (const UlDevice *dev);
/* everything but the harmless classes (keyboards, mice, hubs, audio, video)
 * is decided by usbledgerd: storage, and any device it cannot rule out */
gboolean ul_device_is_controlled (const UlDevice *dev);
/* same vendor, product and serial: what a clone would copy */
gboolean ul_device_same_identity (const UlDevice *a, const UlDevice *b);
/* whether @dirfd still shows @dev: the kernel gives every enumeration of a
 * bus a new device number, and the serial must match too */
gboolean ul_device_check_unchanged (const UlDevice *dev, int dirfd, GError **error);

/* "0781:5567 serial=\"...\"" with escaped strings, for logs */
char *ul_device_describe (const UlDevice *dev);

char *ul_sha256_hex (const guint8 *data, gsize len);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (UlDevice, ul_device_free)

G_END_DECLS
