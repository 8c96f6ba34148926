/* ul-file-hash.c: SHA-256 with OpenSSL's EVP (SHA-NI where the CPU has it),
 * reading large blocks with pread. "Never a wrong hash": a file whose size or
 * times change during the read, or whose read fails, gets no hash at all. */
#include "ul-file-hash.h"

#include <errno.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <sys/stat.h>
#include <unistd.h>

#define BLOCK (1024 * 1024)

static gboolean
same_version (const struct stat *a, const struct stat *b)
{
  return a->st_size == b->st_size && a->st_mtim.tv_sec == b->st_mtim.tv_sec &&
         a->st_mtim.tv_nsec == b->st_mtim.tv_nsec && a->st_ctim.tv_sec == b->st_ctim.tv_sec &&
         a->st_ctim.tv_nsec == b->st_ctim.tv_nsec && a->st_ino == b->st_ino;
}

static char *
to_hex (const unsigned char *md, unsigned len)
{
  static const char digits[] = "0123456789abcdef";
  char *out = g_malloc (len * 2 + 1);

  for (unsigned i = 0; i < len; i++)
    {
      out[2 * i] = digits[md[i] >> 4];
      out[2 * i + 1] = digits[md[i] & 15];
    }
  out[len * 2] = '\0';
  return out;
}

struct _UlHashBuffer {
  guchar *data;
  EVP_MD_CTX *ctx;
};

UlHashBuffer *
ul_hash_buffer_new (void)
{
  UlHashBuffer *buf = g_new0 (UlHashBuffer, 1);

  buf->data = g_malloc (BLOCK);
  buf->ctx = EVP_MD_CTX_new ();
  return buf;
}

void
ul_hash_buffer_free (UlHashBuffer *buf)
{
  if (buf == NULL)
    return;
  g_free (buf->data);
  EVP_MD_CTX_free (buf->ctx);
  g_free (buf);
}

UlHashStatus
ul_file_hash_fd_with (int fd, UlHashBuffer *buf, gint64 *size, char **sha256)
{
  struct stat before, after;
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned md_len = 0;
  off_t off = 0;
  gboolean ok = TRUE;

  *size = -1;
  *sha256 = NULL;
  if (fstat (fd, &before) != 0)
    return errno == ENOENT ? UL_HASH_GONE : UL_HASH_INCOMPLETE;
  if (!S_ISREG (before.st_mode))
    return UL_HASH_UNREADABLE;
  if (before.st_size > BLOCK)
    (void) posix_fadvise (fd, 0, 0, POSIX_FADV_SEQUENTIAL);
  if (buf->ctx == NULL || EVP_DigestInit_ex (buf->ctx, EVP_sha256 (), NULL) != 1)
    return UL_HASH_UNREADABLE;
  for (;;)
    {
      ssize_t n = pread (fd, buf->data, BLOCK, off);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          ok = FALSE;
          break;
        }
      EVP_DigestUpdate (buf->ctx, buf->data, (size_t) n);
      off += n;
      /* a short read at the size fstat gave is the end (a file that grew
       * meanwhile is caught by the second fstat) */
      if (n == 0 || (n < BLOCK && off == before.st_size))
        break;
    }
  if (ok)
    EVP_DigestFinal_ex (buf->ctx, md, &md_len);

  *size = off;
  if (!ok)
    return UL_HASH_INCOMPLETE;
  if (fstat (fd, &after) != 0)
    return UL_HASH_INCOMPLETE;
  if (!same_version (&before, &after) || off != before.st_size)
    return UL_HASH_CHANGED;
  *sha256 = to_hex (md, md_len);
  return UL_HASH_OK;
}

UlHashStatus
ul_file_hash_at_with (int dirfd, const char *path, UlHashBuffer *buf, gint64 *size,
                      char **sha256)
{
  UlHashStatus status;
  int fd = openat (dirfd, path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);

  *size = -1;
  *sha256 = NULL;
  if (fd < 0)
    return errno == ENOENT || errno == ENOTDIR ? UL_HASH_GONE : UL_HASH_UNREADABLE;
  status = ul_file_hash_fd_with (fd, buf, size, sha256);
  close (fd);
  return status;
}

UlHashStatus
ul_file_hash_fd (int fd, gint64 *size, char **sha256)
{
  UlHashBuffer *buf = ul_hash_buffer_new ();
  UlHashStatus status = ul_file_hash_fd_with (fd, buf, size, sha256);

  ul_hash_buffer_free (buf);
  return status;
}

UlHashStatus
ul_file_hash_at (int dirfd, const char *path, gint64 *size, char **sha256)
{
  UlHashBuffer *buf = ul_hash_buffer_new ();
  UlHashStatus status = ul_file_hash_at_with (dirfd, path, buf, size, sha256);

  ul_hash_buffer_free (buf);
  return status;
}
