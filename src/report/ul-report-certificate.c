/* ul-report-certificate.c: see ul-report-certificate.h. Times are shown in
 * local time with their zone (the JSON keeps UTC); the QR code carries the
 * SHA-256 of the signed file, so a printout is matched with its file. */
#include "ul-report-certificate.h"

#include <stdarg.h>

#include "ul-report-draw.h"
#include "ul-report-record.h"
#include "ul-error.h"
#include "ul-json-parse.h"
#include "ul-time.h"

#define MM UL_REPORT_MM
#define MARGIN (20 * MM)
#define LABEL_W (55 * MM)

typedef struct {
  UlReportDocument parent;
  GVariant *record;
  char *json_sha256;
  gboolean disposal;
} Certificate;

static guint
paginate (UlReportDocument *doc, cairo_t *cr)
{
  return 1;
}

static double
field (UlReportDocument *doc, cairo_t *cr, double y, const char *label, const char *value)
{
  return ul_report_field (cr, MARGIN, doc->width - MARGIN, LABEL_W, y, label, value);
}

static double
heading (UlReportDocument *doc, cairo_t *cr, const char *ja, const char *en)
{
  double y = ul_report_text (cr, MARGIN, MARGIN, doc->width - 2 * MARGIN, 28, UL_REPORT_BOLD, ja);

  return ul_report_text (cr, MARGIN, y + 1 * MM, doc->width - 2 * MARGIN, 13, UL_REPORT_REGULAR,
                         en) + 6 * MM;
}

static const char *
sessions_closed (GVariant *c)
{
  g_autoptr(GVariant) ids = ul_report_record_lookup (c, "sessions-closed");
  g_autoptr(GString) s = g_string_new (NULL);

  for (gsize i = 0; ids != NULL && g_variant_is_container (ids) && i < g_variant_n_children (ids);
       i++)
    {
      g_autoptr(GVariant) v = g_variant_get_child_value (ids, i);
      g_autoptr(GVariant) inner = g_variant_is_of_type (v, G_VARIANT_TYPE_VARIANT)
                                    ? g_variant_get_variant (v) : g_variant_ref (v);

      if (g_variant_is_of_type (inner, G_VARIANT_TYPE_INT64))
        g_string_append_printf (s, "%s#%" G_GINT64_FORMAT, s->len ? ", " : "",
                                g_variant_get_int64 (inner));
    }
  return g_intern_string (s->len ? s->str : "なし (none)");
}

static const char *
fmt (const char *format, ...) G_GNUC_PRINTF (1, 2);

static const char *
fmt (const char *format, ...)
{
  va_list ap;
  g_autofree char *s = NULL;

  va_start (ap, format);
  s = g_strdup_vprintf (format, ap);
  va_end (ap);
  return g_intern_string (s);
}

static void
seal (UlReportDocument *doc, cairo_t *cr, double y)
{
  const char *const labels[] = { "管理者 印 (seal)", NULL };

  ul_report_seal_boxes (cr, labels, doc->width - MARGIN, y, 40 * MM);
}

static void
draw_certificate (UlReportDocument *doc, cairo_t *cr, GVariant *c, const char *json_sha256)
{
  double y = heading (doc, cr, "データ消去証明書", "Certificate of verified data erasure");

  y = field (doc, cr, y, "証明書番号 (No.)", ul_report_record_str (c, "number"));
  y = field (doc, cr, y, "発行日時 (issued)", ul_report_record_local_time (c, "issued-at"));
  y = field (doc, cr, y, "発行者 (issuer)", ul_report_record_str (c, "issuer/organisation"));
  y = field (doc, cr, y, "システム (system)",
             fmt ("%s %s, %s", ul_report_record_str (c, "issuer/system"),
                  ul_report_record_str (c, "issuer/version"),
                  ul_report_record_str (c, "issuer/host")));
  y += 3 * MM;
  y = field (doc, cr, y, "管理番号 (asset number)", ul_report_record_str (c, "medium/asset-number"));
  y = field (doc, cr, y, "製造元・型式 (vendor, model)",
             fmt ("%s %s (%s:%s)", ul_report_record_str (c, "medium/vendor"),
                  ul_report_record_str (c, "medium/model"),
                  ul_report_record_str (c, "medium/vendor-id"),
                  ul_report_record_str (c, "medium/product-id")));
  y = field (doc, cr, y, "シリアル番号 (serial)", ul_report_record_str (c, "medium/serial"));
  y = field (doc, cr, y, "容量 (capacity, bytes)", ul_report_record_str (c, "medium/capacity-bytes"));
  y = field (doc, cr, y, "記述子 SHA-256 (descriptors)",
             ul_report_record_str (c, "medium/descriptor-sha256"));
  y += 3 * MM;
  y = field (doc, cr, y, "消去方法 (method)", ul_report_record_str (c, "erasure/method"));
  y = field (doc, cr, y, "パターン (pattern)", ul_report_record_str (c, "erasure/pattern"));
  y = field (doc, cr, y, "検証 (verification)",
             fmt ("%s: %s バイト, 不一致 %s (bytes verified, mismatches)",
                  ul_report_record_str (c, "erasure/verification"),
                  ul_report_record_str (c, "erasure/bytes-verified"),
                  ul_report_record_str (c, "erasure/mismatches")));
  y = field (doc, cr, y, "開始 (start)", ul_report_record_local_time (c, "erasure/started-at"));
  y = field (doc, cr, y, "終了 (end)",
             fmt ("%s (%s 秒)", ul_report_record_local_time (c, "erasure/ended-at"),
                  ul_report_record_str (c, "erasure/duration-seconds")));
  y = field (doc, cr, y, "実施者 (operator)", ul_report_record_str (c, "operator/account"));
  y = field (doc, cr, y, "消去済みとした使用記録 (sessions closed)", sessions_closed (c));
  y += 3 * MM;
  y = field (doc, cr, y, "署名 (signature)",
             "ECDSA P-256 / SHA-256. openssl dgst -sha256 -verify signing-key.pub.pem "
             "-signature NUMBER.json.sig NUMBER.json");
  y = field (doc, cr, y, "JSON SHA-256", json_sha256);

  /* the QR code of the signed file's SHA-256, and the seal box (押印) */
  y += 6 * MM;
  ul_report_qr (cr, json_sha256, MARGIN, y, 45 * MM);
  seal (doc, cr, y);
}

/* the record of a medium's end: destroyed by a contractor, or retired after
 * its verified erasure */
static void
draw_disposal (UlReportDocument *doc, cairo_t *cr, GVariant *c)
{
  gboolean destroyed = g_strcmp0 (ul_report_record_str (c, "disposal/kind"), "destroyed") == 0;
  double y = heading (doc, cr, "記録媒体廃棄記録", "Record of the disposal of a storage medium");

  y = field (doc, cr, y, "管理番号 (asset number)", ul_report_record_str (c, "disposal/asset-number"));
  y = field (doc, cr, y, "廃棄の方法 (kind)", destroyed ? "物理破壊 (destroyed by a contractor)"
                                                        : "消去後廃棄 (retired after verified erasure)");
  if (destroyed)
    {
      y = field (doc, cr, y, "破壊業者 (contractor)", ul_report_record_str (c, "disposal/contractor"));
      y = field (doc, cr, y, "業者の管理番号 (reference)",
                 ul_report_record_str (c, "disposal/reference"));
      y = field (doc, cr, y, "破壊日 (destroyed on)", ul_report_record_str (c, "disposal/date"));
    }
  y = field (doc, cr, y, "消去証明書 (erasure certificate)",
             ul_report_record_str (c, "disposal/certificate"));
  y = field (doc, cr, y, "記録者 (recorded by)", ul_report_record_str (c, "disposal/by"));
  y = field (doc, cr, y, "記録日時 (recorded at)", ul_report_record_local_time (c, "disposal/at"));
  y = field (doc, cr, y, "発行者 (issuer)", ul_report_record_str (c, "disposal/organisation"));
  y = field (doc, cr, y, "備考 (note)", ul_report_record_str (c, "disposal/note"));
  seal (doc, cr, y + 10 * MM);
}

static void
draw_page (UlReportDocument *doc, cairo_t *cr, guint page, guint n_pages)
{
  Certificate *self = (Certificate *) doc;

  if (self->disposal)
    draw_disposal (doc, cr, self->record);
  else
    draw_certificate (doc, cr, self->record, self->json_sha256);
}

static void
finalize (UlReportDocument *doc)
{
  Certificate *self = (Certificate *) doc;

  g_variant_unref (self->record);
  g_free (self->json_sha256);
  g_free (self);
}

static const UlReportDocumentClass certificate_class = { paginate, draw_page, finalize };

UlReportDocument *
ul_report_certificate_new (GBytes *json, GError **error)
{
  gsize len = 0;
  const char *text = g_bytes_get_data (json, &len);
  g_autoptr(GVariant) record = ul_json_parse (text ? text : "", len, error);
  g_autoptr(GVariant) disposal = NULL;
  Certificate *self;
  const char *when;
  gint64 created = 0;

  if (record == NULL)
    return NULL;
  if (!g_variant_is_of_type (record, G_VARIANT_TYPE_VARDICT))
    {
      g_set_error (error, UL_ERROR, UL_ERROR_MALFORMED, "not a certificate: not an object");
      return NULL;
    }
  disposal = ul_report_record_lookup (record, "disposal");
  when = ul_report_record_str (record, disposal ? "disposal/at" : "issued-at");
  if (!ul_time_parse (when, &created, error))
    {
      g_prefix_error (error, "not a certificate: ");
      return NULL;
    }
  self = g_new0 (Certificate, 1);
  ul_report_document_init (&self->parent, &certificate_class, UL_REPORT_A4_SHORT,
                           UL_REPORT_A4_LONG,
                           disposal ? "記録媒体廃棄記録" : "データ消去証明書", created);
  self->record = g_steal_pointer (&record);
  self->disposal = disposal != NULL;
  self->json_sha256 = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, json);
  return &self->parent;
}
