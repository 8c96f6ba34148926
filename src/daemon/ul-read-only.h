/* ul-read-only.h: media registered read-only. usbledgerd marks the USB
 * device (a file named after its kernel name in RUNTIME-DIR/read-only) before
 * it authorizes it; the udev rule's helper then sets each of its disks and
 * partitions read-only in the kernel (BLKROSET) as they appear, before udisks
 * or any other listener hears of them. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* the marks' contents: the medium is read-only; or it is a registered card
 * reader, whose cards stay read-only (and hidden from udisks) until
 * usbledgerd allows each one (ul-card-mark.h) */
#define UL_MARK_READ_ONLY "read-only"
#define UL_MARK_READER "reader"
/* a stick with a weak serial: each disk is held the same way until
 * usbledgerd found it to be what the stick is bound to */
#define UL_MARK_BOUND "bound"

/* writes @state (UL_MARK_*) as the mark of the USB device @name ("1-2.3"),
 * or removes it when @state is NULL; removing a mark that is not there is
 * no error */
gboolean ul_read_only_mark (const char *runtime_dir, const char *name, const char *state,
                            GError **error);
/* the mark's state, or NULL when there is none */
char *ul_read_only_mark_get (const char *runtime_dir, const char *name);

/* the USB device (sysfs path) a block device at @block_syspath is under, or
 * NULL when it is not on USB */
char *ul_block_usb_device (const char *block_syspath);

/* sets the block device @devnode read-only (or writable) in the kernel */
gboolean ul_read_only_set (const char *devnode, gboolean read_only, GError **error);

G_END_DECLS
