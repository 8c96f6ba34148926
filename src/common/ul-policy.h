/* ul-policy.h: the one function that decides what happens to a device */
#pragma once

#include <glib.h>

#include "ul-device.h"
#include "ul-medium.h"

G_BEGIN_DECLS

typedef enum {
  UL_DECISION_NOT_STORAGE,        /* keyboards, mice, hubs, audio, video: left alone */
  UL_DECISION_ALLOW,
  UL_DECISION_ALLOW_READ_ONLY,
  UL_DECISION_BLOCK,
  UL_DECISION_BLOCK_AND_REQUEST,
  UL_DECISION_BLOCK_SUSPICIOUS,
  UL_DECISION_ALLOW_READER,       /* a registered card reader: authorized, no session of its
                                   * own; each card in it is decided by itself */
  UL_DECISION_UNDECIDED,          /* blocked, decided once logind says who is at the seat */
} UlDecision;

/* what happens to a device that is neither storage nor of a harmless class
 * (vendor-specific, communications, wireless, ...): configuration
 * [policy] other-devices */
typedef enum {
  UL_OTHER_DEVICES_REQUEST,   /* the default: blocked, and a request like a stick */
  UL_OTHER_DEVICES_BLOCK,
  UL_OTHER_DEVICES_ALLOW,
} UlOtherDevices;

gboolean ul_other_devices_from_string (const char *s, UlOtherDevices *out);
const char *ul_other_devices_to_string (UlOtherDevices v);

typedef struct {
  const UlDevice *device;
  const UlMedium *medium;    /* registration matching the identity (any status), or NULL */
  const char *seat_user;     /* the person at the seat, NULL: no one logged in */
  gint64 now;                /* µs since epoch */
  guint n_same_identity;     /* other present devices with the same vid/pid/serial */
  const char *const *shared_accounts; /* never accepted as a medium's user (L3); NULL: none */
  UlOtherDevices other_devices;
} UlPolicyInput;

/* Returns the decision; *reason gets a sentence for the log, with its
 * details, and *code why in one word of the vocabulary (ul-vocabulary.h,
 * UL_VOCAB_REASON: what a person reads in their language). */
UlDecision ul_policy_decide (const UlPolicyInput *in, char **reason, const char **code);
/* the same for a card in a registered reader: in->device is the card's
 * volume identity (ul-card-volume.h), in->medium a card registration */
UlDecision ul_policy_decide_card (const UlPolicyInput *in, char **reason, const char **code);

/* why a card's volume identity cannot tell it from other cards (it has no
 * partition-table or filesystem id: any blank card of that size would
 * pass), or NULL */
char *ul_card_identity_weakness (GBytes *identity);

/* why @serial is not unique in practice (too short, one repeated
 * character, a counting sequence, one that cheap controllers share), or
 * NULL; such a medium is registered only as an explicit choice */
char *ul_serial_weakness (GBytes *serial);

const char *ul_decision_to_string (UlDecision d);
/* a medium in use: a session is open while this holds (not for a reader) */
gboolean ul_decision_allows (UlDecision d);
gboolean ul_decision_blocks (UlDecision d);

G_END_DECLS
