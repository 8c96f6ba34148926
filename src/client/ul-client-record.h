/* ul-client-record.h: one record the daemon sent (an a{sv} of a device,
 * request, medium or session), as a GObject so that it can sit in a
 * GListModel and be shown by GTK. The one place where clients read record
 * keys; device strings (ay) come out only escaped (ul-escape.h). */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define UL_TYPE_CLIENT_RECORD (ul_client_record_get_type ())
G_DECLARE_FINAL_TYPE (UlClientRecord, ul_client_record, UL, CLIENT_RECORD, GObject)

/* @record: a{sv}, taken if floating, else another reference is kept */
UlClientRecord *ul_client_record_new (GVariant *record);
/* each record of @records (aa{sv}, a method's reply), in order: the one way
 * a page reads a reply, so that no child reference is kept by mistake (a
 * child keeps the whole reply's buffer alive) */
GPtrArray *ul_client_records_new (GVariant *records);
GVariant *ul_client_record_get_variant (UlClientRecord *self);

/* "" when absent or of another type */
const char *ul_client_record_str (UlClientRecord *self, const char *key);
gint64 ul_client_record_int (UlClientRecord *self, const char *key);
gboolean ul_client_record_bool (UlClientRecord *self, const char *key);
guint16 ul_client_record_u16 (UlClientRecord *self, const char *key);
/* a device string (ay) as a person may read it: escaped, never markup */
char *ul_client_record_bytes (UlClientRecord *self, const char *key);
/* what a person calls the device: "SanDisk Cruzer Blade", escaped; its
 * USB id when it names itself with neither */
char *ul_client_record_device_name (UlClientRecord *self);
/* "0781:5567" */
char *ul_client_record_usb_id (UlClientRecord *self);
/* a time (x, microseconds) in local time with its zone; "" for none */
char *ul_client_record_time (UlClientRecord *self, const char *key);

G_END_DECLS
