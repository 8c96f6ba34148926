/* ul-client-record.c: see ul-client-record.h */
#include "ul-client-record.h"
#include "ul-escape.h"
#include "ul-time.h"

struct _UlClientRecord {
  GObject parent;
  GVariant *record;
};

G_DEFINE_TYPE (UlClientRecord, ul_client_record, G_TYPE_OBJECT)

static void
ul_client_record_finalize (GObject *object)
{
  UlClientRecord *self = UL_CLIENT_RECORD (object);

  g_clear_pointer (&self->record, g_variant_unref);
  G_OBJECT_CLASS (ul_client_record_parent_class)->finalize (object);
}

static void
ul_client_record_class_init (UlClientRecordClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = ul_client_record_finalize;
}

static void
ul_client_record_init (UlClientRecord *self)
{
}

UlClientRecord *
ul_client_record_new (GVariant *record)
{
  UlClientRecord *self = g_object_new (UL_TYPE_CLIENT_RECORD, NULL);

  g_return_val_if_fail (g_variant_is_of_type (record, G_VARIANT_TYPE_VARDICT), NULL);
  self->record = g_variant_ref_sink (record);
  return self;
}

GPtrArray *
ul_client_records_new (GVariant *records)
{
  gsize n = g_variant_n_children (records);
  GPtrArray *items = g_ptr_array_new_full ((guint) n, g_object_unref);

  for (gsize i = 0; i < n; i++)
    {
      GVariant *record = g_variant_get_child_value (records, i);

      g_ptr_array_add (items, ul_client_record_new (record));
      g_variant_unref (record);
    }
  return items;
}

GVariant *
ul_client_record_get_variant (UlClientRecord *self)
{
  return self->record;
}

static GVariant *
lookup (UlClientRecord *self, const char *key, const GVariantType *type)
{
  return g_variant_lookup_value (self->record, key, type);
}

const char *
ul_client_record_str (UlClientRecord *self, const char *key)
{
  const char *value = NULL;

  /* the string lives in the record, which outlives the caller's use */
  if (!g_variant_lookup (self->record, key, "&s", &value))
    return "";
  return value;
}

gint64
ul_client_record_int (UlClientRecord *self, const char *key)
{
  gint64 value = 0;

  if (!g_variant_lookup (self->record, key, "x", &value))
    return 0;
  return value;
}

gboolean
ul_client_record_bool (UlClientRecord *self, const char *key)
{
  gboolean value = FALSE;

  if (!g_variant_lookup (self->record, key, "b", &value))
    return FALSE;
  return value;
}

guint16
ul_client_record_u16 (UlClientRecord *self, const char *key)
{
  guint16 value = 0;

  if (!g_variant_lookup (self->record, key, "q", &value))
    return 0;
  return value;
}

char *
ul_client_record_bytes (UlClientRecord *self, const char *key)
{
  g_autoptr(GVariant) v = lookup (self, key, G_VARIANT_TYPE_BYTESTRING);
  gsize len = 0;
  const guint8 *data;

  if (v == NULL)
    return g_strdup ("");
  data = g_variant_get_fixed_array (v, &len, 1);
  return ul_escape_bytes (data, len);
}

char *
ul_client_record_device_name (UlClientRecord *self)
{
  g_autofree char *manufacturer = ul_client_record_bytes (self, "manufacturer");
  g_autofree char *product = ul_client_record_bytes (self, "product");

  if (*manufacturer == '\0' && *product == '\0')
    return ul_client_record_usb_id (self);
  if (*manufacturer == '\0' || *product == '\0')
    return g_strconcat (manufacturer, product, NULL);
  return g_strdup_printf ("%s %s", manufacturer, product);
}

char *
ul_client_record_usb_id (UlClientRecord *self)
{
  return g_strdup_printf ("%04x:%04x", ul_client_record_u16 (self, "vendor-id"),
                          ul_client_record_u16 (self, "product-id"));
}

char *
ul_client_record_time (UlClientRecord *self, const char *key)
{
  gint64 t = ul_client_record_int (self, key);

  return t > 0 ? ul_time_format (t) : g_strdup ("");
}
