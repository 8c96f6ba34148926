/* ul-descriptors.c: a bounds-checked walk over untrusted descriptor bytes.
 *
 * We parse the blob ourselves instead of asking libusb or the device: the
 * sysfs "descriptors" attribute already holds every configuration (also the
 * inactive ones, where a BadUSB device may hide its keyboard) as read by the
 * kernel at enumeration, so classifying needs no I/O to the device, and the
 * same function serves the daemon, the udev helper and the fuzzer. */
#include "ul-descriptors.h"
#include "ul-error.h"

#define DT_DEVICE 0x01
#define DT_CONFIG 0x02
#define DT_INTERFACE 0x04
#define DT_ENDPOINT 0x05

/* more than any real device has; bounds the memory a hostile one can make us use */
#define MAX_INTERFACES 256

static guint16
le16 (const guint8 *p)
{
  return (guint16) (p[0] | (p[1] << 8));
}

static UlClassFlags
classify_interface (const UlInterfaceDesc *i)
{
  switch (i->iface_class)
    {
    case 0x08:
      return UL_CLASS_MASS_STORAGE;
    case 0x06:
      return UL_CLASS_STILL_IMAGE;
    case 0x03:
      return UL_CLASS_HID;
    case 0x09:
      return UL_CLASS_HUB;
    case 0x01:
    case 0x0e:
    case 0x11:
      return UL_CLASS_AUDIO_VIDEO;
    case 0xff:
      /* MTP devices (phones, players) commonly announce a vendor-specific
       * interface ff/ff/00 with bulk in, bulk out and an interrupt endpoint */
      if (i->iface_subclass == 0xff && i->iface_protocol == 0x00 &&
          i->n_bulk >= 2 && i->n_interrupt >= 1)
        return UL_CLASS_MTP_VENDOR;
      return UL_CLASS_OTHER;
    default:
      return UL_CLASS_OTHER;
    }
}

static gboolean
parse_configuration (UlDescriptors *desc, const guint8 *cfg, gsize cfg_len,
                     GError **error)
{
  guint8 config_value = cfg[5];
  UlInterfaceDesc *current = NULL;
  gsize off = cfg[0];

  while (off < cfg_len)
    {
      guint8 blen, btype;

      if (cfg_len - off < 2)
        {
          g_set_error (error, UL_ERROR, UL_ERROR_MALFORMED,
                       "truncated descriptor at offset %" G_GSIZE_FORMAT, off);
          return FALSE;
        }
      blen = cfg[off];
      btype = cfg[off + 1];
      if (blen < 2 || blen > cfg_len - off)
        {
          g_set_error (error, UL_ERROR, UL_ERROR_MALFORMED,
                       "descriptor length %u invalid at offset %" G_GSIZE_FORMAT,
                       blen, off);
          return FALSE;
        }

      if (btype == DT_INTERFACE)
        {
          UlInterfaceDesc iface = { 0 };

          if (blen < 9)
            {
              g_set_error (error, UL_ERROR, UL_ERROR_MALFORMED,
                           "interface descriptor too short (%u bytes)", blen);
              return FALSE;
            }
          if (desc->interfaces->len >= MAX_INTERFACES)
            {
              g_set_error (error, UL_ERROR, UL_ERROR_MALFORMED,
                           "more than %d interfaces", MAX_INTERFACES);
              return FALSE;
            }
          iface.config_value = config_value;
          iface.number = cfg[off + 2];
          iface.alt_setting = cfg[off + 3];
          iface.iface_class = cfg[off + 5];
          iface.iface_subclass = cfg[off + 6];
          iface.iface_protocol = cfg[off + 7];
          g_array_append_val (desc->interfaces, iface);
          current = &g_array_index (desc->interfaces, UlInterfaceDesc,
                                    desc->interfaces->len - 1);
        }
      else if (btype == DT_ENDPOINT && current != NULL)
        {
          guint8 type;

          if (blen < 7)
            {
              g_set_error (error, UL_ERROR, UL_ERROR_MALFORMED,
                           "endpoint descriptor too short (%u bytes)", blen);
              return FALSE;
            }
          type = cfg[off + 3] & 0x03;
          if (type == 1 && current->n_isochronous < G_MAXUINT8)
            current->n_isochronous++;
          else if (type == 2 && current->n_bulk < G_MAXUINT8)
            current->n_bulk++;
          else if (type == 3 && current->n_interrupt < G_MAXUINT8)
            current->n_interrupt++;
        }
      off += blen;
    }
  return TRUE;
}

UlDescriptors *
ul_descriptors_parse (const guint8 *data, gsize len, GError **error)
{
  g_autoptr(UlDescriptors) desc = NULL;
  gsize off;

  if (data == NULL || len < 18)
    {
      g_set_error (error, UL_ERROR, UL_ERROR_MALFORMED,
                   "device descriptor missing or truncated (%" G_GSIZE_FORMAT " bytes)",
                   len);
      return NULL;
    }
  if (len > UL_DESCRIPTORS_MAX_SIZE)
    {
      g_set_error (error, UL_ERROR, UL_ERROR_MALFORMED,
                   "descriptors too large (%" G_GSIZE_FORMAT " bytes)", len);
      return NULL;
    }
  if (data[0] != 18 || data[1] != DT_DEVICE)
    {
      g_set_error (error, UL_ERROR, UL_ERROR_MALFORMED,
                   "not a device descriptor (length %u, type %u)", data[0], data[1]);
      return NULL;
    }

  desc = g_new0 (UlDescriptors, 1);
  desc->interfaces = g_array_new (FALSE, TRUE, sizeof (UlInterfaceDesc));
  desc->device_class = data[4];
  desc->device_subclass = data[5];
  desc->device_protocol = data[6];
  desc->vendor_id = le16 (data + 8);
  desc->product_id = le16 (data + 10);
  desc->bcd_device = le16 (data + 12);
  desc->n_configurations = data[17];

  off = 18;
  while (off < len)
    {
      gsize total;

      if (len - off < 9)
        {
          g_set_error (error, UL_ERROR, UL_ERROR_MALFORMED,
                       "truncated configuration header at offset %" G_GSIZE_FORMAT, off);
          return NULL;
        }
      if (data[off] < 9 || data[off + 1] != DT_CONFIG)
        {
          g_set_error (error, UL_ERROR, UL_ERROR_MALFORMED,
                       "expected a configuration descriptor at offset %" G_GSIZE_FORMAT,
                       off);
          return NULL;
        }
      total = le16 (data + off + 2);
      if (total < data[off] || total > len - off)
        {
          g_set_error (error, UL_ERROR, UL_ERROR_MALFORMED,
                       "configuration length %" G_GSIZE_FORMAT " invalid at offset %"
                       G_GSIZE_FORMAT, total, off);
          return NULL;
        }
      if (!parse_configuration (desc, data + off, total, error))
        return NULL;
      desc->n_parsed_configurations++;
      off += total;
    }

  if (desc->n_parsed_configurations != desc->n_configurations)
    {
      /* the kernel stores every configuration it could read; a mismatch means
       * the device answered inconsistently, which an honest device does not */
      g_set_error (error, UL_ERROR, UL_ERROR_MALFORMED,
                   "device announces %u configurations, %u present",
                   desc->n_configurations, desc->n_parsed_configurations);
      return NULL;
    }

  switch (desc->device_class)
    {
    case 0x08:
      desc->classes |= UL_CLASS_MASS_STORAGE;
      break;
    case 0x03:
      desc->classes |= UL_CLASS_HID;
      break;
    case 0x09:
      desc->classes |= UL_CLASS_HUB;
      break;
    case 0x01:
    case 0x0e:
    case 0x11:
      desc->classes |= UL_CLASS_AUDIO_VIDEO;
      break;
    case 0x00:  /* each interface says */
    case 0xef:  /* miscellaneous: interface association, each interface says */
      break;
    default:    /* vendor-specific (ff), communications (02), wireless (e0), ... */
      desc->classes |= UL_CLASS_OTHER;
      break;
    }
  for (guint i = 0; i < desc->interfaces->len; i++)
    desc->classes |= classify_interface (&g_array_index (desc->interfaces,
                                                         UlInterfaceDesc, i));
  return g_steal_pointer (&desc);
}

void
ul_descriptors_free (UlDescriptors *desc)
{
  if (desc == NULL)
    return;
  g_array_unref (desc->interfaces);
  g_free (desc);
}

gboolean
ul_descriptors_all_harmless (const UlDescriptors *desc)
{
  return (desc->classes & ~UL_CLASS_HARMLESS_MASK) == 0;
}

char *
ul_descriptors_modalias (const UlDescriptors *desc, const UlInterfaceDesc *iface)
{
  /* the format of usb_uevent() in drivers/usb/core/driver.c */
  return g_strdup_printf ("usb:v%04Xp%04Xd%04Xdc%02Xdsc%02Xdp%02Xic%02Xisc%02Xip%02Xin%02X",
                          desc->vendor_id, desc->product_id, desc->bcd_device,
                          desc->device_class, desc->device_subclass, desc->device_protocol,
                          iface->iface_class, iface->iface_subclass, iface->iface_protocol,
                          iface->number);
}

char *
ul_descriptors_interfaces_to_string (const UlDescriptors *desc)
{
  GString *s = g_string_new (NULL);

  for (guint i = 0; i < desc->interfaces->len; i++)
    {
      const UlInterfaceDesc *d = &g_array_index (desc->interfaces, UlInterfaceDesc, i);

      g_string_append_printf (s, "%s%u.%u%s:%02x/%02x/%02x",
                              i > 0 ? " " : "", d->config_value, d->number,
                              d->alt_setting ? "a" : "",
                              d->iface_class, d->iface_subclass, d->iface_protocol);
    }
  return g_string_free (s, FALSE);
}
