/* ul-report-ledger.c: see ul-report-ledger.h. Pagination measures every
 * row with the cairo context it is given (the PDF's, or a printer's), so a
 * row moves to the next page whole, under that part's header row again. */
#include "ul-report-ledger.h"
#include "ul-report-draw.h"
#include "ul-error.h"
#include "ul-ledger.h"
#include "ul-time.h"

#include <stdio.h>
#include <string.h>

#define MM UL_REPORT_MM
#define MARGIN (12 * MM)
#define CELL_PAD (0.7 * MM)
#define CELL_SIZE 7.0
#define FOOTER_H (20 * MM)
#define QR_SIZE (18 * MM)

/* what a page shows of one table: its rows [first, last) */
typedef struct {
  guint table;
  guint first;
  guint last;
  gboolean continued;     /* the table began on an earlier page */
} Slice;

typedef struct {
  GArray *slices;         /* Slice */
  gboolean summary;       /* the summary and the seal boxes */
} Page;

typedef struct {
  UlReportDocument parent;
  GVariant *ledger;
  GPtrArray *tables;      /* UlReportTable* */
  GPtrArray *summary;     /* label, value, ... */
  char *digest;
  char *period;           /* the heading's second line */
  char *org_line;
  char *footer;
  char **seal_labels;
  GPtrArray *pages;       /* Page*, after paginate */
  GPtrArray *heights;     /* per table, a GArray of each row's height (paginate's) */
} Ledger;

static void
page_free (Page *p)
{
  g_array_unref (p->slices);
  g_free (p);
}

static double
body_width (UlReportDocument *doc)
{
  return doc->width - 2 * MARGIN;
}

/* x of each column and its width, from the table's relative widths */
static double
column_width (UlReportDocument *doc, UlReportTable *t, guint col)
{
  double total = 0;

  for (guint i = 0; i < t->widths->len; i++)
    total += *(double *) g_ptr_array_index (t->widths, i);
  return body_width (doc) * *(double *) g_ptr_array_index (t->widths, col) / total;
}

/* a digest column's cells (not its header) are set small and fixed-width:
 * 64 hex digits in two lines */
static UlReportTextFlags
cell_flags (UlReportTable *t, guint col, UlReportTextFlags flags)
{
  return !(flags & UL_REPORT_BOLD) && g_array_index (t->mono, gboolean, col)
           ? flags | UL_REPORT_MONO : flags;
}

static double
cell_size (UlReportTable *t, guint col, UlReportTextFlags flags)
{
  return cell_flags (t, col, flags) & UL_REPORT_MONO ? 5.0 : CELL_SIZE;
}

static double
row_height (UlReportDocument *doc, cairo_t *cr, UlReportTable *t, GPtrArray *cells,
            UlReportTextFlags flags)
{
  double h = 0;

  for (guint c = 0; c < cells->len; c++)
    h = MAX (h, ul_report_text_height (cr, column_width (doc, t, c) - 2 * CELL_PAD,
                                       cell_size (t, c, flags), cell_flags (t, c, flags),
                                       g_ptr_array_index (cells, c)));
  return h + 2 * CELL_PAD;
}

/* draws a row @h high (its height as measured when paginating) */
static double
draw_row (UlReportDocument *doc, cairo_t *cr, UlReportTable *t, GPtrArray *cells, double y,
          double h, UlReportTextFlags flags)
{
  double x = MARGIN;

  cairo_set_line_width (cr, 0.4);
  for (guint c = 0; c < cells->len; c++)
    {
      double w = column_width (doc, t, c);

      ul_report_text (cr, x + CELL_PAD, y + CELL_PAD, w - 2 * CELL_PAD, cell_size (t, c, flags),
                      cell_flags (t, c, flags), g_ptr_array_index (cells, c));
      cairo_rectangle (cr, x, y, w, h);
      x += w;
    }
  cairo_stroke (cr);
  return y + h;
}

/* the heading every page has; returns the y below it */
static double
heading (Ledger *self, cairo_t *cr, gboolean draw)
{
  UlReportDocument *doc = &self->parent;
  double w = body_width (doc);
  double y = MARGIN;

  if (!draw)
    return y + ul_report_text_height (cr, w, 14, UL_REPORT_BOLD, "月次使用簿") +
           ul_report_text_height (cr, w, 8, 0, self->org_line) +
           ul_report_text_height (cr, w, 8, 0, self->period) + 3 * MM;
  y = ul_report_text (cr, MARGIN, y, w, 14, UL_REPORT_BOLD, "月次使用簿（外部記録媒体）");
  y = ul_report_text (cr, MARGIN, y, w, 8, 0, self->org_line);
  y = ul_report_text (cr, MARGIN, y, w, 8, 0, self->period);
  return y + 3 * MM;
}

static char *
table_title (UlReportTable *t, gboolean continued)
{
  return continued ? g_strconcat (t->title, "（続き）", NULL) : g_strdup (t->title);
}

static double
summary_height (Ledger *self, cairo_t *cr)
{
  return ul_report_text_height (cr, 100 * MM, 9, UL_REPORT_BOLD, "集計") +
         (self->summary->len / 2) * (ul_report_text_height (cr, 100 * MM, 8, 0, "0") + 0.5 * MM) +
         40 * MM;
}

static guint
paginate (UlReportDocument *doc, cairo_t *cr)
{
  Ledger *self = (Ledger *) doc;
  double top = heading (self, cr, FALSE);
  double bottom = doc->height - MARGIN - FOOTER_H;
  Page *page = NULL;
  double y = bottom;   /* a new page first */

  g_clear_pointer (&self->pages, g_ptr_array_unref);
  self->pages = g_ptr_array_new_with_free_func ((GDestroyNotify) page_free);
  g_clear_pointer (&self->heights, g_ptr_array_unref);
  self->heights = g_ptr_array_new_with_free_func ((GDestroyNotify) g_array_unref);

  for (guint ti = 0; ti < self->tables->len; ti++)
    {
      UlReportTable *t = g_ptr_array_index (self->tables, ti);
      double head = ul_report_text_height (cr, body_width (doc), 10, UL_REPORT_BOLD, t->title) +
                    row_height (doc, cr, t, t->headers, UL_REPORT_BOLD) + 2 * MM;
      Slice *slice = NULL;
      guint r = 0;
      GArray *heights = g_array_new (FALSE, FALSE, sizeof (double));

      g_ptr_array_add (self->heights, heights);

      /* an empty part still shows its title, header and "なし" */
      do
        {
          double h = r < t->rows->len
                       ? row_height (doc, cr, t, g_ptr_array_index (t->rows, r), 0)
                       : ul_report_text_height (cr, body_width (doc), CELL_SIZE, 0, "なし") +
                           2 * CELL_PAD;

          if (r < t->rows->len)
            g_array_append_val (heights, h);

          if (slice == NULL || y + h > bottom)
            {
              /* the title, the header row and this row must fit together */
              if (y + head + h > bottom)
                {
                  page = g_new0 (Page, 1);
                  page->slices = g_array_new (FALSE, TRUE, sizeof (Slice));
                  g_ptr_array_add (self->pages, page);
                  y = top;
                }
              g_array_append_val (page->slices, ((Slice){ ti, r, r, r > 0 }));
              slice = &g_array_index (page->slices, Slice, page->slices->len - 1);
              y += head;
            }
          y += h;
          slice->last = MIN (r + 1, t->rows->len);
          r++;
        }
      while (r < t->rows->len);
      y += 4 * MM;
    }
  if (page == NULL || y + summary_height (self, cr) > bottom)
    {
      page = g_new0 (Page, 1);
      page->slices = g_array_new (FALSE, TRUE, sizeof (Slice));
      g_ptr_array_add (self->pages, page);
    }
  page->summary = TRUE;
  return self->pages->len;
}

static double
draw_slice (Ledger *self, cairo_t *cr, const Slice *s, double y)
{
  UlReportDocument *doc = &self->parent;
  UlReportTable *t = g_ptr_array_index (self->tables, s->table);
  g_autofree char *title = table_title (t, s->continued);

  y = ul_report_text (cr, MARGIN, y, body_width (doc), 10, UL_REPORT_BOLD, title) + 1 * MM;
  GArray *heights = g_ptr_array_index (self->heights, s->table);
  double head = row_height (doc, cr, t, t->headers, UL_REPORT_BOLD);

  cairo_save (cr);
  cairo_set_source_rgb (cr, 0.92, 0.92, 0.92);
  cairo_rectangle (cr, MARGIN, y, body_width (doc), head);
  cairo_fill (cr);
  cairo_restore (cr);
  y = draw_row (doc, cr, t, t->headers, y, head, UL_REPORT_BOLD);
  if (t->rows->len == 0)
    {
      double h = ul_report_text_height (cr, body_width (doc), CELL_SIZE, 0, "なし") + 2 * CELL_PAD;

      ul_report_text (cr, MARGIN + CELL_PAD, y + CELL_PAD, body_width (doc), CELL_SIZE, 0, "なし");
      cairo_set_line_width (cr, 0.4);
      cairo_rectangle (cr, MARGIN, y, body_width (doc), h);
      cairo_stroke (cr);
      y += h;
    }
  for (guint r = s->first; r < s->last; r++)
    y = draw_row (doc, cr, t, g_ptr_array_index (t->rows, r), y,
                  g_array_index (heights, double, r), 0);
  return y + 4 * MM;
}

static void
draw_summary (Ledger *self, cairo_t *cr, double y)
{
  UlReportDocument *doc = &self->parent;
  const char *const defaults[] = { "作成者", "所属長", "情報セキュリティ管理者", NULL };

  y = ul_report_text (cr, MARGIN, y, 100 * MM, 9, UL_REPORT_BOLD, "集計") + 1 * MM;
  for (guint i = 0; i + 1 < self->summary->len; i += 2)
    {
      ul_report_text (cr, MARGIN, y, 70 * MM, 8, 0, g_ptr_array_index (self->summary, i));
      y = ul_report_text (cr, MARGIN + 70 * MM, y, 30 * MM, 8, UL_REPORT_RIGHT,
                          g_ptr_array_index (self->summary, i + 1)) + 0.5 * MM;
    }
  const char *const *labels = self->seal_labels ? (const char *const *) self->seal_labels
                                                : defaults;
  double box = 22 * MM;

  /* at the foot of the last page, clear of the footer */
  ul_report_seal_boxes (cr, labels, doc->width - MARGIN,
                        doc->height - MARGIN - FOOTER_H - 3 * MM -
                          ul_report_seal_boxes_height (cr, labels, box), box);
}

static void
draw_footer (Ledger *self, cairo_t *cr, guint page, guint n_pages)
{
  UlReportDocument *doc = &self->parent;
  double y = doc->height - MARGIN - FOOTER_H + 2 * MM;
  g_autofree char *n = g_strdup_printf ("%u / %u", page + 1, n_pages);

  cairo_set_line_width (cr, 0.4);
  cairo_move_to (cr, MARGIN, y - 1 * MM);
  cairo_line_to (cr, doc->width - MARGIN, y - 1 * MM);
  cairo_stroke (cr);
  ul_report_text (cr, MARGIN, y, body_width (doc) - QR_SIZE - 4 * MM, 7, 0, self->footer);
  ul_report_text (cr, MARGIN, doc->height - MARGIN - 4 * MM, body_width (doc), 8,
                  UL_REPORT_CENTER, n);
  ul_report_qr (cr, self->digest, doc->width - MARGIN - QR_SIZE, y - 1 * MM, QR_SIZE);
}

static void
draw_page (UlReportDocument *doc, cairo_t *cr, guint page, guint n_pages)
{
  Ledger *self = (Ledger *) doc;
  Page *p;
  double y;

  if (self->pages == NULL || page >= self->pages->len)
    return;
  p = g_ptr_array_index (self->pages, page);
  y = heading (self, cr, TRUE);
  for (guint i = 0; i < p->slices->len; i++)
    y = draw_slice (self, cr, &g_array_index (p->slices, Slice, i), y);
  if (p->summary)
    draw_summary (self, cr, y);
  draw_footer (self, cr, page, n_pages);
}

static void
finalize (UlReportDocument *doc)
{
  Ledger *self = (Ledger *) doc;

  g_variant_unref (self->ledger);
  g_ptr_array_unref (self->tables);
  g_ptr_array_unref (self->summary);
  g_clear_pointer (&self->pages, g_ptr_array_unref);
  g_clear_pointer (&self->heights, g_ptr_array_unref);
  g_free (self->digest);
  g_free (self->period);
  g_free (self->org_line);
  g_free (self->footer);
  g_strfreev (self->seal_labels);
  g_free (self);
}

static const UlReportDocumentClass ledger_class = { paginate, draw_page, finalize };

char *
ul_report_wareki_month (const char *month)
{
  int y = 0, m = 0;

  if (month == NULL || sscanf (month, "%4d-%2d", &y, &m) != 2 || m < 1 || m > 12)
    return NULL;
  /* 令和 began on 2019-05-01 */
  if (y < 2019 || (y == 2019 && m < 5))
    return NULL;
  return y == 2019 ? g_strdup_printf ("令和元年%d月", m)
                   : g_strdup_printf ("令和%d年%d月", y - 2018, m);
}

static char *
period_line (GVariant *ledger, gboolean wareki)
{
  const char *month = "", *since = NULL, *until = NULL, *zone = "", *host = "";
  g_autofree char *from = NULL, *to = NULL, *era = NULL;
  int y = 0, m = 0;

  g_variant_lookup (ledger, "month", "&s", &month);
  g_variant_lookup (ledger, "since", "&s", &since);
  g_variant_lookup (ledger, "until", "&s", &until);
  g_variant_lookup (ledger, "zone", "&s", &zone);
  g_variant_lookup (ledger, "host", "&s", &host);
  sscanf (month, "%4d-%2d", &y, &m);
  from = ul_report_local_minute (since);
  to = ul_report_local_minute (until);
  era = wareki ? ul_report_wareki_month (month) : NULL;
  return g_strdup_printf ("対象期間: %d年%d月%s%s%s（%s から %s の前まで、%s）　端末: %s", y, m,
                          era ? "（" : "", era ? era : "", era ? "）" : "", from, to, zone, host);
}

UlReportDocument *
ul_report_ledger_new (GVariant *ledger, const UlReportLedgerOptions *options, GError **error)
{
  const char *format = NULL;
  g_autofree char *digest = NULL;
  g_autofree char *generated = NULL;
  g_autoptr(GVariant) sum = NULL;
  gint64 first = 0, last = 0;
  Ledger *self;

  if (!g_variant_is_of_type (ledger, G_VARIANT_TYPE_VARDICT) ||
      !g_variant_lookup (ledger, "ledger", "&s", &format) ||
      g_strcmp0 (format, UL_LEDGER_FORMAT) != 0)
    {
      g_set_error (error, UL_ERROR, UL_ERROR_MALFORMED, "not a usbledger monthly ledger");
      return NULL;
    }
  digest = ul_ledger_digest (ledger, error);
  if (digest == NULL)
    return NULL;
  self = g_new0 (Ledger, 1);
  ul_report_document_init (&self->parent, &ledger_class, UL_REPORT_A4_LONG, UL_REPORT_A4_SHORT,
                           "月次使用簿", options->generated_at);
  self->ledger = g_variant_ref (ledger);
  self->tables = ul_report_ledger_tables (ledger, options->names, options->names_data);
  self->summary = ul_report_ledger_summary (ledger);
  self->digest = g_steal_pointer (&digest);
  self->period = period_line (ledger, options->wareki);
  self->org_line = g_strdup_printf ("%s%s%s", options->organisation ? options->organisation : "",
                                    options->department && *options->department ? "　" : "",
                                    options->department ? options->department : "");
  sum = g_variant_lookup_value (ledger, "summary", G_VARIANT_TYPE_VARDICT);
  if (sum != NULL)
    {
      g_variant_lookup (sum, "first-event-id", "x", &first);
      g_variant_lookup (sum, "last-event-id", "x", &last);
    }
  generated = ul_time_format (options->generated_at);
  self->footer = g_strdup_printf ("作成 %s　記録番号 E%" G_GINT64_FORMAT "〜E%" G_GINT64_FORMAT
                                  "\n内容ダイジェスト (SHA-256): %s",
                                  generated, first, last, self->digest);
  self->seal_labels = options->seal_labels ? g_strdupv ((char **) options->seal_labels) : NULL;
  return &self->parent;
}
