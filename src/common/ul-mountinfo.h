/* ul-mountinfo.h: the kernel's table of mounts (/proc/self/mountinfo) */
#pragma once

#include <glib.h>
#include <sys/types.h>

G_BEGIN_DECLS

typedef struct {
  int mount_id;
  dev_t dev;              /* st_dev of the filesystem (0:N for FUSE and the like) */
  char *root;             /* the part of the filesystem mounted here */
  char *mount_point;      /* unescaped: may hold any byte but NUL */
  char *fstype;
  char *source;           /* "/dev/sdb1", or whatever the filesystem says */
} UlMount;

void ul_mount_free (UlMount *m);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (UlMount, ul_mount_free)

/* parses the text of a mountinfo file; malformed lines are skipped */
GPtrArray *ul_mountinfo_parse (const char *text);
/* reads and parses @path (e.g. /proc/self/mountinfo) */
GPtrArray *ul_mountinfo_read (const char *path, GError **error);

/* the block device a mount comes from: its st_dev (fuseblk filesystems such
 * as exfat-fuse report their block device too); 0 for an anonymous device
 * (major 0), whatever source it names */
dev_t ul_mount_block_device (const UlMount *m);

/* whether the block device @dev lies under the sysfs device @syspath (a USB
 * device, or a disk for its partitions) or is that disk, by its
 * /sys/dev/block link */
gboolean ul_block_device_under (dev_t dev, const char *syspath);

G_END_DECLS
