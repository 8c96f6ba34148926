/* ul-manager.h: sees every USB device, decides, records, authorizes */
#pragma once

#include <glib-object.h>

#include "ul-device.h"
#include "ul-policy.h"
#include "ul-seat.h"
#include "ul-store.h"

G_BEGIN_DECLS

/* a device present now, and what was decided about it */
typedef struct {
  UlDevice *dev;
  gboolean controlled;     /* storage, or not of a harmless class: decided by usbledgerd */
  UlDecision decision;
  char *reason;           /* the sentence for the log, with its details */
  const char *reason_code; /* why, in the vocabulary's words (UL_VOCAB_REASON) */
  char *seat_user;        /* at the time of the decision */
  gint64 seat_uid;        /* theirs; meaningful only with seat_user */
  gint64 device_id;       /* devices_seen row, 0 for non-storage */
  gint64 request_id;
  gint64 medium_id;
  char *asset_number;
  gint64 session_id;
  gint64 since;
  gboolean erasing;       /* being erased: no session opens on it */
  gint64 valid_from;      /* of its registration, µs (0: none), decided again then */
  gint64 valid_until;
  /* a card in a registered reader (dev->card): */
  char *reader_syspath;   /* the reader it is in */
  guint64 diskseq;        /* the kernel's number of this card in that disk */
  char *card_volume;      /* what is on it, escaped, for the log */
  gboolean pending;       /* udev has not read its partitions yet: not decided */
  gboolean coldplug;      /* found at start, not seen put in */
  guint pending_source;   /* decides with what is known if udev takes too long */
  /* blocked because of the medium inside it (a card not allowed in a
   * reader; a stick whose capacity changed or that holds something other
   * than it is bound to): why, and for a reader the card's identity, whose
   * approval lets the reader through again */
  char *blocked_inside;
  GBytes *blocked_card_identity;
  GHashTable *disk_capacity; /* a USB medium's disks: syspath -> capacity at first sight */
  /* a stick registered with a weak serial: its disks are held (read-only,
   * hidden) until each matches what the medium is bound to */
  gboolean bound;
  char *bound_volumes;    /* the binding (UlMedium.bound_volumes), NULL: none yet */
  /* the trigger of a decision put off until logind says who is at the seat */
  char *awaiting_seat;
} UlPresent;

/* who asks for a supervisor action */
typedef struct {
  const char *name;       /* personal account */
  gint64 uid;
} UlActor;

#define UL_TYPE_MANAGER (ul_manager_get_type ())
G_DECLARE_FINAL_TYPE (UlManager, ul_manager, UL, MANAGER, GObject)

/* takes ownership of @store; @seat may be NULL (no system bus) */
UlManager *ul_manager_new (UlStore *store, UlSeat *seat, const char *host);
/* where mounts are read from and the manifest helper (before start) */
void ul_manager_set_session_paths (UlManager *mgr, const char *mountinfo,
                                   const char *manifest_helper);
/* accounts never accepted as a medium's user (requirement L3) */
void ul_manager_set_shared_accounts (UlManager *mgr, const char *const *accounts);
const char *ul_manager_get_key_dir (UlManager *mgr);
void ul_manager_set_pdf_helper (UlManager *mgr, const char *path);
/* the monthly ledger: its renderer, and what its heading and last page say
 * besides the logbook ([ledger] in the configuration) */
void ul_manager_set_ledger_helper (UlManager *mgr, const char *path);

/* the event log against every signed checkpoint of its chain
 * (ul-manager-checkpoint.c): FALSE with @error naming the first one the log
 * no longer matches (events removed, or the chain computed again) */
gboolean ul_manager_check_checkpoints (UlManager *mgr, guint *n_checked, GError **error);
/* signs a checkpoint of the logbook's heads now (ul-manager-checkpoint.c) */
void ul_manager_checkpoint_or_warn (UlManager *mgr, const char *reason);

/* a month's ledger as a signed bundle in its own folder under the key
 * folder (ul-manager-ledger.c): @done gets the folder and the names of its
 * files, or @error */
typedef void (*UlLedgerExported) (const char *folder, GPtrArray *names, const GError *error,
                                  gpointer data);
void ul_manager_export_ledger (UlManager *mgr, const char *month, gboolean files_appendix,
                               const UlActor *actor, UlLedgerExported done, gpointer data);
void ul_manager_set_ledger_presentation (UlManager *mgr, const char *department,
                                         const char *const *seal_labels, gboolean wareki);
/* where media registered read-only are marked for the udev helper */
/* takes @aliases: which devices the kernel's storage drivers bind */
void ul_manager_set_driver_aliases (UlManager *mgr, struct _UlDriverAliases *aliases);
/* the aliases could not be read (@why): recorded as an incident at start */
void ul_manager_note_missing_aliases (UlManager *mgr, const char *why);
/* decides every present device again (the policy changed) */
void ul_manager_redecide_present (UlManager *mgr, const char *trigger);
/* file records kept while the logbook cannot take them (0: the default) */
void ul_manager_set_max_unwritten (UlManager *mgr, guint max);
/* files larger than this are not hashed (0: all are) */
void ul_manager_set_hash_max_bytes (UlManager *mgr, gint64 max_bytes);
/* what happens to devices neither storage nor harmless */
void ul_manager_set_other_devices (UlManager *mgr, UlOtherDevices other_devices);
void ul_manager_set_runtime_dir (UlManager *mgr, const char *dir);
/* where the certificate signing key lives, and whose name certificates bear */
void ul_manager_set_certificates (UlManager *mgr, const char *key_dir, const char *organisation);
/* coldplug, then follow uevents */
gboolean ul_manager_start (UlManager *mgr, GError **error);
void ul_manager_stop (UlManager *mgr);

UlStore *ul_manager_get_store (UlManager *mgr);

typedef void (*UlPdfReadyFunc) (gpointer data);
/* a document (certificate, disposal) is being written to @path: @func
 * (@data) is called once it is there (or failed), and TRUE returned; FALSE
 * when none is being written */
gboolean ul_manager_pdf_when_ready (UlManager *mgr, const char *path, UlPdfReadyFunc func,
                                    gpointer data);
const char *ul_manager_get_host (UlManager *mgr);
/* the LedgerPresentation property: organisation, department, seal-labels,
 * wareki from the configuration (a floating a{sv}) */
GVariant *ul_manager_ledger_presentation (UlManager *mgr);
/* UlPresent*, sorted by kernel name; the array does not own them */
GPtrArray *ul_manager_list_present (UlManager *mgr);

/* what a supervisor chose explicitly when registering; each is logged */
typedef struct {
  gboolean override_suspicion;   /* approve a request whose device was judged suspicious */
  gboolean accept_weak_serial;   /* register a serial that is not unique in practice */
} UlRegisterChoices;

UlMedium *ul_manager_approve_request (UlManager *mgr, gint64 id, UlMedium *reg,
                                      const char *note, const UlRegisterChoices *choices,
                                      const UlActor *actor, GError **error);
gboolean ul_manager_reject_request (UlManager *mgr, gint64 id, const char *note,
                                    const UlActor *actor, GError **error);
/* identity from the present device @device_name, or from @reg if NULL */
UlMedium *ul_manager_register_medium (UlManager *mgr, UlMedium *reg, const char *device_name,
                                      const UlRegisterChoices *choices, const UlActor *actor,
                                      GError **error);
/* starts erasing the plugged-in medium; returns the erasure id (0 with
 * @error); "erase-progress" (id, UlEraseProgress*) and "erase-finished"
 * (UlErasure*) follow; @pattern: "zeros" or "aes-256-ctr" */
gint64 ul_manager_erase_medium (UlManager *mgr, const char *asset_number, const char *confirm,
                                const char *pattern, const UlActor *actor, GError **error);
/* @actor: who cancels it, recorded with the incident; NULL: usbledgerd
 * itself (it stops) */
gboolean ul_manager_cancel_erase (UlManager *mgr, gint64 id, const UlActor *actor,
                                  GError **error);
/* @kind: "destroyed" (contractor, reference and day required) or "retired"
 * (only after a verified erasure); the medium is blocked for good */
gboolean ul_manager_dispose_medium (UlManager *mgr, const char *asset_number, const char *kind,
                                    const char *contractor, const char *reference,
                                    const char *done_on, const char *note,
                                    const UlActor *actor, GError **error);
gboolean ul_manager_revoke_medium (UlManager *mgr, const char *asset_number,
                                   const char *reason, const UlActor *actor, GError **error);

G_END_DECLS
