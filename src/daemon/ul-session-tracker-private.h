/* ul-session-tracker-private.h: what ul-session-tracker.c (mounts, file
 * watches, records) and ul-session-manifest.c (the manifest at mount and the
 * check at unmount) share */
#pragma once

#include <gio/gio.h>

#include "ul-file-watch.h"
#include "ul-hasher.h"
#include "ul-mountinfo.h"
#include "ul-session-tracker.h"

typedef struct _Tracked Tracked;

typedef struct {
  Tracked *owner;
  UlMount *mount;
  gint64 record_id;
  UlFileWatch *watch;
  UlMountRoot *root;      /* its filesystem, files are read beneath its root */
  gint64 part;            /* its partition number, 0: the whole disk */
  GBytes *baseline;       /* manifest at mount; NULL until the walk is done */
  char *baseline_error;
  GCancellable *cancel;
} TrackedMount;

struct _Tracked {
  UlSessionTracker *t;
  gint64 session_id;
  gint64 medium_id;
  char *usb_syspath;
  GPtrArray *mounts;      /* TrackedMount*, mounted now */
  gboolean was_mounted;
};

struct _UlSessionTracker {
  UlStore *store;
  char *host;
  char *mountinfo_path;
  char *helper;
  int mountinfo_fd;
  guint mountinfo_source;
  GPtrArray *mounts_now;  /* UlMount*, the last table read */
  GHashTable *sessions;   /* &session_id -> Tracked* */
  UlHasher *hasher;       /* made at the first mount: no thread until needed */
  GPtrArray *unwritten;   /* UlFileRecord* whose commit failed, retried */
  guint max_unwritten;    /* at this many, reading stops and no session opens */
  gint64 hash_max_bytes;  /* a larger file is not hashed (also by the check helper) */
  gboolean stalled;       /* that bound was reached, until they are written */
  guint retry_source;
  UlSessionChangedFunc changed;
  gpointer user_data;
  GHashTable *checks;     /* &medium id -> checks at unmount running (each holds its disk) */
  gboolean stopping;      /* being freed: no check starts any more */
};

/* a check at unmount of @medium_id's filesystem starts or ends */
void ul_session_tracker_check_started (UlSessionTracker *t, gint64 medium_id);
void ul_session_tracker_check_ended (UlSessionTracker *t, gint64 medium_id);

/* holds (or releases) every file watch: see ul_file_watch_hold */
void ul_session_tracker_hold_watches (UlSessionTracker *t, gboolean hold);

/* tells the owner that a session's mounts or files changed */
void ul_session_tracker_notify (UlSessionTracker *t, gint64 session_id);
/* an event of @tr's session in the event log */
void ul_session_tracker_log_event (UlSessionTracker *t, Tracked *tr, const char *kind,
                                   const char *detail);
/* file records for the hasher (hashed first when @job->hash), else written
 * at once */
void ul_session_tracker_record (UlSessionTracker *t, UlFileJob *job);

/* ul-session-manifest.c: the manifest of @tm's filesystem just mounted, and
 * the comparison once it is unmounted */
void ul_session_manifest_walk (UlSessionTracker *t, TrackedMount *tm);
/* the check at unmount, once the records @h still holds are written (@h
 * NULL: none are queued) */
void ul_session_manifest_check (UlSessionTracker *t, TrackedMount *tm, UlHasher *h);
/* how the medium's filesystem was left is unknown from now on (pulled while
 * mounted, not checked): nothing to compare at its next mount */
void ul_session_manifest_forget (UlSessionTracker *t, TrackedMount *tm);
/* ended unchecked (pulled while mounted, usbledgerd stopped): the walk at
 * its mount is kept instead, so that what the watch did not see shows at
 * the medium's next mount */
void ul_session_manifest_keep_mount_walk (UlSessionTracker *t, TrackedMount *tm);
