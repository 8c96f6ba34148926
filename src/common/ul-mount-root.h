/* ul-mount-root.h: a mounted filesystem of a medium (its mount point and
 * st_dev), so that a file on it is opened beneath its root only.
 *
 * usbledgerd runs as root and reads files whose names the person at the
 * seat chose: a folder swapped for a symlink between an event and its hash
 * would make it hash (and record as written) a root-only file elsewhere, or
 * open a device node. A file is therefore opened with openat2(2) from the
 * root with no symlink in any component, no crossing into another mount and
 * no magic link, and read only if it is a regular file on the medium's
 * filesystem. */
#pragma once

#include <glib.h>
#include <sys/types.h>

#include "ul-file-hash.h"

G_BEGIN_DECLS

typedef struct _UlMountRoot UlMountRoot;

/* @mount_point must be a folder of the filesystem whose st_dev is @dev (as
 * mountinfo says); checked now and at every file opened. Nothing is kept
 * open (that would make the mount busy). */
UlMountRoot *ul_mount_root_open (const char *mount_point, dev_t dev, GError **error);
UlMountRoot *ul_mount_root_ref (UlMountRoot *root);
void ul_mount_root_unref (UlMountRoot *root);
dev_t ul_mount_root_dev (const UlMountRoot *root);

/* opens @rel (relative to the root, no leading '/') for reading: returns the
 * fd, or -1 with *status GONE (not there) or UNREADABLE (a symlink on the
 * way, another filesystem, not a regular file, or an error) */
int ul_mount_root_open_file (const UlMountRoot *root, const char *rel, UlHashStatus *status);

/* the root, opened and checked (O_PATH; -1 if it is not the filesystem):
 * for many files in a row, with ul_mount_root_open_file_at; closed soon
 * after, since it keeps the mount busy */
int ul_mount_root_open_dir (const UlMountRoot *root);
/* @nodev: the filesystem is mounted nodev (ul_mount_root_fd_nodev): no
 * device node on it can be opened, so a file is opened for reading at once */
int ul_mount_root_open_file_at (int root_fd, dev_t dev, gboolean nodev, const char *rel,
                                UlHashStatus *status);
gboolean ul_mount_root_fd_nodev (int root_fd);

/* whether the open @fd is a regular file on the filesystem @dev */
gboolean ul_fd_is_regular_on (int fd, dev_t dev);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (UlMountRoot, ul_mount_root_unref)

G_END_DECLS
