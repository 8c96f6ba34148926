/* the erasure unmounts the medium's filesystems as root: only the very
 * mount it decided on (issue 9, item 16), never one mounted over it or in
 * its place since, never through a symlink put where its mount point was */
#include "ul-error.h"
#include "ul-test-util.h"
#include "ul-unmount.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/mount.h>
#include <unistd.h>

typedef struct {
  char *tmp;
  char *point;    /* where the "medium" is mounted */
} Fixture;

static void
setup (Fixture *f, gconstpointer data)
{
  f->tmp = g_dir_make_tmp ("ul-unmount-XXXXXX", NULL);
  f->point = g_build_filename (f->tmp, "medium", NULL);
  g_assert_cmpint (g_mkdir (f->point, 0755), ==, 0);
}

static void
teardown (Fixture *f, gconstpointer data)
{
  /* whatever a test left mounted */
  while (umount2 (f->point, MNT_DETACH) == 0)
    ;
  ul_test_rm_rf (f->tmp);
  g_free (f->point);
  g_free (f->tmp);
}

static gboolean
can_mount (void)
{
  if (geteuid () != 0)
    {
      g_test_skip ("needs root to mount tmpfs");
      return FALSE;
    }
  return TRUE;
}

static void
mount_tmpfs (const char *where)
{
  g_assert_cmpint (mount ("ul-test", where, "tmpfs", 0, "size=1m"), ==, 0);
}

/* the topmost mount at @point, as the daemon reads it */
static UlMount *
mount_at (const char *point)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) mounts = ul_mountinfo_read ("/proc/self/mountinfo", &error);
  gint found = -1;

  g_assert_no_error (error);
  for (guint i = 0; i < mounts->len; i++)
    if (g_strcmp0 (((UlMount *) g_ptr_array_index (mounts, i))->mount_point, point) == 0)
      found = (gint) i;   /* the last one listed is on top */
  g_assert_cmpint (found, >=, 0);
  return g_ptr_array_steal_index (mounts, (guint) found);
}

/* the medium's filesystem, mounted at f->point, as read before unmounting */
static UlMount *
mount_medium (Fixture *f)
{
  mount_tmpfs (f->point);
  return mount_at (f->point);
}

/* a folder beside the mount point, for a filesystem that is not the medium's */
static char *
make_other (Fixture *f)
{
  char *other = g_build_filename (f->tmp, "other", NULL);

  g_assert_cmpint (g_mkdir (other, 0755), ==, 0);
  return other;
}

static void
assert_refused (const UlMount *m)
{
  g_autoptr(GError) error = NULL;

  g_assert_false (ul_mount_unmount_checked (m, &error));
  g_assert_error (error, UL_ERROR, UL_ERROR_BAD_STATE);
  g_assert_nonnull (strstr (error->message, "is no longer the medium's mount"));
}

static gboolean
is_mounted (const char *point)
{
  g_autoptr(GPtrArray) mounts = ul_mountinfo_read ("/proc/self/mountinfo", NULL);

  for (guint i = 0; mounts != NULL && i < mounts->len; i++)
    if (g_strcmp0 (((UlMount *) g_ptr_array_index (mounts, i))->mount_point, point) == 0)
      return TRUE;
  return FALSE;
}

static void
test_the_mount_decided_on (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(UlMount) m = NULL;

  if (!can_mount ())
    return;
  m = mount_medium (f);
  g_assert_true (ul_mount_unmount_checked (m, &error));
  g_assert_no_error (error);
  g_assert_false (is_mounted (f->point));
}

static void
test_another_mount_in_its_place (Fixture *f, gconstpointer data)
{
  g_autoptr(UlMount) m = NULL;
  g_autofree char *other = NULL;

  if (!can_mount ())
    return;
  other = make_other (f);
  m = mount_medium (f);
  mount_tmpfs (other);
  /* the medium's mount is gone; someone moved their own filesystem there
   * (a new mount could get the freed id and device number again: the
   * kernel reuses both) */
  g_assert_cmpint (umount (f->point), ==, 0);
  g_assert_cmpint (mount (other, f->point, NULL, MS_MOVE, NULL), ==, 0);
  assert_refused (m);
  g_assert_true (is_mounted (f->point));
}

static void
test_a_mount_over_it (Fixture *f, gconstpointer data)
{
  g_autoptr(UlMount) m = NULL;

  if (!can_mount ())
    return;
  m = mount_medium (f);
  mount_tmpfs (f->point);   /* stacked over the medium's */
  assert_refused (m);
  g_assert_true (is_mounted (f->point));
}

static void
test_a_symlink_in_its_place (Fixture *f, gconstpointer data)
{
  g_autoptr(UlMount) m = NULL;
  g_autofree char *other = NULL;

  if (!can_mount ())
    return;
  other = make_other (f);
  m = mount_medium (f);
  /* the medium's mount detached, its mount point made a symlink to a
   * mount that is not the medium's */
  g_assert_cmpint (umount2 (f->point, MNT_DETACH), ==, 0);
  g_assert_cmpint (g_rmdir (f->point), ==, 0);
  mount_tmpfs (other);
  g_assert_cmpint (symlink (other, f->point), ==, 0);
  assert_refused (m);
  g_assert_true (is_mounted (other));
  g_assert_cmpint (umount (other), ==, 0);
  g_assert_cmpint (g_unlink (f->point), ==, 0);
  g_assert_cmpint (g_mkdir (f->point, 0755), ==, 0);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add ("/unmount/the-mount-decided-on", Fixture, NULL, setup, test_the_mount_decided_on,
              teardown);
  g_test_add ("/unmount/another-mount-in-its-place", Fixture, NULL, setup,
              test_another_mount_in_its_place, teardown);
  g_test_add ("/unmount/a-mount-over-it", Fixture, NULL, setup, test_a_mount_over_it,
              teardown);
  g_test_add ("/unmount/a-symlink-in-its-place", Fixture, NULL, setup,
              test_a_symlink_in_its_place, teardown);
  return g_test_run ();
}
