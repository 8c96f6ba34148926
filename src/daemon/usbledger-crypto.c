/* usbledger-crypto.c: the module usbledgerd loads when it first hashes a
 * file, erases a medium or signs a certificate (ul-crypto.c). It only
 * exports the table of ul-crypto-ops.h over the common code. */
#include <gmodule.h>

#include "ul-crypto-ops.h"

G_MODULE_EXPORT const UlCryptoOps ul_crypto_ops = {
  .abi = UL_CRYPTO_OPS_ABI,
  .hash_buffer_new = ul_hash_buffer_new,
  .hash_buffer_free = ul_hash_buffer_free,
  .file_hash_fd_with = ul_file_hash_fd_with,
  .erase_device_fd = ul_erase_device_fd,
  .signer_open = ul_signer_open,
  .signer_free = ul_signer_free,
  .signer_sign = ul_signer_sign,
  .signer_public_pem = ul_signer_public_pem,
};
