/* ul-unmount.h: unmounting a medium's filesystem as root, only the very
 * mount decided on */
#pragma once

#include "ul-mountinfo.h"

G_BEGIN_DECLS

/* Unmounts @m (read from mountinfo earlier) only if its mount point is
 * still that mount: the topmost mount there has @m's mount id and device,
 * found without following a symlink, so a mount put over it or a symlink
 * put in its place since is refused, not unmounted. umount2 itself does
 * not follow a symlink either (UMOUNT_NOFOLLOW). The kernel reuses a freed
 * mount id (and an anonymous device number) for the next mount, so a
 * filesystem unmounted and another mounted in its place in between can
 * still pass; the window is the daemon's own, between reading mountinfo
 * and this call. */
gboolean ul_mount_unmount_checked (const UlMount *m, GError **error);

G_END_DECLS
