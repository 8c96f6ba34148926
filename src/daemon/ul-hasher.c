/* ul-hasher.c: one worker thread, a FIFO of jobs in, a FIFO of records out.
 * The main loop is woken by one idle source per batch (not per record) and
 * writes each batch in one transaction. Nothing is dropped: a full backlog
 * is the file watch's cue to stop reading fanotify (the kernel queues). */
#include "ul-hasher.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ul-crypto.h"

struct _UlHasher {
  const UlCryptoOps *crypto;
  gint64 max_bytes;       /* a larger file is not hashed (0: no budget) */
  GThread *thread;
  GAsyncQueue *jobs;
  GMutex lock;            /* guards done, pending, idle_id, stopping */
  GCond drained;
  GPtrArray *done;        /* UlFileRecord* finished, not yet delivered */
  guint pending;          /* jobs queued or running */
  guint idle_id;
  UlHasherDeliver deliver;
  gpointer user_data;
  guint low;
  GSourceFunc low_func;
  gpointer low_data;
  guint64 queued;         /* jobs ever pushed (main thread) */
  guint64 delivered;      /* records ever delivered (main thread) */
  GQueue after;           /* After*, in the order asked for */
  char *test_hold;        /* tests only: a FIFO to stop at (see worker) */
};

/* a function to call once the jobs queued up to @queued are delivered */
typedef struct {
  guint64 queued;
  GSourceFunc func;
  gpointer data;
} After;

/* a job that tells the thread to stop */
static UlFileJob stop_job;

void
ul_file_job_free (UlFileJob *job)
{
  if (job == NULL || job == &stop_job)
    return;
  ul_file_record_free (job->rec);
  g_free (job->rel_path);
  ul_mount_root_unref (job->root);
  if (job->fd >= 0)
    close (job->fd);
  g_free (job);
}

/* one file's hash, within the budget: a huge (or sparse) file would hold
 * every other record behind it for as long as it takes to read */
static UlHashStatus
hash_fd (const UlCryptoOps *crypto, gint64 max_bytes, int fd, UlHashBuffer *buf, gint64 *size,
         char **sha)
{
  struct stat st;

  if (max_bytes > 0 && fstat (fd, &st) == 0 && st.st_size > max_bytes)
    {
      *size = st.st_size;
      return UL_HASH_TOO_LARGE;
    }
  return crypto->file_hash_fd_with (fd, buf, size, sha);
}

/* the root of the filesystem the worker reads now, held while jobs for it
 * follow one another (not reopened for each file of a burst) and closed as
 * soon as the queue is empty: an open root keeps the mount busy */
typedef struct {
  UlMountRoot *root;
  int fd;
  gboolean nodev;
} RootCache;

static void
root_cache_clear (RootCache *rc)
{
  if (rc->fd >= 0)
    close (rc->fd);
  rc->fd = -1;
  g_clear_pointer (&rc->root, ul_mount_root_unref);
}

static int
root_cache_get (RootCache *rc, UlMountRoot *root)
{
  if (rc->root != root)
    {
      root_cache_clear (rc);
      rc->root = ul_mount_root_ref (root);
      rc->fd = ul_mount_root_open_dir (root);
      rc->nodev = rc->fd >= 0 && ul_mount_root_fd_nodev (rc->fd);
    }
  return rc->fd;
}

static void
run_job (const UlCryptoOps *crypto, gint64 max_bytes, UlFileJob *job, UlHashBuffer *buf,
         RootCache *rc)
{
  UlFileRecord *rec = job->rec;
  UlHashStatus status;
  g_autofree char *sha = NULL;
  gint64 size = -1;

  if (!job->hash)
    {
      if (rec->status == NULL)
        rec->status = g_strdup ("none");
      return;
    }
  /* only a regular file on the medium's filesystem, reached without a
   * symlink (ul-mount-root.h): never what a swapped folder points to */
  if (job->root == NULL)
    status = UL_HASH_UNREADABLE;
  else if (job->fd >= 0)
    status = ul_fd_is_regular_on (job->fd, ul_mount_root_dev (job->root))
               ? hash_fd (crypto, max_bytes, job->fd, buf, &size, &sha)
               : UL_HASH_UNREADABLE;
  else
    {
      int root_fd = root_cache_get (rc, job->root);
      int fd = -1;

      status = UL_HASH_UNREADABLE;
      if (root_fd >= 0)
        fd = ul_mount_root_open_file_at (root_fd, ul_mount_root_dev (job->root), rc->nodev,
                                         job->rel_path, &status);

      if (fd >= 0)
        {
          status = hash_fd (crypto, max_bytes, fd, buf, &size, &sha);
          close (fd);
        }
    }
  rec->size = size;
  rec->sha256 = g_steal_pointer (&sha);
  g_free (rec->status);
  rec->status = g_strdup (ul_hash_status_to_string (status));
}

static gboolean
on_done (gpointer data)
{
  UlHasher *h = data;
  g_autoptr(GPtrArray) batch = NULL;
  gboolean below;

  g_mutex_lock (&h->lock);
  h->idle_id = 0;
  batch = h->done;
  h->done = g_ptr_array_new_with_free_func ((GDestroyNotify) ul_file_record_free);
  below = h->pending <= h->low;
  g_mutex_unlock (&h->lock);

  if (batch->len > 0)
    h->deliver (batch, h->user_data);
  h->delivered += batch->len;
  /* what waited for these records (a check at unmount compares against them) */
  while (!g_queue_is_empty (&h->after) &&
         ((After *) g_queue_peek_head (&h->after))->queued <= h->delivered)
    {
      g_autofree After *a = g_queue_pop_head (&h->after);

      a->func (a->data);
    }
  if (below && h->low_func != NULL)
    h->low_func (h->low_data);
  return G_SOURCE_REMOVE;
}

/* for tests only (USBLEDGER_HASHER_TEST_HOLD names a FIFO): before a file
 * named "*.hold", say "held" there and wait until FIFO.release is opened
 * for writing and closed, so a test can unmount while records are queued.
 * Never a blocking open: under umockdev's preload every open() of the
 * process waits for one that blocks. */
static void
test_hold (const char *fifo)
{
  g_autofree char *release = g_strconcat (fifo, ".release", NULL);
  int fd = open (fifo, O_WRONLY | O_NONBLOCK | O_CLOEXEC);

  if (fd >= 0)
    {
      if (write (fd, "held\n", 5) < 0)
        g_warning ("%s: %s", fifo, g_strerror (errno));
      close (fd);
    }
  fd = open (release, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd >= 0)
    {
      /* a FIFO's reader gets POLLHUP once a writer came and went */
      struct pollfd p = { fd, POLLIN, 0 };

      while (poll (&p, 1, -1) < 0 && errno == EINTR)
        ;
      close (fd);
    }
}

static gpointer
worker (gpointer data)
{
  UlHasher *h = data;
  UlHashBuffer *buf = h->crypto->hash_buffer_new ();
  RootCache rc = { NULL, -1, FALSE };

  for (;;)
    {
      UlFileJob *job = g_async_queue_pop (h->jobs);

      if (job == &stop_job)
        break;
      if (h->test_hold != NULL && job->rel_path != NULL &&
          g_str_has_suffix (job->rel_path, ".hold"))
        {
          /* a job waiting holds nothing on the medium */
          root_cache_clear (&rc);
          test_hold (h->test_hold);
        }
      run_job (h->crypto, h->max_bytes, job, buf, &rc);
      if (g_async_queue_length (h->jobs) <= 0)
        root_cache_clear (&rc);
      g_mutex_lock (&h->lock);
      g_ptr_array_add (h->done, g_steal_pointer (&job->rec));
      h->pending--;
      if (h->idle_id == 0)
        h->idle_id = g_idle_add (on_done, h);
      if (h->pending == 0)
        g_cond_broadcast (&h->drained);
      g_mutex_unlock (&h->lock);
      ul_file_job_free (job);
    }
  root_cache_clear (&rc);
  h->crypto->hash_buffer_free (buf);
  return NULL;
}

UlHasher *
ul_hasher_new (UlHasherDeliver deliver, gpointer user_data, GError **error)
{
  const UlCryptoOps *crypto = ul_crypto (error);
  UlHasher *h;

  if (crypto == NULL)
    return NULL;
  h = g_new0 (UlHasher, 1);
  h->crypto = crypto;

  g_mutex_init (&h->lock);
  g_cond_init (&h->drained);
  h->jobs = g_async_queue_new ();
  h->done = g_ptr_array_new_with_free_func ((GDestroyNotify) ul_file_record_free);
  h->deliver = deliver;
  h->user_data = user_data;
  g_queue_init (&h->after);
  h->test_hold = g_strdup (g_getenv ("USBLEDGER_HASHER_TEST_HOLD"));
  h->thread = g_thread_new ("ul-hasher", worker, h);
  return h;
}

void
ul_hasher_set_max_bytes (UlHasher *h, gint64 max_bytes)
{
  h->max_bytes = max_bytes;
}

void
ul_hasher_push (UlHasher *h, UlFileJob *job)
{
  g_mutex_lock (&h->lock);
  h->pending++;
  g_mutex_unlock (&h->lock);
  h->queued++;
  g_async_queue_push (h->jobs, job);
}

void
ul_hasher_after_queued (UlHasher *h, GSourceFunc func, gpointer data)
{
  After *a;

  if (h->delivered >= h->queued)
    {
      func (data);
      return;
    }
  a = g_new0 (After, 1);
  a->queued = h->queued;
  a->func = func;
  a->data = data;
  g_queue_push_tail (&h->after, a);
}

guint
ul_hasher_pending (UlHasher *h)
{
  guint n;

  g_mutex_lock (&h->lock);
  n = h->pending;
  g_mutex_unlock (&h->lock);
  return n;
}

void
ul_hasher_set_low_water (UlHasher *h, guint low, GSourceFunc func, gpointer data)
{
  h->low = low;
  h->low_func = func;
  h->low_data = data;
}

void
ul_hasher_drain (UlHasher *h)
{
  g_mutex_lock (&h->lock);
  while (h->pending > 0)
    g_cond_wait (&h->drained, &h->lock);
  if (h->idle_id != 0)
    {
      g_source_remove (h->idle_id);
      h->idle_id = 0;
    }
  g_mutex_unlock (&h->lock);
  on_done (h);
}

void
ul_hasher_free (UlHasher *h)
{
  if (h == NULL)
    return;
  ul_hasher_drain (h);
  g_async_queue_push (h->jobs, &stop_job);
  g_thread_join (h->thread);
  g_async_queue_unref (h->jobs);
  g_ptr_array_unref (h->done);
  g_mutex_clear (&h->lock);
  g_cond_clear (&h->drained);
  g_queue_clear_full (&h->after, g_free);
  g_free (h->test_hold);
  g_free (h);
}
