/* ul-file-fold.h: a session's file records folded into what the ledger
 * shows of them: the distinct files, their bytes, and a SHA-256 of the list
 * (the canonical form is in docs/design.md) */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* a file written whose content could not be hashed */
#define UL_FILE_TOTALS_UNHASHED 1u
/* a change found on the medium that was made elsewhere */
#define UL_FILE_TOTALS_OUTSIDE  2u

/* the SHA-256 of an empty list: a session without a file record */
#define UL_FILE_TOTALS_EMPTY_SHA256 \
  "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

typedef struct {
  gint64 files;           /* distinct paths */
  gint64 bytes;           /* the sizes of each path's last state */
  char sha256[65];        /* of the records' lines, in id order */
  guint flags;            /* UL_FILE_TOTALS_* */
} UlFileTotals;

typedef struct _UlFileFold UlFileFold;

UlFileFold *ul_file_fold_new (void);
void ul_file_fold_free (UlFileFold *fold);
/* empty again, to fold the next session */
void ul_file_fold_reset (UlFileFold *fold);

/* one record, in id order. @path: its bytes as recorded; @size: -1 for
 * none; @sha256, @status, @source: NULL for none */
void ul_file_fold_add (UlFileFold *fold, const char *action, const guint8 *path,
                       gsize path_len, gint64 size, const char *sha256, const char *status,
                       const char *source);

/* the totals of the records folded so far; the fold goes on */
void ul_file_fold_totals (UlFileFold *fold, UlFileTotals *totals);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (UlFileFold, ul_file_fold_free)

G_END_DECLS
