/* ul-manager-pdf.c: printable documents (certificates, disposals), made by
 * the usbledger-certificate-pdf helper */
#include "config.h"

#include "ul-manager-private.h"

#include <gio/gio.h>
#include <string.h>

/* a printable document, by a helper (cairo, pango and the CJK font stay
 * out of the daemon); a failure is logged: the logbook record stands */
void
ul_manager_write_pdf (UlManager *mgr, GVariant *doc, const char *subdir, const char *name)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GBytes) in = NULL;
  g_autoptr(GBytes) err = NULL;
  g_autofree char *dir = g_build_filename (mgr->key_dir, subdir, NULL);
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autofree char *text = g_variant_print (doc, TRUE);

  in = g_bytes_new (text, strlen (text));
  if (g_mkdir_with_parents (dir, 0700) != 0 ||
      (proc = g_subprocess_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE,
                                &error, mgr->pdf_helper, path, NULL)) == NULL ||
      !g_subprocess_communicate (proc, in, NULL, NULL, &err, &error) ||
      !g_subprocess_get_successful (proc))
    {
      g_autofree char *why = error ? g_strdup (error->message)
                                   : g_strndup (g_bytes_get_data (err, NULL),
                                                g_bytes_get_size (err));

      g_warning ("no PDF %s: %s", name, why);
    }
}
