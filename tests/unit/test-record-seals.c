/* Unit tests of ul-record-seals.c: every write of a record row leaves a
 * chained seal, the plain sqlite3 shell cannot write a record table, and an
 * edit made behind the triggers is named by its table and row. */
#include "ul-error.h"
#include "ul-record-seals.h"
#include "ul-store.h"
#include "ul-test-util.h"

#include <glib/gstdio.h>
#include <sqlite3.h>
#include <string.h>

typedef struct {
  char *dir;
  char *path;
} Fixture;

/* rows as the daemon's statements write them: the triggers see them */
static const char LOGBOOK[] =
  "INSERT INTO media (id, asset_number, vendor_id, product_id, serial, descriptor_hash, "
  "  registered_by, registered_at) VALUES (1, 'USB-1', 1, 2, x'5331', 'h', 'sato', 1);"
  "INSERT INTO media_users (medium_id, user_name) VALUES (1, 'tanaka');"
  "INSERT INTO devices_seen (id, vendor_id, product_id, serial, descriptor_hash, first_seen, "
  "  last_seen) VALUES (1, 1, 2, x'5331', 'h', 1, 1);"
  "INSERT INTO sessions (id, medium_id, device_id, user_name, host, started_at) "
  "  VALUES (1, 1, 1, 'tanaka', 'pc', 10);"
  "INSERT INTO sessions (id, medium_id, device_id, user_name, host, started_at) "
  "  VALUES (2, 1, 1, '鈴木', 'pc', 20);"
  "INSERT INTO session_mounts (id, session_id, device, mount_point, fstype, watch, "
  "  mounted_at) VALUES (1, 1, '8:17', x'2f6d6e74', 'vfat', 'fanotify-names', 11);"
  "INSERT INTO session_files (session_id, mount_id, action, path, size, sha256, status, "
  "  source, time) VALUES (1, 1, 'created', x'612e747874', 3, 'ab', 'ok', 'fanotify', 12);"
  "INSERT INTO medium_manifests (medium_id, part, session_id, taken_at, manifest) "
  "  VALUES (1, 0, 1, 13, x'00');"
  "UPDATE sessions SET ended_at = 14, end_reason = 'ejected', files = 1 WHERE id = 1;"
  "INSERT INTO medium_manifests (medium_id, part, session_id, taken_at, manifest) "
  "  VALUES (1, 0, 2, 21, x'01') ON CONFLICT (medium_id, part) DO UPDATE SET "
  "  session_id = excluded.session_id, taken_at = excluded.taken_at, "
  "  manifest = excluded.manifest;"
  "DELETE FROM media_users WHERE medium_id = 1;";

static void
exec_on (const char *path, gboolean ours, const char *sql, int expected_rc)
{
  sqlite3 *db = NULL;
  char *msg = NULL;
  int rc;

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  if (ours)
    g_assert_true (ul_record_seals_register (db, NULL));
  rc = sqlite3_exec (db, sql, NULL, NULL, &msg);
  if (rc != expected_rc)
    g_test_message ("%s: %s", sql, msg ? msg : "");
  g_assert_cmpint (rc, ==, expected_rc);
  sqlite3_free (msg);
  sqlite3_close (db);
}

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(UlStore) store = NULL;

  f->dir = g_dir_make_tmp ("usbledger-seals-XXXXXX", NULL);
  f->path = g_build_filename (f->dir, "logbook.db", NULL);
  store = ul_store_open (f->path, &error);
  g_assert_no_error (error);
  exec_on (f->path, TRUE, LOGBOOK, SQLITE_OK);
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  ul_test_rm_rf (f->dir);
  g_free (f->dir);
  g_free (f->path);
}

/* the message of the first problem, or NULL when everything verifies */
static char *
verify (const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(UlStore) store = ul_store_open (path, &error);

  g_assert_no_error (error);
  if (!ul_store_verify_seal_chain (store, NULL, &error) ||
      !ul_store_verify_records (store, NULL, &error))
    {
      g_assert_error (error, UL_ERROR, UL_ERROR_BAD_STATE);
      return g_strdup (error->message);
    }
  return NULL;
}

static void
test_every_write_is_sealed (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(UlStore) store = ul_store_open (f->path, &error);
  g_autofree char *head = NULL;
  guint64 n_seals = 0, n_rows = 0;
  gint64 head_id = 0;

  g_assert_true (ul_store_verify_seal_chain (store, &n_seals, &error));
  g_assert_true (ul_store_verify_records (store, &n_rows, &error));
  g_assert_no_error (error);
  /* 8 inserts, 2 updates (session 1; the manifest in place) and 1 delete */
  g_assert_cmpuint (n_seals, ==, 11);
  /* media, device, 2 sessions, mount, file, manifest; media_users emptied */
  g_assert_cmpuint (n_rows, ==, 7);
  g_assert_true (ul_store_seal_head (store, &head_id, &head, &error));
  g_assert_cmpint (head_id, ==, 11);
  g_assert_cmpuint (strlen (head), ==, 64);
}

static void
test_the_plain_shell_cannot_write_records (Fixture *f, gconstpointer data)
{
  static const char *const writes[] = {
    "UPDATE sessions SET user_name = 'suzuki' WHERE id = 1",
    "INSERT INTO requests (device_id, host, created_at, reason) VALUES (1, 'pc', 5, 'x')",
    "DELETE FROM medium_manifests",
    "UPDATE media SET status = 'revoked'",
  };

  for (guint i = 0; i < G_N_ELEMENTS (writes); i++)
    exec_on (f->path, FALSE, writes[i], SQLITE_ERROR);
  /* and with the functions, the records that are never changed stay so */
  exec_on (f->path, TRUE, "UPDATE session_files SET size = 1", SQLITE_CONSTRAINT);
  exec_on (f->path, TRUE, "DELETE FROM session_files", SQLITE_CONSTRAINT);
  exec_on (f->path, TRUE, "DELETE FROM record_seals", SQLITE_CONSTRAINT);
  exec_on (f->path, TRUE, "UPDATE record_seals SET op = 'update'", SQLITE_CONSTRAINT);
  g_assert_null (verify (f->path));
}

typedef struct {
  const char *sql;        /* run by the plain shell, the triggers dropped first */
  const char *expected;   /* the start of the message naming the row */
} Edit;

static const char DROP_TRIGGERS[] =
  "DROP TRIGGER sessions_seal_update; DROP TRIGGER sessions_seal_renumber; "
  "DROP TRIGGER sessions_seal_insert; DROP TRIGGER sessions_seal_delete; "
  "DROP TRIGGER session_files_no_delete; DROP TRIGGER session_files_seal_delete; "
  "DROP TRIGGER media_seal_update; DROP TRIGGER media_seal_renumber; "
  "DROP TRIGGER record_seals_no_update; DROP TRIGGER record_seals_no_delete; ";

static void
test_edits_are_named (Fixture *f, gconstpointer data)
{
  static const Edit edits[] = {
    { "UPDATE sessions SET user_name = 'suzuki' WHERE id = 2",
      "sessions row 2 was changed outside usbledgerd" },
    { "UPDATE media SET label = '課' WHERE id = 1", "media row 1 was changed" },
    { "INSERT INTO sessions (id, medium_id, device_id, host, started_at) "
      "VALUES (3, 1, 1, 'pc', 30)", "sessions row 3 was inserted outside usbledgerd" },
    { "DELETE FROM session_files", "session_files row 1 was removed outside usbledgerd" },
    /* two rows swapped: the first of them is named */
    { "UPDATE sessions SET id = -id; UPDATE sessions SET id = 3 + id WHERE id < 0",
      "sessions row 1 was changed" },
    { "UPDATE record_seals SET row_id = 9 WHERE id = 4",
      "record seal 4 does not match its hash" },
    { "DELETE FROM record_seals WHERE id = 5", "record seal 5 is missing" },
    { "UPDATE record_seals SET digest = NULL WHERE id = 6", "record seal 6 is malformed" },
  };

  g_assert_null (verify (f->path));
  for (guint i = 0; i < G_N_ELEMENTS (edits); i++)
    {
      g_autofree char *copy = g_build_filename (f->dir, "copy.db", NULL);
      g_autofree char *data_ = NULL;
      g_autofree char *sql = g_strconcat (DROP_TRIGGERS, edits[i].sql, NULL);
      g_autofree char *message = NULL;
      gsize len = 0;

      /* the WAL is checkpointed at close: the file alone is the logbook */
      g_assert_true (g_file_get_contents (f->path, &data_, &len, NULL));
      g_assert_true (g_file_set_contents (copy, data_, (gssize) len, NULL));
      exec_on (copy, FALSE, sql, SQLITE_OK);
      message = verify (copy);
      g_test_message ("%s -> %s", edits[i].sql, message ? message : "(verifies)");
      g_assert_nonnull (message);
      g_assert_true (g_str_has_prefix (message, edits[i].expected));
      g_unlink (copy);
    }
}

/* a logbook of schema 8 gets a seal for each row it holds; migration 10
 * seals each session again, with its file totals */
static void
test_migration_seals_what_is_there (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(UlStore) store = NULL;
  guint64 n_rows = 0, n_seals = 0, n_sessions = 0;

  /* back to schema 8, as a logbook of the previous release would be */
  exec_on (f->path, FALSE,
           "DROP TABLE record_seals; PRAGMA user_version = 8;", SQLITE_OK);
  {
    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL;
    GString *drops = g_string_new (NULL);

    g_assert_cmpint (sqlite3_open (f->path, &db), ==, SQLITE_OK);
    g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT name FROM sqlite_schema WHERE type = "
                                             "'trigger' AND (name LIKE '%seal%' OR name IN "
                                             "('session_files_no_update', "
                                             "'session_files_no_delete', "
                                             "'session_seat_changes_no_update', "
                                             "'session_seat_changes_no_delete', "
                                             "'disposals_no_delete'))", -1, &st, NULL),
                     ==, SQLITE_OK);
    while (sqlite3_step (st) == SQLITE_ROW)
      g_string_append_printf (drops, "DROP TRIGGER %s;", sqlite3_column_text (st, 0));
    sqlite3_finalize (st);
    /* and schema 11's and 10's columns */
    g_string_append (drops, UL_TEST_UNDO_SCHEMA_11
                            "ALTER TABLE sessions DROP COLUMN files_bytes;"
                            "ALTER TABLE sessions DROP COLUMN files_sha256;"
                            "ALTER TABLE sessions DROP COLUMN files_flags;"
                            "ALTER TABLE sessions DROP COLUMN files_last;");
    g_assert_cmpint (sqlite3_exec (db, drops->str, NULL, NULL, NULL), ==, SQLITE_OK);
    g_string_free (drops, TRUE);
    sqlite3_close (db);
  }
  store = ul_store_open (f->path, &error);
  g_assert_no_error (error);
  g_assert_cmpint (ul_store_schema_version (store), ==, UL_STORE_SCHEMA_VERSION);
  g_assert_true (ul_store_verify_seal_chain (store, &n_seals, &error));
  g_assert_true (ul_store_verify_records (store, &n_rows, &error));
  g_assert_true (ul_store_verify_session_totals (store, &n_sessions, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (n_rows, ==, 7);
  /* 7 by migration 9, then one for each of the 2 sessions by migration 10 */
  g_assert_cmpuint (n_seals, ==, 9);
  g_assert_cmpuint (n_sessions, ==, 2);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add ("/record-seals/every-write-is-sealed", Fixture, NULL, fixture_setup,
              test_every_write_is_sealed, fixture_teardown);
  g_test_add ("/record-seals/the-plain-shell-cannot-write-records", Fixture, NULL,
              fixture_setup, test_the_plain_shell_cannot_write_records, fixture_teardown);
  g_test_add ("/record-seals/edits-are-named", Fixture, NULL, fixture_setup,
              test_edits_are_named, fixture_teardown);
  g_test_add ("/record-seals/migration-seals-what-is-there", Fixture, NULL, fixture_setup,
              test_migration_seals_what_is_there, fixture_teardown);
  return g_test_run ();
}
