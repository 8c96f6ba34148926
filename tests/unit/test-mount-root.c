/* files on a medium are read beneath its root only (issue 9, item 6): a
 * folder swapped for a symlink between an event and its hash must not make
 * usbledgerd, as root, hash (and record as written) a file elsewhere, or
 * open a device node or FIFO */
#include "ul-hasher.h"
#include "ul-crypto.h"
#include "ul-error.h"
#include "ul-mount-root.h"
#include "ul-test-util.h"

#include <fcntl.h>
#include <glib/gstdio.h>
#include <sys/stat.h>
#include <unistd.h>

typedef struct {
  char *tmp;      /* holds "medium" and "secret" */
  char *medium;
  UlMountRoot *root;
} Fixture;

static void
setup (Fixture *f, gconstpointer data)
{
  g_autofree char *dir = NULL, *secret = NULL, *file = NULL;
  g_autoptr(GError) error = NULL;
  struct stat st;

  f->tmp = g_dir_make_tmp ("ul-root-XXXXXX", NULL);
  f->medium = g_build_filename (f->tmp, "medium", NULL);
  dir = g_build_filename (f->medium, "d", NULL);
  secret = g_build_filename (f->tmp, "secret", NULL);
  g_assert_cmpint (g_mkdir_with_parents (dir, 0755), ==, 0);
  g_assert_cmpint (g_mkdir_with_parents (secret, 0700), ==, 0);
  file = g_build_filename (dir, "f", NULL);
  g_assert_true (g_file_set_contents (file, "abc", 3, NULL));
  g_clear_pointer (&file, g_free);
  file = g_build_filename (secret, "f", NULL);
  g_assert_true (g_file_set_contents (file, "root only", -1, NULL));
  g_assert_cmpint (stat (f->medium, &st), ==, 0);
  f->root = ul_mount_root_open (f->medium, st.st_dev, &error);
  g_assert_no_error (error);
}

static void
teardown (Fixture *f, gconstpointer data)
{
  ul_mount_root_unref (f->root);
  ul_test_rm_rf (f->tmp);
  g_free (f->medium);
  g_free (f->tmp);
}

/* the folder "d" on the medium becomes a symlink to the secret folder */
static void
swap_folder_for_symlink (Fixture *f)
{
  g_autofree char *dir = g_build_filename (f->medium, "d", NULL);
  g_autofree char *moved = g_build_filename (f->medium, "d.old", NULL);
  g_autofree char *secret = g_build_filename (f->tmp, "secret", NULL);

  g_assert_cmpint (g_rename (dir, moved), ==, 0);
  g_assert_cmpint (symlink (secret, dir), ==, 0);
}

static UlHashStatus
open_status (Fixture *f, const char *rel)
{
  UlHashStatus status = UL_HASH_OK;
  int fd = ul_mount_root_open_file (f->root, rel, &status);

  if (fd >= 0)
    {
      close (fd);
      return UL_HASH_OK;
    }
  g_assert_cmpint (status, !=, UL_HASH_OK);
  return status;
}

static void
test_open_beneath (Fixture *f, gconstpointer data)
{
  g_autofree char *fifo = g_build_filename (f->medium, "fifo", NULL);
  g_autofree char *link = g_build_filename (f->medium, "link", NULL);

  g_assert_cmpint (open_status (f, "d/f"), ==, UL_HASH_OK);
  g_assert_cmpint (open_status (f, "d/none"), ==, UL_HASH_GONE);
  g_assert_cmpint (open_status (f, "d"), ==, UL_HASH_UNREADABLE);
  g_assert_cmpint (open_status (f, "../secret/f"), ==, UL_HASH_UNREADABLE);
  g_assert_cmpint (open_status (f, "/etc/passwd"), ==, UL_HASH_UNREADABLE);
  /* a FIFO would block an open for reading: never opened */
  g_assert_cmpint (mkfifo (fifo, 0644), ==, 0);
  g_assert_cmpint (open_status (f, "fifo"), ==, UL_HASH_UNREADABLE);
  /* a final symlink, to a file or a device */
  g_assert_cmpint (symlink ("/dev/null", link), ==, 0);
  g_assert_cmpint (open_status (f, "link"), ==, UL_HASH_UNREADABLE);
  swap_folder_for_symlink (f);
  g_assert_cmpint (open_status (f, "d/f"), ==, UL_HASH_UNREADABLE);
  g_assert_cmpint (open_status (f, "d.old/f"), ==, UL_HASH_OK);
}

/* the same through the faster path for a filesystem mounted nodev (the
 * check helper's own mount, udisks' mounts): a FIFO does not block it */
static void
test_open_beneath_nodev (Fixture *f, gconstpointer data)
{
  g_autofree char *fifo = g_build_filename (f->medium, "fifo", NULL);
  int root_fd = ul_mount_root_open_dir (f->root);
  dev_t dev = ul_mount_root_dev (f->root);
  UlHashStatus status = UL_HASH_OK;
  int fd;

  g_assert_cmpint (root_fd, >=, 0);
  fd = ul_mount_root_open_file_at (root_fd, dev, TRUE, "d/f", &status);
  g_assert_cmpint (fd, >=, 0);
  close (fd);
  g_assert_cmpint (mkfifo (fifo, 0644), ==, 0);
  g_assert_cmpint (ul_mount_root_open_file_at (root_fd, dev, TRUE, "fifo", &status), ==, -1);
  g_assert_cmpint (status, ==, UL_HASH_UNREADABLE);
  g_assert_cmpint (ul_mount_root_open_file_at (root_fd, dev, TRUE, "../secret/f", &status), ==,
                   -1);
  swap_folder_for_symlink (f);
  g_assert_cmpint (ul_mount_root_open_file_at (root_fd, dev, TRUE, "d/f", &status), ==, -1);
  g_assert_cmpint (status, ==, UL_HASH_UNREADABLE);
  close (root_fd);
}

static void
test_root_must_be_the_filesystem (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  struct stat st;

  g_assert_cmpint (stat ("/proc", &st), ==, 0);
  /* mountinfo said another filesystem is mounted there */
  g_assert_null (ul_mount_root_open (f->medium, st.st_dev, &error));
  g_assert_error (error, UL_ERROR, UL_ERROR_BAD_STATE);
}

/* the hasher as the file watch and the outside-change check use it: a job
 * whose folder was swapped for a symlink after the event is recorded
 * unreadable, without a hash; never the secret file's */
typedef struct {
  GPtrArray *records;
} Delivered;

static void
deliver (GPtrArray *records, gpointer data)
{
  Delivered *d = data;

  for (guint i = 0; i < records->len; i++)
    g_ptr_array_add (d->records, g_steal_pointer (&g_ptr_array_index (records, i)));
}

static UlFileJob *
job_for (Fixture *f, const char *rel)
{
  UlFileJob *job = g_new0 (UlFileJob, 1);

  job->rec = g_new0 (UlFileRecord, 1);
  job->rec->action = g_strdup ("created");
  job->rec->path = g_bytes_new (rel, strlen (rel));
  job->root = ul_mount_root_ref (f->root);
  job->rel_path = g_strdup (rel);
  job->fd = -1;
  job->hash = TRUE;
  return job;
}

static void
test_hasher_refuses_symlinked_folder (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  Delivered d = { g_ptr_array_new_with_free_func ((GDestroyNotify) ul_file_record_free) };
  UlHasher *h;
  UlFileRecord *ok, *swapped;
  int fd;

  ul_crypto_set_module_path (g_getenv ("UL_CRYPTO_MODULE"));
  h = ul_hasher_new (deliver, &d, &error);
  g_assert_no_error (error);
  ul_hasher_push (h, job_for (f, "d/f"));
  ul_hasher_drain (h);
  swap_folder_for_symlink (f);
  ul_hasher_push (h, job_for (f, "d/f"));
  /* an fd job (fanotify without names) of a file on another filesystem */
  fd = open ("/proc/self/status", O_RDONLY);
  {
    UlFileJob *job = job_for (f, "x");

    g_clear_pointer (&job->rel_path, g_free);
    job->fd = fd;
    ul_hasher_push (h, job);
  }
  ul_hasher_drain (h);
  ul_hasher_free (h);

  g_assert_cmpuint (d.records->len, ==, 3);
  ok = g_ptr_array_index (d.records, 0);
  g_assert_cmpstr (ok->status, ==, "ok");
  g_assert_cmpstr (ok->sha256, ==,
                   "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  swapped = g_ptr_array_index (d.records, 1);
  g_assert_cmpstr (swapped->status, ==, "unreadable");
  g_assert_null (swapped->sha256);
  g_assert_cmpstr (((UlFileRecord *) g_ptr_array_index (d.records, 2))->status, ==,
                   "unreadable");
  g_ptr_array_unref (d.records);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add ("/mount-root/open-beneath", Fixture, NULL, setup, test_open_beneath, teardown);
  g_test_add ("/mount-root/open-beneath-nodev", Fixture, NULL, setup, test_open_beneath_nodev,
              teardown);
  g_test_add ("/mount-root/root-is-the-filesystem", Fixture, NULL, setup,
              test_root_must_be_the_filesystem, teardown);
  g_test_add ("/mount-root/hasher-refuses-symlinked-folder", Fixture, NULL, setup,
              test_hasher_refuses_symlinked_folder, teardown);
  return g_test_run ();
}
