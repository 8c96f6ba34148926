/* ul-card-volume.c: see ul-card-volume.h. Everything here comes from udev's
 * blkid reading of the card (ID_PART_TABLE_*, ID_FS_*): the values are
 * encoded by udev (ID_FS_LABEL_ENC escapes every unsafe byte as \xNN), and
 * what is stored and shown is escaped again. */
#include "ul-card-volume.h"

#include <stdlib.h>
#include <string.h>

#include "ul-error.h"
#include "ul-escape.h"

void
ul_card_volume_free (UlCardVolume *v)
{
  if (v == NULL)
    return;
  g_free (v->syspath);
  g_free (v->name);
  g_free (v->pttype);
  g_free (v->ptuuid);
  g_free (v->fstype);
  g_free (v->fsuuid);
  g_clear_pointer (&v->label, g_bytes_unref);
  g_free (v->volumes);
  g_free (v);
}

static gboolean
parse_u64 (const char *s, guint64 *out)
{
  char *end = NULL;

  if (s == NULL || !g_ascii_isdigit (*s))
    return FALSE;
  *out = g_ascii_strtoull (s, &end, 10);
  while (end != NULL && g_ascii_isspace (*end))
    end++;
  return end != NULL && *end == '\0';
}

gboolean
ul_card_disk_read (struct udev_device *disk, guint64 *capacity, guint64 *diskseq)
{
  guint64 sectors = 0;

  /* sysfs "size" counts 512-byte sectors whatever the card's block size */
  if (!parse_u64 (udev_device_get_sysattr_value (disk, "size"), &sectors) ||
      sectors > G_MAXUINT64 / 512)
    return FALSE;
  *capacity = sectors * 512;
  if (!parse_u64 (udev_device_get_sysattr_value (disk, "diskseq"), diskseq))
    *diskseq = 0;
  return TRUE;
}

/* udev's \xNN encoding undone: the label's bytes as on the card */
static GBytes *
label_bytes (struct udev_device *d)
{
  const char *enc = udev_device_get_property_value (d, "ID_FS_LABEL_ENC");
  const char *plain = udev_device_get_property_value (d, "ID_FS_LABEL");
  GByteArray *out;

  if (enc == NULL)
    return plain != NULL && *plain != '\0' ? g_bytes_new (plain, strlen (plain)) : NULL;
  out = g_byte_array_new ();
  for (const char *p = enc; *p != '\0'; p++)
    {
      if (p[0] == '\\' && p[1] == 'x' && g_ascii_isxdigit (p[2]) && g_ascii_isxdigit (p[3]))
        {
          guint8 b = (guint8) (g_ascii_xdigit_value (p[2]) * 16 + g_ascii_xdigit_value (p[3]));

          g_byte_array_append (out, &b, 1);
          p += 3;
        }
      else
        g_byte_array_append (out, (const guint8 *) p, 1);
    }
  if (out->len == 0)
    {
      g_byte_array_unref (out);
      return NULL;
    }
  return g_byte_array_free_to_bytes (out);
}

static char *
prop (struct udev_device *d, const char *key)
{
  const char *v = udev_device_get_property_value (d, key);

  return v != NULL && *v != '\0' ? g_strdup (v) : NULL;
}

static gboolean
has_prop (struct udev_device *d, const char *key)
{
  const char *v = udev_device_get_property_value (d, key);

  return v != NULL && *v != '\0';
}

/* "sdb1 vfat 1234-ABCD \"LABEL\"" */
static void
describe_fs (GString *out, struct udev_device *d)
{
  const char *type = udev_device_get_property_value (d, "ID_FS_TYPE");
  const char *uuid = udev_device_get_property_value (d, "ID_FS_UUID");
  g_autofree char *shown_type = type && *type ? ul_escape_text (type) : g_strdup ("-");
  g_autofree char *shown_uuid = uuid && *uuid ? ul_escape_text (uuid) : g_strdup ("-");
  g_autoptr(GBytes) label = label_bytes (d);
  g_autofree char *shown = ul_escape_gbytes_quoted (label);

  if (out->len > 0)
    g_string_append (out, "; ");
  g_string_append_printf (out, "%s %s %s \"%s\"", udev_device_get_sysname (d), shown_type,
                          shown_uuid, shown);
}

static gint
by_name (gconstpointer a, gconstpointer b)
{
  return g_strcmp0 (*(const char *const *) a, *(const char *const *) b);
}

UlCardVolume *
ul_card_volume_read (struct udev *udev, const char *disk_syspath, GError **error)
{
  g_autoptr(UlCardVolume) v = g_new0 (UlCardVolume, 1);
  struct udev_device *disk = udev_device_new_from_syspath (udev, disk_syspath);
  struct udev_enumerate *en;
  struct udev_list_entry *entry;
  g_autoptr(GPtrArray) parts = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GString) volumes = g_string_new (NULL);

  if (disk == NULL || !ul_card_disk_read (disk, &v->capacity, &v->diskseq))
    {
      if (disk != NULL)
        udev_device_unref (disk);
      g_set_error (error, UL_ERROR, UL_ERROR_IO, "cannot read the disk %s", disk_syspath);
      return NULL;
    }
  v->syspath = g_strdup (disk_syspath);
  v->name = g_strdup (udev_device_get_sysname (disk));
  /* sysfs numbers the medium in the disk now; udev's record (its
   * properties, the partitions it read) is of the medium its last processed
   * event named, DISKSEQ. An older number there: the card's own change is
   * still on its way, and what udev says is of the card before (or none). */
  {
    guint64 seen = 0;

    v->udev_behind = parse_u64 (udev_device_get_property_value (disk, "DISKSEQ"), &seen) &&
                     seen != v->diskseq;
  }
  v->pttype = prop (disk, "ID_PART_TABLE_TYPE");
  v->ptuuid = prop (disk, "ID_PART_TABLE_UUID");
  if (has_prop (disk, "ID_FS_TYPE"))
    {
      v->fstype = prop (disk, "ID_FS_TYPE");
      v->fsuuid = prop (disk, "ID_FS_UUID");
      v->label = label_bytes (disk);
      describe_fs (volumes, disk);
    }

  en = udev_enumerate_new (udev);
  udev_enumerate_add_match_parent (en, disk);
  udev_enumerate_add_match_subsystem (en, "block");
  udev_enumerate_scan_devices (en);
  udev_list_entry_foreach (entry, udev_enumerate_get_list_entry (en))
    if (g_strcmp0 (udev_list_entry_get_name (entry), disk_syspath) != 0)
      g_ptr_array_add (parts, g_strdup (udev_list_entry_get_name (entry)));
  udev_enumerate_unref (en);
  g_ptr_array_sort (parts, by_name);
  for (guint i = 0; i < parts->len; i++)
    {
      struct udev_device *part = udev_device_new_from_syspath (udev, g_ptr_array_index (parts, i));

      if (part == NULL)
        continue;
      if (g_strcmp0 (udev_device_get_devtype (part), "partition") == 0)
        {
          /* udev has not read it yet: what is on it is not known (a
           * partition udev read has its table entry, ID_PART_ENTRY_*, in
           * its database; one not read has the kernel's few properties) */
          if (!udev_device_get_is_initialized (part) && !has_prop (part, "ID_PART_ENTRY_NUMBER") &&
              !has_prop (part, "ID_FS_TYPE"))
            v->n_pending++;
          else if (has_prop (part, "ID_FS_TYPE"))
            {
              if (v->fstype == NULL)
                {
                  v->fstype = prop (part, "ID_FS_TYPE");
                  v->fsuuid = prop (part, "ID_FS_UUID");
                  v->label = label_bytes (part);
                }
              describe_fs (volumes, part);
            }
        }
      udev_device_unref (part);
    }
  udev_device_unref (disk);
  v->volumes = g_string_free (g_steal_pointer (&volumes), FALSE);
  return g_steal_pointer (&v);
}

/* only the characters udev leaves in these ids, so the identity text is
 * plain ASCII whatever a card says */
static char *
safe_id (const char *s)
{
  char *out = g_strdup (s);

  for (char *p = out; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p) && *p != '-' && *p != '_' && *p != '.')
      *p = '_';
  return out;
}

GBytes *
ul_card_volume_identity (const UlCardVolume *v)
{
  g_autoptr(GString) id = g_string_new (NULL);

  g_string_append_printf (id, "capacity=%" G_GUINT64_FORMAT, v->capacity);
  if (v->ptuuid != NULL)
    {
      g_autofree char *type = safe_id (v->pttype ? v->pttype : "unknown");
      g_autofree char *uuid = safe_id (v->ptuuid);

      g_string_append_printf (id, " pttype=%s ptuuid=%s", type, uuid);
    }
  else if (v->fsuuid != NULL && v->pttype == NULL)
    {
      /* no partition table: the filesystem on the whole card */
      g_autofree char *type = safe_id (v->fstype ? v->fstype : "unknown");
      g_autofree char *uuid = safe_id (v->fsuuid);

      g_string_append_printf (id, " fstype=%s fsuuid=%s", type, uuid);
    }
  return g_string_free_to_bytes (g_steal_pointer (&id));
}

char *
ul_card_volume_describe (const UlCardVolume *v)
{
  g_autofree char *pt = v->ptuuid != NULL
                          ? g_strdup_printf ("%s table %s", v->pttype ? v->pttype : "a",
                                             v->ptuuid)
                          : g_strdup ("no partition table");
  g_autofree char *shown_pt = ul_escape_text (pt);
  g_autofree char *size = g_format_size (v->capacity);

  return g_strdup_printf ("%" G_GUINT64_FORMAT " bytes (%s), %s; %s", v->capacity, size,
                          shown_pt, *v->volumes != '\0' ? v->volumes : "no filesystem");
}

UlDevice *
ul_card_volume_to_device (const UlCardVolume *v)
{
  UlDevice *dev = g_new0 (UlDevice, 1);
  gsize len = 0;
  const guint8 *id;

  dev->card = TRUE;
  dev->syspath = g_strdup (v->syspath);
  dev->name = g_strdup (v->name);
  dev->serial = ul_card_volume_identity (v);
  dev->product = v->label ? g_bytes_ref (v->label) : NULL;
  dev->speed = g_strdup ("");
  dev->dirfd = -1;
  dev->authorized = 1;
  id = g_bytes_get_data (dev->serial, &len);
  /* what the logbook keys a device by: the identity's own hash */
  dev->descriptor_hash = ul_sha256_hex (id, len);
  dev->desc_error = g_strdup ("a card has no USB descriptors");
  return dev;
}
