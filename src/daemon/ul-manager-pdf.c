/* ul-manager-pdf.c: printable documents (certificates, disposals), made by
 * the usbledger-certificate-pdf helper without holding the main loop: the
 * helper writes FILE.part, which becomes FILE when it succeeded, so a
 * document is there whole or not at all. A client asking for a document
 * being written is answered when it is (ul_manager_pdf_when_ready). */
#include "config.h"

#include "ul-manager-private.h"

#include <errno.h>
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <string.h>

typedef struct {
  UlPdfReadyFunc func;
  gpointer data;
} Waiter;

typedef struct {
  UlManager *mgr;
  char *path;
  char *part;
  GArray *waiters;        /* Waiter */
} PdfJob;

static void
pdf_job_free (PdfJob *job)
{
  g_free (job->path);
  g_free (job->part);
  g_array_unref (job->waiters);
  g_free (job);
}

static void
on_rendered (GObject *source, GAsyncResult *res, gpointer data)
{
  PdfJob *job = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) err = NULL;

  if (!g_subprocess_communicate_finish (G_SUBPROCESS (source), res, NULL, &err, &error) ||
      !g_subprocess_get_successful (G_SUBPROCESS (source)) ||
      g_rename (job->part, job->path) != 0)
    {
      /* a failure is logged: the logbook record stands */
      g_autofree char *why = error ? g_strdup (error->message)
                             : err && g_bytes_get_size (err) > 0
                               ? g_strndup (g_bytes_get_data (err, NULL), g_bytes_get_size (err))
                               : g_strdup (g_strerror (errno));

      g_warning ("no PDF %s: %s", job->path, g_strchomp (why));
      g_unlink (job->part);
    }
  g_ptr_array_remove (job->mgr->pdf_jobs, job);
  for (guint i = 0; i < job->waiters->len; i++)
    {
      Waiter *w = &g_array_index (job->waiters, Waiter, i);

      w->func (w->data);
    }
  pdf_job_free (job);
}

void
ul_manager_write_pdf (UlManager *mgr, GBytes *json, const char *subdir, const char *name)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocess) proc = NULL;
  g_autofree char *dir = g_build_filename (mgr->key_dir, subdir, NULL);
  PdfJob *job = g_new0 (PdfJob, 1);

  job->mgr = mgr;
  job->path = g_build_filename (dir, name, NULL);
  job->part = g_strconcat (job->path, ".part", NULL);
  job->waiters = g_array_new (FALSE, FALSE, sizeof (Waiter));
  if (g_mkdir_with_parents (dir, 0700) != 0 ||
      (proc = g_subprocess_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE,
                                &error, mgr->pdf_helper, job->part, NULL)) == NULL)
    {
      g_warning ("no PDF %s: %s", name, error ? error->message : g_strerror (errno));
      pdf_job_free (job);
      return;
    }
  g_ptr_array_add (mgr->pdf_jobs, job);
  g_subprocess_communicate_async (proc, json, NULL, on_rendered, job);
}

gboolean
ul_manager_pdf_when_ready (UlManager *mgr, const char *path, UlPdfReadyFunc func, gpointer data)
{
  for (guint i = 0; i < mgr->pdf_jobs->len; i++)
    {
      PdfJob *job = g_ptr_array_index (mgr->pdf_jobs, i);

      if (g_strcmp0 (job->path, path) == 0)
        {
          Waiter w = { func, data };

          g_array_append_val (job->waiters, w);
          return TRUE;
        }
    }
  return FALSE;
}

void
ul_manager_pdf_wait_all (UlManager *mgr)
{
  while (mgr->pdf_jobs->len > 0)
    g_main_context_iteration (NULL, TRUE);
}
