/* ul-crypto-ops.h: the functions of usbledger that need libcrypto (file
 * hashing, the erase engine, certificate signing), as one table that the
 * usbledger-crypto module exports. The daemon loads the module on first use:
 * mapping and relocating libcrypto at start would add about 1.4 MiB to its
 * resident memory for work most days never need. */
#pragma once

#include "ul-erase.h"
#include "ul-file-hash.h"
#include "ul-signing.h"

G_BEGIN_DECLS

/* raised whenever the table changes; a module of another version (a package
 * upgraded under a running daemon) is refused, not called */
#define UL_CRYPTO_OPS_ABI 2
#define UL_CRYPTO_OPS_SYMBOL "ul_crypto_ops"

typedef struct {
  guint abi;
  /* ul-file-hash.h */
  UlHashBuffer *(*hash_buffer_new) (void);
  void (*hash_buffer_free) (UlHashBuffer *buf);
  UlHashStatus (*file_hash_fd_with) (int fd, UlHashBuffer *buf, gint64 *size, char **sha256);
  /* ul-erase.h */
  gboolean (*erase_device_fd) (int fd, const char *label, const UlEraseOptions *opts,
                               GCancellable *cancellable, UlEraseProgressFunc progress,
                               gpointer user_data, UlEraseResult *result, GError **error);
  /* ul-signing.h */
  UlSigner *(*signer_open) (const char *dir, const char *organisation, GError **error);
  void (*signer_free) (UlSigner *s);
  GBytes *(*signer_sign) (UlSigner *s, GBytes *data, GError **error);
  const char *(*signer_public_pem) (UlSigner *s);
} UlCryptoOps;

G_END_DECLS
