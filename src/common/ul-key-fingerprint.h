/* ul-key-fingerprint.h: which key signed a certificate */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* the SHA-256 (lowercase hex) of the DER SubjectPublicKeyInfo in a
 * "PUBLIC KEY" PEM: what `openssl pkey -pubin -in KEY.pem -outform DER |
 * sha256sum` prints, so the city can check it without our software */
char *ul_public_key_fingerprint (const char *pem, GError **error);

G_END_DECLS
