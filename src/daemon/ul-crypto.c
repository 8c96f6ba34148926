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
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&lock);

  if (access (path (), R_OK) != 0)
    {
      g_set_error (error, UL_ERROR, UL_ERROR_IO,
                   "the usbledger-crypto module %s cannot be read: %s (hashing, erasure and "
                   "certificates need it)", path (), g_strerror (errno));
      return FALSE;
    }
  return TRUE;
}

const UlCryptoOps *
ul_crypto (GError **error)
{
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&lock);
  GModule *module;
  const UlCryptoOps *table = NULL;

  if (ops != NULL)
    return ops;
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
  ops = table;
  g_debug ("loaded %s", path ());
  return ops;
}
