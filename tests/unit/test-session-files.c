/* the pieces of usage sessions that need no daemon: mountinfo parsing,
 * manifests, file hashing, and the session records in the logbook */
#include <fcntl.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "ul-error.h"
#include "ul-file-hash.h"
#include "ul-manifest.h"
#include "ul-mountinfo.h"
#include "ul-store.h"
#include "ul-test-util.h"
#include "ul-time.h"

static void
test_mountinfo (void)
{
  const char *text =
    "22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw\n"
    "36 22 8:17 / /media/tanaka/\\345\\215\\260\\040USB\\011x rw,nosuid shared:9 master:2 - vfat "
    "/dev/sdb1 rw,uid=1000\n"
    "37 22 0:52 / /run/user/1000/doc rw - fuse.portal portal rw\n"
    "garbage line\n"
    "38 22 7:0 / /mnt/x\\134y rw - fuseblk /dev/loop0 rw\n";
  g_autoptr(GPtrArray) table = ul_mountinfo_parse (text);
  UlMount *m;

  g_assert_cmpuint (table->len, ==, 4);
  m = g_ptr_array_index (table, 1);
  g_assert_cmpint (m->mount_id, ==, 36);
  g_assert_cmpuint (major (m->dev), ==, 8);
  g_assert_cmpuint (minor (m->dev), ==, 17);
  /* octal escapes: 印 (3 bytes), a space, a tab */
  g_assert_cmpstr (m->mount_point, ==, "/media/tanaka/\345\215\260 USB\tx");
  g_assert_cmpstr (m->fstype, ==, "vfat");
  g_assert_cmpstr (m->source, ==, "/dev/sdb1");
  g_assert_cmpuint (ul_mount_block_device (m), ==, makedev (8, 17));
  m = g_ptr_array_index (table, 3);
  g_assert_cmpstr (m->mount_point, ==, "/mnt/x\\y");
  /* an anonymous device with a source that is no block device: none */
  g_assert_cmpuint (ul_mount_block_device (g_ptr_array_index (table, 2)), ==, 0);
  /* fuseblk (exfat-fuse) reports its block device */
  g_assert_cmpuint (ul_mount_block_device (m), ==, makedev (7, 0));
  {
    /* an anonymous device whose source names a block device (a tmpfs or a
     * user's FUSE mount with fsname=/dev/loop0): never the medium's */
    g_autoptr(GPtrArray) forged = ul_mountinfo_parse (
      "39 22 0:60 / /home/u/x rw - tmpfs /dev/loop0 rw\n");

    g_assert_cmpuint (ul_mount_block_device (g_ptr_array_index (forged, 0)), ==, 0);
  }
}

static void
write_file (const char *dir, const char *name, const char *data)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autofree char *parent = g_path_get_dirname (path);

  g_assert_cmpint (g_mkdir_with_parents (parent, 0755), ==, 0);
  g_assert_true (g_file_set_contents (path, data, -1, NULL));
}

static void
on_diff (const char *path, UlManifestChange change, const UlManifestEntry *now, gpointer data)
{
  g_string_append_printf (data, "%c %s;", "AMD"[change], path);
}

static void
test_manifest (void)
{
  g_autofree char *root = g_dir_make_tmp ("ul-manifest-XXXXXX", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GHashTable) before = NULL, after = NULL, parsed = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GString) diff = g_string_new (NULL);
  g_autofree char *gone = g_build_filename (root, "gone.txt", NULL);
  g_autofree char *link = g_build_filename (root, "link", NULL);
  guint n_errors = 0;

  write_file (root, "a/b/議事録.txt", "x");
  write_file (root, "gone.txt", "y");
  write_file (root, "tab\tand\nnewline", "z");
  g_assert_cmpint (symlink ("/etc", link), ==, 0);
  before = ul_manifest_walk (root, &n_errors, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (n_errors, ==, 0);
  /* folders, files, the symlink (not followed) */
  g_assert_cmpuint (g_hash_table_size (before), ==, 6);
  g_assert_true (((UlManifestEntry *) g_hash_table_lookup (before, "a/b"))->dir);

  /* any byte but NUL survives the round trip */
  bytes = ul_manifest_serialize (before);
  parsed = ul_manifest_parse (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_hash_table_size (parsed), ==, 6);
  g_assert_true (g_hash_table_contains (parsed, "tab\tand\nnewline"));
  g_assert_null (ul_manifest_parse ((const guint8 *) "F\t1\t2", 5, &error));
  g_clear_error (&error);
  g_assert_null (ul_manifest_parse ((const guint8 *) "X\t1\t2\tp", 9, &error));
  g_clear_error (&error);

  write_file (root, "a/b/議事録.txt", "longer now");
  write_file (root, "new.txt", "n");
  g_assert_cmpint (g_unlink (gone), ==, 0);
  after = ul_manifest_walk (root, &n_errors, &error);
  g_assert_no_error (error);
  ul_manifest_diff (parsed, after, on_diff, diff);
  g_assert_cmpstr (diff->str, ==, "M a/b/議事録.txt;A new.txt;D gone.txt;");

  g_assert_null (ul_manifest_walk ("/nonexistent-ul", &n_errors, &error));
  g_assert_error (error, UL_ERROR, UL_ERROR_IO);
  ul_test_rm_rf (root);
}

static void
test_file_hash (void)
{
  g_autofree char *root = g_dir_make_tmp ("ul-hash-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (root, "f", NULL);
  g_autofree char *sha = NULL;
  gint64 size = 0;

  g_assert_true (g_file_set_contents (path, "abc", 3, NULL));
  g_assert_cmpint (ul_file_hash_at (AT_FDCWD, path, &size, &sha), ==, UL_HASH_OK);
  g_assert_cmpint (size, ==, 3);
  g_assert_cmpstr (sha, ==, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  g_clear_pointer (&sha, g_free);
  g_assert_cmpint (ul_file_hash_at (AT_FDCWD, root, &size, &sha), ==, UL_HASH_UNREADABLE);
  g_assert_null (sha);
  g_assert_cmpint (ul_file_hash_at (AT_FDCWD, "/nonexistent-ul/x", &size, &sha), ==,
                   UL_HASH_GONE);
  g_assert_cmpstr (ul_hash_status_to_string (UL_HASH_INCOMPLETE), ==, "incomplete");
  /* a read that fails part-way (here: a write-only fd) gives no hash */
  {
    int fd = open (path, O_WRONLY);

    g_assert_cmpint (ul_file_hash_fd (fd, &size, &sha), ==, UL_HASH_INCOMPLETE);
    g_assert_null (sha);
    close (fd);
  }
  g_unlink (path);
  g_rmdir (root);
}

static void
test_store_sessions (void)
{
  g_autofree char *dir = g_dir_make_tmp ("ul-store-XXXXXX", NULL);
  g_autofree char *db = g_build_filename (dir, "logbook.db", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(UlStore) store = ul_store_open (db, &error);
  g_autoptr(UlMedium) m = ul_medium_new ();
  g_autoptr(UlDevice) dev = g_new0 (UlDevice, 1);
  g_autoptr(UlMountRecord) mount = g_new0 (UlMountRecord, 1);
  g_autoptr(GPtrArray) live = NULL;
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(UlSession) s = NULL;
  UlSessionFilter filter = { 0 };
  gint64 device_id = 0, sid = 0, since, until;
  const char *paths[][3] = {
    { "created", "a.txt", NULL }, { "created", "b.txt", NULL },
    { "renamed", "c.txt", "b.txt" }, { "deleted", "a.txt", NULL }, { "created", "d.txt", NULL },
  };

  g_assert_no_error (error);
  dev->vendor_id = 0x0781;
  dev->product_id = 0x5567;
  dev->serial = g_bytes_new_static ("S", 1);
  dev->descriptor_hash = g_strnfill (64, 'a');
  dev->name = g_strdup ("1-2");
  dev->speed = g_strdup ("480");
  g_assert_true (ul_store_note_device (store, dev, 1, &device_id, &error));
  m->asset_number = g_strdup ("USB-1");
  m->vendor_id = 0x0781;
  m->product_id = 0x5567;
  m->serial = g_bytes_new_static ("S", 1);
  m->descriptor_hash = g_strnfill (64, 'a');
  m->registered_by = g_strdup ("kanri");
  m->registered_at = 1;
  m->all_staff = TRUE;
  ul_store_add_medium (store, m, &error);
  g_assert_no_error (error);
  g_assert_true (ul_time_parse_month ("2026-11", &since, &until, &error));
  g_assert_true (ul_store_open_session (store, m->id, device_id, "tanaka", 1000, "pc1",
                                        since + 10, &sid, &error));
  mount->session_id = sid;
  mount->device = g_strdup ("8:17");
  mount->mount_point = g_bytes_new_static ("/media/x", 8);
  mount->fstype = g_strdup ("vfat");
  mount->watch = g_strdup ("fanotify-names");
  mount->mounted_at = since + 20;
  g_assert_true (ul_store_add_mount (store, mount, &error));
  for (guint i = 0; i < G_N_ELEMENTS (paths); i++)
    {
      g_autoptr(UlFileRecord) f = g_new0 (UlFileRecord, 1);

      f->session_id = sid;
      f->mount_id = mount->id;
      f->action = g_strdup (paths[i][0]);
      f->path = g_bytes_new (paths[i][1], strlen (paths[i][1]));
      f->old_path = paths[i][2] ? g_bytes_new (paths[i][2], strlen (paths[i][2])) : NULL;
      f->size = -1;
      f->status = g_strdup ("none");
      f->source = g_strdup ("fanotify");
      f->time = since + 30;
      f->uid = -1;
      g_assert_true (ul_store_add_file (store, f, &error));
    }
  g_assert_no_error (error);

  /* deleted and renamed-away paths are not there any more */
  live = ul_store_list_live_paths (store, mount->id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (live->len, ==, 2);

  s = ul_store_get_session (store, sid, &error);
  g_assert_no_error (error);
  g_assert_cmpint (s->n_files, ==, 4);   /* a, b, c, d */
  g_clear_pointer (&s, ul_session_free);

  /* the count is kept, not counted: a record rolled back does not count, a
   * path known before a restart (a new store on the same logbook) is not
   * counted twice, a new one is */
  {
    g_autoptr(UlFileRecord) f = g_new0 (UlFileRecord, 1);
    g_autoptr(UlStore) again = NULL;

    f->session_id = sid;
    f->mount_id = mount->id;
    f->action = g_strdup ("created");
    f->path = g_bytes_new_static ("e.txt", 5);
    f->size = -1;
    f->status = g_strdup ("none");
    f->source = g_strdup ("fanotify");
    f->time = since + 31;
    f->uid = -1;
    g_assert_true (ul_store_begin (store, &error));
    g_assert_true (ul_store_add_file (store, f, &error));
    ul_store_rollback (store);
    s = ul_store_get_session (store, sid, &error);
    g_assert_cmpint (s->n_files, ==, 4);
    g_clear_pointer (&s, ul_session_free);

    again = ul_store_open (db, &error);
    g_assert_no_error (error);
    g_clear_pointer (&f->path, g_bytes_unref);
    f->path = g_bytes_new_static ("c.txt", 5);
    g_assert_true (ul_store_add_file (again, f, &error));
    g_clear_pointer (&f->path, g_bytes_unref);
    f->path = g_bytes_new_static ("e.txt", 5);
    g_assert_true (ul_store_add_file (again, f, &error));
    g_assert_true (ul_store_add_file (again, f, &error));
    s = ul_store_get_session (again, sid, &error);
    g_assert_cmpint (s->n_files, ==, 5);
    g_clear_pointer (&s, ul_session_free);
  }
  s = ul_store_get_session (store, sid, &error);
  g_assert_cmpint (s->n_files, ==, 5);
  g_assert_null (ul_store_get_session (store, 99, &error));
  g_assert_error (error, UL_ERROR, UL_ERROR_NOT_FOUND);
  g_clear_error (&error);

  filter.since = since;
  filter.until = until;
  list = ul_store_list_sessions (store, &filter, &error);
  g_assert_cmpuint (list->len, ==, 1);
  g_clear_pointer (&list, g_ptr_array_unref);
  filter.since = until;
  filter.until = until + 1;
  list = ul_store_list_sessions (store, &filter, &error);  /* still in use: it counts */
  g_assert_cmpuint (list->len, ==, 1);
  g_clear_pointer (&list, g_ptr_array_unref);
  g_assert_true (ul_store_close_session (store, sid, until - 1, "ejected", &error));
  list = ul_store_list_sessions (store, &filter, &error);
  g_assert_cmpuint (list->len, ==, 0);
  g_clear_pointer (&list, g_ptr_array_unref);

  /* the user at any seat change counts too */
  g_assert_true (ul_store_add_seat_change (store, sid, since + 40, "suzuki", 1001, &error));
  filter = (UlSessionFilter){ .user = "suzuki" };
  list = ul_store_list_sessions (store, &filter, &error);
  g_assert_cmpuint (list->len, ==, 1);

  g_assert_false (ul_time_parse_month ("2026-13", &since, &until, &error));
  g_assert_error (error, UL_ERROR, UL_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  ul_test_rm_rf (dir);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/sessions/mountinfo", test_mountinfo);
  g_test_add_func ("/sessions/manifest", test_manifest);
  g_test_add_func ("/sessions/file-hash", test_file_hash);
  g_test_add_func ("/sessions/store", test_store_sessions);
  return g_test_run ();
}
