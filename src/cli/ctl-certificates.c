/* usbledgerctl certificates: erasures and their certificates
 *   certificates [ASSET-NUMBER]
 *   certificate export NUMBER FOLDER     (NUMBER.json, NUMBER.json.sig, signing-key.pub.pem)
 *   certificate verify NUMBER
 *   certificate show NUMBER              (the signed JSON) */
#include "ctl-common.h"
#include "ul-error.h"
#include "ul-key-fingerprint.h"
#include "ul-signing.h"

#include <stdio.h>
#include <string.h>

int
ctl_certificates (CtlContext *ctx, int argc, char **argv)
{
  GOptionEntry entries[] = { { NULL } };
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GVariant) list = NULL;
  GVariantIter iter;
  GVariant *rec;
  UlBusManager1 *m;
  gboolean ok;
  int code;

  if (!ctl_parse (_("[ASSET-NUMBER]"), _("List erasures and their certificates."), entries,
                  &argc, &argv))
    return 2;
  if (argc > 2)
    {
      g_printerr (_("usbledgerctl: unexpected argument\n"));
      return 2;
    }
  ok = (m = ctl_manager (ctx, &error)) != NULL &&
       ul_bus_manager1_call_list_erasures_sync (m, argc == 2 ? argv[1] : "", UL_CLIENT_CALL_FLAGS,
                                                UL_CLIENT_TIMEOUT_MS, &reply, NULL, &error);
  list = ctl_list_for_people (ctx, ok, reply, error, &code);
  if (list == NULL)
    return code;
  g_variant_iter_init (&iter, list);
  while ((rec = g_variant_iter_next_value (&iter)) != NULL)
    {
      g_autoptr(GVariant) e = rec;
      g_autofree char *start = ctl_rec_time (e, "started-at");
      g_autofree char *asset = ctl_escape (ctl_rec_str (e, "asset-number"));
      g_autofree char *msg = ctl_escape (ctl_rec_str (e, "message"));

      g_print ("#%" G_GINT64_FORMAT "  %s  %s  %-11s  %s  %s  %s\n", ctl_rec_int64 (e, "id"),
               start, asset, ctl_rec_str (e, "outcome"),
               ctl_rec_str (e, "certificate") ? ctl_rec_str (e, "certificate") : "-",
               ctl_rec_str (e, "operator"), ctl_rec_str (e, "message") ? msg : "");
    }
  return 0;
}

/* certificate @number: its JSON and signature as the daemon signed them,
 * and the public key; FALSE with the error printed */
static gboolean
get_certificate (CtlContext *ctx, const char *number, GBytes **json, GBytes **sig, char **pem)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) json_v = NULL;
  g_autoptr(GVariant) sig_v = NULL;
  UlBusManager1 *m;

  if ((m = ctl_manager (ctx, &error)) == NULL ||
      !ul_bus_manager1_call_get_certificate_sync (m, number, UL_CLIENT_CALL_FLAGS,
                                                  UL_CLIENT_TIMEOUT_MS, &json_v, &sig_v, pem, NULL,
                                                  &error))
    {
      ctl_print_call_error (error);
      return FALSE;
    }
  *json = g_variant_get_data_as_bytes (json_v);
  *sig = g_variant_get_data_as_bytes (sig_v);
  return TRUE;
}

/* a certificate names the key that signed it (issuer.signing-key-sha256,
 * from schema 6 on): the key the daemon gave must be that one */
static gboolean
check_named_key (GBytes *json, const char *pem, GError **error)
{
  static const char field[] = "\"signing-key-sha256\":\"";
  g_autofree char *text = g_strndup (g_bytes_get_data (json, NULL), g_bytes_get_size (json));
  g_autofree char *fp = ul_public_key_fingerprint (pem, error);
  const char *named = strstr (text, field);

  if (fp == NULL)
    return FALSE;
  if (named == NULL)
    return TRUE;   /* issued before keys were pinned: the signature decides */
  named += strlen (field);
  if (strncmp (named, fp, strlen (fp)) != 0 || named[strlen (fp)] != '"')
    {
      g_set_error (error, UL_ERROR, UL_ERROR_BAD_STATE,
                   _("it names signing key %.64s, not %s"), named, fp);
      return FALSE;
    }
  return TRUE;
}

int
ctl_certificate (CtlContext *ctx, int argc, char **argv)
{
  GOptionEntry entries[] = { { NULL } };
  g_autoptr(GBytes) json = NULL, sig = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *pem = NULL;

  if (!ctl_parse (_("export NUMBER FOLDER | verify NUMBER | show NUMBER"),
                  _("Export a certificate for the city, or verify its signature."), entries,
                  &argc, &argv))
    return 2;
  if (!((argc == 4 && g_str_equal (argv[1], "export")) ||
        (argc == 3 && (g_str_equal (argv[1], "verify") || g_str_equal (argv[1], "show")))))
    {
      g_printerr (_("usbledgerctl: use \"certificate export NUMBER FOLDER\", "
                    "\"certificate verify NUMBER\" or \"certificate show NUMBER\"\n"));
      return 2;
    }
  if (!get_certificate (ctx, argv[2], &json, &sig, &pem))
    return 1;

  if (g_str_equal (argv[1], "show"))
    {
      /* the signed bytes as they are: canonical JSON, UTF-8 */
      fwrite (g_bytes_get_data (json, NULL), 1, g_bytes_get_size (json), stdout);
      g_print ("\n");
      return 0;
    }
  if (g_str_equal (argv[1], "verify"))
    {
      if (!ul_signature_verify (pem, json, sig, &error) ||
          !check_named_key (json, pem, &error))
        {
          g_printerr (_("usbledgerctl: certificate %s: %s\n"), argv[2], error->message);
          return 1;
        }
      g_print (_("certificate %s: signature verified\n"), argv[2]);
      {
        g_autofree char *fp = ul_public_key_fingerprint (pem, NULL);

        g_print (_("signing key (SHA-256 of its DER public key): %s\n"), fp);
      }
      return 0;
    }
  {
    g_autofree char *base = g_strdup_printf ("%s.json", argv[2]);
    g_autofree char *json_path = g_build_filename (argv[3], base, NULL);
    g_autofree char *sig_path = g_strconcat (json_path, ".sig", NULL);
    g_autofree char *pem_path = g_build_filename (argv[3], "signing-key.pub.pem", NULL);

    if (g_mkdir_with_parents (argv[3], 0755) != 0 ||
        !g_file_set_contents (json_path, g_bytes_get_data (json, NULL),
                              (gssize) g_bytes_get_size (json), &error) ||
        !g_file_set_contents (sig_path, g_bytes_get_data (sig, NULL),
                              (gssize) g_bytes_get_size (sig), &error) ||
        !g_file_set_contents (pem_path, pem, -1, &error))
      {
        g_printerr ("usbledgerctl: %s\n", error ? error->message : argv[3]);
        return 1;
      }
    g_print ("%s\n%s\n%s\n", json_path, sig_path, pem_path);
    {
      g_autofree char *text = NULL;
      g_autofree char *x509_path = g_build_filename (argv[3], "signing-cert.pem", NULL);

      if (!ul_bus_manager1_call_get_signing_certificate_sync (ctx->manager, UL_CLIENT_CALL_FLAGS,
                                                              UL_CLIENT_TIMEOUT_MS, &text, NULL,
                                                              &error))
        {
          ctl_print_call_error (error);
          return 1;
        }
      if (!g_file_set_contents (x509_path, text, -1, &error))
        {
          g_printerr ("usbledgerctl: %s\n", error->message);
          return 1;
        }
      g_print ("%s\n", x509_path);
    }
    {
      g_autoptr(GVariant) pdf = NULL;
      g_autofree char *pdf_name = g_strdup_printf ("%s.pdf", argv[2]);
      g_autofree char *pdf_path = g_build_filename (argv[3], pdf_name, NULL);

      if (!ul_bus_manager1_call_get_certificate_pdf_sync (ctx->manager, argv[2],
                                                          UL_CLIENT_CALL_FLAGS,
                                                          UL_CLIENT_TIMEOUT_MS, &pdf, NULL,
                                                          &error) ||
          !g_file_set_contents (pdf_path, g_variant_get_data (pdf),
                                (gssize) g_variant_get_size (pdf), &error))
        {
          g_dbus_error_strip_remote_error (error);
          g_printerr (_("usbledgerctl: no PDF of certificate %s%s%s\n"), argv[2],
                      error ? ": " : "", error ? error->message : "");
          return 1;
        }
      g_print ("%s\n", pdf_path);
    }
    g_print (_("check with: openssl dgst -sha256 -verify %s -signature %s %s\n"), pem_path,
             sig_path, json_path);
  }
  return 0;
}
