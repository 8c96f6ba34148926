/* fuzz target: everything a device can put into its descriptors, through
 * the parser and the policy that judge it */
#include "ul-descriptors.h"
#include "ul-escape.h"
#include "ul-policy.h"

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

int
LLVMFuzzerTestOneInput (const guint8 *data, size_t size)
{
  g_autoptr(UlDescriptors) desc = ul_descriptors_parse (data, size, NULL);
  g_autofree char *escaped = ul_escape_bytes (data, size);
  UlDevice dev = { .dirfd = -1 };
  g_autofree char *reason = NULL;
  const char *code = NULL;
  UlPolicyInput in = { &dev, NULL, NULL, 0, 0 };

  if (desc != NULL)
    {
      g_autofree char *s = ul_descriptors_interfaces_to_string (desc);

      g_assert_nonnull (s);
    }
  dev.desc = desc;
  dev.desc_error = desc == NULL ? (char *) "malformed" : NULL;
  /* a malformed blob is never anything but suspicious */
  g_assert_true (ul_policy_decide (&in, &reason, &code) != UL_DECISION_ALLOW);
  g_assert_true (g_utf8_validate (escaped, -1, NULL));
  return 0;
}
