/* ul-manager-bound.c: a stick registered although its serial is not unique
 * in practice (one repeated digit, a serial a controller batch shares)
 * would let every stick of its model with that serial pass. It is bound to
 * more than its serial: its descriptor hash (the policy), and what each of
 * its disks holds when first seen, its capacity and partition-table id (or
 * filesystem id). Until a disk is checked against that binding the udev
 * helper keeps it read-only and hidden (the medium's mark says "bound"; the
 * disk is let go by its media number, as a card in a reader). A disk that
 * differs is a possible clone: an incident, and the stick is blocked. A
 * stick formatted anew (a new partition table) therefore needs a new
 * registration. */
#include "config.h"

#include <string.h>

#include "ul-manager-private.h"
#include "ul-card-mark.h"
#include "ul-card-volume.h"

/* "0:L" of the disk's SCSI address ".../0:0:0:L/block/sdb": which disk of
 * the stick it is, the same at every plug-in */
static char *
disk_key (const char *disk_syspath)
{
  g_autofree char *block = g_path_get_dirname (disk_syspath);
  g_autofree char *scsi = g_path_get_dirname (block);
  g_autofree char *address = g_path_get_basename (scsi);
  const char *lun = strrchr (address, ':');

  return g_strdup_printf ("lun%s", lun != NULL ? lun + 1 : address);
}

/* the identity bound for @key in @volumes ("KEY IDENTITY" lines), or NULL */
static char *
bound_identity (const char *volumes, const char *key)
{
  g_auto (GStrv) lines = g_strsplit (volumes ? volumes : "", "\n", -1);
  gsize n = strlen (key);

  for (guint i = 0; lines[i] != NULL; i++)
    if (strncmp (lines[i], key, n) == 0 && lines[i][n] == ' ')
      return g_strdup (lines[i] + n + 1);
  return NULL;
}

/* binds the disk @key to @identity, with its event, in one transaction */
static gboolean
bind (UlManager *mgr, UlPresent *p, const char *key, const char *identity, GError **error)
{
  g_autofree char *volumes = g_strdup_printf ("%s%s %s\n", p->bound_volumes ? p->bound_volumes
                                                                              : "",
                                              key, identity);
  g_autoptr(UlEvent) ev = ul_manager_device_event (mgr, "medium-bound", p, g_get_real_time ());

  ev->detail = g_strdup_printf ("%s (a serial not unique in practice) bound to what its disk "
                                "%s holds: %s", p->asset_number, key, identity);
  if (!ul_store_begin (mgr->store, error))
    return FALSE;
  if (!ul_store_bind_medium_volumes (mgr->store, p->medium_id, volumes, error) ||
      !ul_store_append_event (mgr->store, ev, error) || !ul_store_commit (mgr->store, error))
    {
      ul_store_rollback (mgr->store);
      return FALSE;
    }
  ul_manager_wrote_logbook (mgr);
  g_free (p->bound_volumes);
  p->bound_volumes = g_steal_pointer (&volumes);
  return TRUE;
}

void
ul_manager_bound_disk_check (UlManager *mgr, UlPresent *p, const char *disk_syspath)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(UlCardVolume) v = ul_card_volume_read (mgr->udev, disk_syspath, &error);
  g_autoptr(GBytes) id = NULL;
  g_autofree char *identity = NULL;
  g_autofree char *key = disk_key (disk_syspath);
  g_autofree char *bound = NULL;
  g_autofree char *mark = NULL;
  const char *state = p->decision == UL_DECISION_ALLOW_READ_ONLY ? UL_CARD_READ_ONLY
                                                                 : UL_CARD_READ_WRITE;

  if (v == NULL)
    return;   /* gone already */
  id = ul_card_volume_identity (v);
  identity = g_strndup (g_bytes_get_data (id, NULL), g_bytes_get_size (id));
  bound = bound_identity (p->bound_volumes, key);
  if (bound == NULL && !bind (mgr, p, key, identity, &error))
    {
      /* a binding that cannot be recorded lets nothing through */
      g_autofree char *why = g_strdup_printf ("cannot record what %s holds: %s", key,
                                              error->message);

      ul_manager_block_for_card (mgr, p, why, NULL);
      return;
    }
  if (bound != NULL && g_strcmp0 (bound, identity) != 0)
    {
      g_autofree char *why = g_strdup_printf (
        "possible clone: its disk %s holds %s, but %s (a serial not unique in practice) was "
        "bound to %s", key, identity, p->asset_number, bound);
      g_autofree char *detail = g_strdup_printf ("incident: %s", why);

      ul_manager_log_device_event (mgr, p, "medium-binding-differs", detail);
      ul_manager_block_for_card (mgr, p, why, NULL);
      return;
    }
  /* it is the stick's: the udev helper lets this disk go (announced again
   * only when the mark is new, so its own "change" ends here) */
  mark = ul_card_mark_get (mgr->runtime_dir, v->diskseq);
  if (g_strcmp0 (mark, state) == 0)
    return;
  if (!ul_card_mark_set (mgr->runtime_dir, v->diskseq, state, &error))
    {
      ul_manager_block_for_card (mgr, p, error->message, NULL);
      return;
    }
  ul_manager_announce_disk (mgr, disk_syspath);
}
