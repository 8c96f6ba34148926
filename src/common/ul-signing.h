/* ul-signing.h: the key that signs erasure certificates (ECDSA P-256 with
 * SHA-256, CRYPTREC-listed), and canonical JSON, so that the city can check a
 * certificate with `openssl dgst -sha256 -verify` alone (the JSON they sign:
 * ul-canonical-json.h) */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _UlSigner UlSigner;

/* Loads the key pair from @dir (signing-key.pem, 0600), or makes one on
 * first use, with its public key (signing-key.pub.pem) and a self-signed
 * X.509 certificate (signing-cert.pem) naming @organisation. */
UlSigner *ul_signer_open (const char *dir, const char *organisation, GError **error);
void ul_signer_free (UlSigner *s);

/* a DER-encoded ECDSA signature over SHA-256(@data) */
GBytes *ul_signer_sign (UlSigner *s, GBytes *data, GError **error);
/* checks @signature over @data with the public key PEM in @public_pem */
gboolean ul_signature_verify (const char *public_pem, GBytes *data, GBytes *signature,
                              GError **error);
/* the public key (PEM) of an X.509 certificate (PEM): which key the
 * daemon's signing certificate is for */
char *ul_certificate_public_key_pem (const char *certificate_pem, GError **error);
/* PEM texts, for export */
const char *ul_signer_public_pem (UlSigner *s);
const char *ul_signer_certificate_pem (UlSigner *s);

G_END_DECLS
