/* ul-manager-cards.c: card readers. A reader is not a medium: the card in
 * it is. A registered reader (decision allow-reader) is authorized, and
 * every card inserted into one of its disks is a device of its own: udev
 * announces the disk again (a media change), the card is read (capacity,
 * partition table, filesystems), recorded, and decided by its volume
 * identity like a stick by its USB identity. A card not allowed blocks the
 * whole reader: taking its authorization back is the one way to keep the
 * card unreadable (a read-only disk can still be read), at the price that
 * another card is seen only once the reader is plugged in again or the
 * card is approved. Until a card is decided the udev helper keeps it
 * read-only and hidden from udisks (ul-card-mark.h); a stick with a weak
 * serial is held the same way (ul-manager-bound.c).
 *
 * The uevents of a reader's disks reach here through ul-manager-disks.c. */
#include "config.h"

#include "ul-manager-private.h"
#include "ul-card-mark.h"
#include "ul-card-volume.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

/* how long a card waits for udev to read its partitions before it is
 * decided with what is known (it stays blocked meanwhile) */
#define CARD_PENDING_SECONDS 5

void
ul_manager_block_for_card (UlManager *mgr, UlPresent *owner, const char *why, GBytes *identity)
{
  g_free (owner->blocked_inside);
  owner->blocked_inside = g_strdup (why);
  g_clear_pointer (&owner->blocked_card_identity, g_bytes_unref);
  owner->blocked_card_identity = identity ? g_bytes_ref (identity) : NULL;
  ul_manager_decide (mgr, owner, "device-redecided");
}

typedef struct {
  UlManager *mgr;
  char *syspath;
} PendingWait;

static void
pending_wait_free (gpointer data)
{
  PendingWait *w = data;

  g_free (w->syspath);
  g_free (w);
}

static gboolean
on_card_pending (gpointer data)
{
  PendingWait *w = data;
  UlPresent *card = g_hash_table_lookup (w->mgr->present, w->syspath);

  if (card != NULL && card->pending)
    {
      card->pending_source = 0;
      ul_manager_card_try_decide (w->mgr, card, TRUE);
    }
  return G_SOURCE_REMOVE;
}

/* udev announces the card again: it makes it writable (or keeps it
 * read-only) and shows it to udisks, now that it is marked */
static void
announce_again (const char *syspath)
{
  g_autofree char *path = g_build_filename (syspath, "uevent", NULL);
  int fd = open (path, O_WRONLY | O_CLOEXEC);

  if (fd < 0 || write (fd, "change", 6) != 6)
    g_warning ("cannot announce %s again: %s", syspath, g_strerror (errno));
  if (fd >= 0)
    close (fd);
}

void
ul_manager_announce_disk (UlManager *mgr, const char *disk_syspath)
{
  struct udev_enumerate *en = udev_enumerate_new (mgr->udev);
  struct udev_device *disk = udev_device_new_from_syspath (mgr->udev, disk_syspath);
  struct udev_list_entry *entry;

  /* the disk first, then its partitions, as udev would */
  announce_again (disk_syspath);
  if (disk != NULL)
    {
      udev_enumerate_add_match_parent (en, disk);
      udev_enumerate_add_match_subsystem (en, "block");
      udev_enumerate_scan_devices (en);
      udev_list_entry_foreach (entry, udev_enumerate_get_list_entry (en))
        if (g_strcmp0 (udev_list_entry_get_name (entry), disk_syspath) != 0)
          announce_again (udev_list_entry_get_name (entry));
      udev_device_unref (disk);
    }
  udev_enumerate_unref (en);
}

gboolean
ul_manager_card_apply (UlManager *mgr, UlPresent *card, GError **error)
{
  UlPresent *reader = g_hash_table_lookup (mgr->present, card->reader_syspath);

  if (ul_decision_allows (card->decision))
    {
      if (!ul_card_mark_set (mgr->runtime_dir, card->diskseq,
                             card->decision == UL_DECISION_ALLOW_READ_ONLY ? UL_CARD_READ_ONLY
                                                                           : UL_CARD_READ_WRITE,
                             error))
        return FALSE;
      card->dev->authorized = 1;
      ul_manager_announce_disk (mgr, card->dev->syspath);
      return TRUE;
    }
  card->dev->authorized = 0;
  if (!ul_card_mark_set (mgr->runtime_dir, card->diskseq, NULL, error))
    return FALSE;
  if (reader != NULL && reader->decision == UL_DECISION_ALLOW_READER)
    {
      g_autofree char *who = ul_device_describe (card->dev);
      g_autofree char *why = g_strdup_printf ("the card in it is not allowed (%s: %s); pull the "
                                              "reader out to use another card", who,
                                              card->reason);

      ul_manager_block_for_card (mgr, reader, why, card->dev->serial);
    }
  return TRUE;
}

void
ul_manager_card_forget (UlManager *mgr, UlPresent *card)
{
  g_autoptr(GError) error = NULL;

  if (card->diskseq != 0 && !ul_card_mark_set (mgr->runtime_dir, card->diskseq, NULL, &error))
    g_warning ("%s", error->message);
}

gboolean
ul_manager_card_try_decide (UlManager *mgr, UlPresent *card, gboolean timed_out)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(UlCardVolume) v = ul_card_volume_read (mgr->udev, card->dev->syspath, &error);
  g_autofree char *reader_name = NULL;
  g_autofree char *volume = NULL;

  if (v == NULL)
    {
      /* the disk is gone: its removal follows */
      g_debug ("%s", error->message);
      return FALSE;
    }
  if (v->diskseq != card->diskseq)
    return FALSE;   /* another card already: its change event follows */
  if ((v->n_pending > 0 || v->udev_behind) && !timed_out)
    {
      if (card->pending_source == 0)
        {
          PendingWait *w = g_new0 (PendingWait, 1);

          w->mgr = mgr;
          w->syspath = g_strdup (card->dev->syspath);
          card->pending_source = g_timeout_add_seconds_full (G_PRIORITY_DEFAULT,
                                                             CARD_PENDING_SECONDS,
                                                             on_card_pending, w,
                                                             pending_wait_free);
        }
      return FALSE;
    }
  if (card->pending_source != 0)
    {
      g_source_remove (card->pending_source);
      card->pending_source = 0;
    }
  card->pending = FALSE;
  /* the table's key is the device's syspath: re-keyed with the new device */
  g_hash_table_steal (mgr->present, card->dev->syspath);
  ul_device_free (card->dev);
  card->dev = ul_card_volume_to_device (v);
  g_hash_table_insert (mgr->present, card->dev->syspath, card);
  reader_name = g_path_get_basename (card->reader_syspath);
  volume = ul_card_volume_describe (v);
  g_free (card->card_volume);
  card->card_volume = g_strdup_printf ("in reader %s: %s%s", reader_name, volume,
                                       v->udev_behind ? " (udev had not read the card)"
                                       : v->n_pending > 0 ? " (udev had not read every partition)"
                                       : "");
  ul_manager_decide (mgr, card, card->coldplug ? "card-coldplug" : "card-inserted");
  return TRUE;
}

/* The kernel reports a card put in or taken out (a "change" uevent) only
 * while it polls the disk, which it does by default for no disk: desktops
 * turn it on (udisks, 2 s). A reader's disk is polled whether they run or
 * not, so that no card goes unseen. */
static void
poll_media (const char *disk_syspath)
{
  g_autofree char *events_path = g_build_filename (disk_syspath, "events", NULL);
  g_autofree char *poll_path = g_build_filename (disk_syspath, "events_poll_msecs", NULL);
  g_autofree char *events = NULL;
  g_autofree char *poll = NULL;
  g_autoptr(GError) error = NULL;

  if (!g_file_get_contents (events_path, &events, NULL, NULL) ||
      strstr (events, "media_change") == NULL ||
      !g_file_get_contents (poll_path, &poll, NULL, NULL))
    return;
  g_strstrip (poll);
  if (g_strcmp0 (poll, "-1") != 0 && g_strcmp0 (poll, "0") != 0)
    return;   /* polled already */
  if (!g_file_set_contents_full (poll_path, "2000", -1, G_FILE_SET_CONTENTS_NONE, 0644, &error))
    g_warning ("cannot poll %s for cards: %s", disk_syspath, error->message);
}

void
ul_manager_card_update (UlManager *mgr, UlPresent *reader, const char *disk_syspath,
                        gboolean coldplug)
{
  struct udev_device *disk = udev_device_new_from_syspath (mgr->udev, disk_syspath);
  UlPresent *card = g_hash_table_lookup (mgr->present, disk_syspath);
  guint64 capacity = 0, diskseq = 0;
  gboolean readable = disk != NULL && ul_card_disk_read (disk, &capacity, &diskseq);

  if (disk != NULL)
    udev_device_unref (disk);
  poll_media (disk_syspath);
  if (card != NULL && card->dev->card)
    {
      if (readable && card->diskseq == diskseq && capacity > 0)
        {
          /* announced again (by us, or udevadm trigger): the same card */
          if (card->pending)
            ul_manager_card_try_decide (mgr, card, FALSE);
          return;
        }
      ul_manager_remove_present (mgr, disk_syspath);
    }
  if (!readable || capacity == 0)
    return;   /* no card in it */
  if (diskseq == 0)
    {
      ul_manager_block_for_card (mgr, reader, "this kernel does not number the media in a disk "
                      "(no diskseq): one card cannot be told from the next", NULL);
      return;
    }
  card = g_new0 (UlPresent, 1);
  card->dev = g_new0 (UlDevice, 1);
  card->dev->card = TRUE;
  card->dev->syspath = g_strdup (disk_syspath);
  card->dev->name = g_path_get_basename (disk_syspath);
  card->dev->dirfd = -1;
  card->reader_syspath = g_strdup (reader->dev->syspath);
  card->diskseq = diskseq;
  card->controlled = TRUE;
  card->pending = TRUE;
  card->coldplug = coldplug;
  card->decision = UL_DECISION_BLOCK;
  card->reason = g_strdup ("the card is being read");
  card->reason_code = "card-being-read";
  card->since = g_get_real_time ();
  g_hash_table_insert (mgr->present, card->dev->syspath, card);
  if (!ul_manager_card_try_decide (mgr, card, FALSE))
    g_signal_emit (mgr, ul_manager_signals[SIGNAL_DEVICE_CHANGED], 0, card, FALSE);
}

void
ul_manager_remove_cards_of (UlManager *mgr, const char *reader_syspath)
{
  g_autoptr(GPtrArray) list = ul_manager_list_present (mgr);

  for (guint i = 0; i < list->len; i++)
    {
      UlPresent *p = g_ptr_array_index (list, i);

      if (p->dev->card && g_strcmp0 (p->reader_syspath, reader_syspath) == 0)
        ul_manager_remove_present (mgr, p->dev->syspath);
    }
}

void
ul_manager_readers_redecide (UlManager *mgr, GBytes *identity, const char *trigger)
{
  g_autoptr(GPtrArray) list = ul_manager_list_present (mgr);

  for (guint i = 0; i < list->len; i++)
    {
      UlPresent *p = g_ptr_array_index (list, i);

      if (p->blocked_card_identity != NULL && identity != NULL &&
          g_bytes_equal (p->blocked_card_identity, identity))
        {
          /* authorized again, the reader shows the card, which is decided anew */
          g_clear_pointer (&p->blocked_inside, g_free);
          g_clear_pointer (&p->blocked_card_identity, g_bytes_unref);
          ul_manager_decide (mgr, p, trigger);
        }
    }
}
