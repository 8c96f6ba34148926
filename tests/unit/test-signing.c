/* the signing key, canonical JSON, and verification with the openssl
 * command line, as the city will do it */
#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>

#include "ul-error.h"
#include "ul-canonical-json.h"
#include "ul-key-fingerprint.h"
#include "ul-signing.h"
#include "ul-test-util.h"

static GVariant *
sample (const char *serial)
{
  GVariantBuilder b, inner;

  g_variant_builder_init (&inner, G_VARIANT_TYPE_VARDICT);
  g_variant_builder_add (&inner, "{sv}", "serial", g_variant_new_string (serial));
  g_variant_builder_add (&inner, "{sv}", "capacity", g_variant_new_int64 (64 << 20));
  g_variant_builder_init (&b, G_VARIANT_TYPE_VARDICT);
  g_variant_builder_add (&b, "{sv}", "number", g_variant_new_string ("2026-0001"));
  g_variant_builder_add (&b, "{sv}", "medium", g_variant_builder_end (&inner));
  g_variant_builder_add (&b, "{sv}", "organisation", g_variant_new_string ("東京都テスト市"));
  g_variant_builder_add (&b, "{sv}", "verified", g_variant_new_boolean (TRUE));
  g_variant_builder_add (&b, "{sv}", "mismatches", g_variant_new_int64 (0));
  g_variant_builder_add (&b, "{sv}", "sessions",
                         g_variant_new_parsed ("[<int64 3>, <int64 7>]"));
  return g_variant_ref_sink (g_variant_builder_end (&b));
}

static void
test_canonical_json (void)
{
  g_autoptr(GVariant) v = sample ("SN\"1\\\n\x01");
  g_autoptr(GError) error = NULL;
  g_autofree char *json = ul_canonical_json (v, &error);

  g_assert_no_error (error);
  /* keys sorted at every level, no white space, minimal escapes */
  g_assert_cmpstr (json, ==,
                   "{\"medium\":{\"capacity\":67108864,\"serial\":\"SN\\\"1\\\\\\n\\u0001\"},"
                   "\"mismatches\":0,\"number\":\"2026-0001\","
                   "\"organisation\":\"東京都テスト市\",\"sessions\":[3,7],\"verified\":true}");
  {
    g_autoptr(GVariant) bad = g_variant_ref_sink (g_variant_new_parsed ("{'x': <b'raw'>}"));

    g_assert_null (ul_canonical_json (bad, &error));
    g_assert_error (error, UL_ERROR, UL_ERROR_INVALID_ARGUMENT);
  }
}

static gboolean
openssl_verifies (const char *dir, const char *json, GBytes *sig)
{
  g_autofree char *data_path = g_build_filename (dir, "cert.json", NULL);
  g_autofree char *sig_path = g_build_filename (dir, "cert.json.sig", NULL);
  g_autofree char *pub_path = g_build_filename (dir, "signing-key.pub.pem", NULL);
  g_autofree char *out = NULL;
  const char *argv[] = { "openssl", "dgst", "-sha256", "-verify", pub_path, "-signature",
                         sig_path, data_path, NULL };
  int status = 0;

  g_assert_true (g_file_set_contents (data_path, json, -1, NULL));
  g_assert_true (g_file_set_contents (sig_path, g_bytes_get_data (sig, NULL),
                                      (gssize) g_bytes_get_size (sig), NULL));
  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL,
                               &out, NULL, &status, NULL));
  return g_spawn_check_wait_status (status, NULL) && strstr (out, "Verified OK") != NULL;
}

static void
test_sign_and_verify_with_openssl (void)
{
  g_autofree char *dir = g_dir_make_tmp ("ul-signing-XXXXXX", NULL);
  g_autofree char *keydir = g_build_filename (dir, "keys", NULL);
  g_autofree char *key_path = g_build_filename (keydir, "signing-key.pem", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) v = sample ("SN-1");
  g_autoptr(GVariant) changed = sample ("SN-2");
  g_autofree char *json = ul_canonical_json (v, &error);
  g_autofree char *json2 = ul_canonical_json (changed, &error);
  g_autoptr(GBytes) data = g_bytes_new (json, strlen (json));
  g_autoptr(GBytes) data2 = g_bytes_new (json2, strlen (json2));
  g_autoptr(GBytes) sig = NULL;
  g_autofree char *pem_before = NULL;
  UlSigner *s;
  struct stat st;

  s = ul_signer_open (keydir, "東京都テスト市 情報政策課", &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_stat (key_path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  g_assert_nonnull (strstr (ul_signer_public_pem (s), "BEGIN PUBLIC KEY"));
  g_assert_nonnull (strstr (ul_signer_certificate_pem (s), "BEGIN CERTIFICATE"));
  pem_before = g_strdup (ul_signer_public_pem (s));
  sig = ul_signer_sign (s, data, &error);
  g_assert_no_error (error);
  ul_signer_free (s);

  /* the same key next time */
  s = ul_signer_open (keydir, "ignored now", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (ul_signer_public_pem (s), ==, pem_before);
  ul_signer_free (s);

  g_assert_true (ul_signature_verify (pem_before, data, sig, &error));
  g_assert_false (ul_signature_verify (pem_before, data2, sig, &error));
  g_assert_error (error, UL_ERROR, UL_ERROR_MALFORMED);

  /* the city's check: openssl alone, with the exported public key */
  g_assert_true (openssl_verifies (keydir, json, sig));
  g_assert_false (openssl_verifies (keydir, json2, sig));
  ul_test_rm_rf (dir);
}

/* the fingerprint a certificate names is the one openssl gives the city:
 * openssl pkey -pubin -outform DER | sha256sum */
static void
test_key_fingerprint (void)
{
  g_autofree char *keydir = g_dir_make_tmp ("ul-fpr-XXXXXX", NULL);
  g_autofree char *pub = g_build_filename (keydir, "signing-key.pub.pem", NULL);
  g_autofree char *der_path = g_build_filename (keydir, "pub.der", NULL);
  g_autofree char *der = NULL;
  g_autofree char *expected = NULL;
  g_autofree char *fp = NULL;
  g_autoptr(GError) error = NULL;
  UlSigner *s = ul_signer_open (keydir, "test", &error);
  const char *argv[] = { "openssl", "pkey", "-pubin", "-in", pub, "-outform", "DER", "-out",
                         der_path, NULL };
  gsize len = 0;
  int status = 0;

  g_assert_no_error (error);
  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL,
                               NULL, NULL, &status, &error));
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  g_assert_true (g_file_get_contents (der_path, &der, &len, NULL));
  expected = g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *) der, len);
  fp = ul_public_key_fingerprint (ul_signer_public_pem (s), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (fp, ==, expected);
  g_assert_null (ul_public_key_fingerprint ("not a key", NULL));
  g_assert_null (ul_public_key_fingerprint ("-----BEGIN PUBLIC KEY-----\nAAAA\n"
                                            "-----END PUBLIC KEY-----\n", NULL));
  ul_signer_free (s);
  ul_test_rm_rf (keydir);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/signing/canonical-json", test_canonical_json);
  g_test_add_func ("/signing/sign-and-verify-with-openssl", test_sign_and_verify_with_openssl);
  g_test_add_func ("/signing/key-fingerprint", test_key_fingerprint);
  return g_test_run ();
}
