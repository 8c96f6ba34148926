/* ul-manager-disks.c: the disks of the USB devices present, from udev's
 * block uevents (and at start). A disk of a registered card reader holds a
 * card, which is decided by itself (ul-manager-cards.c); a disk of a stick
 * with a weak serial is checked against what the stick is bound to
 * (ul-manager-bound.c). And a card reader registered as a stick (before
 * readers were known, or by mistake) would let every card through as that
 * stick: a change of a medium's capacity while plugged in, which no stick
 * does, is an incident and blocks it. */
#include "config.h"

#include "ul-manager-private.h"
#include "ul-card-volume.h"
#include "ul-read-only.h"

/* a disk of a medium allowed as a stick: its capacity never changes, a
 * card reader's does when a card is taken out or put in */
static void
stick_disk_check (UlManager *mgr, UlPresent *p, const char *disk_syspath)
{
  struct udev_device *disk = udev_device_new_from_syspath (mgr->udev, disk_syspath);
  guint64 capacity = 0, diskseq = 0;
  gboolean readable = disk != NULL && ul_card_disk_read (disk, &capacity, &diskseq);
  guint64 *seen;

  if (disk != NULL)
    udev_device_unref (disk);
  if (!readable)
    return;
  if (p->disk_capacity == NULL)
    p->disk_capacity = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  seen = g_hash_table_lookup (p->disk_capacity, disk_syspath);
  if (seen == NULL)
    {
      seen = g_new (guint64, 1);
      *seen = capacity;
      g_hash_table_insert (p->disk_capacity, g_strdup (disk_syspath), seen);
      return;
    }
  if (*seen != capacity)
    {
      g_autofree char *name = g_path_get_basename (disk_syspath);
      g_autofree char *why = g_strdup_printf (
        "the medium inside changed (%s: %" G_GUINT64_FORMAT " -> %" G_GUINT64_FORMAT
        " bytes): a card reader registered as a medium, which would let every card through; "
        "register it as a card reader", name, *seen, capacity);
      g_autofree char *detail = g_strdup_printf ("incident: %s %s", p->asset_number, why);

      *seen = capacity;
      ul_manager_log_device_event (mgr, p, "medium-changed-inside", detail);
      ul_manager_block_for_card (mgr, p, why, NULL);
    }
}

void
ul_manager_block_event (UlManager *mgr, struct udev_device *d, const char *action)
{
  const char *syspath = udev_device_get_syspath (d);
  const char *devtype = udev_device_get_devtype (d);
  g_autofree char *usb = NULL;
  UlPresent *owner;

  if (g_strcmp0 (devtype, "partition") == 0)
    {
      g_autofree char *disk = g_path_get_dirname (syspath);
      UlPresent *card = g_hash_table_lookup (mgr->present, disk);

      if (g_strcmp0 (action, "remove") == 0)
        return;
      /* udev has read one more partition of a card waiting for it */
      if (card != NULL && card->pending)
        ul_manager_card_try_decide (mgr, card, FALSE);
      /* a partition of a card not seen yet: the kernel found the card when
       * the disk was opened, without a "change" of the disk (only once udev
       * has read the disk itself: before that, its identity is not known) */
      else if ((card == NULL || card->dev->card) && udev_device_get_parent (d) != NULL &&
               udev_device_get_is_initialized (udev_device_get_parent (d)))
        {
          g_autofree char *reader_path = ul_block_usb_device (disk);
          UlPresent *reader = reader_path ? g_hash_table_lookup (mgr->present, reader_path)
                                          : NULL;

          if (reader != NULL && reader->decision == UL_DECISION_ALLOW_READER)
            ul_manager_card_update (mgr, reader, disk, FALSE);
        }
      return;
    }
  if (g_strcmp0 (devtype, "disk") != 0)
    return;
  if (g_strcmp0 (action, "remove") == 0)
    {
      UlPresent *card = g_hash_table_lookup (mgr->present, syspath);

      if (card != NULL && card->dev->card)
        ul_manager_remove_present (mgr, syspath);
      return;
    }
  usb = ul_block_usb_device (syspath);
  owner = usb ? g_hash_table_lookup (mgr->present, usb) : NULL;
  if (owner == NULL || !owner->controlled || owner->dev->card)
    return;
  if (owner->decision == UL_DECISION_ALLOW_READER)
    ul_manager_card_update (mgr, owner, syspath, FALSE);
  else if (ul_decision_allows (owner->decision))
    {
      stick_disk_check (mgr, owner, syspath);
      if (owner->bound && owner->blocked_inside == NULL)
        ul_manager_bound_disk_check (mgr, owner, syspath);
    }
}

void
ul_manager_disks_coldplug (UlManager *mgr)
{
  g_autoptr(GPtrArray) list = ul_manager_list_present (mgr);

  for (guint i = 0; i < list->len; i++)
    {
      UlPresent *p = g_ptr_array_index (list, i);
      struct udev_enumerate *en;
      struct udev_list_entry *entry;
      g_autoptr(GPtrArray) disks = g_ptr_array_new_with_free_func (g_free);
      g_autofree char *prefix = g_strconcat (p->dev->syspath, "/", NULL);

      if (!p->controlled || p->dev->card ||
          (p->decision != UL_DECISION_ALLOW_READER && !ul_decision_allows (p->decision)))
        continue;
      en = udev_enumerate_new (mgr->udev);
      udev_enumerate_add_match_subsystem (en, "block");
      udev_enumerate_add_match_property (en, "DEVTYPE", "disk");
      udev_enumerate_scan_devices (en);
      udev_list_entry_foreach (entry, udev_enumerate_get_list_entry (en))
        if (g_str_has_prefix (udev_list_entry_get_name (entry), prefix))
          g_ptr_array_add (disks, g_strdup (udev_list_entry_get_name (entry)));
      udev_enumerate_unref (en);
      for (guint j = 0; j < disks->len; j++)
        {
          const char *disk = g_ptr_array_index (disks, j);
          g_autofree char *usb = ul_block_usb_device (disk);

          if (g_strcmp0 (usb, p->dev->syspath) != 0)
            continue;   /* behind a hub inside it: another device */
          if (p->decision == UL_DECISION_ALLOW_READER)
            ul_manager_card_update (mgr, p, disk, TRUE);
          else
            {
              stick_disk_check (mgr, p, disk);
              if (p->bound && p->blocked_inside == NULL)
                ul_manager_bound_disk_check (mgr, p, disk);
            }
        }
    }
}
