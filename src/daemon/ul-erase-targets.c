/* ul-erase-targets.c: which block devices an erasure overwrites, and making
 * sure they are those. Every whole disk whose nearest USB device is the
 * medium is erased (a card reader or a stick with several LUNs has more than
 * one, and a certificate for one of them would be false), none of another
 * USB device behind a hub inside it. After its filesystems are unmounted,
 * each disk is opened exclusively (nothing can mount it meanwhile) and must
 * be the very device decided on (st_rdev), on the USB device identified
 * (device number and serial): a node reused by another disk is refused. */
#include "config.h"

#include "ul-erase-job.h"
#include "ul-error.h"
#include "ul-mountinfo.h"
#include "ul-unmount.h"
#include "ul-read-only.h"
#include "ul-card-volume.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

static void
disk_clear (gpointer data)
{
  UlEraseDisk *d = data;

  g_free (d->node);
  if (d->fd >= 0)
    close (d->fd);
}

GArray *
ul_erase_disks_new (void)
{
  GArray *disks = g_array_new (FALSE, TRUE, sizeof (UlEraseDisk));

  g_array_set_clear_func (disks, disk_clear);
  return disks;
}

void
ul_erase_disks_close (GArray *disks)
{
  for (guint i = 0; i < disks->len; i++)
    {
      UlEraseDisk *d = &g_array_index (disks, UlEraseDisk, i);

      if (d->fd >= 0)
        close (d->fd);
      d->fd = -1;
    }
}

gboolean
ul_erase_targets_find (UlManager *mgr, UlPresent *p, GArray *disks, GError **error)
{
  struct udev_enumerate *en = udev_enumerate_new (mgr->udev);
  struct udev_list_entry *entry;
  g_autofree char *prefix = g_strconcat (p->dev->syspath, "/", NULL);

  udev_enumerate_add_match_subsystem (en, "block");
  udev_enumerate_add_match_property (en, "DEVTYPE", "disk");
  udev_enumerate_scan_devices (en);
  udev_list_entry_foreach (entry, udev_enumerate_get_list_entry (en))
    {
      const char *path = udev_list_entry_get_name (entry);
      g_autofree char *usb = NULL;
      struct udev_device *d;

      if (p->dev->card)
        {
          /* a card: the reader's disk it is in, nothing else of the reader */
          if (g_strcmp0 (path, p->dev->syspath) != 0)
            continue;
        }
      else
        {
          if (!g_str_has_prefix (path, prefix))
            continue;
          /* the nearest USB device up the tree must be the medium itself */
          usb = ul_block_usb_device (path);
          if (g_strcmp0 (usb, p->dev->syspath) != 0)
            continue;
        }
      d = udev_device_new_from_syspath (mgr->udev, path);
      if (d != NULL && udev_device_get_devnode (d) != NULL)
        {
          UlEraseDisk disk = { g_strdup (udev_device_get_devnode (d)), udev_device_get_devnum (d),
                               0, -1 };

          g_array_append_val (disks, disk);
        }
      if (d != NULL)
        udev_device_unref (d);
    }
  udev_enumerate_unref (en);
  if (disks->len == 0)
    {
      g_set_error (error, UL_ERROR, UL_ERROR_BAD_STATE,
                   "%s has no disk (is it plugged in and allowed?)", p->dev->name);
      return FALSE;
    }
  return TRUE;
}

static gboolean
unmount_own (UlManager *mgr, dev_t disk, GError **error)
{
  static const char *const system_dirs[] = { "/", "/usr", "/boot", "/var", "/etc", "/home",
                                             NULL };
  g_autoptr(GPtrArray) mounts = ul_mountinfo_read (mgr->mountinfo, error);
  g_autofree char *disk_link = g_strdup_printf ("/sys/dev/block/%u:%u", major (disk),
                                                minor (disk));
  g_autofree char *disk_path = realpath (disk_link, NULL);

  if (mounts == NULL)
    return FALSE;
  for (guint i = 0; i < mounts->len; i++)
    {
      UlMount *m = g_ptr_array_index (mounts, i);
      dev_t dev = ul_mount_block_device (m);

      /* the disk itself, or one of its partitions */
      if (dev == 0 || (dev != disk && (disk_path == NULL ||
                                       !ul_block_device_under (dev, disk_path))))
        continue;
      for (guint j = 0; system_dirs[j]; j++)
        if (g_strcmp0 (m->mount_point, system_dirs[j]) == 0 ||
            (j > 0 && g_str_has_prefix (m->mount_point, system_dirs[j]) &&
             m->mount_point[strlen (system_dirs[j])] == '/'))
          {
            g_set_error (error, UL_ERROR, UL_ERROR_BAD_STATE,
                         "refusing: the disk holds the system filesystem %s", m->mount_point);
            return FALSE;
          }
      /* only this very mount: never one put over it since, nor through a
       * symlink someone put where the mount point was */
      if (!ul_mount_unmount_checked (m, error))
        {
          g_prefix_error (error, "before erasing: ");
          return FALSE;
        }
    }
  return TRUE;
}

static gboolean
open_checked (UlPresent *p, UlEraseDisk *d, GError **error)
{
  struct stat st;
  guint64 size = 0;

  d->fd = ul_erase_open (d->node, TRUE, error);
  if (d->fd < 0)
    return FALSE;
  if (fstat (d->fd, &st) != 0 || !S_ISBLK (st.st_mode) || st.st_rdev != d->dev)
    {
      g_set_error (error, UL_ERROR, UL_ERROR_BAD_STATE,
                   "%s is no longer the disk %u:%u of %s: not erased", d->node, major (d->dev),
                   minor (d->dev), p->dev->name);
      return FALSE;
    }
  if (!ul_erase_medium_size (d->fd, d->node, &size, error))
    return FALSE;
  d->capacity = (gint64) size;
  return TRUE;
}

gboolean
ul_erase_targets_prepare (UlManager *mgr, UlPresent *p, GArray *disks, GError **error)
{
  for (guint i = 0; i < disks->len; i++)
    if (!unmount_own (mgr, g_array_index (disks, UlEraseDisk, i).dev, error))
      return FALSE;
  for (guint i = 0; i < disks->len; i++)
    if (!open_checked (p, &g_array_index (disks, UlEraseDisk, i), error))
      return FALSE;
  /* the disks are held now: the USB device must still be the medium, a
   * card still the one decided on (the kernel's number of the medium) */
  if (p->dev->dirfd >= 0 && !ul_device_check_unchanged (p->dev, p->dev->dirfd, error))
    return FALSE;
  if (p->dev->card)
    {
      struct udev_device *disk = udev_device_new_from_syspath (mgr->udev, p->dev->syspath);
      guint64 capacity = 0, diskseq = 0;
      gboolean same = disk != NULL && ul_card_disk_read (disk, &capacity, &diskseq) &&
                      diskseq == p->diskseq;

      if (disk != NULL)
        udev_device_unref (disk);
      if (!same)
        {
          g_set_error (error, UL_ERROR, UL_ERROR_BAD_STATE,
                       "the card in %s changed: not erased", p->dev->name);
          return FALSE;
        }
    }
  return TRUE;
}
