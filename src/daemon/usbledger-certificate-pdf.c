/* usbledger-certificate-pdf: renders an erasure certificate (消去証明書) as an
 * A4 PDF in Japanese, for printing and for a PDF viewer.
 *
 *   usbledger-certificate-pdf OUT.pdf < certificate
 *
 * (or, when the dictionary has "disposal", the record of a medium's
 * disposal)
 *
 * stdin: the certificate as GVariant text (what usbledgerd signed, as a
 * dictionary), plus "json-sha256", the SHA-256 of the signed JSON, which the
 * QR code carries so a printout can be matched with its file. A process of
 * its own, so the daemon never loads cairo, pango and a CJK font. */
#include "config.h"

#include <cairo-pdf.h>
#include <errno.h>
#include <fcntl.h>
#include <pango/pangocairo.h>
#include <qrencode.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define MM (72.0 / 25.4)
#define PAGE_W (210 * MM)
#define PAGE_H (297 * MM)
#define MARGIN (20 * MM)

/* the value at "a/b" in the certificate, as text (interned: the process
 * is short-lived and every string is small) */
static const char *
str (GVariant *dict, const char *path)
{
  g_auto(GStrv) parts = g_strsplit (path, "/", -1);
  g_autoptr(GVariant) cur = g_variant_ref (dict);
  char buf[64];

  for (guint i = 0; parts[i] != NULL && cur != NULL; i++)
    {
      GVariant *next = g_variant_is_of_type (cur, G_VARIANT_TYPE_VARDICT)
                         ? g_variant_lookup_value (cur, parts[i], NULL) : NULL;

      g_variant_unref (cur);
      cur = next;
      if (cur != NULL && g_variant_is_of_type (cur, G_VARIANT_TYPE_VARIANT))
        {
          GVariant *inner = g_variant_get_variant (cur);

          g_variant_unref (cur);
          cur = inner;
        }
    }
  if (cur == NULL)
    return "-";
  if (g_variant_is_of_type (cur, G_VARIANT_TYPE_STRING))
    return g_intern_string (g_variant_get_string (cur, NULL));
  if (g_variant_is_of_type (cur, G_VARIANT_TYPE_INT64))
    {
      g_snprintf (buf, sizeof buf, "%" G_GINT64_FORMAT, g_variant_get_int64 (cur));
      return g_intern_string (buf);
    }
  return "-";
}

/* a formatted value, interned likewise */
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

static double
text (cairo_t *cr, double x, double y, double width, const char *font, const char *markup)
{
  PangoLayout *layout = pango_cairo_create_layout (cr);
  PangoFontDescription *desc = pango_font_description_from_string (font);
  int w, h;

  pango_layout_set_font_description (layout, desc);
  pango_layout_set_width (layout, (int) (width * PANGO_SCALE));
  pango_layout_set_wrap (layout, PANGO_WRAP_WORD_CHAR);
  pango_layout_set_markup (layout, markup, -1);
  cairo_move_to (cr, x, y);
  pango_cairo_show_layout (cr, layout);
  pango_layout_get_size (layout, &w, &h);
  pango_font_description_free (desc);
  g_object_unref (layout);
  return y + (double) h / PANGO_SCALE;
}

static double
row (cairo_t *cr, double y, const char *label, const char *value)
{
  g_autofree char *l = g_markup_escape_text (label, -1);
  g_autofree char *v = g_markup_escape_text (value, -1);
  double end;

  double label_end = text (cr, MARGIN, y, 55 * MM, "Noto Sans CJK JP 9", l);

  end = text (cr, MARGIN + 58 * MM, y, PAGE_W - 2 * MARGIN - 58 * MM, "Noto Sans CJK JP 9", v);
  return MAX (end, label_end) + 2.2 * MM;
}

static void
qr (cairo_t *cr, const char *data, double x, double y, double size)
{
  QRcode *code = QRcode_encodeString8bit (data, 0, QR_ECLEVEL_M);
  double cell;

  if (code == NULL)
    return;
  cell = size / (code->width + 8);
  cairo_set_source_rgb (cr, 0, 0, 0);
  for (int r = 0; r < code->width; r++)
    for (int c = 0; c < code->width; c++)
      if (code->data[r * code->width + c] & 1)
        cairo_rectangle (cr, x + (c + 4) * cell, y + (r + 4) * cell, cell, cell);
  cairo_fill (cr);
  QRcode_free (code);
}

static void
certificate_page (cairo_t *cr, GVariant *c, const char *sessions)
{
  double y;

  y = text (cr, MARGIN, MARGIN, PAGE_W - 2 * MARGIN, "Noto Sans CJK JP 22",
            "<b>データ消去証明書</b>");
  y = text (cr, MARGIN, y + 1 * MM, PAGE_W - 2 * MARGIN, "Noto Sans CJK JP 10",
            "Certificate of verified data erasure") + 6 * MM;

  y = row (cr, y, "証明書番号 (No.)", str (c, "number"));
  y = row (cr, y, "発行日時 (issued)", str (c, "issued-at"));
  y = row (cr, y, "発行者 (issuer)", str (c, "issuer/organisation"));
  y = row (cr, y, "システム (system)", fmt ("%s %s, %s", str (c, "issuer/system"),
                                                      str (c, "issuer/version"),
                                                      str (c, "issuer/host")));
  y += 3 * MM;
  y = row (cr, y, "管理番号 (asset number)", str (c, "medium/asset-number"));
  y = row (cr, y, "製造元・型式 (vendor, model)",
           fmt ("%s %s (%s:%s)", str (c, "medium/vendor"), str (c, "medium/model"),
                            str (c, "medium/vendor-id"), str (c, "medium/product-id")));
  y = row (cr, y, "シリアル番号 (serial)", str (c, "medium/serial"));
  y = row (cr, y, "容量 (capacity, bytes)", str (c, "medium/capacity-bytes"));
  y = row (cr, y, "記述子 SHA-256 (descriptors)", str (c, "medium/descriptor-sha256"));
  y += 3 * MM;
  y = row (cr, y, "消去方法 (method)", str (c, "erasure/method"));
  y = row (cr, y, "パターン (pattern)", str (c, "erasure/pattern"));
  y = row (cr, y, "検証 (verification)",
           fmt ("%s: %s バイト, 不一致 %s (bytes verified, mismatches)",
                            str (c, "erasure/verification"), str (c, "erasure/bytes-verified"),
                            str (c, "erasure/mismatches")));
  y = row (cr, y, "開始・終了 (start, end)",
           fmt ("%s — %s (%s 秒)", str (c, "erasure/started-at"),
                            str (c, "erasure/ended-at"), str (c, "erasure/duration-seconds")));
  y = row (cr, y, "実施者 (operator)", str (c, "operator/account"));
  y = row (cr, y, "消去済みとした使用記録 (sessions closed)", sessions);
  y += 3 * MM;
  y = row (cr, y, "署名 (signature)", "ECDSA P-256 / SHA-256. openssl dgst -sha256 -verify "
                                      "signing-key.pub.pem -signature NUMBER.json.sig NUMBER.json");
  y = row (cr, y, "JSON SHA-256", str (c, "json-sha256"));

  /* QR code of the signed file's SHA-256, and a box for the seal (押印) */
  y += 6 * MM;
  qr (cr, str (c, "json-sha256"), MARGIN, y, 45 * MM);
  text (cr, PAGE_W - MARGIN - 40 * MM, y, 40 * MM, "Noto Sans CJK JP 9", "管理者 印 (seal)");
  cairo_set_line_width (cr, 0.8);
  cairo_rectangle (cr, PAGE_W - MARGIN - 40 * MM, y + 6 * MM, 40 * MM, 40 * MM);
  cairo_stroke (cr);

}

/* the record of a medium's end: destroyed by a contractor, or retired after
 * its verified erasure */
static void
disposal_page (cairo_t *cr, GVariant *c)
{
  gboolean destroyed = g_strcmp0 (str (c, "disposal/kind"), "destroyed") == 0;
  double y = text (cr, MARGIN, MARGIN, PAGE_W - 2 * MARGIN, "Noto Sans CJK JP 22",
                   "<b>記録媒体廃棄記録</b>");

  y = text (cr, MARGIN, y + 1 * MM, PAGE_W - 2 * MARGIN, "Noto Sans CJK JP 10",
            "Record of the disposal of a storage medium") + 6 * MM;
  y = row (cr, y, "管理番号 (asset number)", str (c, "disposal/asset-number"));
  y = row (cr, y, "廃棄の方法 (kind)", destroyed ? "物理破壊 (destroyed by a contractor)"
                                                  : "消去後廃棄 (retired after verified erasure)");
  if (destroyed)
    {
      y = row (cr, y, "破壊業者 (contractor)", str (c, "disposal/contractor"));
      y = row (cr, y, "業者の管理番号 (reference)", str (c, "disposal/reference"));
      y = row (cr, y, "破壊日 (destroyed on)", str (c, "disposal/date"));
    }
  y = row (cr, y, "消去証明書 (erasure certificate)", str (c, "disposal/certificate"));
  y = row (cr, y, "記録者 (recorded by)", str (c, "disposal/by"));
  y = row (cr, y, "記録日時 (recorded at)", str (c, "disposal/at"));
  y = row (cr, y, "発行者 (issuer)", str (c, "disposal/organisation"));
  y = row (cr, y, "備考 (note)", str (c, "disposal/note"));
  y += 10 * MM;
  text (cr, PAGE_W - MARGIN - 40 * MM, y, 40 * MM, "Noto Sans CJK JP 9", "管理者 印 (seal)");
  cairo_set_line_width (cr, 0.8);
  cairo_rectangle (cr, PAGE_W - MARGIN - 40 * MM, y + 6 * MM, 40 * MM, 40 * MM);
  cairo_stroke (cr);
}

/* for tests only: with USBLEDGER_PDF_TEST_HOLD naming a FIFO, says "held"
 * there and waits until FIFO.release is opened, so a test can see that
 * usbledgerd answers while a document is being written */
static void
test_hold (void)
{
  const char *fifo = g_getenv ("USBLEDGER_PDF_TEST_HOLD");
  g_autofree char *release = NULL;
  int fd;

  if (fifo == NULL)
    return;
  fd = open (fifo, O_WRONLY | O_CLOEXEC);
  if (fd >= 0)
    {
      if (write (fd, "held\n", 5) < 0)
        fprintf (stderr, "usbledger-certificate-pdf: %s: %s\n", fifo, g_strerror (errno));
      close (fd);
    }
  release = g_strconcat (fifo, ".release", NULL);
  fd = open (release, O_RDONLY | O_CLOEXEC);
  if (fd >= 0)
    close (fd);
}

int
main (int argc, char **argv)
{
  g_autoptr(GString) input = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) c = NULL;
  cairo_surface_t *surface;
  cairo_t *cr;
  char buf[4096];
  ssize_t n;
  const char *sessions;

  if (argc != 2)
    {
      fprintf (stderr, "usage: usbledger-certificate-pdf OUT.pdf < certificate\n");
      return 2;
    }
  while ((n = read (STDIN_FILENO, buf, sizeof buf)) > 0)
    g_string_append_len (input, buf, n);
  c = g_variant_parse (G_VARIANT_TYPE_VARDICT, input->str, NULL, NULL, &error);
  if (c == NULL)
    {
      fprintf (stderr, "usbledger-certificate-pdf: %s\n", error->message);
      return 1;
    }
  {
    g_autoptr(GVariant) ids = g_variant_lookup_value (c, "sessions-closed", NULL);
    g_autoptr(GString) s = g_string_new (NULL);

    for (gsize i = 0; ids != NULL && i < g_variant_n_children (ids); i++)
      {
        g_autoptr(GVariant) v = g_variant_get_child_value (ids, i);
        g_autoptr(GVariant) inner = g_variant_is_of_type (v, G_VARIANT_TYPE_VARIANT)
                                      ? g_variant_get_variant (v) : g_variant_ref (v);

        g_string_append_printf (s, "%s#%" G_GINT64_FORMAT, i ? ", " : "",
                                g_variant_get_int64 (inner));
      }
    sessions = g_intern_string (s->len ? s->str : "なし (none)");
  }

  test_hold ();
  surface = cairo_pdf_surface_create (argv[1], PAGE_W, PAGE_H);
  cr = cairo_create (surface);
  cairo_set_source_rgb (cr, 0, 0, 0);
  {
    g_autoptr(GVariant) disposal = g_variant_lookup_value (c, "disposal", NULL);

    if (disposal != NULL)
      disposal_page (cr, c);
    else
      certificate_page (cr, c, sessions);
  }
  cairo_show_page (cr);
  cairo_destroy (cr);
  cairo_surface_finish (surface);
  if (cairo_surface_status (surface) != CAIRO_STATUS_SUCCESS)
    {
      fprintf (stderr, "usbledger-certificate-pdf: %s\n",
               cairo_status_to_string (cairo_surface_status (surface)));
      cairo_surface_destroy (surface);
      return 1;
    }
  cairo_surface_destroy (surface);
  return 0;
}
