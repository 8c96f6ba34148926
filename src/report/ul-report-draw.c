/* ul-report-draw.c: see ul-report-draw.h */
#include "ul-report-draw.h"

#include <pango/pangocairo.h>
#include <qrencode.h>
#include <string.h>

static const cairo_user_data_key_t context_key;

/* one pango context per cairo context (making one is costly: a ledger sets
 * tens of thousands of cells), told when the cairo context's transformation
 * changes, and only then: pango_cairo_update_context() marks the context
 * changed on every call, and every layout made on it would be laid out
 * again */
static PangoContext *
context_for (cairo_t *cr)
{
  PangoContext *context = cairo_get_user_data (cr, &context_key);
  cairo_matrix_t now, *then;

  cairo_get_matrix (cr, &now);
  if (context == NULL)
    {
      context = pango_cairo_create_context (cr);
      /* sizes are points, and a cairo unit is a point (PDF, and the print
       * operation's context in points): not pango's default of 96 dpi */
      pango_cairo_context_set_resolution (context, 72);
      g_object_set_data_full (G_OBJECT (context), "ul-report-matrix",
                              g_memdup2 (&now, sizeof now), g_free);
      cairo_set_user_data (cr, &context_key, context, g_object_unref);
      return context;
    }
  then = g_object_get_data (G_OBJECT (context), "ul-report-matrix");
  if (memcmp (then, &now, sizeof now) != 0)
    {
      *then = now;
      pango_cairo_update_context (cr, context);
    }
  return context;
}

/* the two faces, parsed once (a ledger sets tens of thousands of cells) */
static const PangoFontDescription *
face (UlReportTextFlags flags)
{
  static PangoFontDescription *faces[2];
  guint i = flags & UL_REPORT_MONO ? 1 : 0;

  if (faces[i] == NULL)
    faces[i] = pango_font_description_from_string (i ? UL_REPORT_MONO_FONT : UL_REPORT_FONT);
  return faces[i];
}

static PangoLayout *
layout_new (cairo_t *cr, double width, double size, UlReportTextFlags flags, const char *text)
{
  PangoContext *context = context_for (cr);
  PangoLayout *layout;
  PangoFontDescription *desc = pango_font_description_copy_static (face (flags));
  PangoAttrList *attrs = pango_attr_list_new ();

  layout = pango_layout_new (context);

  pango_font_description_set_size (desc, (gint) (size * PANGO_SCALE));
  if (flags & UL_REPORT_BOLD)
    pango_font_description_set_weight (desc, PANGO_WEIGHT_BOLD);
  pango_layout_set_font_description (layout, desc);
  pango_font_description_free (desc);
  pango_layout_set_width (layout, (int) (width * PANGO_SCALE));
  pango_layout_set_wrap (layout, flags & UL_REPORT_MONO ? PANGO_WRAP_CHAR : PANGO_WRAP_WORD_CHAR);
  /* a serial or a digest broken across lines must not gain a "-" */
  pango_attr_list_insert (attrs, pango_attr_insert_hyphens_new (FALSE));
  pango_layout_set_attributes (layout, attrs);
  pango_attr_list_unref (attrs);
  if (flags & UL_REPORT_CENTER)
    pango_layout_set_alignment (layout, PANGO_ALIGN_CENTER);
  else if (flags & UL_REPORT_RIGHT)
    pango_layout_set_alignment (layout, PANGO_ALIGN_RIGHT);
  /* plain text: a "<" in a serial is a "<" on paper */
  pango_layout_set_text (layout, text ? text : "", -1);
  return layout;
}

/* the layouts already made on this cairo context, by what they set: a
 * ledger measures every cell to paginate and sets it again to draw, and
 * many cells hold the same text (a user, a day); shaping is most of the
 * cost. Kept with the context's pango context, so a layout is only reused
 * where it was made; bounded, as a print preview may draw many pages. */
#define LAYOUT_CACHE_MAX 20000

static PangoLayout *
layout_cached (cairo_t *cr, double width, double size, UlReportTextFlags flags, const char *text)
{
  PangoContext *context = context_for (cr);
  GHashTable *cache;
  char *key;
  PangoLayout *layout;

  cache = g_object_get_data (G_OBJECT (context), "ul-report-layouts");
  if (cache == NULL)
    {
      cache = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
      g_object_set_data_full (G_OBJECT (context), "ul-report-layouts", cache,
                              (GDestroyNotify) g_hash_table_unref);
    }
  key = g_strdup_printf ("%d %d %u %s", (int) (width * PANGO_SCALE), (int) (size * PANGO_SCALE),
                         (guint) flags, text ? text : "");
  layout = g_hash_table_lookup (cache, key);
  if (layout != NULL)
    {
      g_free (key);
      return g_object_ref (layout);
    }
  if (g_hash_table_size (cache) >= LAYOUT_CACHE_MAX)
    g_hash_table_remove_all (cache);
  layout = layout_new (cr, width, size, flags, text);
  g_hash_table_insert (cache, key, g_object_ref (layout));
  return layout;
}

double
ul_report_text_height (cairo_t *cr, double width, double size, UlReportTextFlags flags,
                       const char *text)
{
  g_autoptr(PangoLayout) layout = layout_cached (cr, width, size, flags, text);
  int w, h;

  pango_layout_get_size (layout, &w, &h);
  return (double) h / PANGO_SCALE;
}

double
ul_report_text (cairo_t *cr, double x, double y, double width, double size,
                UlReportTextFlags flags, const char *text)
{
  g_autoptr(PangoLayout) layout = layout_cached (cr, width, size, flags, text);
  int w, h;

  cairo_move_to (cr, x, y);
  pango_cairo_show_layout (cr, layout);
  pango_layout_get_size (layout, &w, &h);
  return y + (double) h / PANGO_SCALE;
}

double
ul_report_field (cairo_t *cr, double x, double right, double label_width, double y,
                 const char *label, const char *value)
{
  double gap = 3 * (72.0 / 25.4);
  double label_end = ul_report_text (cr, x, y, label_width, 11, UL_REPORT_REGULAR, label);
  double value_end = ul_report_text (cr, x + label_width + gap, y, right - x - label_width - gap,
                                     11, UL_REPORT_REGULAR, value);

  return MAX (label_end, value_end) + 2.2 * (72.0 / 25.4);
}

void
ul_report_qr (cairo_t *cr, const char *data, double x, double y, double size)
{
  QRcode *code = QRcode_encodeString8bit (data, 0, QR_ECLEVEL_M);
  double cell;

  if (code == NULL)
    return;
  cell = size / (code->width + 8);
  for (int r = 0; r < code->width; r++)
    for (int c = 0; c < code->width; c++)
      if (code->data[r * code->width + c] & 1)
        cairo_rectangle (cr, x + (c + 4) * cell, y + (r + 4) * cell, cell, cell);
  cairo_fill (cr);
  QRcode_free (code);
}

static double
seal_label_height (cairo_t *cr, const char *const *labels, double box)
{
  double h = 0;

  for (guint i = 0; labels != NULL && labels[i] != NULL; i++)
    h = MAX (h, ul_report_text_height (cr, box, 9, UL_REPORT_CENTER, labels[i]));
  return h + 1;
}

double
ul_report_seal_boxes_height (cairo_t *cr, const char *const *labels, double box)
{
  return seal_label_height (cr, labels, box) + box;
}

void
ul_report_seal_boxes (cairo_t *cr, const char *const *labels, double right, double y,
                      double box)
{
  guint n = labels ? g_strv_length ((char **) labels) : 0;
  double gap = 3 * (72.0 / 25.4);
  double x = right - n * box - (n > 0 ? (n - 1) * gap : 0);
  /* every box at the same height, under the tallest label */
  double top = y + seal_label_height (cr, labels, box);

  cairo_set_line_width (cr, 0.8);
  for (guint i = 0; i < n; i++, x += box + gap)
    {
      ul_report_text (cr, x, y, box, 9, UL_REPORT_CENTER, labels[i]);
      cairo_rectangle (cr, x, top, box, box);
    }
  cairo_stroke (cr);
}
