/* ul-signing.c: OpenSSL 3 EVP for the key and signatures; the files are
 * plain PEM, so `openssl` reads them as they are */
#include "ul-signing.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ul-error.h"

struct _UlSigner {
  EVP_PKEY *key;
  char *public_pem;
  char *cert_pem;
};

static gboolean
openssl_error (GError **error, const char *what)
{
  char buf[256] = "";
  unsigned long e = ERR_get_error ();

  if (e != 0)
    ERR_error_string_n (e, buf, sizeof buf);
  ERR_clear_error ();
  g_set_error (error, UL_ERROR, UL_ERROR_FAILED, "%s: %s", what, e ? buf : "OpenSSL error");
  return FALSE;
}

static char *
bio_text (BIO *bio)
{
  char *data = NULL;
  long len = BIO_get_mem_data (bio, &data);

  return g_strndup (data, (gsize) len);
}

static char *
public_pem (EVP_PKEY *key)
{
  BIO *bio = BIO_new (BIO_s_mem ());
  char *out = NULL;

  if (bio != NULL && PEM_write_bio_PUBKEY (bio, key) == 1)
    out = bio_text (bio);
  BIO_free (bio);
  return out;
}

/* a self-signed certificate for ten years, so the city can import the key
 * with tools that want certificates */
static char *
self_signed (EVP_PKEY *key, const char *organisation, GError **error)
{
  X509 *cert = X509_new ();
  X509_NAME *name;
  BIO *bio = BIO_new (BIO_s_mem ());
  char *out = NULL;

  if (cert == NULL || bio == NULL)
    {
      X509_free (cert);
      BIO_free (bio);
      openssl_error (error, "cannot make the certificate");
      return NULL;
    }
  ASN1_INTEGER_set (X509_get_serialNumber (cert), (long) (g_get_real_time () / G_USEC_PER_SEC));
  X509_gmtime_adj (X509_getm_notBefore (cert), 0);
  X509_gmtime_adj (X509_getm_notAfter (cert), 10L * 366 * 24 * 3600);
  X509_set_pubkey (cert, key);
  name = X509_get_subject_name (cert);
  X509_NAME_add_entry_by_txt (name, "O", MBSTRING_UTF8, (const unsigned char *) organisation,
                              -1, -1, 0);
  X509_NAME_add_entry_by_txt (name, "CN", MBSTRING_UTF8,
                              (const unsigned char *) "usbledger erasure certificates", -1, -1,
                              0);
  X509_set_issuer_name (cert, name);
  if (X509_sign (cert, key, EVP_sha256 ()) <= 0 || PEM_write_bio_X509 (bio, cert) != 1)
    openssl_error (error, "cannot sign the certificate");
  else
    out = bio_text (bio);
  X509_free (cert);
  BIO_free (bio);
  return out;
}

static gboolean
write_private (const char *path, EVP_PKEY *key, GError **error)
{
  /* 0600 from the start: the key is never readable by others, not even briefly */
  int fd = open (path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  BIO *bio = BIO_new (BIO_s_mem ());
  g_autofree char *pem = NULL;
  gboolean ok = FALSE;

  if (fd < 0)
    {
      g_set_error (error, UL_ERROR, UL_ERROR_IO, "cannot create %s: %s", path,
                   g_strerror (errno));
      BIO_free (bio);
      return FALSE;
    }
  if (bio != NULL && PEM_write_bio_PrivateKey (bio, key, NULL, NULL, 0, NULL, NULL) == 1)
    {
      pem = bio_text (bio);
      ok = write (fd, pem, strlen (pem)) == (ssize_t) strlen (pem) && fsync (fd) == 0;
    }
  BIO_free (bio);
  close (fd);
  if (!ok)
    {
      g_unlink (path);
      g_set_error (error, UL_ERROR, UL_ERROR_IO, "cannot write %s", path);
    }
  return ok;
}

UlSigner *
ul_signer_open (const char *dir, const char *organisation, GError **error)
{
  g_autofree char *key_path = g_build_filename (dir, "signing-key.pem", NULL);
  g_autofree char *pub_path = g_build_filename (dir, "signing-key.pub.pem", NULL);
  g_autofree char *cert_path = g_build_filename (dir, "signing-cert.pem", NULL);
  g_autofree char *cert_pem = NULL;
  g_autoptr(GError) local = NULL;
  UlSigner *s;
  EVP_PKEY *key = NULL;
  FILE *f;

  f = fopen (key_path, "re");
  if (f != NULL)
    {
      key = PEM_read_PrivateKey (f, NULL, NULL, NULL);
      fclose (f);
      if (key == NULL)
        {
          openssl_error (error, "cannot read the signing key");
          return NULL;
        }
      if (!g_file_get_contents (cert_path, &cert_pem, NULL, &local))
        cert_pem = NULL;
    }
  else
    {
      key = EVP_EC_gen ("P-256");
      if (key == NULL)
        {
          openssl_error (error, "cannot make a P-256 key");
          return NULL;
        }
      if (g_mkdir_with_parents (dir, 0700) != 0 || !write_private (key_path, key, error))
        {
          if (error != NULL && *error == NULL)
            g_set_error (error, UL_ERROR, UL_ERROR_IO, "cannot create %s", dir);
          EVP_PKEY_free (key);
          return NULL;
        }
    }
  s = g_new0 (UlSigner, 1);
  s->key = key;
  s->public_pem = public_pem (key);
  s->cert_pem = cert_pem ? g_steal_pointer (&cert_pem) : self_signed (key, organisation, error);
  if (s->public_pem == NULL || s->cert_pem == NULL ||
      !g_file_set_contents (pub_path, s->public_pem, -1, error) ||
      !g_file_set_contents (cert_path, s->cert_pem, -1, error))
    {
      if (error != NULL && *error == NULL)
        openssl_error (error, "cannot export the public key");
      ul_signer_free (s);
      return NULL;
    }
  return s;
}

void
ul_signer_free (UlSigner *s)
{
  if (s == NULL)
    return;
  EVP_PKEY_free (s->key);
  g_free (s->public_pem);
  g_free (s->cert_pem);
  g_free (s);
}

const char *
ul_signer_public_pem (UlSigner *s)
{
  return s->public_pem;
}

const char *
ul_signer_certificate_pem (UlSigner *s)
{
  return s->cert_pem;
}

GBytes *
ul_signer_sign (UlSigner *s, GBytes *data, GError **error)
{
  EVP_MD_CTX *ctx = EVP_MD_CTX_new ();
  size_t len = 0;
  guint8 *sig = NULL;
  gsize n;
  const guint8 *p = g_bytes_get_data (data, &n);

  if (ctx == NULL || EVP_DigestSignInit (ctx, NULL, EVP_sha256 (), NULL, s->key) != 1 ||
      EVP_DigestSign (ctx, NULL, &len, p, n) != 1 ||
      (sig = g_malloc (len), EVP_DigestSign (ctx, sig, &len, p, n) != 1))
    {
      g_free (sig);
      EVP_MD_CTX_free (ctx);
      openssl_error (error, "cannot sign");
      return NULL;
    }
  EVP_MD_CTX_free (ctx);
  return g_bytes_new_take (sig, len);
}

gboolean
ul_signature_verify (const char *pem, GBytes *data, GBytes *signature, GError **error)
{
  BIO *bio = BIO_new_mem_buf (pem, -1);
  EVP_PKEY *key = bio ? PEM_read_bio_PUBKEY (bio, NULL, NULL, NULL) : NULL;
  EVP_MD_CTX *ctx = EVP_MD_CTX_new ();
  gsize n, sn;
  const guint8 *p = g_bytes_get_data (data, &n);
  const guint8 *sp = g_bytes_get_data (signature, &sn);
  int rc = -1;

  if (key != NULL && ctx != NULL && EVP_DigestVerifyInit (ctx, NULL, EVP_sha256 (), NULL, key) == 1)
    rc = EVP_DigestVerify (ctx, sp, sn, p, n);
  EVP_MD_CTX_free (ctx);
  EVP_PKEY_free (key);
  BIO_free (bio);
  ERR_clear_error ();
  if (rc != 1)
    {
      g_set_error (error, UL_ERROR, UL_ERROR_MALFORMED, "the signature does not verify");
      return FALSE;
    }
  return TRUE;
}

char *
ul_certificate_public_key_pem (const char *certificate_pem, GError **error)
{
  BIO *in = BIO_new_mem_buf (certificate_pem, -1);
  X509 *cert = in ? PEM_read_bio_X509 (in, NULL, NULL, NULL) : NULL;
  EVP_PKEY *key = cert ? X509_get0_pubkey (cert) : NULL;
  BIO *out = BIO_new (BIO_s_mem ());
  char *pem = NULL;
  char *data = NULL;
  long len;

  if (key != NULL && out != NULL && PEM_write_bio_PUBKEY (out, key) == 1 &&
      (len = BIO_get_mem_data (out, &data)) > 0)
    pem = g_strndup (data, (gsize) len);
  BIO_free (out);
  X509_free (cert);
  BIO_free (in);
  ERR_clear_error ();
  if (pem == NULL)
    g_set_error (error, UL_ERROR, UL_ERROR_MALFORMED, "not a PEM certificate");
  return pem;
}
