/* ul-policy.c: pure and side-effect free, so every rule is unit tested; the
 * daemon logs its inputs and the returned reason with every decision */
#include "ul-policy.h"
#include "ul-names.h"

#include <string.h>

static const char *const decision_names[] = {
  "not-storage", "allow", "allow-read-only", "block", "block-and-request",
  "block-suspicious", "allow-reader", "undecided",
};

const char *
ul_decision_to_string (UlDecision d)
{
  return ul_name_of (decision_names, G_N_ELEMENTS (decision_names), d);
}

gboolean
ul_decision_allows (UlDecision d)
{
  return d == UL_DECISION_ALLOW || d == UL_DECISION_ALLOW_READ_ONLY;
}

gboolean
ul_decision_blocks (UlDecision d)
{
  return d == UL_DECISION_BLOCK || d == UL_DECISION_BLOCK_AND_REQUEST ||
         d == UL_DECISION_BLOCK_SUSPICIOUS || d == UL_DECISION_UNDECIDED;
}

static const char *const other_devices_names[] = { "request", "block", "allow" };

gboolean
ul_other_devices_from_string (const char *s, UlOtherDevices *out)
{
  guint v;

  if (!ul_name_lookup (other_devices_names, G_N_ELEMENTS (other_devices_names), s, &v))
    return FALSE;
  *out = (UlOtherDevices) v;
  return TRUE;
}

const char *
ul_other_devices_to_string (UlOtherDevices v)
{
  return ul_name_of (other_devices_names, G_N_ELEMENTS (other_devices_names), v);
}

/* serials that many sticks of cheap controllers share, seen in the field */
static const char *const shared_serials[] = {
  "20060413092100000", "000000000000000000000001", "0000000000000001", "USB", "Generic",
  "1234567890", "123456789ABC", "ABCDEFGHIJKL",
};

static int
digit_value (char c)
{
  static const char order[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";
  const char *p = strchr (order, g_ascii_toupper (c));

  return c != '\0' && p != NULL ? (int) (p - order) : -1;
}

char *
ul_serial_weakness (GBytes *serial)
{
  gsize len = 0;
  const char *s = serial ? g_bytes_get_data (serial, &len) : NULL;
  guint steps = 0;
  gboolean same = TRUE;

  if (s == NULL || len == 0)
    return g_strdup ("no serial");
  for (guint i = 0; i < G_N_ELEMENTS (shared_serials); i++)
    if (len == strlen (shared_serials[i]) &&
        g_ascii_strncasecmp (s, shared_serials[i], len) == 0)
      return g_strdup ("a serial that many sticks share");
  if (len < 6)
    return g_strdup ("shorter than 6 characters");
  for (gsize i = 1; i < len; i++)
    {
      int a = digit_value (s[i - 1]), b = digit_value (s[i]);

      same = same && s[i] == s[0];
      /* counting up or down, also 9 -> 0 */
      if (a >= 0 && b >= 0 && (b == a + 1 || b == a - 1 || (a == 9 && b == 0)))
        steps++;
    }
  if (same)
    return g_strdup ("one repeated character");
  if (steps * 5 >= (len - 1) * 4)
    return g_strdup ("a counting sequence");
  return NULL;
}

static gboolean
user_allowed (const UlMedium *m, const char *user)
{
  if (m->all_staff)
    return TRUE;
  if (user == NULL)
    return FALSE;
  return m->users != NULL && g_strv_contains ((const char *const *) m->users, user);
}

/* the rules for a device with an identity that may be registered: @kind
 * says what made it controlled, for the reason */
static UlDecision
decide_registered (const UlPolicyInput *in, const char *kind, char **reason,
                   const char **code)
{
  const UlDevice *dev = in->device;
  const UlMedium *m = in->medium;

  if (m == NULL)
    {
      *reason = g_strdup_printf ("not registered%s", kind);
      *code = "not-registered";
      return UL_DECISION_BLOCK_AND_REQUEST;
    }
  if (m->status != UL_MEDIUM_ACTIVE)
    {
      *reason = g_strdup_printf ("medium %s is %s", m->asset_number,
                                 ul_medium_status_to_string (m->status));
      *code = "medium-not-active";
      return UL_DECISION_BLOCK;
    }
  if (g_strcmp0 (m->descriptor_hash, dev->descriptor_hash) != 0)
    {
      *reason = g_strdup_printf ("possible clone: descriptors differ from those registered "
                                 "for %s", m->asset_number);
      *code = "descriptors-differ";
      return UL_DECISION_BLOCK_SUSPICIOUS;
    }
  if (m->valid_from != 0 && in->now < m->valid_from)
    {
      *reason = g_strdup_printf ("registration of %s is not valid yet", m->asset_number);
      *code = "not-valid-yet";
      return UL_DECISION_BLOCK;
    }
  if (m->valid_until != 0 && in->now >= m->valid_until)
    {
      *reason = g_strdup_printf ("registration of %s has expired", m->asset_number);
      *code = "expired";
      return UL_DECISION_BLOCK;
    }
  if (!user_allowed (m, in->seat_user))
    {
      if (in->seat_user == NULL)
        {
          *reason = g_strdup_printf ("no one is logged in, and %s is for named users only",
                                     m->asset_number);
          *code = "no-one-logged-in";
        }
      else
        {
          *reason = g_strdup_printf ("user %s may not use %s", in->seat_user, m->asset_number);
          *code = "user-not-allowed";
        }
      return UL_DECISION_BLOCK;
    }
  if (m->kind == UL_MEDIUM_KIND_READER)
    {
      *reason = g_strdup_printf ("registered card reader %s: each card in it is decided by "
                                 "itself", m->asset_number);
      *code = "card-reader";
      return UL_DECISION_ALLOW_READER;
    }
  if (m->read_only)
    {
      *reason = g_strdup_printf ("registered as %s (read-only)", m->asset_number);
      *code = "registered-read-only";
      return UL_DECISION_ALLOW_READ_ONLY;
    }
  *reason = g_strdup_printf ("registered as %s", m->asset_number);
  *code = "registered";
  return UL_DECISION_ALLOW;
}

UlDecision
ul_policy_decide_card (const UlPolicyInput *in, char **reason, const char **code)
{
  if (in->n_same_identity > 0)
    {
      *reason = g_strdup_printf ("possible clone: %u other card(s) present with the same "
                                 "volume identity", in->n_same_identity);
      *code = "possible-clone";
      return UL_DECISION_BLOCK_SUSPICIOUS;
    }
  if (in->seat_user != NULL && in->shared_accounts != NULL &&
      g_strv_contains (in->shared_accounts, in->seat_user))
    {
      *reason = g_strdup_printf ("the seat user %s is a shared account; media are used only "
                                 "under personal accounts", in->seat_user);
      *code = "shared-account";
      return UL_DECISION_BLOCK;
    }
  return decide_registered (in, " (a card in a card reader)", reason, code);
}

char *
ul_card_identity_weakness (GBytes *identity)
{
  gsize len = 0;
  const char *s = identity ? g_bytes_get_data (identity, &len) : NULL;
  g_autofree char *text = s ? g_strndup (s, len) : NULL;

  if (text == NULL || strstr (text, "uuid=") == NULL)
    return g_strdup ("the card has no partition-table or filesystem id: any card of its size "
                     "without one would pass");
  return NULL;
}

UlDecision
ul_policy_decide (const UlPolicyInput *in, char **reason, const char **code)
{
  const UlDevice *dev = in->device;
  g_autofree char *kind = NULL;   /* what made it controlled, for the reason */
  UlClassFlags classes;
  gboolean storage;

  if (dev->desc == NULL)
    {
      *reason = g_strdup_printf ("malformed USB descriptors (%s)",
                                 dev->desc_error ? dev->desc_error : "unknown");
      *code = "malformed-descriptors";
      return UL_DECISION_BLOCK_SUSPICIOUS;
    }
  classes = dev->desc->classes;
  storage = ul_device_is_storage (dev);
  if (!storage && ul_descriptors_all_harmless (dev->desc))
    {
      *reason = g_strdup ("not a storage device");
      *code = "not-storage";
      return UL_DECISION_NOT_STORAGE;
    }
  /* no real product has vendor id 0000: a device that makes its ids up */
  if (dev->vendor_id == 0)
    {
      *reason = g_strdup ("vendor id 0000 belongs to no real product");
      *code = "vendor-id-zero";
      return UL_DECISION_BLOCK_SUSPICIOUS;
    }
  if (storage && (classes & UL_CLASS_HID))
    {
      /* a stick that is also a keyboard can type commands: BadUSB */
      *reason = g_strdup ("storage combined with a HID (keyboard/mouse) interface");
      *code = "storage-with-hid";
      return UL_DECISION_BLOCK_SUSPICIOUS;
    }
  if (!storage)
    {
      g_autofree char *ifaces = ul_descriptors_interfaces_to_string (dev->desc);

      /* not a class we know to be harmless: it may move data all the same */
      if (in->other_devices == UL_OTHER_DEVICES_ALLOW)
        {
          *reason = g_strdup_printf ("not storage; other devices are allowed by policy "
                                     "(interfaces %s)", ifaces);
          *code = "other-device-allowed";
          return UL_DECISION_NOT_STORAGE;
        }
      if (in->other_devices == UL_OTHER_DEVICES_BLOCK)
        {
          *reason = g_strdup_printf ("not a known harmless device, blocked by policy "
                                     "(interfaces %s)", ifaces);
          *code = "other-device-blocked";
          return UL_DECISION_BLOCK;
        }
      kind = g_strdup_printf (" (not a known harmless device: interfaces %s)", ifaces);
    }
  else if (dev->storage_driver != NULL && (classes & UL_CLASS_STORAGE_MASK) == 0)
    kind = g_strdup_printf (" (storage: the kernel's %s driver binds %s)", dev->storage_driver,
                            dev->storage_modalias);
  else
    kind = g_strdup ("");
  if (in->n_same_identity > 0)
    {
      *reason = g_strdup_printf ("possible clone: %u other present device(s) with the same "
                                 "vendor, product and serial", in->n_same_identity);
      *code = "possible-clone";
      return UL_DECISION_BLOCK_SUSPICIOUS;
    }
  if (dev->serial == NULL || g_bytes_get_size (dev->serial) == 0)
    {
      *reason = g_strdup_printf ("device without a serial number cannot be registered%s", kind);
      *code = "no-serial";
      return UL_DECISION_BLOCK;
    }
  if (in->seat_user != NULL && in->shared_accounts != NULL &&
      g_strv_contains (in->shared_accounts, in->seat_user))
    {
      /* requirement L3: IDs are personal; a use under a shared account
       * names no one, so it is not allowed and not even requested */
      *reason = g_strdup_printf ("the seat user %s is a shared account; media are used only "
                                 "under personal accounts", in->seat_user);
      *code = "shared-account";
      return UL_DECISION_BLOCK;
    }
  return decide_registered (in, kind, reason, code);
}
