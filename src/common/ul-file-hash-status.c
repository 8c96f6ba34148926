/* ul-file-hash-status.c: the names of a file hash's outcomes, as the
 * logbook stores them (here, not in ul-file-hash.c, so that what only names
 * them needs no libcrypto) */
#include "ul-file-hash.h"

const char *
ul_hash_status_to_string (UlHashStatus status)
{
  switch (status)
    {
    case UL_HASH_OK: return "ok";
    case UL_HASH_INCOMPLETE: return "incomplete";
    case UL_HASH_CHANGED: return "changed";
    case UL_HASH_UNREADABLE: return "unreadable";
    case UL_HASH_GONE: return "gone";
    case UL_HASH_TOO_LARGE: return "too-large";
    }
  return "unreadable";
}
