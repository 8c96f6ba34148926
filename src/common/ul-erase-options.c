/* ul-erase-options.c: what an erasure is asked to do and how its outcome is
 * named, apart from the engine (ul-erase.c), so that the daemon can describe
 * a job without loading libcrypto */
#include "ul-erase.h"

#include <errno.h>
#include <string.h>
#include <sys/random.h>

const char *
ul_erase_outcome_to_string (UlEraseOutcome o)
{
  switch (o)
    {
    case UL_ERASE_OK: return "verified";
    case UL_ERASE_FAILED: return "failed";
    case UL_ERASE_INTERRUPTED: return "interrupted";
    }
  return "failed";
}

char *
ul_erase_method_description (const UlEraseOptions *opts)
{
  return g_strdup_printf ("Clear (NIST SP 800-88 Rev. 1, IEEE 2883-2022): 1-pass overwrite "
                          "with %s, full read-back verification",
                          opts->pattern == UL_ERASE_RANDOM ? "an AES-256-CTR keystream"
                                                           : "zeros (0x00)");
}

void
ul_erase_options_init_random (UlEraseOptions *opts)
{
  memset (opts, 0, sizeof *opts);
  opts->pattern = UL_ERASE_RANDOM;
  /* the kernel's CSPRNG (OpenSSL seeds from the same); a failure leaves a
   * fixed key, and the keystream is still a full overwrite */
  if (getrandom (opts->key, sizeof opts->key, 0) != sizeof opts->key ||
      getrandom (opts->iv, sizeof opts->iv, 0) != sizeof opts->iv)
    g_warning ("getrandom failed: %s; the keystream is still a full overwrite",
               g_strerror (errno));
}

void
ul_erase_result_clear (UlEraseResult *r)
{
  g_clear_pointer (&r->message, g_free);
}
