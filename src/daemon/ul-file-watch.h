/* ul-file-watch.h: every file written, created, renamed or deleted on one
 * mounted filesystem of a medium, through fanotify */
#pragma once

#include <glib.h>

#include "ul-hasher.h"

G_BEGIN_DECLS

typedef struct _UlFileWatch UlFileWatch;

/* Follows the filesystem mounted at @mount_point. With names where the
 * filesystem supports it (*mode "fanotify-names": a filesystem mark with
 * create, delete, rename and close-write), else only close-writes on the
 * mount ("fanotify-fd", e.g. FUSE): the manifest at unmount finds the rest. */
/* files are read beneath @root (may be NULL: nothing can be read) */
UlFileWatch *ul_file_watch_new (const char *mount_point, UlMountRoot *root, gint64 session_id,
                                gint64 mount_id, UlHasher *hasher, char **mode, GError **error);
/* reads what the kernel has queued, then stops */
void ul_file_watch_free (UlFileWatch *w);
/* after back-pressure: reads again */
void ul_file_watch_resume (UlFileWatch *w);
/* the logbook cannot take more records: reading stops until released (the
 * kernel keeps the events meanwhile), whatever the hasher's backlog */
void ul_file_watch_hold (UlFileWatch *w, gboolean hold);
gint64 ul_file_watch_mount_id (UlFileWatch *w);
void ul_file_watch_set_mount_id (UlFileWatch *w, gint64 mount_id);

/* more jobs than this waiting for the hasher: stop reading fanotify (the
 * kernel keeps the events); resume under the low mark */
#define UL_FILE_WATCH_HIGH_WATER 8192
#define UL_FILE_WATCH_LOW_WATER 2048

G_END_DECLS
