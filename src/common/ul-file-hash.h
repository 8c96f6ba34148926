/* ul-file-hash.h: SHA-256 of a file on a medium that may change or vanish
 * while it is read */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum {
  UL_HASH_OK,             /* the hash of the content, unchanged during the read */
  UL_HASH_INCOMPLETE,     /* a read failed part-way (medium removed): no hash */
  UL_HASH_CHANGED,        /* written to while we read it: no hash (a later close-write
                           * brings the final content) */
  UL_HASH_UNREADABLE,     /* exists but cannot be opened or is not a regular file */
  UL_HASH_GONE,           /* no longer there */
  UL_HASH_TOO_LARGE,      /* larger than the hashing budget: size only, no hash */
} UlHashStatus;

const char *ul_hash_status_to_string (UlHashStatus status);

/* hashes the regular file open as @fd from its start; *size gets its size
 * (bytes read for INCOMPLETE); *sha256 a lowercase hex string for OK only */
UlHashStatus ul_file_hash_fd (int fd, gint64 *size, char **sha256);

/* the same with a caller's read buffer, for a thread that hashes many files */
typedef struct _UlHashBuffer UlHashBuffer;
UlHashBuffer *ul_hash_buffer_new (void);
void ul_hash_buffer_free (UlHashBuffer *buf);
UlHashStatus ul_file_hash_fd_with (int fd, UlHashBuffer *buf, gint64 *size, char **sha256);
UlHashStatus ul_file_hash_at_with (int dirfd, const char *path, UlHashBuffer *buf,
                                   gint64 *size, char **sha256);
/* opens @path relative to @dirfd without following a final symlink */
UlHashStatus ul_file_hash_at (int dirfd, const char *path, gint64 *size, char **sha256);

G_END_DECLS
