/* ul-manager-certificate.c: the signed certificate of a verified erasure
 * (canonical JSON, ECDSA; see docs/certificate-verification.md) and its
 * printable PDF */
#include "config.h"

#include "ul-canonical-json.h"
#include "ul-crypto.h"
#include "ul-erase-job.h"
#include "ul-escape.h"
#include "ul-time.h"

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
  GVariantBuilder b, medium, erasure, op, issuer, ids, disks;
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
  /* every disk of the medium, each overwritten and read back */
  g_variant_builder_init (&disks, G_VARIANT_TYPE ("aa{sv}"));
  for (guint i = 0; i < job->disks->len; i++)
    {
      const UlEraseDisk *disk = &g_array_index (job->disks, UlEraseDisk, i);
      GVariantBuilder one;

      g_variant_builder_init (&one, G_VARIANT_TYPE_VARDICT);
      g_variant_builder_add (&one, "{sv}", "device", g_variant_new_string (disk->node));
      g_variant_builder_add (&one, "{sv}", "capacity-bytes",
                             g_variant_new_int64 (disk->capacity));
      g_variant_builder_add (&disks, "a{sv}", &one);
    }
  g_variant_builder_add (&erasure, "{sv}", "disks", g_variant_builder_end (&disks));
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

/* verified: certificate, sessions erased, events, all in one transaction */
gboolean
ul_erase_job_issue_certificate (EraseJob *job, char **number, GError **error)
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
      (sessions = ul_store_unerased_sessions (mgr->store, e->medium_id, e->started_at,
                                              error)) == NULL)
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
  /* the printed page is drawn from the very bytes that were signed */
  {
    g_autofree char *name = g_strdup_printf ("%s.pdf", c->number);

    ul_manager_write_pdf (mgr, c->json, "certificates", name);
  }
  {
    g_autofree char *reason = g_strdup_printf ("erasure certificate %s", c->number);

    ul_manager_checkpoint_or_warn (mgr, reason);
  }
  return TRUE;
}
