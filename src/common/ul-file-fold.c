/* ul-file-fold.c: a session's file records folded into the ledger's totals.
 * The daemon folds each record as it writes it (and keeps the totals in the
 * session's row); the ledger folds the records again where it must, and
 * `log --verify` checks that both agree. */
#include "ul-file-fold.h"
#include "ul-escape.h"

#include <string.h>

/* a distinct path: its hash is the key */
typedef struct {
  guint64 hash;
  gint64 size;            /* its last state's bytes; -1: deleted */
} PathState;

struct _UlFileFold {
  GChecksum *sum;
  GString *line;
  GHashTable *paths;      /* PathState (keyed by its hash) */
  gint64 bytes;
  guint flags;
};

/* FNV-1a, 64 bits: two of a session's paths share one with a chance of
 * about n^2 / 2^65 (3e-10 for 100,000 paths), which would count them as
 * one file. Kept rather than the paths themselves: the daemon holds the
 * fold of every open session in memory. */
static guint64
path_hash (const guint8 *path, gsize len)
{
  guint64 h = G_GUINT64_CONSTANT (14695981039346656037);

  for (gsize i = 0; i < len; i++)
    h = (h ^ path[i]) * G_GUINT64_CONSTANT (1099511628211);
  return h;
}

UlFileFold *
ul_file_fold_new (void)
{
  UlFileFold *fold = g_new0 (UlFileFold, 1);

  fold->sum = g_checksum_new (G_CHECKSUM_SHA256);
  fold->line = g_string_sized_new (256);
  fold->paths = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  return fold;
}

void
ul_file_fold_free (UlFileFold *fold)
{
  if (fold == NULL)
    return;
  g_checksum_free (fold->sum);
  g_string_free (fold->line, TRUE);
  g_hash_table_unref (fold->paths);
  g_free (fold);
}

void
ul_file_fold_reset (UlFileFold *fold)
{
  g_checksum_reset (fold->sum);
  g_hash_table_remove_all (fold->paths);
  fold->bytes = 0;
  fold->flags = 0;
}

void
ul_file_fold_add (UlFileFold *fold, const char *action, const guint8 *path, gsize path_len,
                  gint64 size, const char *sha256, const char *status, const char *source)
{
  gboolean deleted = g_strcmp0 (action, "deleted") == 0;
  /* an empty path reads back from SQLite as none: shown as such either way */
  g_autofree char *shown = ul_escape_bytes (path_len > 0 ? path : NULL, path_len);
  guint64 h = path_hash (path, path_len);
  gint64 last = deleted ? -1 : MAX (size, 0);
  PathState *state;

  /* "action\tpath\tsize\tsha256\n", the path escaped, none as empty */
  g_string_assign (fold->line, action != NULL ? action : "");
  g_string_append_c (fold->line, '\t');
  g_string_append (fold->line, shown);
  g_string_append_c (fold->line, '\t');
  if (size >= 0)
    g_string_append_printf (fold->line, "%" G_GINT64_FORMAT, size);
  g_string_append_c (fold->line, '\t');
  if (sha256 != NULL)
    g_string_append (fold->line, sha256);
  g_string_append_c (fold->line, '\n');
  g_checksum_update (fold->sum, (const guchar *) fold->line->str, (gssize) fold->line->len);

  if (!deleted && g_strcmp0 (status, "ok") != 0)
    fold->flags |= UL_FILE_TOTALS_UNHASHED;
  if (g_strcmp0 (source, "outside") == 0)
    fold->flags |= UL_FILE_TOTALS_OUTSIDE;

  state = g_hash_table_lookup (fold->paths, &h);
  if (state == NULL)
    {
      state = g_new0 (PathState, 1);
      state->hash = h;
      g_hash_table_add (fold->paths, state);
    }
  else if (state->size > 0)
    fold->bytes -= state->size;
  state->size = last;
  if (last > 0)
    fold->bytes += last;
}

void
ul_file_fold_totals (UlFileFold *fold, UlFileTotals *totals)
{
  /* a copy ends, so that the fold itself can go on */
  g_autoptr(GChecksum) copy = g_checksum_copy (fold->sum);

  totals->files = g_hash_table_size (fold->paths);
  totals->bytes = fold->bytes;
  g_strlcpy (totals->sha256, g_checksum_get_string (copy), sizeof totals->sha256);
  totals->flags = fold->flags;
}
