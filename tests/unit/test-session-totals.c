/* Unit tests of ul-store-session-totals.c (schema 10): a session's row
 * keeps the totals of its file records as they are written (the files,
 * their bytes, the SHA-256 of the list as docs/design.md defines it, the
 * flags and the latest record's time), across a rollback and a restart;
 * the check names a row that no longer has them; migration 10 folds the
 * records already there. */
#include "ul-error.h"
#include "ul-file-fold.h"
#include "ul-record-seals.h"
#include "ul-store.h"
#include "ul-test-util.h"

#include <sqlite3.h>
#include <string.h>

static const guint8 STORAGE[][3] = { { 0x08, 0x06, 0x50 } };

typedef struct {
  char *dir;
  char *path;
  UlStore *store;
  gint64 session_id;
  gint64 mount_id;
} Fixture;

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(UlDevice) dev = ul_test_device_new ("1-2", "SN-TOTALS", STORAGE, 1);
  g_autoptr(UlMedium) m = ul_medium_new ();
  g_autoptr(UlMountRecord) mount = g_new0 (UlMountRecord, 1);
  gint64 device_id = 0;

  f->dir = g_dir_make_tmp ("usbledger-totals-XXXXXX", NULL);
  f->path = g_build_filename (f->dir, "logbook.db", NULL);
  f->store = ul_store_open (f->path, &error);
  g_assert_no_error (error);
  g_assert_true (ul_store_note_device (f->store, dev, 1, &device_id, &error));
  m->asset_number = g_strdup ("YZ-USB-0001");
  m->vendor_id = dev->vendor_id;
  m->product_id = dev->product_id;
  m->serial = g_bytes_ref (dev->serial);
  m->descriptor_hash = g_strdup (dev->descriptor_hash);
  m->registered_by = g_strdup ("sato");
  m->registered_at = 2;
  g_assert_true (ul_store_add_medium (f->store, m, &error));
  g_assert_true (ul_store_open_session (f->store, m->id, device_id, "tanaka", 1000, "pc-1", 10,
                                        &f->session_id, &error));
  mount->session_id = f->session_id;
  mount->device = g_strdup ("8:17");
  mount->mount_point = g_bytes_new ("/media/x", 8);
  mount->fstype = g_strdup ("vfat");
  mount->watch = g_strdup ("fanotify-names");
  mount->mounted_at = 11;
  g_assert_true (ul_store_add_mount (f->store, mount, &error));
  g_assert_no_error (error);
  f->mount_id = mount->id;
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  ul_store_free (f->store);
  ul_test_rm_rf (f->dir);
  g_free (f->dir);
  g_free (f->path);
}

static void
add (Fixture *f, UlStore *store, const char *action, const char *path, gint64 size,
     const char *sha256, const char *status, const char *source, gint64 time)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(UlFileRecord) rec = g_new0 (UlFileRecord, 1);

  rec->session_id = f->session_id;
  rec->mount_id = f->mount_id;
  rec->action = g_strdup (action);
  rec->path = g_bytes_new (path, strlen (path));
  rec->size = size;
  rec->sha256 = g_strdup (sha256);
  rec->status = g_strdup (status);
  rec->source = g_strdup (source);
  rec->time = time;
  rec->uid = 1000;
  g_assert_true (ul_store_add_file (store, rec, &error));
  g_assert_no_error (error);
}

/* the session's row as the logbook has it */
typedef struct {
  gint64 files, bytes, flags, last;
  char sha256[65];
} Row;

static Row
read_row (Fixture *f)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *st = NULL;
  Row r = { 0 };

  g_assert_cmpint (sqlite3_open_v2 (f->path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT files, files_bytes, files_sha256, "
                                           "files_flags, files_last FROM sessions WHERE id = ?1",
                                       -1, &st, NULL), ==, SQLITE_OK);
  sqlite3_bind_int64 (st, 1, f->session_id);
  g_assert_cmpint (sqlite3_step (st), ==, SQLITE_ROW);
  r.files = sqlite3_column_int64 (st, 0);
  r.bytes = sqlite3_column_int64 (st, 1);
  g_strlcpy (r.sha256, (const char *) sqlite3_column_text (st, 2), sizeof r.sha256);
  r.flags = sqlite3_column_int64 (st, 3);
  r.last = sqlite3_column_int64 (st, 4);
  sqlite3_finalize (st);
  sqlite3_close (db);
  return r;
}

static void
assert_verifies (UlStore *store, guint64 expected_sessions)
{
  g_autoptr(GError) error = NULL;
  guint64 n = 0;

  g_assert_true (ul_store_verify_session_totals (store, &n, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (n, ==, expected_sessions);
}

/* the list's digest written out from docs/design.md, not from the fold */
static void
test_totals_follow_the_records (Fixture *f, gconstpointer data)
{
  static const char lines[] =
    "created\ta.txt\t3\taa\n"
    "modified\ta.txt\t5\tbb\n"
    "created\tb\\n.txt\t7\t\n"           /* a newline in a name is escaped */
    "deleted\ta.txt\t\t\n"
    "created\tc.txt\t2\tcc\n";
  g_autofree char *expected = g_compute_checksum_for_string (G_CHECKSUM_SHA256, lines, -1);
  Row r = read_row (f);

  /* a new session: an empty list */
  g_assert_cmpint (r.files, ==, 0);
  g_assert_cmpstr (r.sha256, ==, UL_FILE_TOTALS_EMPTY_SHA256);
  add (f, f->store, "created", "a.txt", 3, "aa", "ok", "fanotify", 100);
  add (f, f->store, "modified", "a.txt", 5, "bb", "ok", "fanotify", 300);
  add (f, f->store, "created", "b\n.txt", 7, NULL, "unreadable", "fanotify", 200);
  r = read_row (f);
  g_assert_cmpint (r.files, ==, 2);
  g_assert_cmpint (r.bytes, ==, 12);          /* a.txt's last 5, b's 7 */
  g_assert_cmpint (r.flags, ==, UL_FILE_TOTALS_UNHASHED);
  g_assert_cmpint (r.last, ==, 300);          /* the latest, not the last written */
  add (f, f->store, "deleted", "a.txt", -1, NULL, "none", "fanotify", 400);
  add (f, f->store, "created", "c.txt", 2, "cc", "ok", "outside", 250);
  r = read_row (f);
  g_assert_cmpint (r.files, ==, 3);
  g_assert_cmpint (r.bytes, ==, 9);           /* a.txt deleted */
  g_assert_cmpint (r.flags, ==, UL_FILE_TOTALS_UNHASHED | UL_FILE_TOTALS_OUTSIDE);
  g_assert_cmpint (r.last, ==, 400);
  g_assert_cmpstr (r.sha256, ==, expected);
  assert_verifies (f->store, 1);
}

/* a record rolled back is not in the totals; a store opened again (a
 * restart) goes on from the records in the logbook, as does a late record
 * after the session ended */
static void
test_rollback_and_restart (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(UlStore) again = NULL;
  Row before, r;

  add (f, f->store, "created", "a.txt", 3, "aa", "ok", "fanotify", 100);
  before = read_row (f);
  g_assert_true (ul_store_begin (f->store, &error));
  add (f, f->store, "created", "b.txt", 4, "bb", "ok", "fanotify", 200);
  ul_store_rollback (f->store);
  r = read_row (f);
  g_assert_cmpint (r.files, ==, 1);
  g_assert_cmpstr (r.sha256, ==, before.sha256);
  /* the fold is read again: b.txt counts once */
  add (f, f->store, "created", "b.txt", 4, "bb", "ok", "fanotify", 200);
  g_assert_cmpint (read_row (f).files, ==, 2);

  again = ul_store_open (f->path, &error);
  g_assert_no_error (error);
  add (f, again, "modified", "a.txt", 6, "a2", "ok", "fanotify", 300);
  r = read_row (f);
  g_assert_cmpint (r.files, ==, 2);
  g_assert_cmpint (r.bytes, ==, 10);
  g_assert_true (ul_store_close_session (again, f->session_id, 400, "ejected", &error));
  add (f, again, "created", "late.txt", 1, "cc", "ok", "fanotify", 350);
  g_assert_cmpint (read_row (f).files, ==, 3);
  assert_verifies (again, 1);
}

static void
exec_raw (const char *path, const char *sql)
{
  sqlite3 *db = NULL;

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, sql, NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);
}

/* a row whose totals were edited behind the triggers is named */
static void
test_an_edited_row_is_named (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  guint64 n = 0;

  add (f, f->store, "created", "a.txt", 3, "aa", "ok", "fanotify", 100);
  exec_raw (f->path, "DROP TRIGGER sessions_seal_update; DROP TRIGGER sessions_seal_renumber; "
                     "UPDATE sessions SET files_bytes = 1");
  g_assert_false (ul_store_verify_session_totals (f->store, &n, &error));
  g_assert_error (error, UL_ERROR, UL_ERROR_BAD_STATE);
  g_assert_cmpstr (error->message, ==, "sessions row 1 does not match its file records: its "
                                       "files_bytes is 1, the records give 3");
  g_clear_error (&error);
  exec_raw (f->path, "UPDATE sessions SET files_bytes = 3, files_last = 99");
  g_assert_false (ul_store_verify_session_totals (f->store, &n, &error));
  g_assert_cmpstr (error->message, ==, "sessions row 1 does not match its file records: its "
                                       "files_last is 99, the records give 100");
}

/* a logbook of schema 9: migration 10 folds each session's records into
 * its row, and seals the row again in its new form */
static void
test_migration_folds_what_is_there (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  guint64 n = 0;
  Row r;

  add (f, f->store, "created", "a.txt", 3, "aa", "ok", "fanotify", 100);
  add (f, f->store, "created", "b.txt", 4, NULL, "gone", "fanotify", 200);
  g_clear_pointer (&f->store, ul_store_free);
  exec_raw (f->path, UL_TEST_UNDO_SCHEMA_11
                     "DROP TRIGGER sessions_seal_insert; DROP TRIGGER sessions_seal_update; "
                     "DROP TRIGGER sessions_seal_renumber; DROP TRIGGER sessions_seal_delete; "
                     "ALTER TABLE sessions DROP COLUMN files_bytes; "
                     "ALTER TABLE sessions DROP COLUMN files_sha256; "
                     "ALTER TABLE sessions DROP COLUMN files_flags; "
                     "ALTER TABLE sessions DROP COLUMN files_last; "
                     "PRAGMA user_version = 9");
  f->store = ul_store_open (f->path, &error);
  g_assert_no_error (error);
  g_assert_cmpint (ul_store_schema_version (f->store), ==, UL_STORE_SCHEMA_VERSION);
  r = read_row (f);
  g_assert_cmpint (r.files, ==, 2);
  g_assert_cmpint (r.bytes, ==, 7);
  g_assert_cmpint (r.flags, ==, UL_FILE_TOTALS_UNHASHED);
  g_assert_cmpint (r.last, ==, 200);
  assert_verifies (f->store, 1);
  /* the rows as migrated match their seals */
  g_assert_true (ul_store_verify_seal_chain (f->store, &n, &error));
  g_assert_true (ul_store_verify_records (f->store, &n, &error));
  g_assert_no_error (error);
}

/* sessions listed a page at a time (the window's sessions page): each page
 * goes on after the last number of the one before, and the pages together
 * are the whole list */
static void
test_sessions_listed_by_pages (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) all = NULL;
  g_autoptr(GPtrArray) seen = g_ptr_array_new ();
  g_autoptr(GPtrArray) first = NULL;
  UlSessionFilter filter = { .limit = 3 };
  gint64 id;

  /* the fixture's session and 7 more of the same medium */
  g_assert_true (ul_store_close_session (f->store, f->session_id, 12, "removed", &error));
  for (int i = 0; i < 7; i++)
    {
      g_assert_true (ul_store_open_session (f->store, 1, 1, "tanaka", 1000, "pc-1", 20 + 2 * i,
                                            &id, &error));
      g_assert_true (ul_store_close_session (f->store, id, 21 + 2 * i, "removed", &error));
    }
  all = ul_store_list_sessions (f->store, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (all->len, ==, 8);
  for (;;)
    {
      g_autoptr(GPtrArray) page = ul_store_list_sessions (f->store, &filter, &error);

      g_assert_no_error (error);
      g_assert_cmpuint (page->len, <=, 3);
      if (page->len == 0)
        break;
      for (guint i = 0; i < page->len; i++)
        g_ptr_array_add (seen, GINT_TO_POINTER ((int) ((UlSession *) page->pdata[i])->id));
      filter.after_id = ((UlSession *) page->pdata[page->len - 1])->id;
    }
  g_assert_cmpuint (seen->len, ==, all->len);
  for (guint i = 0; i < all->len; i++)
    g_assert_cmpint (GPOINTER_TO_INT (seen->pdata[i]), ==, ((UlSession *) all->pdata[i])->id);
  /* a page of a period: the filter still applies */
  filter = (UlSessionFilter) { .since = 24, .until = 27, .limit = 1 };
  first = ul_store_list_sessions (f->store, &filter, &error);
  g_assert_cmpuint (first->len, ==, 1);
  g_assert_cmpint (((UlSession *) first->pdata[0])->started_at, ==, 24);
}

/* the sessions in use are those not ended, whatever the clock says: one
 * ended "later than now" (a clock set back, a logbook from a machine whose
 * clock ran ahead) is not in use, though a period from now holds it */
static void
test_sessions_in_use (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) in_use = NULL;
  g_autoptr(GPtrArray) from_now = NULL;
  UlSessionFilter open = { .in_use = TRUE };
  UlSessionFilter since = { .since = 50 };
  gint64 later = 0;

  g_assert_true (ul_store_open_session (f->store, 1, 1, "tanaka", 1000, "pc-1", 40, &later,
                                        &error));
  g_assert_true (ul_store_close_session (f->store, later, 90, "removed", &error));
  in_use = ul_store_list_sessions (f->store, &open, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (in_use->len, ==, 1);
  g_assert_cmpint (((UlSession *) in_use->pdata[0])->id, ==, f->session_id);
  from_now = ul_store_list_sessions (f->store, &since, &error);
  g_assert_cmpuint (from_now->len, ==, 2);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add ("/session-totals/follow-the-records", Fixture, NULL, fixture_setup,
              test_totals_follow_the_records, fixture_teardown);
  g_test_add ("/session-totals/rollback-and-restart", Fixture, NULL, fixture_setup,
              test_rollback_and_restart, fixture_teardown);
  g_test_add ("/session-totals/an-edited-row-is-named", Fixture, NULL, fixture_setup,
              test_an_edited_row_is_named, fixture_teardown);
  g_test_add ("/session-totals/migration-folds-what-is-there", Fixture, NULL, fixture_setup,
              test_migration_folds_what_is_there, fixture_teardown);
  g_test_add ("/sessions/listed-by-pages", Fixture, NULL, fixture_setup,
              test_sessions_listed_by_pages, fixture_teardown);
  g_test_add ("/sessions/in-use", Fixture, NULL, fixture_setup, test_sessions_in_use,
              fixture_teardown);
  return g_test_run ();
}
