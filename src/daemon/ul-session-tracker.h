/* ul-session-tracker.h: what happens to a medium while its session is open:
 * its filesystems mounted and unmounted, every file changed on them */
#pragma once

#include <glib.h>

#include "ul-store.h"

G_BEGIN_DECLS

typedef struct _UlSessionTracker UlSessionTracker;

/* @changed is called in the main loop when a session's mounts or files
 * changed in the logbook (at most once per batch) */
typedef void (*UlSessionChangedFunc) (gint64 session_id, gpointer user_data);

UlSessionTracker *ul_session_tracker_new (UlStore *store, const char *host,
                                          const char *mountinfo_path,
                                          const char *manifest_helper,
                                          UlSessionChangedFunc changed, gpointer user_data,
                                          GError **error);
void ul_session_tracker_free (UlSessionTracker *t);

/* follows the filesystems of the USB device at @usb_syspath for @session_id
 * (also those mounted already) */
void ul_session_tracker_add (UlSessionTracker *t, gint64 session_id, const char *usb_syspath);
/* the session ends (its medium was removed or blocked): records what is
 * still queued; returns TRUE if a filesystem of it was still mounted
 * (removed without unmounting: yanked) and FALSE if none was, and *was_mounted
 * whether one ever was during the session */
gboolean ul_session_tracker_remove (UlSessionTracker *t, gint64 session_id,
                                    gboolean *was_mounted);
/* checks at unmount of @medium_id's filesystems still running: each has the
 * disk mounted privately, so the disk cannot be opened exclusively (erased)
 * until they end; their end is told like a session change */
guint ul_session_tracker_checks_running (UlSessionTracker *t, gint64 medium_id);

/* records the logbook could not take are kept and retried, up to this many;
 * then reading file events stops (the kernel keeps them) and no session
 * opens until they are written */
#define UL_SESSION_TRACKER_MAX_UNWRITTEN 50000
void ul_session_tracker_set_max_unwritten (UlSessionTracker *t, guint max);
/* files larger than this are recorded "too-large", not hashed (0: all) */
void ul_session_tracker_set_hash_max_bytes (UlSessionTracker *t, gint64 max_bytes);
/* whether that bound was reached (*n_waiting: records kept) */
gboolean ul_session_tracker_is_stalled (UlSessionTracker *t, guint *n_waiting);

G_END_DECLS
