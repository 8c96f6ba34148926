/* ul-manager-erase.c: verified erasure of a registered medium that is
 * plugged in and allowed, and the signed certificate of a verified one.
 * Safety: only the whole disk of the USB device the daemon identified, only
 * after the caller confirmed with the medium's asset number and serial, its
 * own filesystems unmounted first (a busy one stops the erasure), and the
 * device opened exclusively (nothing can mount it meanwhile). */
#include "config.h"

#include "ul-manager-private.h"
#include "ul-erase.h"
#include "ul-error.h"
#include "ul-escape.h"
#include "ul-mountinfo.h"
#include "ul-canonical-json.h"
#include "ul-crypto.h"
#include "ul-time.h"

#include <gio/gio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

typedef struct {
  UlManager *mgr;
  UlErasure *erasure;
  UlEraseOptions opts;
  char *serial_text;
  UlMedium *medium;
  GBytes *manufacturer, *product;
  char *descriptor_hash;
  GCancellable *cancel;
  gint64 last_report;
} EraseJob;

static void
erase_job_free (EraseJob *job)
{
  ul_erasure_free (job->erasure);
  ul_medium_free (job->medium);
  g_free (job->serial_text);
  g_clear_pointer (&job->manufacturer, g_bytes_unref);
  g_clear_pointer (&job->product, g_bytes_unref);
  g_free (job->descriptor_hash);
  g_clear_object (&job->cancel);
  g_free (job);
}


static UlPresent *
find_present (UlManager *mgr, const UlMedium *m)
{
  GHashTableIter iter;
  gpointer value;

  g_hash_table_iter_init (&iter, mgr->present);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      UlPresent *p = value;

      if (p->controlled && p->medium_id == m->id && ul_decision_allows (p->decision))
        return p;
    }
  return NULL;
}

/* the whole disk (not a partition) under the USB device, and its dev_t */
static char *
find_disk (UlManager *mgr, UlPresent *p, dev_t *dev, GError **error)
{
  struct udev_enumerate *en = udev_enumerate_new (mgr->udev);
  struct udev_list_entry *entry;
  g_autofree char *prefix = g_strconcat (p->dev->syspath, "/", NULL);
  char *node = NULL;

  udev_enumerate_add_match_subsystem (en, "block");
  udev_enumerate_add_match_property (en, "DEVTYPE", "disk");
  udev_enumerate_scan_devices (en);
  udev_list_entry_foreach (entry, udev_enumerate_get_list_entry (en))
    {
      const char *path = udev_list_entry_get_name (entry);
      struct udev_device *d;

      if (node != NULL || !g_str_has_prefix (path, prefix))
        continue;
      d = udev_device_new_from_syspath (mgr->udev, path);
      if (d != NULL && udev_device_get_devnode (d) != NULL)
        {
          node = g_strdup (udev_device_get_devnode (d));
          *dev = udev_device_get_devnum (d);
        }
      if (d != NULL)
        udev_device_unref (d);
    }
  udev_enumerate_unref (en);
  if (node == NULL)
    g_set_error (error, UL_ERROR, UL_ERROR_BAD_STATE,
                 "%s has no disk (is it plugged in and allowed?)", p->dev->name);
  return node;
}


static gboolean
unmount_own (UlManager *mgr, dev_t disk, GError **error)
{
  static const char *const system_dirs[] = { "/", "/usr", "/boot", "/var", "/etc", "/home",
                                             NULL };
  g_autoptr(GPtrArray) mounts = ul_mountinfo_read (mgr->mountinfo, error);
  g_autofree char *disk_link = g_strdup_printf ("/sys/dev/block/%u:%u", major (disk),
                                                minor (disk));
  g_autofree char *disk_path = realpath (disk_link, NULL);

  if (mounts == NULL)
    return FALSE;
  for (guint i = 0; i < mounts->len; i++)
    {
      UlMount *m = g_ptr_array_index (mounts, i);
      dev_t dev = ul_mount_block_device (m);

      /* the disk itself, or one of its partitions */
      if (dev == 0 || (dev != disk && (disk_path == NULL ||
                                       !ul_block_device_under (dev, disk_path))))
        continue;
      for (guint j = 0; system_dirs[j]; j++)
        if (g_strcmp0 (m->mount_point, system_dirs[j]) == 0 ||
            (j > 0 && g_str_has_prefix (m->mount_point, system_dirs[j]) &&
             m->mount_point[strlen (system_dirs[j])] == '/'))
          {
            g_set_error (error, UL_ERROR, UL_ERROR_BAD_STATE,
                         "refusing: the disk holds the system filesystem %s", m->mount_point);
            return FALSE;
          }
      if (umount2 (m->mount_point, 0) != 0)
        {
          g_set_error (error, UL_ERROR, UL_ERROR_BAD_STATE,
                       "cannot unmount %s first: %s", m->mount_point, g_strerror (errno));
          return FALSE;
        }
    }
  return TRUE;
}

/* -- the job, in a worker thread ---------------------------------------- */

typedef struct {
  UlManager *mgr;
  gint64 id;
  UlEraseProgress p;
} ProgressMsg;

static gboolean
emit_progress (gpointer data)
{
  ProgressMsg *msg = data;

  g_signal_emit (msg->mgr, ul_manager_signals[SIGNAL_ERASE_PROGRESS], 0, msg->id, &msg->p);
  g_object_unref (msg->mgr);
  g_free (msg);
  return G_SOURCE_REMOVE;
}

static void
on_progress (const UlEraseProgress *p, gpointer data)
{
  EraseJob *job = data;
  gint64 now = g_get_monotonic_time ();
  ProgressMsg *msg;

  /* four a second are enough for a progress bar */
  if (now - job->last_report < G_USEC_PER_SEC / 4 && p->done < p->total)
    return;
  job->last_report = now;
  msg = g_new0 (ProgressMsg, 1);
  msg->mgr = g_object_ref (job->mgr);
  msg->id = job->erasure->id;
  msg->p = *p;
  g_main_context_invoke (NULL, emit_progress, msg);
}

static void
run_erase (GTask *task, gpointer source, gpointer data, GCancellable *cancel)
{
  EraseJob *job = data;
  const UlCryptoOps *crypto;
  UlEraseResult *r = g_new0 (UlEraseResult, 1);
  GError *error = NULL;

  if ((crypto = ul_crypto (&error)) == NULL ||
      !crypto->erase_device (job->erasure->device_node, &job->opts, cancel, on_progress, job, r,
                             &error))
    {
      g_free (r);
      g_task_return_error (task, error);
      return;
    }
  g_task_return_pointer (task, r, NULL);
}


/* April-March, in Japan's time */
static int
fiscal_year (gint64 usec)
{
  g_autoptr(GTimeZone) jst = g_time_zone_new_identifier ("Asia/Tokyo");
  g_autoptr(GTimeZone) fixed = g_time_zone_new_offset (9 * 3600);
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (usec / G_USEC_PER_SEC);
  g_autoptr(GDateTime) local = g_date_time_to_timezone (utc, jst ? jst : fixed);
  int year = g_date_time_get_year (local);

  return g_date_time_get_month (local) >= 4 ? year : year - 1;
}

static GVariant *
certificate_body (EraseJob *job, const char *number, int fy, GArray *sessions, gint64 issued,
                  const char *key_sha256)
{
  UlErasure *e = job->erasure;
  UlMedium *m = job->medium;
  GVariantBuilder b, medium, erasure, op, issuer, ids;
  g_autofree char *vendor = NULL, *product = NULL;
  g_autofree char *start = ul_time_format_iso8601 (e->started_at), *end = ul_time_format_iso8601 (e->ended_at);
  g_autofree char *issued_s = ul_time_format_iso8601 (issued);
  g_autofree char *vid = g_strdup_printf ("%04x", m->vendor_id);
  g_autofree char *pid = g_strdup_printf ("%04x", m->product_id);
  gsize len;
  const guint8 *d;

  d = job->manufacturer ? g_bytes_get_data (job->manufacturer, &len) : NULL;
  vendor = d ? ul_escape_bytes (d, len) : g_strdup ("");
  d = job->product ? g_bytes_get_data (job->product, &len) : NULL;
  product = d ? ul_escape_bytes (d, len) : g_strdup ("");

  g_variant_builder_init (&issuer, G_VARIANT_TYPE_VARDICT);
  g_variant_builder_add (&issuer, "{sv}", "organisation",
                         g_variant_new_string (job->mgr->organisation));
  g_variant_builder_add (&issuer, "{sv}", "system", g_variant_new_string ("usbledger"));
  g_variant_builder_add (&issuer, "{sv}", "version", g_variant_new_string (PACKAGE_VERSION));
  g_variant_builder_add (&issuer, "{sv}", "host", g_variant_new_string (e->host));
  /* which key signed it: SHA-256 of its DER public key (openssl pkey -pubin
   * -outform DER | sha256sum); its PEM is pinned in the logbook */
  g_variant_builder_add (&issuer, "{sv}", "signing-key-sha256",
                         g_variant_new_string (key_sha256));

  g_variant_builder_init (&medium, G_VARIANT_TYPE_VARDICT);
  g_variant_builder_add (&medium, "{sv}", "asset-number", g_variant_new_string (m->asset_number));
  g_variant_builder_add (&medium, "{sv}", "vendor-id", g_variant_new_string (vid));
  g_variant_builder_add (&medium, "{sv}", "product-id", g_variant_new_string (pid));
  g_variant_builder_add (&medium, "{sv}", "vendor", g_variant_new_string (vendor));
  g_variant_builder_add (&medium, "{sv}", "model", g_variant_new_string (product));
  g_variant_builder_add (&medium, "{sv}", "serial", g_variant_new_string (job->serial_text));
  g_variant_builder_add (&medium, "{sv}", "capacity-bytes", g_variant_new_int64 (e->capacity));
  g_variant_builder_add (&medium, "{sv}", "descriptor-sha256",
                         g_variant_new_string (job->descriptor_hash));

  g_variant_builder_init (&erasure, G_VARIANT_TYPE_VARDICT);
  g_variant_builder_add (&erasure, "{sv}", "method", g_variant_new_string (e->method));
  g_variant_builder_add (&erasure, "{sv}", "pattern", g_variant_new_string (e->pattern));
  g_variant_builder_add (&erasure, "{sv}", "device", g_variant_new_string (e->device_node));
  g_variant_builder_add (&erasure, "{sv}", "verification",
                         g_variant_new_string ("full read-back of every byte"));
  g_variant_builder_add (&erasure, "{sv}", "bytes-written", g_variant_new_int64 (e->bytes_written));
  g_variant_builder_add (&erasure, "{sv}", "bytes-verified",
                         g_variant_new_int64 (e->bytes_verified));
  g_variant_builder_add (&erasure, "{sv}", "mismatches", g_variant_new_int64 (e->mismatches));
  g_variant_builder_add (&erasure, "{sv}", "started-at", g_variant_new_string (start));
  g_variant_builder_add (&erasure, "{sv}", "ended-at", g_variant_new_string (end));
  g_variant_builder_add (&erasure, "{sv}", "duration-seconds",
                         g_variant_new_int64 ((e->ended_at - e->started_at) / G_USEC_PER_SEC));

  g_variant_builder_init (&op, G_VARIANT_TYPE_VARDICT);
  g_variant_builder_add (&op, "{sv}", "account", g_variant_new_string (e->operator_name));
  g_variant_builder_add (&op, "{sv}", "uid", g_variant_new_int64 (e->operator_uid));

  g_variant_builder_init (&ids, G_VARIANT_TYPE ("av"));
  for (guint i = 0; i < sessions->len; i++)
    g_variant_builder_add (&ids, "v", g_variant_new_int64 (g_array_index (sessions, gint64, i)));

  g_variant_builder_init (&b, G_VARIANT_TYPE_VARDICT);
  g_variant_builder_add (&b, "{sv}", "certificate", g_variant_new_string ("usbledger erasure "
                                                                          "certificate v1"));
  g_variant_builder_add (&b, "{sv}", "number", g_variant_new_string (number));
  g_variant_builder_add (&b, "{sv}", "fiscal-year", g_variant_new_int64 (fy));
  g_variant_builder_add (&b, "{sv}", "issued-at", g_variant_new_string (issued_s));
  g_variant_builder_add (&b, "{sv}", "issuer", g_variant_builder_end (&issuer));
  g_variant_builder_add (&b, "{sv}", "medium", g_variant_builder_end (&medium));
  g_variant_builder_add (&b, "{sv}", "erasure", g_variant_builder_end (&erasure));
  g_variant_builder_add (&b, "{sv}", "operator", g_variant_builder_end (&op));
  g_variant_builder_add (&b, "{sv}", "sessions-closed", g_variant_builder_end (&ids));
  return g_variant_ref_sink (g_variant_builder_end (&b));
}

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

/* the certificate with the SHA-256 of its signed JSON (for the QR code) */
static void
write_pdf (UlManager *mgr, GVariant *body, const UlCertificate *c)
{
  g_autofree char *name = g_strdup_printf ("%s.pdf", c->number);
  g_autofree char *sha = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, c->json);
  g_autoptr(GVariant) doc = NULL;
  GVariantDict dict;

  g_variant_dict_init (&dict, body);
  g_variant_dict_insert (&dict, "json-sha256", "s", sha);
  doc = g_variant_ref_sink (g_variant_dict_end (&dict));
  ul_manager_write_pdf (mgr, doc, "certificates", name);
}

/* verified: certificate, sessions erased, events, all in one transaction */
static gboolean
issue_certificate (EraseJob *job, char **number, GError **error)
{
  UlManager *mgr = job->mgr;
  UlErasure *e = job->erasure;
  g_autoptr(UlCertificate) c = g_new0 (UlCertificate, 1);
  g_autoptr(GArray) sessions = NULL;
  g_autoptr(GVariant) body = NULL;
  g_autoptr(UlEvent) ev = NULL;
  g_autofree char *json = NULL;
  g_autofree char *key_sha256 = NULL;
  gint64 now = g_get_real_time ();
  const UlCryptoOps *crypto = ul_crypto (error);

  if (crypto == NULL || ul_manager_signer (mgr, &key_sha256, error) == NULL)
    return FALSE;
  if (!ul_store_begin (mgr->store, error))
    return FALSE;
  c->fiscal_year = fiscal_year (now);
  c->erasure_id = e->id;
  c->issued_at = now;
  if (!ul_store_add_certificate (mgr->store, c, error) ||
      (sessions = ul_store_unerased_sessions (mgr->store, e->medium_id, error)) == NULL)
    {
      ul_store_rollback (mgr->store);
      return FALSE;
    }
  body = certificate_body (job, c->number, c->fiscal_year, sessions, now, key_sha256);
  json = ul_canonical_json (body, error);
  if (json == NULL)
    {
      ul_store_rollback (mgr->store);
      return FALSE;
    }
  c->json = g_bytes_new (json, strlen (json));
  c->signature = crypto->signer_sign (mgr->signer, c->json, error);
  c->key_sha256 = g_strdup (key_sha256);
  if (c->signature == NULL || !ul_manager_pin_signer (mgr, key_sha256, now, error) ||
      !ul_store_add_certificate (mgr->store, c, error))
    {
      ul_store_rollback (mgr->store);
      return FALSE;
    }
  for (guint i = 0; i < sessions->len; i++)
    if (!ul_store_mark_session_erased (mgr->store, g_array_index (sessions, gint64, i), error))
      {
        ul_store_rollback (mgr->store);
        return FALSE;
      }
  ev = ul_event_new ("certificate-issued", e->operator_name, mgr->host, now);
  ev->actor_uid = e->operator_uid;
  ev->medium_id = e->medium_id;
  ev->detail = g_strdup_printf ("erasure certificate %s for %s (%u session(s) now erased)",
                                c->number, job->medium->asset_number, sessions->len);
  if (!ul_store_append_event (mgr->store, ev, error) || !ul_store_commit (mgr->store, error))
    {
      ul_store_rollback (mgr->store);
      return FALSE;
    }
  *number = g_strdup (c->number);
  write_pdf (mgr, body, c);
  return TRUE;
}

static void
on_erase_done (GObject *source, GAsyncResult *res, gpointer data)
{
  EraseJob *job = data;
  UlManager *mgr = job->mgr;
  UlErasure *e = job->erasure;
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) local = NULL;
  g_autoptr(UlEvent) ev = NULL;
  g_autofree char *number = NULL;
  UlEraseResult *r = g_task_propagate_pointer (G_TASK (res), &error);

  e->ended_at = g_get_real_time ();
  if (r == NULL)
    {
      g_free (e->outcome);
      e->outcome = g_strdup (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED)
                             ? "interrupted" : "failed");
      e->message = g_strdup (error->message);
    }
  else
    {
      g_free (e->outcome);
      e->outcome = g_strdup (ul_erase_outcome_to_string (r->outcome));
      e->bytes_written = (gint64) r->bytes_written;
      e->bytes_verified = (gint64) r->bytes_verified;
      e->mismatches = (gint64) r->mismatches;
      e->bad_offset = r->outcome == UL_ERASE_OK ? -1 : (gint64) r->first_bad_offset;
      e->message = g_strdup (r->message);
      if (r->outcome == UL_ERASE_OK && e->bytes_verified != e->capacity)
        {
          /* never a certificate for bytes not read back */
          g_free (e->outcome);
          e->outcome = g_strdup ("failed");
        }
      ul_erase_result_clear (r);
      g_free (r);
    }

  if (!ul_store_finish_erasure (mgr->store, e, &local))
    g_warning ("cannot record the end of erasure %" G_GINT64_FORMAT ": %s", e->id,
               local->message);
  g_clear_error (&local);
  if (g_strcmp0 (e->outcome, "verified") == 0 && !issue_certificate (job, &number, &local))
    {
      g_warning ("erasure %" G_GINT64_FORMAT " verified, but no certificate: %s", e->id,
                 local->message);
      g_free (e->message);
      e->message = g_strdup_printf ("verified, but the certificate could not be issued: %s",
                                    local->message);
    }
  if (number == NULL)
    {
      /* an incident: the medium is not proven erased */
      ev = ul_event_new (g_strcmp0 (e->outcome, "interrupted") == 0 ? "erase-interrupted"
                                                                    : "erase-failed",
                         e->operator_name, mgr->host, e->ended_at);
      ev->actor_uid = e->operator_uid;
      ev->medium_id = e->medium_id;
      ev->detail = g_strdup_printf ("incident: %s not erased: %s", job->medium->asset_number,
                                    e->message ? e->message : e->outcome);
      if (!ul_store_append_event (mgr->store, ev, &local))
        g_warning ("cannot record the incident: %s", local->message);
    }
  g_free (e->certificate);
  e->certificate = g_steal_pointer (&number);
  g_hash_table_remove (mgr->erase_jobs, &e->id);
  ul_manager_wrote_logbook (mgr);
  g_signal_emit (mgr, ul_manager_signals[SIGNAL_ERASE_FINISHED], 0, e);
  erase_job_free (job);
}

gint64
ul_manager_erase_medium (UlManager *mgr, const char *asset_number, const char *confirm,
                         const char *pattern, const UlActor *actor, GError **error)
{
  g_autoptr(UlMedium) m = ul_store_get_medium (mgr->store, asset_number, error);
  g_autoptr(GTask) task = NULL;
  g_autoptr(UlEvent) ev = NULL;
  g_autofree char *serial = NULL;
  g_autofree char *expected = NULL;
  g_autofree char *node = NULL;
  EraseJob *job;
  UlPresent *p;
  dev_t disk = 0;
  struct stat st;
  gboolean random = g_strcmp0 (pattern, "aes-256-ctr") == 0;
  GHashTableIter iter;
  gpointer value;

  if (m == NULL)
    return 0;
  if (!random && g_strcmp0 (pattern, "zeros") != 0)
    {
      g_set_error (error, UL_ERROR, UL_ERROR_INVALID_ARGUMENT,
                   "pattern must be zeros or aes-256-ctr");
      return 0;
    }
  serial = ul_escape_gbytes (m->serial);   /* as the CLI shows it */
  expected = g_strdup_printf ("%s %s", m->asset_number, serial);
  if (g_strcmp0 (confirm, expected) != 0)
    {
      g_set_error (error, UL_ERROR, UL_ERROR_INVALID_ARGUMENT,
                   "to erase, confirm with the asset number and serial: \"%s\"", expected);
      return 0;
    }
  p = find_present (mgr, m);
  if (p == NULL)
    {
      g_set_error (error, UL_ERROR, UL_ERROR_BAD_STATE,
                   "%s is not plugged in and allowed here", m->asset_number);
      return 0;
    }
  g_hash_table_iter_init (&iter, mgr->erase_jobs);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    if (((EraseJob *) value)->medium->id == m->id)
      {
        g_set_error (error, UL_ERROR, UL_ERROR_BAD_STATE, "%s is being erased already",
                     m->asset_number);
        return 0;
      }
  node = find_disk (mgr, p, &disk, error);
  if (node == NULL || stat (node, &st) != 0 || !unmount_own (mgr, disk, error))
    {
      if (error != NULL && *error == NULL)
        g_set_error (error, UL_ERROR, UL_ERROR_IO, "cannot open %s", node);
      return 0;
    }

  job = g_new0 (EraseJob, 1);
  job->mgr = mgr;
  job->cancel = g_cancellable_new ();
  job->medium = g_steal_pointer (&m);
  job->serial_text = g_steal_pointer (&serial);
  job->manufacturer = p->dev->manufacturer ? g_bytes_ref (p->dev->manufacturer) : NULL;
  job->product = p->dev->product ? g_bytes_ref (p->dev->product) : NULL;
  job->descriptor_hash = g_strdup (p->dev->descriptor_hash);
  if (random)
    ul_erase_options_init_random (&job->opts);
  else
    job->opts.pattern = UL_ERASE_ZEROS;
  job->erasure = g_new0 (UlErasure, 1);
  job->erasure->medium_id = job->medium->id;
  job->erasure->device_id = p->device_id;
  job->erasure->device_node = g_steal_pointer (&node);
  job->erasure->method = ul_erase_method_description (&job->opts);
  job->erasure->pattern = g_strdup (random ? "aes-256-ctr" : "zeros");
  job->erasure->operator_name = g_strdup (actor->name);
  job->erasure->operator_uid = actor->uid;
  job->erasure->host = g_strdup (mgr->host);
  job->erasure->started_at = g_get_real_time ();
  job->erasure->outcome = g_strdup ("running");
  job->erasure->bad_offset = -1;
  job->erasure->capacity = S_ISBLK (st.st_mode) ? 0 : st.st_size;
  {
    /* the capacity as the kernel says: sysfs size is in 512-byte sectors */
    g_autofree char *size_path = g_strdup_printf ("/sys/dev/block/%u:%u/size", major (disk),
                                                  minor (disk));
    g_autofree char *text = NULL;

    if (g_file_get_contents (size_path, &text, NULL, NULL))
      job->erasure->capacity = g_ascii_strtoll (text, NULL, 10) * 512;
  }

  ev = ul_event_new ("erase-started", actor->name, mgr->host, job->erasure->started_at);
  ev->actor_uid = actor->uid;
  ev->medium_id = job->medium->id;
  ev->device_id = p->device_id;
  ev->detail = g_strdup_printf ("%s (%s): %s", job->medium->asset_number,
                                job->erasure->device_node, job->erasure->method);
  /* whatever its outcome, the erasure changes every filesystem on it: there
   * is no "how its last session left it" to compare at its next mount */
  if (!ul_store_begin (mgr->store, error) || !ul_store_add_erasure (mgr->store, job->erasure,
                                                                   error) ||
      !ul_store_forget_medium_manifest (mgr->store, job->medium->id, -1, error) ||
      !ul_store_append_event (mgr->store, ev, error) || !ul_store_commit (mgr->store, error))
    {
      ul_store_rollback (mgr->store);
      erase_job_free (job);
      return 0;
    }
  g_hash_table_insert (mgr->erase_jobs, &job->erasure->id, job);
  task = g_task_new (NULL, job->cancel, on_erase_done, job);
  /* the engine sees the cancellation itself and says where it stopped */
  g_task_set_check_cancellable (task, FALSE);
  g_task_set_task_data (task, job, NULL);
  g_task_run_in_thread (task, run_erase);
  return job->erasure->id;
}

gboolean
ul_manager_cancel_erase (UlManager *mgr, gint64 id, GError **error)
{
  EraseJob *job = g_hash_table_lookup (mgr->erase_jobs, &id);

  if (job == NULL)
    {
      g_set_error (error, UL_ERROR, UL_ERROR_NOT_FOUND, "no erasure %" G_GINT64_FORMAT
                   " is running", id);
      return FALSE;
    }
  g_cancellable_cancel (job->cancel);
  return TRUE;
}
