/* ul-manager-private.h: shared by ul-manager.c and ul-manager-actions.c */
#pragma once

#include <libudev.h>

#include "ul-manager.h"
#include "ul-session-tracker.h"
#include "ul-driver-aliases.h"
#include "ul-policy.h"

struct _UlManager {
  GObject parent;
  UlStore *store;
  UlSeat *seat;
  char *host;
  struct udev *udev;
  struct udev_monitor *monitor;
  guint monitor_source;
  GHashTable *present;    /* syspath -> UlPresent */
  guint checkpoint_source;
  GStrv shared_accounts;
  char *mountinfo;
  char *manifest_helper;
  UlSessionTracker *tracker;
  GHashTable *changed_sessions; /* session ids to announce, coalesced */
  GHashTable *erase_jobs;       /* &erasure id -> running job */
  struct _UlSigner *signer;     /* opened at the first certificate */
  char *key_dir;
  char *organisation;
  char *pdf_helper;
  GPtrArray *pdf_jobs;          /* documents being written (ul-manager-pdf.c) */
  char *ledger_helper;          /* usbledger-ledger-render */
  char *department;             /* the ledger's heading; NULL: none */
  GStrv seal_labels;            /* NULL: the ledger's defaults */
  gboolean wareki;
  char *runtime_dir;            /* read-only marks for the udev helper */
  guint changed_source;
  UlDriverAliases *aliases;     /* storage drivers' aliases; NULL: could not be read */
  char *aliases_error;          /* why not, recorded at start */
  UlOtherDevices other_devices;
  guint max_unwritten;          /* 0: the tracker's default */
  gint64 hash_max_bytes;        /* -1: the tracker's default */
  char *seat_user_decided;      /* the seat user present decisions were taken for */
  guint daily_checkpoint_source;
  guint validity_source;        /* the next valid-from or valid-until of a present medium */
  gint64 validity_at;
};

enum {
  SIGNAL_DEVICE_CHANGED,
  SIGNAL_REQUEST_CHANGED,
  SIGNAL_MEDIUM_CHANGED,
  SIGNAL_SESSION_CHANGED,
  SIGNAL_ERASE_PROGRESS,
  SIGNAL_ERASE_FINISHED,
  SIGNAL_PRESENTATION_CHANGED,
  N_SIGNALS
};
extern guint ul_manager_signals[N_SIGNALS];

/* a session opened, ended, or its mounts or files changed: announced
 * (session-changed) at most a few times a second */
void ul_manager_session_changed (UlManager *mgr, gint64 session_id);

/* ul-manager.c: the device at @syspath is gone (its session ends) */
void ul_manager_remove_present (UlManager *mgr, const char *syspath);

/* ul-manager-disks.c: block uevents of the disks of present USB devices,
 * and those disks at start */
void ul_manager_block_event (UlManager *mgr, struct udev_device *d, const char *action);
void ul_manager_disks_coldplug (UlManager *mgr);

/* ul-manager-cards.c: cards in registered readers */
/* a card in @reader's disk at @disk_syspath: the same one, taken out, or a
 * new one (@coldplug: found at start) */
void ul_manager_card_update (UlManager *mgr, UlPresent *reader, const char *disk_syspath,
                             gboolean coldplug);
/* reads a card waiting for udev and decides about it once its partitions
 * are read (or @timed_out); FALSE while it still waits */
gboolean ul_manager_card_try_decide (UlManager *mgr, UlPresent *card, gboolean timed_out);
void ul_manager_remove_cards_of (UlManager *mgr, const char *reader_syspath);
/* a card decided about: allowed, it is marked for the udev helper and
 * announced again (udev makes it writable and shows it to udisks); not
 * allowed, its reader is blocked */
gboolean ul_manager_card_apply (UlManager *mgr, UlPresent *card, GError **error);
/* a card gone: its mark removed */
void ul_manager_card_forget (UlManager *mgr, UlPresent *card);
/* blocks @owner (a reader, or a device registered as a stick) because of
 * the medium inside it (@why); @identity: the card that did, whose
 * approval lets a reader through again */
void ul_manager_block_for_card (UlManager *mgr, UlPresent *owner, const char *why,
                                GBytes *identity);
/* udev announces the disk and its partitions again ("change") */
void ul_manager_announce_disk (UlManager *mgr, const char *disk_syspath);
/* ul-manager-bound.c: a disk of an allowed stick with a weak serial,
 * checked against (or bound to) what the stick held when first seen */
void ul_manager_bound_disk_check (UlManager *mgr, UlPresent *p, const char *disk_syspath);
/* re-decides the readers blocked because of the card with @identity */
void ul_manager_readers_redecide (UlManager *mgr, GBytes *identity, const char *trigger);

/* ul-manager.c: an event about @p, recorded on its own (a failure is
 * logged) */
void ul_manager_log_device_event (UlManager *mgr, UlPresent *p, const char *kind,
                                  const char *detail);
/* ul-manager.c: an event about the present device @p */
UlEvent *ul_manager_device_event (UlManager *mgr, const char *kind, UlPresent *p, gint64 now);

/* ul-manager-decide.c: decides about @p and applies it; @trigger names the
 * event */
void ul_manager_decide (UlManager *mgr, UlPresent *p, const char *trigger);
/* a decision put off until logind answers (UlPresent.awaiting_seat) made
 * now; @gone: the device was removed meanwhile, its arrival is recorded
 * (with no one known at the seat) but nothing applied */
void ul_manager_decide_put_off (UlManager *mgr, UlPresent *p, gboolean gone);
/* the decisions put off, once logind has answered */
void ul_manager_decide_awaiting_seat (UlManager *mgr);
/* the same insertion announced again: its decision applied again (marks,
 * "authorized"), no new event */
void ul_manager_reapply (UlManager *mgr, UlPresent *p);
/* other present devices with @self's vendor, product and serial */
guint ul_manager_count_same_identity (UlManager *mgr, UlPresent *self);

/* ul-manager-redecide.c: decisions taken again when what they rest on
 * changes: the person at the seat, a registration's start or end, the
 * policy */
void ul_manager_redecide_registered (UlManager *mgr, const char *trigger);
/* (re)arms the one timer for the next valid-from or valid-until to come */
void ul_manager_schedule_validity (UlManager *mgr);

/* ul-manager-sessions.c */
void ul_manager_tracker_changed (gint64 session_id, gpointer data);
/* the session of @p ends: stops following its files; returns how it ended
 * ("yanked" if a filesystem was still mounted, "ejected" if one had been,
 * else @if_clean) */
const char *ul_manager_end_session_files (UlManager *mgr, UlPresent *p, const char *if_clean);
/* the person at the seat changed: sessions in use record who is there now */
void ul_manager_seat_changed (gpointer data);
/* sessions left open by a daemon that stopped while their medium was removed */
void ul_manager_close_orphaned_sessions (UlManager *mgr);

/* ul-manager-signing.c: the open signer, its key checked against the keys
 * pinned in the logbook (*fingerprint: its SHA-256); refused when the key
 * file is lost or another key while certificates exist */
struct _UlSigner *ul_manager_signer (UlManager *mgr, char **fingerprint, GError **error);
/* pins the open signer's key, in the caller's transaction */
gboolean ul_manager_pin_signer (UlManager *mgr, const char *fingerprint, gint64 now,
                                GError **error);

/* ul-manager-checkpoint.c: a signed checkpoint of the event chain's head,
 * outside the database, recorded as an event (@reason says why: a
 * certificate, a ledger export, the day) */
gboolean ul_manager_checkpoint (UlManager *mgr, const char *reason, GError **error);

/* renders @json (a certificate as signed, or a disposal record; see
 * usbledger-certificate-pdf) to KEY-DIR/@subdir/@name, in the background */
void ul_manager_write_pdf (UlManager *mgr, GBytes *json, const char *subdir, const char *name);
/* waits for the documents being written (at stop) */
void ul_manager_pdf_wait_all (UlManager *mgr);

/* ul-manager-integrity.c: PRAGMA quick_check in a worker; an incident if it fails */
void ul_manager_check_integrity_later (UlManager *mgr);

/* the logbook was written: checkpoint its WAL once things are quiet */
void ul_manager_wrote_logbook (UlManager *mgr);

/* re-decides every present storage device with this identity (after an
 * approval, registration or revocation) */
void ul_manager_reevaluate_identity (UlManager *mgr, guint16 vid, guint16 pid, GBytes *serial,
                                     const char *trigger);
