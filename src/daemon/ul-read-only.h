/* ul-read-only.h: media registered read-only. usbledgerd marks the USB
 * device (a file named after its kernel name in RUNTIME-DIR/read-only) before
 * it authorizes it; the udev rule's helper then sets each of its disks and
 * partitions read-only in the kernel (BLKROSET) as they appear, before udisks
 * or any other listener hears of them. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* creates (@read_only) or removes the mark of the USB device @name
 * ("1-2.3"); removing a mark that is not there is no error */
gboolean ul_read_only_mark (const char *runtime_dir, const char *name, gboolean read_only,
                            GError **error);
gboolean ul_read_only_is_marked (const char *runtime_dir, const char *name);

/* the USB device (sysfs path) a block device at @block_syspath is under, or
 * NULL when it is not on USB */
char *ul_read_only_usb_parent (const char *block_syspath);

/* sets the block device @devnode read-only in the kernel */
gboolean ul_read_only_set (const char *devnode, GError **error);

G_END_DECLS
