/* ul-key-fingerprint.c: see ul-key-fingerprint.h. A PEM is base64 of the
 * DER between its armour lines, so no libcrypto is needed (the daemon loads
 * it only when it signs or hashes files). */
#include "ul-key-fingerprint.h"

#include <string.h>

#include "ul-error.h"

#define BEGIN "-----BEGIN PUBLIC KEY-----"
#define END "-----END PUBLIC KEY-----"

char *
ul_public_key_fingerprint (const char *pem, GError **error)
{
  const char *begin = pem ? strstr (pem, BEGIN) : NULL;
  const char *end = begin ? strstr (begin, END) : NULL;
  g_autofree char *body = NULL;
  g_autofree guchar *der = NULL;
  gsize len = 0;

  if (begin == NULL || end == NULL)
    {
      g_set_error (error, UL_ERROR, UL_ERROR_MALFORMED, "not a PEM public key");
      return NULL;
    }
  begin += strlen (BEGIN);
  body = g_strndup (begin, (gsize) (end - begin));
  der = g_base64_decode (g_strstrip (body), &len);
  /* a P-256 SubjectPublicKeyInfo is 91 bytes; a SEQUENCE at least */
  if (len < 2 || der[0] != 0x30)
    {
      g_set_error (error, UL_ERROR, UL_ERROR_MALFORMED, "not a DER public key");
      return NULL;
    }
  return g_compute_checksum_for_data (G_CHECKSUM_SHA256, der, len);
}
