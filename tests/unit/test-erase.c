/* the erase engine on image files and (as root) loop devices */
#include <fcntl.h>
#include <glib/gstdio.h>
#include <openssl/evp.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ul-erase.h"
#include "ul-error.h"
#include "ul-test-util.h"

#define MiB (1024 * 1024)
/* not a multiple of the block: the last write is short */
#define SIZE (40 * MiB + 3 * 4096)

typedef struct {
  char *dir;
  char *image;
} Fixture;

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  g_autofree guint8 *junk = g_malloc (SIZE);
  int fd;

  f->dir = g_dir_make_tmp ("ul-erase-XXXXXX", NULL);
  f->image = g_build_filename (f->dir, "stick.img", NULL);
  memset (junk, 0xa5, SIZE);   /* "old data" */
  fd = open (f->image, O_WRONLY | O_CREAT, 0600);
  g_assert_cmpint (write (fd, junk, SIZE), ==, SIZE);
  close (fd);
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  ul_test_rm_rf (f->dir);
  g_free (f->dir);
  g_free (f->image);
}

static guint8 *
read_all (const char *path)
{
  guint8 *data = NULL;
  gsize len = 0;

  g_assert_true (g_file_get_contents (path, (char **) &data, &len, NULL));
  g_assert_cmpuint (len, ==, SIZE);
  return data;
}

static void
on_progress (const UlEraseProgress *p, gpointer data)
{
  UlEraseProgress *last = data;

  g_assert_cmpuint (p->done, <=, p->total);
  if (last->phase == p->phase)
    g_assert_cmpuint (p->done, >=, last->done);
  *last = *p;
}

static void
test_zeros (Fixture *f, gconstpointer data)
{
  UlEraseOptions opts = { UL_ERASE_ZEROS };
  UlEraseResult r;
  UlEraseProgress last = { 0 };
  g_autoptr(GError) error = NULL;
  g_autofree guint8 *after = NULL;
  g_autofree char *method = ul_erase_method_description (&opts);

  g_assert_true (ul_erase_device (f->image, &opts, NULL, on_progress, &last, &r, &error));
  g_assert_no_error (error);
  g_assert_cmpint (r.outcome, ==, UL_ERASE_OK);
  g_assert_cmpuint (r.size, ==, SIZE);
  g_assert_cmpuint (r.bytes_written, ==, SIZE);
  g_assert_cmpuint (r.bytes_verified, ==, SIZE);
  g_assert_cmpuint (r.mismatches, ==, 0);
  g_assert_null (r.message);
  g_assert_cmpint (last.phase, ==, UL_ERASE_PHASE_VERIFY);
  g_assert_cmpuint (last.done, ==, SIZE);
  after = read_all (f->image);
  for (gsize i = 0; i < SIZE; i++)
    if (after[i] != 0)
      g_error ("byte %zu is 0x%02x after the erase", i, after[i]);
  g_assert_nonnull (strstr (method, "1-pass overwrite with zeros"));
  g_assert_nonnull (strstr (method, "full read-back verification"));
  ul_erase_result_clear (&r);
}

static void
test_random_and_independent_verify (Fixture *f, gconstpointer data)
{
  UlEraseOptions opts;
  UlEraseResult r;
  g_autoptr(GError) error = NULL;
  g_autofree guint8 *after = NULL;
  g_autofree guint8 *expect = g_malloc0 (SIZE);
  EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new ();
  int n = 0;
  int fd;

  ul_erase_options_init_random (&opts);
  opts.block_size = 3 * MiB;   /* block boundaries off the AES block grid */
  g_assert_true (ul_erase_device (f->image, &opts, NULL, NULL, NULL, &r, &error));
  g_assert_cmpint (r.outcome, ==, UL_ERASE_OK);
  ul_erase_result_clear (&r);

  /* the medium holds exactly the AES-256-CTR keystream, made independently */
  g_assert_cmpint (EVP_EncryptInit_ex (ctx, EVP_aes_256_ctr (), NULL, opts.key, opts.iv), ==, 1);
  g_assert_cmpint (EVP_EncryptUpdate (ctx, expect, &n, expect, SIZE), ==, 1);
  EVP_CIPHER_CTX_free (ctx);
  after = read_all (f->image);
  g_assert_true (memcmp (after, expect, SIZE) == 0);

  /* an independent verify passes, then finds one changed byte */
  g_assert_true (ul_erase_verify (f->image, &opts, NULL, &r, &error));
  g_assert_cmpint (r.outcome, ==, UL_ERASE_OK);
  g_assert_cmpuint (r.bytes_verified, ==, SIZE);
  g_assert_cmpuint (r.bytes_written, ==, 0);
  ul_erase_result_clear (&r);
  fd = open (f->image, O_WRONLY);
  g_assert_cmpint (pwrite (fd, "\x42", 1, 12345678), ==, 1);
  close (fd);
  g_assert_true (ul_erase_verify (f->image, &opts, NULL, &r, &error));
  g_assert_cmpint (r.outcome, ==, UL_ERASE_FAILED);
  g_assert_cmpuint (r.first_bad_offset, ==, 12345678);
  g_assert_cmpuint (r.mismatches, ==, 1);
  g_assert_nonnull (strstr (r.message, "offset 12345678"));
  ul_erase_result_clear (&r);

  /* two changed bytes in neighbouring blocks, read by different I/O threads
   * and finished in either order: the lower offset is always the one named */
  fd = open (f->image, O_WRONLY);
  g_assert_cmpint (pwrite (fd, "\x42", 1, 12345678 + 64 * 1024), ==, 1);
  close (fd);
  opts.block_size = 64 * 1024;
  for (int i = 0; i < 20; i++)
    {
      g_assert_true (ul_erase_verify (f->image, &opts, NULL, &r, &error));
      g_assert_cmpint (r.outcome, ==, UL_ERASE_FAILED);
      g_assert_cmpuint (r.first_bad_offset, ==, 12345678);
      g_assert_cmpuint (r.mismatches, >=, 1);
      g_assert_nonnull (strstr (r.message, "offset 12345678 "));
      ul_erase_result_clear (&r);
    }

  /* the wrong key is not the pattern */
  opts.key[0] ^= 1;
  g_assert_true (ul_erase_verify (f->image, &opts, NULL, &r, &error));
  g_assert_cmpint (r.outcome, ==, UL_ERASE_FAILED);
  g_assert_cmpuint (r.first_bad_offset, <, 32);
  ul_erase_result_clear (&r);
}

static void
test_write_error (Fixture *f, gconstpointer data)
{
  UlEraseOptions opts = { UL_ERASE_ZEROS };
  UlEraseResult r;
  g_autoptr(GError) error = NULL;

  opts.fault_write_at = 9 * MiB + 5;
  g_assert_true (ul_erase_device (f->image, &opts, NULL, NULL, NULL, &r, &error));
  g_assert_cmpint (r.outcome, ==, UL_ERASE_FAILED);
  /* the failed block starts at 8 MiB; nothing after it counts as written,
   * and nothing is verified */
  g_assert_cmpuint (r.first_bad_offset, ==, 8 * MiB);
  g_assert_cmpuint (r.bytes_written, <=, 12 * MiB);
  g_assert_cmpuint (r.bytes_verified, ==, 0);
  g_assert_nonnull (strstr (r.message, "write at offset 8388608"));
  ul_erase_result_clear (&r);
}

static void
cancel_half_way (const UlEraseProgress *p, gpointer data)
{
  if (p->done >= 8 * MiB)
    g_cancellable_cancel (data);
}

static void
test_cancel (Fixture *f, gconstpointer data)
{
  UlEraseOptions opts = { UL_ERASE_ZEROS };
  UlEraseResult r;
  g_autoptr(GError) error = NULL;
  g_autoptr(GCancellable) cancel = g_cancellable_new ();

  g_assert_true (ul_erase_device (f->image, &opts, cancel, cancel_half_way, cancel, &r, &error));
  g_assert_cmpint (r.outcome, ==, UL_ERASE_INTERRUPTED);
  g_assert_cmpuint (r.bytes_written, <, SIZE);
  g_assert_cmpuint (r.bytes_verified, ==, 0);
  g_assert_cmpuint (r.first_bad_offset, ==, r.bytes_written);
  g_assert_nonnull (strstr (r.message, "cancelled during the overwrite"));
  ul_erase_result_clear (&r);
}

static void
test_refused (Fixture *f, gconstpointer data)
{
  UlEraseOptions opts = { UL_ERASE_ZEROS };
  UlEraseResult r;
  g_autoptr(GError) error = NULL;
  g_autofree char *empty = g_build_filename (f->dir, "empty", NULL);

  g_assert_false (ul_erase_device (f->dir, &opts, NULL, NULL, NULL, &r, &error));
  g_assert_nonnull (error);
  g_clear_error (&error);
  g_assert_true (g_file_set_contents (empty, "", 0, NULL));
  g_assert_false (ul_erase_device (empty, &opts, NULL, NULL, NULL, &r, &error));
  g_assert_error (error, UL_ERROR, UL_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  g_assert_false (ul_erase_device ("/nonexistent-ul", &opts, NULL, NULL, NULL, &r, &error));
  g_assert_error (error, UL_ERROR, UL_ERROR_IO);
}

static char *
run_tool (const char *cmd)
{
  g_autofree char *out = NULL;
  int status = 0;

  if (!g_spawn_command_line_sync (cmd, &out, NULL, &status, NULL) ||
      !g_spawn_check_wait_status (status, NULL))
    return NULL;
  return g_strstrip (g_steal_pointer (&out));
}

/* a real block device: O_DIRECT, and a mounted one is refused */
static void
test_loop_device (Fixture *f, gconstpointer data)
{
  UlEraseOptions opts = { UL_ERASE_ZEROS };
  UlEraseResult r;
  g_autoptr(GError) error = NULL;
  g_autofree char *cmd = g_strdup_printf ("losetup -f --show %s", f->image);
  g_autofree char *dev = NULL;
  g_autofree char *mnt = g_build_filename (f->dir, "mnt", NULL);
  g_autofree char *mkfs = NULL, *mount = NULL, *umount = NULL, *detach = NULL;
  g_autofree char *made = NULL, *mounted = NULL;

  if (getuid () != 0 || (dev = run_tool (cmd)) == NULL)
    {
      g_test_skip ("needs root and loop devices");
      return;
    }
  detach = g_strdup_printf ("losetup -d %s", dev);
  g_assert_true (ul_erase_device (dev, &opts, NULL, NULL, NULL, &r, &error));
  g_assert_no_error (error);
  g_assert_cmpint (r.outcome, ==, UL_ERASE_OK);
  g_assert_true (r.direct_io);
  g_assert_cmpuint (r.bytes_verified, ==, SIZE);
  ul_erase_result_clear (&r);

  mkfs = g_strdup_printf ("mkfs.ext4 -q %s", dev);
  mount = g_strdup_printf ("mount %s %s", dev, mnt);
  umount = g_strdup_printf ("umount %s", mnt);
  g_assert_cmpint (g_mkdir (mnt, 0700), ==, 0);
  made = run_tool (mkfs);
  mounted = made != NULL ? run_tool (mount) : NULL;
  if (mounted != NULL)
    {
      g_autofree char *unused = NULL;

      g_assert_false (ul_erase_device (dev, &opts, NULL, NULL, NULL, &r, &error));
      g_assert_error (error, UL_ERROR, UL_ERROR_BAD_STATE);
      g_assert_nonnull (strstr (error->message, "mounted or in use"));
      unused = run_tool (umount);
    }
  g_free (run_tool (detach));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add ("/erase/zeros", Fixture, NULL, fixture_setup, test_zeros, fixture_teardown);
  g_test_add ("/erase/random-and-verify", Fixture, NULL, fixture_setup,
              test_random_and_independent_verify, fixture_teardown);
  g_test_add ("/erase/write-error", Fixture, NULL, fixture_setup, test_write_error,
              fixture_teardown);
  g_test_add ("/erase/cancel", Fixture, NULL, fixture_setup, test_cancel, fixture_teardown);
  g_test_add ("/erase/refused", Fixture, NULL, fixture_setup, test_refused, fixture_teardown);
  g_test_add ("/erase/loop-device", Fixture, NULL, fixture_setup, test_loop_device,
              fixture_teardown);
  return g_test_run ();
}
