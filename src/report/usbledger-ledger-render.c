/* usbledger-ledger-render: writes a month's ledger as the documents the
 * city receives, from the ledger usbledgerd derived:
 *
 *   usbledger-ledger-render FOLDER < JSON
 *
 * JSON: {"ledger": {...} (ul-ledger.h), "presentation": {"organisation",
 * "department", "seal-labels": [...], "generated-at" (UTC ISO 8601),
 * "wareki": bool}, "files": [...] (only when the files appendix was asked
 * for)}. Writes FOLDER/ledger-YYYY-MM.pdf and .csv, and with "files"
 * ledger-YYYY-MM-files.csv. Display names come from the passwd database
 * here, never from the ledger. A process of its own, so that usbledgerd
 * never loads cairo, pango and a CJK font. */
#include "config.h"

#include "ul-error.h"
#include "ul-json-parse.h"
#include "ul-report-appendix.h"
#include "ul-report-csv.h"
#include "ul-report-ledger.h"
#include "ul-report-pdf.h"
#include "ul-report-presentation.h"
#include "ul-report-record.h"
#include "ul-time.h"

#include <errno.h>
#include <stdio.h>
#include <unistd.h>

static GBytes *
read_stdin (GError **error)
{
  g_autoptr(GByteArray) input = g_byte_array_new ();
  guint8 buf[65536];
  ssize_t n;

  while ((n = read (STDIN_FILENO, buf, sizeof buf)) > 0)
    g_byte_array_append (input, buf, (guint) n);
  if (n < 0)
    {
      g_set_error (error, UL_ERROR, UL_ERROR_IO, "cannot read the ledger: %s", g_strerror (errno));
      return NULL;
    }
  return g_byte_array_free_to_bytes (g_steal_pointer (&input));
}

static gboolean
write_file (const char *folder, const char *name, GBytes *data, GError **error)
{
  g_autofree char *path = g_build_filename (folder, name, NULL);

  return g_file_set_contents_full (path, g_bytes_get_data (data, NULL), g_bytes_get_size (data),
                                   G_FILE_SET_CONTENTS_CONSISTENT, 0600, error);
}

static gboolean
render (const char *folder, GVariant *input, GError **error)
{
  g_autoptr(GVariant) ledger = ul_report_record_lookup (input, "ledger");
  g_autoptr(GVariant) files = ul_report_record_lookup (input, "files");
  g_autoptr(GVariant) presentation = ul_report_record_lookup (input, "presentation");
  g_auto(UlReportPresentation) look = { 0 };
  g_autoptr(UlReportDocument) doc = NULL;
  g_autoptr(GPtrArray) tables = NULL;
  g_autoptr(GBytes) csv = NULL;
  g_autofree char *pdf = NULL;
  g_autofree char *name = NULL;
  UlReportLedgerOptions options = { 0 };
  const char *month;

  if (ledger == NULL)
    {
      g_set_error (error, UL_ERROR, UL_ERROR_MALFORMED, "no ledger in the input");
      return FALSE;
    }
  if (!ul_time_parse (ul_report_record_str (input, "presentation/generated-at"),
                      &options.generated_at, error))
    return FALSE;
  ul_report_presentation_read (&look, presentation);
  ul_report_presentation_apply (&look, &options);
  options.names = ul_report_passwd_name;

  doc = ul_report_ledger_new (ledger, &options, error);
  if (doc == NULL)
    return FALSE;
  month = ul_report_record_str (ledger, "month");
  pdf = g_strdup_printf ("%s/ledger-%s.pdf", folder, month);
  if (!ul_report_pdf_write (doc, pdf, error))
    return FALSE;
  tables = ul_report_ledger_tables (ledger, ul_report_passwd_name, NULL);
  csv = ul_report_ledger_csv (tables);
  name = g_strdup_printf ("ledger-%s.csv", month);
  if (!write_file (folder, name, csv, error))
    return FALSE;
  if (files != NULL)
    {
      g_autoptr(GBytes) appendix = ul_report_files_appendix_csv (files);
      g_autofree char *appendix_name = g_strdup_printf ("ledger-%s-files.csv", month);

      if (!write_file (folder, appendix_name, appendix, error))
        return FALSE;
    }
  return TRUE;
}

int
main (int argc, char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) json = NULL;
  g_autoptr(GVariant) input = NULL;

  if (argc != 2)
    {
      fprintf (stderr, "usage: usbledger-ledger-render FOLDER < JSON\n");
      return 2;
    }
  json = read_stdin (&error);
  if (json != NULL)
    input = ul_json_parse (g_bytes_get_data (json, NULL), g_bytes_get_size (json), &error);
  if (input == NULL || !render (argv[1], input, &error))
    {
      fprintf (stderr, "usbledger-ledger-render: %s\n", error->message);
      return 1;
    }
  return 0;
}
