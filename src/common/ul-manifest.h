/* ul-manifest.h: what files a filesystem holds (path, size, mtime), so that
 * changes no file event reported can still be found by comparison */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct {
  gint64 size;
  gint64 mtime_ns;
  gboolean dir;
} UlManifestEntry;

/* path (NUL-terminated bytes, relative, no leading "/") -> UlManifestEntry */
typedef GHashTable UlManifest;

UlManifest *ul_manifest_new (void);
/* walks the tree under @root without following symlinks or leaving its
 * filesystem; unreadable folders are skipped and counted in *n_errors */
UlManifest *ul_manifest_walk (const char *root, guint *n_errors, GError **error);

/* serialised as records "D|F\tSIZE\tMTIME_NS\tPATH\0": any byte but NUL in a path */
GBytes *ul_manifest_serialize (UlManifest *m);
UlManifest *ul_manifest_parse (const guint8 *data, gsize len, GError **error);

typedef enum {
  UL_MANIFEST_ADDED,
  UL_MANIFEST_MODIFIED,
  UL_MANIFEST_DELETED,
} UlManifestChange;

typedef void (*UlManifestDiffFunc) (const char *path, UlManifestChange change,
                                    const UlManifestEntry *now, gpointer user_data);
/* calls @func for every path added, modified (size or mtime) or deleted from
 * @before to @after, in sorted path order */
void ul_manifest_diff (UlManifest *before, UlManifest *after, UlManifestDiffFunc func,
                       gpointer user_data);

G_END_DECLS
