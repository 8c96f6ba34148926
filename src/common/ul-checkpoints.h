/* ul-checkpoints.h: the signed checkpoints of the logbook, checked against it */
#pragma once

#include <glib.h>

#include "ul-store.h"

G_BEGIN_DECLS

/* v1 named the events' head only; v2 adds the record seals' head */
#define UL_CHECKPOINT_FORMAT "usbledger logbook checkpoint v2"

/* where the checkpoints of the logbook whose keys are in @key_dir live */
char *ul_checkpoints_dir (const char *key_dir);

/* the checkpoint files in @dir (KEY-DIR/checkpoints), oldest first; empty
 * when there are none. Listed before the logbook is read: the files are
 * written after their event commits, so each one listed is in what is read
 * after. */
GPtrArray *ul_checkpoints_list (const char *dir);

/* every checkpoint of @list against the logbook: the events and the seal
 * each names must still be there with the hash it signed. The first one
 * that does not is named, with the last one before it that still matches,
 * which bounds where the logbook was changed. */
gboolean ul_checkpoints_check (UlStore *store, GPtrArray *list, guint *n_checked,
                               GError **error);

/* the reason of the checkpoint made when usbledgerd stops */
#define UL_CHECKPOINT_AT_STOP "daemon stopped"

/* when the newest checkpoint was made as usbledgerd stopped, nothing may
 * follow it, or (unless @at_start) only what follows a `daemon-started`
 * event right after it: the daemon checks this at its start, before it
 * writes, and records a difference as an incident. Names the first event or
 * seal written while it was stopped. */
gboolean ul_checkpoints_check_stopped (UlStore *store, GPtrArray *list, gboolean at_start,
                                       GError **error);

G_END_DECLS
