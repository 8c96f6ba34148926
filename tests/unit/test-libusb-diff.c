/* A second opinion on the descriptor parser (issue 9, item 19). The parser
 * decides what is storage from bytes a hostile device chose; libusb's
 * configuration parser reads the same sysfs "descriptors" (under umockdev)
 * for every device the tests build and for the fuzz corpus. For every
 * input, each interface libusb sees must be one ours sees (an interface we
 * missed could hide storage). Where ours is stricter or sees more, the
 * reason is one of these, on purpose:
 *  - more interface descriptors than bNumInterfaces: libusb stops at the
 *    declared count, the kernel (usb_parse_configuration) and we take every
 *    one, so a hidden interface is still judged;
 *  - a configuration count that does not match the configurations present,
 *    or a configuration shorter than its wTotalLength: libusb (and the
 *    kernel) read what is there, we reject the device as lying about itself
 *    (malformed, hence blocked as suspicious: the safe side). */
#include <libusb.h>
#include <umockdev.h>
#include <string.h>

#include "ul-descriptors.h"
#include "ul-test-util.h"

typedef struct {
  char *name;
  GBytes *raw;
} Input;

static void
input_free (gpointer data)
{
  Input *in = data;

  g_free (in->name);
  g_bytes_unref (in->raw);
  g_free (in);
}

static void
add_input (GPtrArray *inputs, const char *name, const guint8 *data, gsize len)
{
  Input *in = g_new0 (Input, 1);

  in->name = g_strdup (name);
  in->raw = g_bytes_new (data, len);
  g_ptr_array_add (inputs, in);
}

static void
add_built (GPtrArray *inputs, const char *name, guint8 n_configs,
           const guint8 (*ifaces)[3], guint n_ifaces, guint n_endpoints, gint declared)
{
  g_autoptr(GByteArray) a = ul_test_device_desc (n_configs);

  for (guint c = 1; c <= n_configs; c++)
    ul_test_append_config (a, (guint8) c, ifaces, n_ifaces, n_endpoints);
  if (declared >= 0)
    a->data[18 + 4] = (guint8) declared;   /* bNumInterfaces of the first configuration */
  add_input (inputs, name, a->data, a->len);
}

static GPtrArray *
inputs_new (void)
{
  static const guint8 storage[][3] = { { 0x08, 0x06, 0x50 } };
  static const guint8 badusb[][3] = { { 0x08, 0x06, 0x50 }, { 0x03, 0x01, 0x01 } };
  static const guint8 mtp[][3] = { { 0xff, 0xff, 0x00 } };
  static const guint8 many[40][3] = { [0 ... 39] = { 0x03, 0x01, 0x02 } };
  GPtrArray *inputs = g_ptr_array_new_with_free_func (input_free);
  g_autofree char *corpus = g_test_build_filename (G_TEST_DIST, "..", "fuzz", "corpus",
                                                   "descriptors", NULL);
  g_autoptr(GDir) dir = g_dir_open (corpus, 0, NULL);
  const char *name;

  add_built (inputs, "stick", 1, storage, 1, 2, -1);
  add_built (inputs, "badusb", 1, badusb, 2, 3, -1);
  add_built (inputs, "mtp", 1, mtp, 1, 3, -1);
  add_built (inputs, "two-configs", 2, badusb, 2, 3, -1);
  /* a keyboard interface hidden beyond the declared count */
  add_built (inputs, "hidden-interface", 1, badusb, 2, 3, 1);
  add_built (inputs, "forty-interfaces", 1, many, 40, 1, -1);
  {
    g_autoptr(GByteArray) a = ul_test_device_desc (2);   /* announces 2, has 1 */

    ul_test_append_config (a, 1, storage, 1, 2);
    add_input (inputs, "count-mismatch", a->data, a->len);
  }
  g_assert_nonnull (dir);
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (corpus, name, NULL);
      g_autofree char *data = NULL;
      gsize len = 0;

      g_assert_true (g_file_get_contents (path, &data, &len, NULL));
      add_input (inputs, name, (const guint8 *) data, len);
    }
  return inputs;
}

/* "config/iface/alt:cc/ss/pp" */
static char *
tuple (guint8 config, guint8 number, guint8 alt, guint8 c, guint8 s, guint8 p)
{
  return g_strdup_printf ("%u/%u/%u:%02x/%02x/%02x", config, number, alt, c, s, p);
}

static void
test_parsers_agree (void)
{
  g_autoptr(UMockdevTestbed) tb = umockdev_testbed_new ();
  g_autoptr(GPtrArray) inputs = inputs_new ();
  libusb_context *ctx = NULL;
  libusb_device **list = NULL;
  ssize_t n;
  guint compared = 0, rejected_by_both = 0, ours_stricter = 0, ours_sees_more = 0;

  for (guint i = 0; i < inputs->len; i++)
    {
      Input *in = g_ptr_array_index (inputs, i);
      g_autofree char *devname = g_strdup_printf ("/dev/bus/usb/001/%03u", i + 2);
      g_autofree char *devnum = g_strdup_printf ("%u", i + 2);
      g_autofree char *num3 = g_strdup_printf ("%03u", i + 2);
      g_autofree char *node = g_strdup_printf ("usb1-%u", i + 2);
      gsize len;
      const guint8 *data = g_bytes_get_data (in->raw, &len);
      g_autofree char *syspath = umockdev_testbed_add_device (
        tb, "usb", node, NULL, "busnum", "1", "devnum", devnum, "speed", "480", NULL,
        "DEVTYPE", "usb_device", "BUSNUM", "001", "DEVNUM", num3, "DEVNAME", devname, NULL);

      g_assert_nonnull (syspath);
      umockdev_testbed_set_attribute_binary (tb, syspath, "descriptors", (guint8 *) data,
                                             (gssize) len);
    }

  g_assert_cmpint (libusb_init (&ctx), ==, 0);
  n = libusb_get_device_list (ctx, &list);
  g_assert_cmpint (n, >=, 0);

  for (guint i = 0; i < inputs->len; i++)
    {
      Input *in = g_ptr_array_index (inputs, i);
      gsize len;
      const guint8 *data = g_bytes_get_data (in->raw, &len);
      g_autoptr(GError) error = NULL;
      g_autoptr(UlDescriptors) ours = ul_descriptors_parse (data, len, &error);
      g_autoptr(GHashTable) our_set = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                             NULL);
      libusb_device *dev = NULL;
      struct libusb_device_descriptor dd;
      gboolean lib_complete = TRUE;
      guint lib_count = 0, extra = 0;

      for (ssize_t k = 0; k < n; k++)
        if (libusb_get_device_address (list[k]) == i + 2)
          dev = list[k];
      if (ours != NULL)
        for (guint k = 0; k < ours->interfaces->len; k++)
          {
            const UlInterfaceDesc *d = &g_array_index (ours->interfaces, UlInterfaceDesc, k);

            g_hash_table_add (our_set, tuple (d->config_value, d->number, d->alt_setting,
                                              d->iface_class, d->iface_subclass,
                                              d->iface_protocol));
          }
      if (dev == NULL || libusb_get_device_descriptor (dev, &dd) != 0)
        {
          /* libusb refused the device: so must we, or say why not */
          g_test_message ("%s: libusb lists no device; ours: %s", in->name,
                          ours ? "parsed" : error->message);
          g_assert_null (ours);
          rejected_by_both++;
          continue;
        }
      for (guint8 c = 0; c < dd.bNumConfigurations; c++)
        {
          struct libusb_config_descriptor *cfg = NULL;

          if (libusb_get_config_descriptor (dev, c, &cfg) != 0)
            {
              lib_complete = FALSE;
              continue;
            }
          for (guint f = 0; f < cfg->bNumInterfaces; f++)
            for (int a = 0; a < cfg->interface[f].num_altsetting; a++)
              {
                const struct libusb_interface_descriptor *id = &cfg->interface[f].altsetting[a];
                g_autofree char *t = tuple (cfg->bConfigurationValue, id->bInterfaceNumber,
                                            id->bAlternateSetting, id->bInterfaceClass,
                                            id->bInterfaceSubClass, id->bInterfaceProtocol);

                lib_count++;
                /* an interface libusb sees and we do not could hide storage */
                if (ours != NULL && !g_hash_table_contains (our_set, t))
                  g_error ("%s: libusb sees interface %s, ours does not", in->name, t);
              }
          libusb_free_config_descriptor (cfg);
        }
      if (ours == NULL)
        {
          /* stricter on purpose: a configuration count that lies */
          g_test_message ("%s: ours rejects (%s); libusb read %u interface(s)%s", in->name,
                          error->message, lib_count, lib_complete ? "" : ", not every config");
          if (lib_complete && strstr (error->message, "configurations") == NULL &&
              strstr (error->message, "configuration length") == NULL)
            g_error ("%s: ours rejects (%s) what libusb reads whole", in->name, error->message);
          ours_stricter++;
          continue;
        }
      extra = g_hash_table_size (our_set) - lib_count;
      if (extra > 0)
        {
          /* interfaces beyond bNumInterfaces: taken, as the kernel takes them */
          g_test_message ("%s: ours sees %u interface(s) more than libusb", in->name, extra);
          ours_sees_more++;
        }
      compared++;
    }
  g_test_message ("%u inputs: %u agree or ours sees more (%u), %u rejected by both, %u "
                  "rejected by ours only", inputs->len, compared, ours_sees_more,
                  rejected_by_both, ours_stricter);
  /* the cases above really occurred: the comparison ran */
  g_assert_cmpuint (compared, >=, 6);
  g_assert_cmpuint (ours_sees_more, >=, 1);
  g_assert_cmpuint (ours_stricter, >=, 1);
  libusb_free_device_list (list, 1);
  libusb_exit (ctx);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/libusb-diff/parsers-agree", test_parsers_agree);
  return g_test_run ();
}
