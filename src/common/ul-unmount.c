/* ul-unmount.c: see ul-unmount.h. The mount id is the one /proc/self/
 * mountinfo shows and statx(2) reports as stx_mnt_id (Linux 5.8). */
#include "ul-unmount.h"

#include <errno.h>
#include <string.h>
#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "ul-error.h"
#include "ul-escape.h"

#ifndef STATX_MNT_ID
#define STATX_MNT_ID 0x00001000U
#endif

gboolean
ul_mount_unmount_checked (const UlMount *m, GError **error)
{
  g_autofree char *shown = ul_escape_bytes ((const guint8 *) m->mount_point,
                                            strlen (m->mount_point));
  struct statx stx;

  if (statx (AT_FDCWD, m->mount_point, AT_SYMLINK_NOFOLLOW | AT_NO_AUTOMOUNT, STATX_MNT_ID,
             &stx) != 0)
    {
      g_set_error (error, UL_ERROR, UL_ERROR_BAD_STATE, "cannot unmount %s: %s", shown,
                   g_strerror (errno));
      return FALSE;
    }
  if ((stx.stx_mask & STATX_MNT_ID) == 0 || stx.stx_mnt_id != (guint64) m->mount_id ||
      makedev (stx.stx_dev_major, stx.stx_dev_minor) != m->dev)
    {
      g_set_error (error, UL_ERROR, UL_ERROR_BAD_STATE,
                   "%s is no longer the medium's mount %d (now mount %" G_GUINT64_FORMAT
                   ", device %u:%u): not unmounted", shown, m->mount_id,
                   (guint64) stx.stx_mnt_id, stx.stx_dev_major, stx.stx_dev_minor);
      return FALSE;
    }
  if (umount2 (m->mount_point, UMOUNT_NOFOLLOW) != 0)
    {
      g_set_error (error, UL_ERROR, UL_ERROR_BAD_STATE, "cannot unmount %s: %s", shown,
                   g_strerror (errno));
      return FALSE;
    }
  return TRUE;
}
