/* every rule of the decision */
#include "ul-policy.h"
#include "ul-vocabulary.h"
#include "ul-test-util.h"

#include <string.h>

static const guint8 STORAGE[][3] = { { 0x08, 0x06, 0x50 } };
static const guint8 KEYBOARD[][3] = { { 0x03, 0x01, 0x01 } };
static const guint8 BADUSB[][3] = { { 0x08, 0x06, 0x50 }, { 0x03, 0x01, 0x01 } };
static const guint8 PTP[][3] = { { 0x06, 0x01, 0x01 } };

#define NOW (G_GINT64_CONSTANT (1790000000) * G_USEC_PER_SEC)

static UlMedium *
medium_for (const UlDevice *dev)
{
  UlMedium *m = ul_medium_new ();

  m->id = 1;
  m->asset_number = g_strdup ("YZ-1");
  m->vendor_id = dev->vendor_id;
  m->product_id = dev->product_id;
  m->serial = g_bytes_ref (dev->serial);
  m->descriptor_hash = g_strdup (dev->descriptor_hash);
  return m;
}

static UlDecision
decide (const UlDevice *dev, const UlMedium *m, const char *user, guint n_same,
        const char *reason_part)
{
  g_autofree char *reason = NULL;
  const char *code = NULL;
  UlPolicyInput in = { dev, m, user, NOW, n_same };
  UlDecision d = ul_policy_decide (&in, &reason, &code);

  g_assert_nonnull (reason);
  /* every reason has its code, and the code a label (ul-vocabulary.c) */
  g_assert_nonnull (code);
  g_assert_cmpstr (ul_vocabulary_document_label (UL_VOCAB_REASON, code), !=, code);
  if (reason_part != NULL && strstr (reason, reason_part) == NULL)
    g_error ("reason \"%s\" lacks \"%s\"", reason, reason_part);
  return d;
}

static void
test_classes (void)
{
  g_autoptr(UlDevice) kbd = ul_test_device_new ("1-1", NULL, KEYBOARD, 1);
  g_autoptr(UlDevice) stick = ul_test_device_new ("1-2", "S1", STORAGE, 1);
  g_autoptr(UlDevice) bad = ul_test_device_new ("1-3", "S2", BADUSB, 2);
  g_autoptr(UlDevice) cam = ul_test_device_new ("1-4", "S3", PTP, 1);
  g_autoptr(UlDevice) noserial = ul_test_device_new ("1-5", NULL, STORAGE, 1);

  g_assert_cmpint (decide (kbd, NULL, "tanaka", 0, "not a storage"), ==,
                   UL_DECISION_NOT_STORAGE);
  g_assert_cmpint (decide (stick, NULL, "tanaka", 0, "not registered"), ==,
                   UL_DECISION_BLOCK_AND_REQUEST);
  g_assert_cmpint (decide (cam, NULL, NULL, 0, "not registered"), ==,
                   UL_DECISION_BLOCK_AND_REQUEST);
  g_assert_cmpint (decide (bad, NULL, "tanaka", 0, "HID"), ==, UL_DECISION_BLOCK_SUSPICIOUS);
  g_assert_cmpint (decide (noserial, NULL, "tanaka", 0, "without a serial"), ==,
                   UL_DECISION_BLOCK);
  g_assert_false (ul_device_is_storage (kbd));
  g_assert_true (ul_device_is_storage (bad));
}

static void
test_malformed (void)
{
  g_autoptr(UlDevice) dev = ul_test_device_new ("1-2", "S1", STORAGE, 1);

  g_clear_pointer (&dev->desc, ul_descriptors_free);
  dev->desc_error = g_strdup ("truncated");
  g_assert_true (ul_device_is_storage (dev));
  g_assert_cmpint (decide (dev, NULL, "tanaka", 0, "malformed USB descriptors (truncated)"), ==,
                   UL_DECISION_BLOCK_SUSPICIOUS);
}

static void
test_registered (void)
{
  g_autoptr(UlDevice) stick = ul_test_device_new ("1-2", "S1", STORAGE, 1);
  g_autoptr(UlMedium) m = medium_for (stick);

  g_assert_cmpint (decide (stick, m, "tanaka", 0, "registered as YZ-1"), ==, UL_DECISION_ALLOW);
  g_assert_cmpint (decide (stick, m, NULL, 0, NULL), ==, UL_DECISION_ALLOW);
  /* clone present at the same time */
  g_assert_cmpint (decide (stick, m, "tanaka", 1, "possible clone"), ==,
                   UL_DECISION_BLOCK_SUSPICIOUS);
  /* other descriptors than registered */
  g_free (m->descriptor_hash);
  m->descriptor_hash = g_strdup ("00");
  g_assert_cmpint (decide (stick, m, "tanaka", 0, "descriptors differ"), ==,
                   UL_DECISION_BLOCK_SUSPICIOUS);
  g_free (m->descriptor_hash);
  m->descriptor_hash = g_strdup (stick->descriptor_hash);

  m->read_only = TRUE;
  g_assert_cmpint (decide (stick, m, "tanaka", 0, "read-only"), ==,
                   UL_DECISION_ALLOW_READ_ONLY);
  m->read_only = FALSE;

  m->valid_from = NOW + 1;
  g_assert_cmpint (decide (stick, m, "tanaka", 0, "not valid yet"), ==, UL_DECISION_BLOCK);
  m->valid_from = NOW - 10;
  m->valid_until = NOW;
  g_assert_cmpint (decide (stick, m, "tanaka", 0, "expired"), ==, UL_DECISION_BLOCK);
  m->valid_until = NOW + 10;
  g_assert_cmpint (decide (stick, m, "tanaka", 0, NULL), ==, UL_DECISION_ALLOW);

  m->all_staff = FALSE;
  m->users = g_strsplit ("suzuki,sato", ",", -1);
  g_assert_cmpint (decide (stick, m, "tanaka", 0, "user tanaka may not use YZ-1"), ==,
                   UL_DECISION_BLOCK);
  g_assert_cmpint (decide (stick, m, NULL, 0, "no one is logged in"), ==, UL_DECISION_BLOCK);
  g_assert_cmpint (decide (stick, m, "sato", 0, NULL), ==, UL_DECISION_ALLOW);

  /* L3: a shared account is never a medium's user, registered or not */
  {
    const char *const shared[] = { "kyoyu", "guest", NULL };
    UlPolicyInput in = { stick, m, "kyoyu", NOW, 0, shared };
    g_autofree char *reason = NULL;
    g_autofree char *reason2 = NULL;
    const char *code = NULL;

    g_assert_cmpint (ul_policy_decide (&in, &reason, &code), ==, UL_DECISION_BLOCK);
    g_assert_nonnull (strstr (reason, "kyoyu is a shared account"));
    in.medium = NULL;
    g_assert_cmpint (ul_policy_decide (&in, &reason2, &code), ==, UL_DECISION_BLOCK);
    in.seat_user = "sato";
    in.medium = m;
    g_clear_pointer (&reason, g_free);
    g_assert_cmpint (ul_policy_decide (&in, &reason, &code), ==, UL_DECISION_ALLOW);
  }

  for (UlMediumStatus s = UL_MEDIUM_REVOKED; s <= UL_MEDIUM_DISPOSED; s++)
    {
      m->status = s;
      g_assert_cmpint (decide (stick, m, "sato", 0, ul_medium_status_to_string (s)), ==,
                       UL_DECISION_BLOCK);
    }
}

static void
test_validate (void)
{
  g_autoptr(UlDevice) stick = ul_test_device_new ("1-2", "S1", STORAGE, 1);
  g_autoptr(UlMedium) m = medium_for (stick);
  g_autoptr(GError) error = NULL;

  g_assert_true (ul_medium_validate (m, NULL));
  g_free (m->asset_number);
  m->asset_number = g_strdup ("YZ\n1");
  g_assert_false (ul_medium_validate (m, &error));
  g_assert_nonnull (strstr (error->message, "asset number"));
  g_clear_error (&error);
  g_free (m->asset_number);
  m->asset_number = g_strdup ("焼津-USB-0001");
  g_assert_true (ul_medium_validate (m, NULL));
  m->valid_from = 10;
  m->valid_until = 5;
  g_assert_false (ul_medium_validate (m, NULL));
  m->valid_until = 0;
  m->all_staff = FALSE;
  g_assert_false (ul_medium_validate (m, NULL));
  m->users = g_strsplit ("tanaka", ",", -1);
  g_assert_true (ul_medium_validate (m, NULL));
  g_clear_pointer (&m->serial, g_bytes_unref);
  g_assert_false (ul_medium_validate (m, NULL));
}

/* issue 9, item 5: serials that do not tell sticks apart, and vendor 0000 */
static void
test_weak_serials (void)
{
  static const struct { const char *serial; const char *why; } cases[] = {
    { "4C530001230101115", NULL },
    { "AA04012700008867", NULL },
    { "0123456789ABCDEF", "counting" },
    { "9876543210", "counting" },
    { "000000000000", "repeated" },
    { "AAAAAAAA", "repeated" },
    { "1234567890", "share" },
    { "20060413092100000", "share" },
    { "S1", "shorter" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GBytes) b = g_bytes_new (cases[i].serial, strlen (cases[i].serial));
      g_autofree char *why = ul_serial_weakness (b);

      if (cases[i].why == NULL)
        g_assert_null (why);
      else if (why == NULL || strstr (why, cases[i].why) == NULL)
        g_error ("%s: \"%s\", expected \"%s\"", cases[i].serial, why, cases[i].why);
    }
}

static void
test_vendor_zero_is_suspicious (void)
{
  g_autoptr(UlDevice) stick = ul_test_device_new ("1-2", "4C530001", STORAGE, 1);

  stick->vendor_id = 0;
  g_assert_cmpint (decide (stick, NULL, "tanaka", 0, "vendor id 0000"), ==,
                   UL_DECISION_BLOCK_SUSPICIOUS);
}

/* a registered reader is let through, but no medium itself: no session;
 * whether it is read-only does not matter, its cards are decided each */
static void
test_card_reader (void)
{
  g_autoptr(UlDevice) reader = ul_test_device_new ("1-2", "RDR-20261127", STORAGE, 1);
  g_autoptr(UlMedium) m = medium_for (reader);

  m->kind = UL_MEDIUM_KIND_READER;
  m->read_only = TRUE;
  g_assert_cmpint (decide (reader, m, "tanaka", 0, "card reader YZ-1"), ==,
                   UL_DECISION_ALLOW_READER);
  g_assert_false (ul_decision_allows (UL_DECISION_ALLOW_READER));
  g_assert_false (ul_decision_blocks (UL_DECISION_ALLOW_READER));
  g_assert_cmpstr (ul_decision_to_string (UL_DECISION_ALLOW_READER), ==, "allow-reader");
  /* every rule of a registration still holds for the reader */
  m->valid_until = NOW;
  g_assert_cmpint (decide (reader, m, "tanaka", 0, "expired"), ==, UL_DECISION_BLOCK);
  m->valid_until = 0;
  m->status = UL_MEDIUM_REVOKED;
  g_assert_cmpint (decide (reader, m, "tanaka", 0, "revoked"), ==, UL_DECISION_BLOCK);
}

static UlDecision
decide_card (const UlDevice *card, const UlMedium *m, const char *user, guint n_same,
             const char *reason_part)
{
  g_autofree char *reason = NULL;
  const char *code = NULL;
  const char *const shared[] = { "kyoyu", NULL };
  UlPolicyInput in = { card, m, user, NOW, n_same, shared };
  UlDecision d = ul_policy_decide_card (&in, &reason, &code);

  g_assert_nonnull (code);
  g_assert_cmpstr (ul_vocabulary_document_label (UL_VOCAB_REASON, code), !=, code);
  if (reason_part != NULL && strstr (reason, reason_part) == NULL)
    g_error ("reason \"%s\" lacks \"%s\"", reason, reason_part);
  return d;
}

static void
test_cards (void)
{
  static const char id[] = "capacity=34359738368 pttype=dos ptuuid=a1b2c3d4";
  g_autoptr(UlDevice) card = g_new0 (UlDevice, 1);
  g_autoptr(UlMedium) m = NULL;
  g_autoptr(GBytes) blank = g_bytes_new_static ("capacity=17179869184", 20);
  g_autoptr(GBytes) superfloppy = g_bytes_new_static ("capacity=1 fstype=vfat fsuuid=12-34",
                                                      35);
  g_autofree char *weak = NULL;

  card->card = TRUE;
  card->name = g_strdup ("sdb");
  card->dirfd = -1;
  card->serial = g_bytes_new_static (id, strlen (id));
  card->descriptor_hash = ul_sha256_hex ((const guint8 *) id, strlen (id));
  m = medium_for (card);
  m->kind = UL_MEDIUM_KIND_CARD;

  /* no descriptors, vendor 0: neither is suspicious for a card */
  g_assert_cmpint (decide_card (card, NULL, "tanaka", 0, "not registered (a card"), ==,
                   UL_DECISION_BLOCK_AND_REQUEST);
  g_assert_cmpint (decide_card (card, m, "tanaka", 0, "registered as YZ-1"), ==,
                   UL_DECISION_ALLOW);
  m->read_only = TRUE;
  g_assert_cmpint (decide_card (card, m, "tanaka", 0, "read-only"), ==,
                   UL_DECISION_ALLOW_READ_ONLY);
  g_assert_cmpint (decide_card (card, m, "tanaka", 1, "possible clone"), ==,
                   UL_DECISION_BLOCK_SUSPICIOUS);
  g_assert_cmpint (decide_card (card, m, "kyoyu", 0, "shared account"), ==, UL_DECISION_BLOCK);
  m->all_staff = FALSE;
  m->users = g_strsplit ("suzuki", ",", -1);
  g_assert_cmpint (decide_card (card, m, "tanaka", 0, "may not use"), ==, UL_DECISION_BLOCK);

  /* a card is known by its partition-table or filesystem id; without one
   * any blank card of that size would pass */
  g_assert_null (ul_card_identity_weakness (card->serial));
  g_assert_null (ul_card_identity_weakness (superfloppy));
  weak = ul_card_identity_weakness (blank);
  g_assert_nonnull (strstr (weak, "no partition-table or filesystem id"));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/policy/classes", test_classes);
  g_test_add_func ("/policy/malformed", test_malformed);
  g_test_add_func ("/policy/registered", test_registered);
  g_test_add_func ("/policy/validate", test_validate);
  g_test_add_func ("/policy/weak-serials", test_weak_serials);
  g_test_add_func ("/policy/vendor-zero", test_vendor_zero_is_suspicious);
  g_test_add_func ("/policy/card-reader", test_card_reader);
  g_test_add_func ("/policy/cards", test_cards);
  return g_test_run ();
}
