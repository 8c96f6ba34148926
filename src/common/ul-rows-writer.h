/* ul-rows-writer.h: a list of rows, "av" of "a{sv}", written straight into
 * GVariant's serialised form (one buffer, one GVariant), for the ledger's
 * parts: a month of five years' logbook has tens of thousands of rows of
 * twenty entries, and a GVariantBuilder makes several instances per entry
 * (most of a month's ledger time went to making and freeing them). The
 * result is the value a builder would give, byte for byte; the unit test
 * compares the two. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct {
  GByteArray *buf;
  GArray *row_ends;       /* gsize: each row's end, from the list's start */
  GArray *entry_ends;     /* gsize: the open row's entries' ends, from its start */
  gsize row_start;
  gboolean in_row;
} UlRowsWriter;

void ul_rows_writer_init (UlRowsWriter *w);
void ul_rows_writer_clear (UlRowsWriter *w);

void ul_rows_writer_begin_row (UlRowsWriter *w);
/* entries of the open row; a NULL string adds nothing */
void ul_rows_writer_add_string (UlRowsWriter *w, const char *key, const char *value);
/* @len bytes of valid UTF-8 without a NUL (a column's text, not copied) */
void ul_rows_writer_add_string_len (UlRowsWriter *w, const char *key, const char *value,
                                    gsize len);
void ul_rows_writer_add_int64 (UlRowsWriter *w, const char *key, gint64 value);
/* an "av" of strings */
void ul_rows_writer_add_strings (UlRowsWriter *w, const char *key, const char *const *values,
                                 guint n_values);
void ul_rows_writer_end_row (UlRowsWriter *w);

/* the rows as an "av" (floating); @w is cleared */
GVariant *ul_rows_writer_end (UlRowsWriter *w);

G_END_DECLS
