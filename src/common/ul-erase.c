/* ul-erase.c: one pass of a pattern over the whole device, then a full
 * read-back. O_DIRECT with large aligned buffers, so the verify phase reads
 * the medium, not the page cache. Two I/O threads each keep one block in
 * flight (a device with a queue, like UAS or NVMe, gets two; a BOT stick
 * serialises them at no cost) while this thread makes the next pattern block
 * or compares the last one read, so the device never waits for the CPU. Any
 * failure names its offset; nothing here ever reports success for a byte it
 * did not read back. */
#include "ul-erase.h"

#include <errno.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ul-error.h"

#define DEFAULT_BLOCK (4 * 1024 * 1024)
#define ALIGN 4096
#define IO_THREADS 2
/* blocks in flight plus one being made or compared: the device stays busy */
#define N_BUFS (IO_THREADS + 1)

/* -- the pattern -------------------------------------------------------- */

typedef struct {
  const UlEraseOptions *opts;
  EVP_CIPHER_CTX *ctx;
} Pattern;

/* the pattern bytes for [offset, offset + len): for CTR, the counter of the
 * block at @offset is the IV plus offset / 16, so any block is made on its own */
static gboolean
pattern_fill (Pattern *pat, guint64 offset, guint8 *buf, gsize len)
{
  guint8 iv[16];
  guint64 add = offset / 16;
  int out_len = 0;
  unsigned carry = 0;

  if (pat->opts->pattern == UL_ERASE_ZEROS)
    return TRUE;   /* the buffers are zeroed once and never written to */
  /* big-endian 128-bit addition of the block number to the IV */
  memcpy (iv, pat->opts->iv, 16);
  for (int i = 15; i >= 0; i--)
    {
      unsigned sum = iv[i] + (unsigned) (add & 0xff) + carry;

      iv[i] = (guint8) sum;
      carry = sum >> 8;
      add >>= 8;
    }
  memset (buf, 0, len);
  return EVP_EncryptInit_ex (pat->ctx, EVP_aes_256_ctr (), NULL, pat->opts->key, iv) == 1 &&
         EVP_EncryptUpdate (pat->ctx, buf, &out_len, buf, (int) len) == 1 &&
         (gsize) out_len == len;
}

/* -- the I/O thread ------------------------------------------------------ */

typedef struct {
  gboolean write;
  int fd;
  guint8 *buf;
  gsize len;
  guint64 offset;
  ssize_t done;           /* result: bytes, or -errno */
} IoJob;

static IoJob stop_job;

static gpointer
io_thread (gpointer data)
{
  GAsyncQueue **queues = data;

  for (;;)
    {
      IoJob *job = g_async_queue_pop (queues[0]);
      gsize n = 0;

      if (job == &stop_job)
        break;
      while (n < job->len)
        {
          ssize_t r = job->write ? pwrite (job->fd, job->buf + n, job->len - n,
                                           (off_t) (job->offset + n))
                                 : pread (job->fd, job->buf + n, job->len - n,
                                          (off_t) (job->offset + n));

          if (r < 0 && errno == EINTR)
            continue;
          if (r <= 0)
            {
              job->done = r < 0 ? -errno : -EIO;  /* 0: the medium ended early */
              break;
            }
          n += (gsize) r;
        }
      if (n == job->len)
        job->done = (ssize_t) n;
      g_async_queue_push (queues[1], job);
    }
  return NULL;
}

/* -- one pass ------------------------------------------------------------ */

typedef struct {
  int fd;
  guint64 size;
  gsize block;
  const UlEraseOptions *opts;
  Pattern pat;
  GCancellable *cancellable;
  UlEraseProgressFunc progress;
  gpointer user_data;
  UlEraseResult *result;
  gint64 phase_start;
  guint8 *bufs[N_BUFS];
  guint8 *expect;         /* verify: the pattern to compare with */
  GAsyncQueue *queues[2]; /* to the I/O threads, back from them */
  GThread *threads[IO_THREADS];
} Ctx;

static void
report (Ctx *c, UlErasePhase phase, guint64 done)
{
  UlEraseProgress p = { phase, done, c->size, 0, 0 };
  double secs = (g_get_monotonic_time () - c->phase_start) / 1e6;

  if (c->progress == NULL)
    return;
  p.bytes_per_second = secs > 0 ? done / secs : 0;
  if (p.bytes_per_second > 0)
    p.seconds_left = ((phase == UL_ERASE_PHASE_WRITE ? c->size : 0) + (c->size - done)) /
                     p.bytes_per_second;
  c->progress (&p, c->user_data);
}

static void
fail (Ctx *c, UlEraseOutcome outcome, guint64 offset, const char *fmt, ...) G_GNUC_PRINTF (4, 5);

static void
fail (Ctx *c, UlEraseOutcome outcome, guint64 offset, const char *fmt, ...)
{
  va_list ap;

  /* blocks complete out of order: the failure at the lowest offset is the
   * one reported */
  if (c->result->outcome != UL_ERASE_OK && offset >= c->result->first_bad_offset)
    return;
  va_start (ap, fmt);
  c->result->outcome = outcome;
  c->result->first_bad_offset = offset;
  g_free (c->result->message);
  c->result->message = g_strdup_vprintf (fmt, ap);
  va_end (ap);
}

static void
compare (Ctx *c, const guint8 *got, guint64 offset, gsize len)
{
  if (!pattern_fill (&c->pat, offset, c->expect, len))
    {
      fail (c, UL_ERASE_FAILED, offset, "cannot make the pattern at offset %" G_GUINT64_FORMAT,
            offset);
      return;
    }
  if (memcmp (got, c->expect, len) == 0)
    return;
  for (gsize i = 0; i < len; i++)
    if (got[i] != c->expect[i])
      {
        if (c->result->outcome == UL_ERASE_OK || offset + i < c->result->first_bad_offset)
          fail (c, UL_ERASE_FAILED, offset + i,
                "byte at offset %" G_GUINT64_FORMAT " reads back 0x%02x, not 0x%02x",
                offset + i, got[i], c->expect[i]);
        c->result->mismatches++;
      }
}

/* writes (@write) or reads back the whole device, IO_THREADS blocks in
 * flight */
static void
run_pass (Ctx *c, gboolean write)
{
  UlErasePhase phase = write ? UL_ERASE_PHASE_WRITE : UL_ERASE_PHASE_VERIFY;
  IoJob jobs[N_BUFS];
  guint free_slots[N_BUFS];
  guint n_free = N_BUFS;
  guint64 next = 0;       /* offset of the next block to start */
  guint in_flight = 0;

  for (guint i = 0; i < N_BUFS; i++)
    free_slots[i] = i;

  c->phase_start = g_get_monotonic_time ();
  for (;;)
    {
      gboolean stop = c->result->outcome != UL_ERASE_OK ||
                      g_cancellable_is_cancelled (c->cancellable);

      /* start one more if a slot is free */
      if (!stop && next < c->size && in_flight < IO_THREADS)
        {
          guint slot = free_slots[--n_free];
          IoJob *job = &jobs[slot];
          gsize len = (gsize) MIN ((guint64) c->block, c->size - next);

          *job = (IoJob){ write, c->fd, c->bufs[slot], len, next, 0 };
          if (write && !pattern_fill (&c->pat, next, job->buf, len))
            {
              fail (c, UL_ERASE_FAILED, next, "cannot make the pattern");
              n_free++;
              continue;
            }
          if (write && c->opts->fault_write_at != 0 && c->opts->fault_write_at >= next &&
              c->opts->fault_write_at < next + len)
            job->fd = -1;   /* the test's injected write error: EBADF */
          g_async_queue_push (c->queues[0], job);
          in_flight++;
          next += len;
          continue;
        }
      if (in_flight == 0)
        break;
      {
        IoJob *done = g_async_queue_pop (c->queues[1]);

        in_flight--;
        if (done->done < 0)
          fail (c, UL_ERASE_FAILED, done->offset, "%s at offset %" G_GUINT64_FORMAT ": %s",
                write ? "write" : "read", done->offset, g_strerror ((int) -done->done));
        else if (write)
          c->result->bytes_written += done->len;
        else
          {
            compare (c, done->buf, done->offset, done->len);
            c->result->bytes_verified += done->len;
          }
        free_slots[n_free++] = (guint) (done - jobs);
        report (c, phase, write ? c->result->bytes_written : c->result->bytes_verified);
      }
    }
  if (c->result->outcome == UL_ERASE_OK && g_cancellable_is_cancelled (c->cancellable))
    fail (c, UL_ERASE_INTERRUPTED, write ? c->result->bytes_written : c->result->bytes_verified,
          "cancelled during the %s at offset %" G_GUINT64_FORMAT, write ? "overwrite" : "verify",
          write ? c->result->bytes_written : c->result->bytes_verified);
}

/* -- opening ------------------------------------------------------------- */

static void
ctx_start (Ctx *c)
{
  c->pat.opts = c->opts;
  c->pat.ctx = EVP_CIPHER_CTX_new ();
  for (int i = 0; i < N_BUFS; i++)
    c->bufs[i] = g_aligned_alloc0 (c->block, 1, ALIGN);
  c->expect = g_aligned_alloc0 (c->block, 1, ALIGN);
  c->queues[0] = g_async_queue_new ();
  c->queues[1] = g_async_queue_new ();
  for (int i = 0; i < IO_THREADS; i++)
    c->threads[i] = g_thread_new ("ul-erase-io", io_thread, c->queues);
}

static void
ctx_stop (Ctx *c)
{
  for (int i = 0; i < IO_THREADS; i++)
    g_async_queue_push (c->queues[0], &stop_job);
  for (int i = 0; i < IO_THREADS; i++)
    g_thread_join (c->threads[i]);
  g_async_queue_unref (c->queues[0]);
  g_async_queue_unref (c->queues[1]);
  for (int i = 0; i < N_BUFS; i++)
    g_aligned_free (c->bufs[i]);
  g_aligned_free (c->expect);
  EVP_CIPHER_CTX_free (c->pat.ctx);
  close (c->fd);
}

/* on its own duplicate of @fd, which it closes: the caller's stays open */
static gboolean
run (int fd, const char *label, const UlEraseOptions *opts, gboolean write,
     GCancellable *cancellable, UlEraseProgressFunc progress, gpointer user_data,
     UlEraseResult *result, GError **error)
{
  Ctx c = { 0 };
  int fl = fcntl (fd, F_GETFL);

  memset (result, 0, sizeof *result);
  if (fl < 0 || (write && (fl & O_ACCMODE) != O_RDWR))
    {
      g_set_error (error, UL_ERROR, UL_ERROR_INVALID_ARGUMENT, "%s is not open for writing",
                   label);
      return FALSE;
    }
  result->direct_io = (fl & O_DIRECT) != 0;
  if (!ul_erase_medium_size (fd, label, &result->size, error))
    return FALSE;
  c.fd = fcntl (fd, F_DUPFD_CLOEXEC, 0);
  if (c.fd < 0)
    {
      g_set_error (error, UL_ERROR, UL_ERROR_IO, "%s: %s", label, g_strerror (errno));
      return FALSE;
    }
  c.size = result->size;
  c.block = opts->block_size ? opts->block_size : DEFAULT_BLOCK;
  c.block = (c.block + ALIGN - 1) / ALIGN * ALIGN;
  c.opts = opts;
  c.cancellable = cancellable;
  c.progress = progress;
  c.user_data = user_data;
  c.result = result;
  result->started_at = g_get_real_time ();
  ctx_start (&c);

  if (write)
    {
      run_pass (&c, TRUE);
      /* on the medium, not in a cache, before reading it back */
      if (result->outcome == UL_ERASE_OK && fdatasync (c.fd) != 0)
        fail (&c, UL_ERASE_FAILED, result->bytes_written, "flushing the writes: %s",
              g_strerror (errno));
      if (!result->direct_io)
        (void) posix_fadvise (c.fd, 0, 0, POSIX_FADV_DONTNEED);
    }
  if (result->outcome == UL_ERASE_OK)
    run_pass (&c, FALSE);
  ctx_stop (&c);
  result->ended_at = g_get_real_time ();
  return TRUE;
}

gboolean
ul_erase_device_fd (int fd, const char *label, const UlEraseOptions *opts,
                    GCancellable *cancellable, UlEraseProgressFunc progress, gpointer user_data,
                    UlEraseResult *result, GError **error)
{
  return run (fd, label, opts, TRUE, cancellable, progress, user_data, result, error);
}

static gboolean
open_and_run (const char *path, const UlEraseOptions *opts, gboolean write,
              GCancellable *cancellable, UlEraseProgressFunc progress, gpointer user_data,
              UlEraseResult *result, GError **error)
{
  int fd = ul_erase_open (path, write, error);
  gboolean ok;

  if (fd < 0)
    return FALSE;
  ok = run (fd, path, opts, write, cancellable, progress, user_data, result, error);
  close (fd);
  return ok;
}

gboolean
ul_erase_device (const char *path, const UlEraseOptions *opts, GCancellable *cancellable,
                 UlEraseProgressFunc progress, gpointer user_data, UlEraseResult *result,
                 GError **error)
{
  return open_and_run (path, opts, TRUE, cancellable, progress, user_data, result, error);
}

gboolean
ul_erase_verify (const char *path, const UlEraseOptions *opts, GCancellable *cancellable,
                 UlEraseResult *result, GError **error)
{
  return open_and_run (path, opts, FALSE, cancellable, NULL, NULL, result, error);
}
