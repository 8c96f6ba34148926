/* ul-descriptors.h: parsing the raw USB descriptors a device reports */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* the most we read; the kernel caps a configuration at 64 KiB as well */
#define UL_DESCRIPTORS_MAX_SIZE (64 * 1024)

typedef struct {
  guint8 config_value;     /* bConfigurationValue of the configuration holding it */
  guint8 number;
  guint8 alt_setting;
  guint8 iface_class;
  guint8 iface_subclass;
  guint8 iface_protocol;
  guint8 n_bulk;
  guint8 n_interrupt;
  guint8 n_isochronous;
} UlInterfaceDesc;

typedef enum {
  UL_CLASS_MASS_STORAGE = 1 << 0, /* 08: mass storage, incl. UAS */
  UL_CLASS_STILL_IMAGE = 1 << 1,  /* 06: PTP / MTP */
  UL_CLASS_MTP_VENDOR = 1 << 2,   /* ff/ff/00 with bulk in/out + interrupt: MTP */
  UL_CLASS_HID = 1 << 3,          /* 03 */
  UL_CLASS_HUB = 1 << 4,          /* 09 */
  UL_CLASS_OTHER = 1 << 5,         /* anything not named here: vendor-specific, CDC, ... */
  UL_CLASS_AUDIO_VIDEO = 1 << 6,   /* 01 audio, 0e video, 11 billboard */
} UlClassFlags;

/* the only classes a device may have to be used without a decision: it
 * cannot hold data (a driver that binds by vendor and product id can still
 * make it storage, see ul-driver-aliases.h) */
#define UL_CLASS_HARMLESS_MASK (UL_CLASS_HID | UL_CLASS_HUB | UL_CLASS_AUDIO_VIDEO)

#define UL_CLASS_STORAGE_MASK \
  (UL_CLASS_MASS_STORAGE | UL_CLASS_STILL_IMAGE | UL_CLASS_MTP_VENDOR)

typedef struct {
  guint16 vendor_id;
  guint16 product_id;
  guint16 bcd_device;
  guint8 device_class;
  guint8 device_subclass;
  guint8 device_protocol;
  guint8 n_configurations; /* as announced by the device */
  guint8 n_parsed_configurations;
  GArray *interfaces;      /* UlInterfaceDesc, every configuration */
  UlClassFlags classes;
} UlDescriptors;

/* Parses the device descriptor and every configuration that follows it, as
 * in sysfs "descriptors". Anything malformed (truncated, zero-length, lengths
 * pointing past the end, too many interfaces) is an error: a device that lies
 * about its descriptors is treated as hostile by the caller. */
UlDescriptors *ul_descriptors_parse (const guint8 *data, gsize len, GError **error);
void ul_descriptors_free (UlDescriptors *desc);

/* whether every interface of every configuration is of a harmless class */
gboolean ul_descriptors_all_harmless (const UlDescriptors *desc);

/* the modalias the kernel gives @iface ("usb:v0781p5567d0100dc00dsc00dp00ic08isc06ip50in00"),
 * which driver alias patterns are matched against */
char *ul_descriptors_modalias (const UlDescriptors *desc, const UlInterfaceDesc *iface);

/* "1.0:08/06/50 1.1:03/01/01" */
char *ul_descriptors_interfaces_to_string (const UlDescriptors *desc);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (UlDescriptors, ul_descriptors_free)

G_END_DECLS
