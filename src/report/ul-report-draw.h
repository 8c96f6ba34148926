/* ul-report-draw.h: what every document draws with: text that wraps and is
 * never cut, QR codes, seal (押印) boxes. Text is always set as plain text,
 * never as Pango markup, so a device's or a person's string is shown as it
 * is. */
#pragma once

#include <cairo.h>
#include <glib.h>

G_BEGIN_DECLS

/* the one family, embedded in every PDF, and its fixed-width face */
#define UL_REPORT_FONT "Noto Sans CJK JP"
#define UL_REPORT_MONO_FONT "Noto Sans Mono CJK JP"

typedef enum {
  UL_REPORT_REGULAR = 0,
  UL_REPORT_BOLD = 1 << 0,
  UL_REPORT_CENTER = 1 << 1,
  UL_REPORT_RIGHT = 1 << 2,
  UL_REPORT_MONO = 1 << 3,      /* hex digests: fixed width, breaks anywhere */
} UlReportTextFlags;

/* draws @text at (x, y) in a box @width wide, wrapped at words or, where a
 * word is too long, at characters; returns the y below it */
double ul_report_text (cairo_t *cr, double x, double y, double width, double size,
                       UlReportTextFlags flags, const char *text);
/* the height ul_report_text would take, without drawing */
double ul_report_text_height (cairo_t *cr, double width, double size, UlReportTextFlags flags,
                              const char *text);
/* a labelled field of a one-page record (certificate, disposal): the label
 * in a column @label_width wide from @x, the value beside it up to @right;
 * returns the y below both, with a small gap */
double ul_report_field (cairo_t *cr, double x, double right, double label_width, double y,
                        const char *label, const char *value);
/* a QR code of @data (binary mode, level M) in a @size square with its quiet zone */
void ul_report_qr (cairo_t *cr, const char *data, double x, double y, double size);
/* a row of square seal boxes, each under its label (labels from @y, the
 * boxes level under the tallest), ending at @right */
void ul_report_seal_boxes (cairo_t *cr, const char *const *labels, double right, double y,
                           double box);
/* the height the row of seal boxes takes, labels included */
double ul_report_seal_boxes_height (cairo_t *cr, const char *const *labels, double box);

G_END_DECLS
