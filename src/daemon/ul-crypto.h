/* ul-crypto.h: the usbledger-crypto module, loaded by the daemon on first
 * use (see ul-crypto-ops.h for why) */
#pragma once

#include "ul-crypto-ops.h"

G_BEGIN_DECLS

/* where the module is (the build tree's, for tests); default: installed */
void ul_crypto_set_module_path (const char *path);
/* at start: the module is there and readable, without loading it, so that a
 * broken installation is refused at start rather than at the first erase */
gboolean ul_crypto_check (GError **error);
/* the table, loading the module the first time (any thread) */
const UlCryptoOps *ul_crypto (GError **error);

G_END_DECLS
