/* ul-store.h: the SQLite logbook (使用簿) */
#pragma once

#include <glib.h>

#include "ul-device.h"
#include "ul-medium.h"

G_BEGIN_DECLS

#define UL_STORE_SCHEMA_VERSION 11

typedef struct _UlStore UlStore;

typedef struct {
  gint64 id;
  gint64 time;
  char *host;
  char *kind;
  char *actor;            /* "system" or a personal account */
  gint64 actor_uid;       /* -1: none */
  char *seat_user;        /* NULL: no one logged in */
  gint64 device_id;       /* 0: none */
  gint64 medium_id;
  gint64 request_id;
  gint64 session_id;
  char *decision;
  char *detail;
  char *reason_code;      /* why the decision (UL_VOCAB_REASON); NULL: none, or before schema 11 */
  char *prev_hash;
  char *hash;
  /* filled by ul_store_list_events for display */
  GBytes *device_serial;
  guint16 device_vendor_id, device_product_id;
  char *asset_number;
} UlEvent;

typedef struct {
  gint64 id;
  gint64 device_id;
  char *state;
  char *requester;        /* NULL: no one logged in */
  gint64 requester_uid;   /* -1: none */
  char *host;
  gint64 created_at;
  char *reason;
  char *reason_code;      /* the same as a code (UL_VOCAB_REASON); NULL before schema 11 */
  char *decided_by;
  gint64 decided_at;
  char *decision_note;
  gint64 medium_id;
  /* the device, from devices_seen */
  guint16 vendor_id, product_id, bcd_device;
  GBytes *serial, *manufacturer, *product;
  char *descriptor_hash;
  char *interfaces;
  char *port_path;
  char *suspicion;        /* the device was judged suspicious since: why; NULL: not */
  char *weak_serial;      /* why its serial is not unique in practice; NULL: it may be */
  gboolean card;          /* a card in a reader: serial is its volume identity */
} UlRequest;

typedef struct {
  gint64 id;
  gint64 medium_id;
  gint64 device_id;
  char *user_name;
  gint64 uid;
  char *host;
  gint64 started_at;
  gint64 ended_at;
  char *end_reason;
  gboolean erased;
  char *asset_number;
  gint64 n_files;         /* distinct paths changed */
} UlSession;

typedef struct {
  const char *asset_number; /* NULL: any */
  gint64 medium_id;         /* 0: any */
  const char *user;         /* the seat user at the start or at any change; NULL: any */
  gint64 since;             /* µs; sessions still in use at or after; 0: no bound */
  gint64 until;             /* µs, exclusive; sessions started before; 0: no bound */
  gint64 after_id;          /* only sessions numbered above (the next page); 0: from the first */
  guint limit;              /* at most this many, by number; 0: all */
  gboolean in_use;          /* only those not ended (the partial index of open sessions) */
} UlSessionFilter;

/* a filesystem of a session's medium, mounted somewhere */
typedef struct {
  gint64 id;
  gint64 session_id;
  char *device;           /* "major:minor" */
  GBytes *mount_point;
  char *fstype;
  char *watch;            /* how files were followed */
  gint64 mounted_at;
  gint64 unmounted_at;    /* 0: still mounted */
  char *manifest;         /* NULL: not checked (yet) */
} UlMountRecord;

/* one change to a file during a session */
typedef struct {
  gint64 id;
  gint64 session_id;
  gint64 mount_id;
  char *action;           /* created, modified, renamed, deleted, written */
  GBytes *path;           /* relative to the filesystem's root */
  GBytes *old_path;       /* renamed: from where */
  gint64 size;            /* -1: unknown */
  char *sha256;           /* NULL unless status is "ok" */
  char *status;           /* ok, incomplete, changed, unreadable, gone, none */
  char *source;           /* fanotify, manifest */
  gint64 time;
  gint64 uid;             /* -1: unknown */
  char *program;          /* NULL: unknown */
} UlFileRecord;

typedef struct {
  gint64 device_id;       /* 0: any */
  gint64 medium_id;       /* 0: any */
  const char *user;       /* actor or seat user; NULL: any */
  gint64 since;           /* µs, 0: no bound */
  gint64 until;           /* µs, exclusive, 0: no bound */
  guint limit;            /* 0: no limit */
  gint64 after_id;        /* only events with a greater id (the next page); 0: from the start */
} UlEventFilter;

/* one erasure of a medium (ul-erase.c does the work) */
typedef struct {
  gint64 id;
  gint64 medium_id;
  gint64 device_id;
  char *device_node;
  gint64 capacity;
  char *method;
  char *pattern;          /* zeros, aes-256-ctr */
  char *operator_name;
  gint64 operator_uid;    /* -1: unknown */
  char *host;
  gint64 started_at;
  gint64 ended_at;
  char *outcome;          /* running, verified, failed, interrupted */
  gint64 bytes_written;
  gint64 bytes_verified;
  gint64 mismatches;
  gint64 bad_offset;      /* -1: none */
  char *message;
  /* when listed */
  char *certificate;      /* its number, NULL: none */
  char *asset_number;
} UlErasure;

typedef struct {
  gint64 id;
  char *number;           /* "2026-0001": fiscal year (April-March, JST) and sequence */
  int fiscal_year;
  gint64 seq;
  gint64 erasure_id;
  gint64 issued_at;
  GBytes *json;           /* canonical JSON, the signed bytes */
  GBytes *signature;      /* DER ECDSA */
  char *key_sha256;       /* the signing key's fingerprint (signing_keys); NULL:
                           * signed before keys were pinned (schema 6) */
} UlCertificate;

/* Opens or creates the logbook and migrates it. A database that exists but
 * cannot be opened, is corrupt, read-only, not ours, or newer than this
 * build is never changed: the error says why. */
UlStore *ul_store_open (const char *path, GError **error);
/* the same logbook for checking only: no migration, nothing written */
UlStore *ul_store_open_for_check (const char *path, GError **error);
/* PRAGMA quick_check: FALSE with what it found when the file is corrupt */
gboolean ul_store_quick_check (UlStore *store, GError **error);
/* the file the logbook was opened from */
const char *ul_store_get_path (UlStore *store);
/* an existing logbook was migrated to this schema when it was opened (the
 * migration may have written rows, seals among them) */
gboolean ul_store_was_migrated (UlStore *store);
void ul_store_free (UlStore *store);
int ul_store_schema_version (UlStore *store);
/* copies the write-ahead log into the database file; cheap when idle */
gboolean ul_store_checkpoint (UlStore *store, GError **error);

gboolean ul_store_begin (UlStore *store, GError **error);
gboolean ul_store_commit (UlStore *store, GError **error);
void ul_store_rollback (UlStore *store);

/* devices_seen: insert or update last_seen; returns the row id */
gboolean ul_store_note_device (UlStore *store, const UlDevice *dev, gint64 now,
                               gint64 *device_id, GError **error);

/* media */
gboolean ul_store_add_medium (UlStore *store, UlMedium *m, GError **error);
/* the active registration of this identity, else its latest one (revoked,
 * lost, disposed), else NULL without error; @card: among cards (a card's
 * identity never matches a USB device's registration, nor the reverse) */
UlMedium *ul_store_find_medium_for_identity (UlStore *store, gboolean card, guint16 vid,
                                             guint16 pid, GBytes *serial, GError **error);
UlMedium *ul_store_get_medium (UlStore *store, const char *asset_number, GError **error);
/* what a weak-serial stick's disks held when first seen (UlMedium.bound_volumes) */
gboolean ul_store_bind_medium_volumes (UlStore *store, gint64 medium_id, const char *volumes,
                                       GError **error);
GPtrArray *ul_store_list_media (UlStore *store, GError **error);
gboolean ul_store_revoke_medium (UlStore *store, const char *asset_number,
                                 const char *by, const char *reason, gint64 now,
                                 gint64 *medium_id, GError **error);

/* requests */
/* @reason: the decision's sentence, @reason_code: its code (UL_VOCAB_REASON);
 * @weak_serial: why the device's serial is not unique in practice, or NULL */
gboolean ul_store_ensure_request (UlStore *store, gint64 device_id, const char *requester,
                                  gint64 requester_uid, const char *host, gint64 now,
                                  const char *reason, const char *reason_code,
                                  const char *weak_serial, gint64 *request_id,
                                  gboolean *created, GError **error);
/* migration 11: the requests' seal triggers made again for reason_code, and
 * each request sealed again in that form */
gboolean ul_store_request_reasons_install (UlStore *store, GError **error);
/* the pending request of @device_id carries @suspicion from now on;
 * *request_id: that request, 0 if none (or it carried that already) */
gboolean ul_store_mark_request_suspicious (UlStore *store, gint64 device_id,
                                           const char *suspicion, gint64 *request_id,
                                           GError **error);
UlRequest *ul_store_get_request (UlStore *store, gint64 id, GError **error);
/* @state: "pending", "approved", "rejected" or NULL for all */
GPtrArray *ul_store_list_requests (UlStore *store, const char *state, GError **error);
gboolean ul_store_decide_request (UlStore *store, gint64 id, gboolean approved,
                                  const char *by, const char *note, gint64 medium_id,
                                  gint64 now, GError **error);

/* marks every pending request for this identity approved as @medium_id
 * (a supervisor registered the device directly); *n_closed gets how many */
gboolean ul_store_settle_requests (UlStore *store, guint16 vid, guint16 pid, GBytes *serial,
                                   const char *by, gint64 medium_id, gint64 now,
                                   guint *n_closed, GError **error);

/* sessions */
gboolean ul_store_open_session (UlStore *store, gint64 medium_id, gint64 device_id,
                                const char *user_name, gint64 uid, const char *host,
                                gint64 now, gint64 *session_id, GError **error);
gboolean ul_store_close_session (UlStore *store, gint64 session_id, gint64 now,
                                 const char *end_reason, GError **error);
/* @filter may be NULL: every session */
GPtrArray *ul_store_list_sessions (UlStore *store, const UlSessionFilter *filter,
                                   GError **error);
UlSession *ul_store_get_session (UlStore *store, gint64 id, GError **error);
gboolean ul_store_add_mount (UlStore *store, UlMountRecord *m, GError **error);
gboolean ul_store_end_mount (UlStore *store, gint64 mount_id, gint64 now, GError **error);
/* ends every mount record still open (at start: they were followed by a
 * usbledgerd that stopped) */
gboolean ul_store_end_open_mounts (UlStore *store, gint64 now, const char *why, GError **error);
gboolean ul_store_set_mount_manifest (UlStore *store, gint64 mount_id, const char *manifest,
                                      GError **error);

/* how a medium's filesystem (@part: its partition number, 0: the whole disk)
 * was left by the last session whose unmount was checked (ul-manifest.h
 * records); get: NULL without @error when there is none; forget: @part < 0
 * for all of the medium's */
/* @at_mount: the walk at the mount of a session that ended unchecked, not
 * at a checked unmount */
gboolean ul_store_set_medium_manifest (UlStore *store, gint64 medium_id, gint64 part,
                                       gint64 session_id, gint64 taken_at, gboolean at_mount,
                                       GBytes *manifest, GError **error);
GBytes *ul_store_get_medium_manifest (UlStore *store, gint64 medium_id, gint64 part,
                                      gint64 *session_id, gint64 *taken_at,
                                      gboolean *at_mount, GError **error);
gboolean ul_store_forget_medium_manifest (UlStore *store, gint64 medium_id, gint64 part,
                                          GError **error);
/* the last record about each path (as path or as the old path of a rename)
 * on the mount, in one pass: GBytes* path -> UlFileRecord* (id, action,
 * sha256, status) */
GHashTable *ul_store_latest_files (UlStore *store, gint64 mount_id, GError **error);
/* GBytes* paths recorded on the mount whose last record is not a deletion */
GPtrArray *ul_store_list_live_paths (UlStore *store, gint64 mount_id, GError **error);
/* the renames recorded on the mount, in order: old, new, old, new, ... */
GPtrArray *ul_store_list_renames (UlStore *store, gint64 mount_id, GError **error);
GPtrArray *ul_store_list_session_mounts (UlStore *store, gint64 session_id, GError **error);
gboolean ul_store_add_file (UlStore *store, UlFileRecord *f, GError **error);
/* the session's file records with id > @after_id, at most @limit (0: all) */
GPtrArray *ul_store_list_session_files (UlStore *store, gint64 session_id, gint64 after_id,
                                        guint limit, GError **error);
/* a(xs): time and user ("" for no one) of each seat change, floating */
GVariant *ul_store_list_seat_changes (UlStore *store, gint64 session_id, GError **error);
gboolean ul_store_add_seat_change (UlStore *store, gint64 session_id, gint64 now,
                                   const char *user_name, gint64 uid, GError **error);
/* the session of @medium_id that has not ended; *session_id = 0 if none */
gboolean ul_store_find_open_session (UlStore *store, gint64 medium_id, gint64 *session_id,
                                     GError **error);

/* erasures and certificates */
gboolean ul_store_add_erasure (UlStore *store, UlErasure *e, GError **error);
gboolean ul_store_finish_erasure (UlStore *store, const UlErasure *e, GError **error);
/* at start: jobs of a daemon that stopped are interrupted; *n how many */
gboolean ul_store_interrupt_running_erasures (UlStore *store, gint64 now, guint *n,
                                              GError **error);
GPtrArray *ul_store_list_erasures (UlStore *store, gint64 medium_id, GError **error);
/* gint64 ids of the medium's sessions not erased yet */
/* the medium's sessions not marked erased that started before @before (µs) */
GArray *ul_store_unerased_sessions (UlStore *store, gint64 medium_id, gint64 before,
                                    GError **error);
/* the certificate a retirement rests on: that of the medium's latest
 * erasure, which must be verified, with no session that mounted a
 * filesystem since; else *number NULL and *why says why not */
gboolean ul_store_retirement_certificate (UlStore *store, gint64 medium_id, char **number,
                                          char **why, GError **error);
gboolean ul_store_mark_session_erased (UlStore *store, gint64 session_id, GError **error);
/* gives @c its next number in its fiscal year; with json and signature
 * set, also stores it (in one transaction with the numbering, please) */
gboolean ul_store_add_certificate (UlStore *store, UlCertificate *c, GError **error);
gboolean ul_store_count_certificates (UlStore *store, gint64 *n, GError **error);
/* signing keys pinned in the logbook (ul-store-keys.c): the fingerprints of
 * every key that signed a certificate, oldest first */
GPtrArray *ul_store_pinned_keys (UlStore *store, GError **error);
/* pins a key (no error if it is pinned already) */
gboolean ul_store_pin_key (UlStore *store, const char *sha256, const char *public_pem,
                           gint64 now, GError **error);
/* the public key PEM of a pinned key; NOT_FOUND if none has that fingerprint */
char *ul_store_pinned_key_pem (UlStore *store, const char *sha256, GError **error);
UlCertificate *ul_store_get_certificate (UlStore *store, const char *number, GError **error);
/* *number: the medium's latest certificate, NULL if it has none */
gboolean ul_store_latest_certificate (UlStore *store, gint64 medium_id, char **number,
                                      GError **error);
/* records the disposal and sets the medium disposed; @kind: destroyed, retired */
gboolean ul_store_dispose_medium (UlStore *store, gint64 medium_id, const char *kind,
                                  const char *by, gint64 by_uid, gint64 now,
                                  const char *contractor, const char *reference,
                                  const char *done_on, const char *certificate,
                                  const char *note, GError **error);
/* whether a medium with this identity was ever disposed of */
gboolean ul_store_identity_disposed (UlStore *store, guint16 vid, guint16 pid, GBytes *serial,
                                     gboolean *disposed, GError **error);

/* the append-only, hash-chained event log */
gboolean ul_store_append_event (UlStore *store, UlEvent *ev, GError **error);
GPtrArray *ul_store_list_events (UlStore *store, const UlEventFilter *filter,
                                 GError **error);
/* recomputes the chain; fails at the first row that does not match */
gboolean ul_store_verify_chain (UlStore *store, guint64 *n_events, GError **error);
/* each session's file totals (schema 10) folded again from its file
 * records; fails at the first session whose row does not have them */
gboolean ul_store_verify_session_totals (UlStore *store, guint64 *n_sessions, GError **error);

UlEvent *ul_event_new (const char *kind, const char *actor, const char *host, gint64 now);
void ul_event_free (UlEvent *ev);
void ul_request_free (UlRequest *r);
void ul_session_free (UlSession *s);
void ul_mount_record_free (UlMountRecord *m);
void ul_file_record_free (UlFileRecord *f);
void ul_erasure_free (UlErasure *e);
void ul_certificate_free (UlCertificate *c);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (UlStore, ul_store_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (UlEvent, ul_event_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (UlRequest, ul_request_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (UlSession, ul_session_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (UlMountRecord, ul_mount_record_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (UlFileRecord, ul_file_record_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (UlErasure, ul_erasure_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (UlCertificate, ul_certificate_free)

G_END_DECLS
