/* ul-card-volume.h: the card in a card reader's disk, as the logbook knows
 * it. A card has no USB identity of its own; it is known by what is written
 * on it (capacity, partition table id, filesystem id and label), which udev
 * reads when the card is inserted. That identity is spoofable: a copy of a
 * registered card's partition table onto another card of the same size
 * passes as it (docs/threat-model.md). */
#pragma once

#include <libudev.h>

#include "ul-device.h"

G_BEGIN_DECLS

typedef struct {
  char *syspath;          /* the reader's disk */
  char *name;             /* its kernel name, "sdb" */
  guint64 capacity;       /* bytes; 0: no card in it */
  guint64 diskseq;        /* the kernel's number of this medium; 0: not numbered */
  char *pttype;           /* "dos", "gpt" or NULL */
  char *ptuuid;
  char *fstype;           /* of the disk itself, else of its first partition with one */
  char *fsuuid;
  GBytes *label;          /* the filesystem's label, bytes as on the card; NULL: none */
  char *volumes;          /* every filesystem, escaped, for the log */
  guint n_pending;        /* partitions udev has not read yet */
  gboolean udev_behind;   /* udev's record of the disk is of an earlier medium */
} UlCardVolume;

/* reads the disk at @disk_syspath and its partitions from udev */
UlCardVolume *ul_card_volume_read (struct udev *udev, const char *disk_syspath,
                                   GError **error);
void ul_card_volume_free (UlCardVolume *v);

/* "capacity=BYTES pttype=dos ptuuid=...", or "capacity=BYTES fstype=vfat
 * fsuuid=..." for a card without a partition table, or "capacity=BYTES":
 * what a card is registered by */
GBytes *ul_card_volume_identity (const UlCardVolume *v);
/* "31914983424 bytes (31.9 GB), dos table a1b2c3d4; sdb1 vfat 1234-ABCD
 * \"CAMERA\"", escaped, for events */
char *ul_card_volume_describe (const UlCardVolume *v);
/* the card as a device for the policy and the logbook (UlDevice.card) */
UlDevice *ul_card_volume_to_device (const UlCardVolume *v);

/* the disk's capacity in bytes and its media number (sysfs size, diskseq) */
gboolean ul_card_disk_read (struct udev_device *disk, guint64 *capacity, guint64 *diskseq);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (UlCardVolume, ul_card_volume_free)

G_END_DECLS
