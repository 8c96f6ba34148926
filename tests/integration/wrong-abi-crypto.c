/* wrong-abi-crypto.c: a usbledger-crypto module of another version (as after
 * a package upgrade under a running daemon): usbledgerd must refuse to call
 * it. Every function is missing; only the ABI number differs. */
#include <gmodule.h>

#include "ul-crypto-ops.h"

G_MODULE_EXPORT const UlCryptoOps ul_crypto_ops = {
  .abi = UL_CRYPTO_OPS_ABI + 1,
};
