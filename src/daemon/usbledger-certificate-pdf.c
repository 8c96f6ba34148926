/* usbledger-certificate-pdf: writes an erasure certificate (消去証明書), or
 * the record of a medium's disposal, as an A4 PDF in Japanese.
 *
 *   usbledger-certificate-pdf OUT.pdf < JSON
 *
 * stdin: the certificate's JSON exactly as it was signed (or the disposal
 * record); the page is drawn from it by src/report, and its QR code carries
 * the SHA-256 of those very bytes. A process of its own, so that the daemon
 * never loads cairo, pango and a CJK font. */
#include "config.h"

#include "ul-report-certificate.h"
#include "ul-report-pdf.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

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
  g_autoptr(GByteArray) input = g_byte_array_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) json = NULL;
  g_autoptr(UlReportDocument) doc = NULL;
  guint8 buf[4096];
  ssize_t n;

  if (argc != 2)
    {
      fprintf (stderr, "usage: usbledger-certificate-pdf OUT.pdf < JSON\n");
      return 2;
    }
  while ((n = read (STDIN_FILENO, buf, sizeof buf)) > 0)
    g_byte_array_append (input, buf, (guint) n);
  if (n < 0)
    {
      fprintf (stderr, "usbledger-certificate-pdf: %s\n", g_strerror (errno));
      return 1;
    }
  json = g_byte_array_free_to_bytes (g_steal_pointer (&input));
  doc = ul_report_certificate_new (json, &error);
  if (doc == NULL)
    {
      fprintf (stderr, "usbledger-certificate-pdf: %s\n", error->message);
      return 1;
    }
  test_hold ();
  if (!ul_report_pdf_write (doc, argv[1], &error))
    {
      fprintf (stderr, "usbledger-certificate-pdf: %s\n", error->message);
      return 1;
    }
  return 0;
}
