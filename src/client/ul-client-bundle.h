/* ul-client-bundle.h: the signed ledger bundle as ExportLedger hands it
 * over (file names and descriptors), written into a folder */
#pragma once

#include <gio/gio.h>
#include <gio/gunixfdlist.h>

G_BEGIN_DECLS

/* copies what @fd reads to @path, never over an existing file, and syncs it */
gboolean ul_client_copy_fd (int fd, const char *path, GError **error);

/* every file of @files (a{sh}: name -> index in @fds) into @folder (made if
 * missing); a name with a slash or a leading dot (the daemon's names are
 * plain) is passed over. The paths written are added to @written (may be
 * NULL). */
gboolean ul_client_save_bundle (GVariant *files, GUnixFDList *fds, const char *folder,
                                GPtrArray *written, GError **error);

G_END_DECLS
