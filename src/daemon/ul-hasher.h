/* ul-hasher.h: turns file events into logbook records on a worker thread,
 * hashing what was written, so the main loop keeps answering D-Bus */
#pragma once

#include <glib.h>

#include "ul-mount-root.h"
#include "ul-store.h"

G_BEGIN_DECLS

/* one change seen on a medium; the record goes to the logbook once the
 * worker has looked at the file */
typedef struct {
  UlFileRecord *rec;      /* action, path, old_path, time, uid, program, ids, source */
  UlMountRoot *root;      /* the filesystem it is on (a reference), NULL: unknown */
  char *rel_path;         /* where to read it now beneath @root, NULL: nothing to read */
  int fd;                 /* or an open fd of it (fanotify without names), -1: none */
  gboolean hash;          /* read the content (close-write) */
} UlFileJob;

typedef struct _UlHasher UlHasher;

/* @deliver runs in the main context with a batch of UlFileRecord*, in the
 * order the jobs were queued; it owns nothing of the array */
typedef void (*UlHasherDeliver) (GPtrArray *records, gpointer user_data);

/* NULL with @error when the usbledger-crypto module cannot be loaded */
UlHasher *ul_hasher_new (UlHasherDeliver deliver, gpointer user_data, GError **error);
/* waits for the queued jobs, delivers them, stops the thread */
void ul_hasher_free (UlHasher *h);
/* takes @job; never blocks (the caller watches ul_hasher_pending) */
void ul_hasher_push (UlHasher *h, UlFileJob *job);
guint ul_hasher_pending (UlHasher *h);
/* calls @func (@data) in the main context once every job queued so far
 * has been delivered (at once if they have been): the main loop is not
 * held meanwhile */
void ul_hasher_after_queued (UlHasher *h, GSourceFunc func, gpointer data);
/* runs every queued job and delivers the results before returning (tests,
 * shutdown) */
void ul_hasher_drain (UlHasher *h);
/* called in the main context when the backlog falls under the low mark */
void ul_hasher_set_low_water (UlHasher *h, guint low, GSourceFunc func, gpointer data);
/* a file larger than @max_bytes is recorded "too-large", not hashed (0: no
 * budget); set before the first job */
void ul_hasher_set_max_bytes (UlHasher *h, gint64 max_bytes);
/* FAT32's largest file: no file on a vfat stick is left unhashed */
#define UL_HASHER_DEFAULT_MAX_BYTES (G_GINT64_CONSTANT (4) * 1024 * 1024 * 1024 - 1)

void ul_file_job_free (UlFileJob *job);

G_END_DECLS
