/* ul-crypto.c: loads the usbledger-crypto module once, from whichever thread
 * asks first (the hasher's, the erase job's or the main loop), and keeps it:
 * libcrypto cannot be unloaded once initialised. */
#include "ul-crypto.h"

#include <errno.h>
#include <gmodule.h>
#include <unistd.h>

#include "config.h"
#include "ul-error.h"

static GMutex lock;
static char *module_path;
static const UlCryptoOps *ops;

static const char *
path (void)
{
  if (module_path == NULL)
    module_path = g_build_filename (UL_PKGLIBDIR, "usbledger-crypto.so", NULL);
  return module_path;
}

void
ul_crypto_set_module_path (const char *p)
{
  g_mutex_lock (&lock);
  g_free (module_path);
  module_path = g_strdup (p);
  g_mutex_unlock (&lock);
}

gboolean
ul_crypto_check (GError **error)
{
  gboolean ok;
  int err;

  g_mutex_lock (&lock);
  ok = access (path (), R_OK) == 0;
  err = errno;
  if (!ok)
    g_set_error (error, UL_ERROR, UL_ERROR_IO,
                 "the usbledger-crypto module %s cannot be read: %s (hashing, erasure and "
                 "certificates need it)", path (), g_strerror (err));
  g_mutex_unlock (&lock);
  return ok;
}

/* with the lock held */
static const UlCryptoOps *
load (GError **error)
{
  GModule *module;
  const UlCryptoOps *table = NULL;

  module = g_module_open (path (), G_MODULE_BIND_LOCAL);
  if (module == NULL)
    {
      g_set_error (error, UL_ERROR, UL_ERROR_IO, "cannot load the usbledger-crypto module: %s",
                   g_module_error ());
      return NULL;
    }
  if (!g_module_symbol (module, UL_CRYPTO_OPS_SYMBOL, (gpointer *) &table) || table == NULL ||
      table->abi != UL_CRYPTO_OPS_ABI)
    {
      g_set_error (error, UL_ERROR, UL_ERROR_IO,
                   "%s is not the usbledger-crypto module of this usbledgerd (an upgrade "
                   "without a restart?): restart usbledgerd", path ());
      g_module_close (module);
      return NULL;
    }
  g_module_make_resident (module);
  g_debug ("loaded %s", path ());
  return table;
}

const UlCryptoOps *
ul_crypto (GError **error)
{
  const UlCryptoOps *table;

  g_mutex_lock (&lock);
  if (ops == NULL)
    ops = load (error);
  table = ops;
  g_mutex_unlock (&lock);
  return table;
}
