/* the logbook: creation, migration from the v1 fixture, refusals that leave
 * the file untouched, append-only events and their hash chain */
#include "ul-error.h"
#include "ul-record-seals.h"
#include "ul-store.h"
#include "ul-store-private.h"
#include "ul-test-util.h"

#include <glib/gstdio.h>
#include <sqlite3.h>
#include <string.h>

static const guint8 STORAGE[][3] = { { 0x08, 0x06, 0x50 } };

typedef struct {
  char *dir;
  char *path;
} Fixture;

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  f->dir = g_dir_make_tmp ("usbledger-store-XXXXXX", NULL);
  f->path = g_build_filename (f->dir, "logbook.db", NULL);
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  ul_test_rm_rf (f->dir);
  g_free (f->dir);
  g_free (f->path);
}

static char *
file_sha256 (const char *path)
{
  g_autofree char *data = NULL;
  gsize len = 0;

  g_assert_true (g_file_get_contents (path, &data, &len, NULL));
  return ul_sha256_hex ((const guint8 *) data, len);
}

static void
exec_raw (const char *path, const char *sql, int expected_rc)
{
  sqlite3 *db = NULL;
  int rc;

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  /* usbledger's own functions, so the seal triggers run and what is
   * tested is the append-only trigger */
  g_assert_true (ul_record_seals_register (db, NULL));
  rc = sqlite3_exec (db, sql, NULL, NULL, NULL);
  g_assert_cmpint (rc, ==, expected_rc);
  sqlite3_close (db);
}

/* a logbook made by the migration SQL files as they are, up to an old schema */
static void
run_scripts (const char *db, const char *const *scripts, guint n)
{
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *path = g_test_build_filename (G_TEST_DIST, "..", "..", "db", scripts[i],
                                                     NULL);
      g_autofree char *sql = NULL;

      g_assert_true (g_file_get_contents (path, &sql, NULL, NULL));
      exec_raw (db, sql, SQLITE_OK);
    }
}

static void
test_fresh (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(UlStore) store = ul_store_open (f->path, &error);
  g_autoptr(UlDevice) dev = ul_test_device_new ("1-2", "SN\n'); DROP TABLE media;--", STORAGE, 1);
  g_autoptr(UlEvent) ev = NULL;
  g_autoptr(GPtrArray) events = NULL;
  g_autoptr(GPtrArray) requests = NULL;
  gint64 device_id = 0, again = 0, req = 0, req2 = 0;
  gboolean created = FALSE;
  guint64 n = 0;

  g_assert_no_error (error);
  g_assert_cmpint (ul_store_schema_version (store), ==, UL_STORE_SCHEMA_VERSION);

  g_assert_true (ul_store_note_device (store, dev, 100, &device_id, &error));
  g_assert_true (ul_store_note_device (store, dev, 200, &again, &error));
  g_assert_no_error (error);
  g_assert_cmpint (device_id, ==, again);

  g_assert_true (ul_store_ensure_request (store, device_id, "tanaka", 1000, "pc", 100,
                                          "not registered", "not-registered", NULL, &req,
                                          &created, &error));
  g_assert_true (created);
  g_assert_true (ul_store_ensure_request (store, device_id, "tanaka", 1000, "pc", 200,
                                          "not registered", "not-registered", NULL, &req2,
                                          &created, &error));
  g_assert_false (created);
  g_assert_cmpint (req, ==, req2);
  requests = ul_store_list_requests (store, "pending", &error);
  g_assert_cmpuint (requests->len, ==, 1);
  g_assert_true (g_bytes_equal (((UlRequest *) requests->pdata[0])->serial, dev->serial));

  g_assert_true (ul_store_decide_request (store, req, FALSE, "sato", "no", 0, 300, &error));
  g_assert_false (ul_store_decide_request (store, req, TRUE, "sato", "", 0, 300, &error));
  g_assert_error (error, UL_ERROR, UL_ERROR_BAD_STATE);
  g_clear_error (&error);

  for (int i = 0; i < 3; i++)
    {
      g_autoptr(UlEvent) e = ul_event_new ("device-added", "system", "pc", 1000 + i);

      e->device_id = device_id;
      e->detail = g_strdup_printf ("event %d", i);
      g_assert_true (ul_store_append_event (store, e, &error));
    }
  events = ul_store_list_events (store, NULL, &error);
  g_assert_cmpuint (events->len, ==, 3);
  ev = g_ptr_array_steal_index (events, 2);
  g_assert_cmpint (ev->id, ==, 3);
  g_assert_cmpstr (ev->prev_hash, ==, ((UlEvent *) events->pdata[1])->hash);
  g_assert_true (ul_store_verify_chain (store, &n, &error));
  g_assert_cmpuint (n, ==, 3);
}

static void
test_events_append_only (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(UlStore) store = ul_store_open (f->path, &error);
  g_autoptr(UlEvent) ev = ul_event_new ("daemon-started", "system", "pc", 1);

  g_assert_true (ul_store_append_event (store, ev, &error));
  exec_raw (f->path, "UPDATE events SET detail = 'x'", SQLITE_CONSTRAINT);
  exec_raw (f->path, "UPDATE events SET hash = NULL", SQLITE_CONSTRAINT);
  exec_raw (f->path, "DELETE FROM events", SQLITE_CONSTRAINT);
  /* a row removed behind the triggers' back breaks the chain */
  {
    g_autoptr(UlEvent) ev2 = ul_event_new ("daemon-stopped", "system", "pc", 2);
    g_autoptr(UlEvent) ev3 = ul_event_new ("daemon-started", "system", "pc", 3);

    g_assert_true (ul_store_append_event (store, ev2, &error));
    g_assert_true (ul_store_append_event (store, ev3, &error));
  }
  exec_raw (f->path, "DROP TRIGGER events_no_delete; DELETE FROM events WHERE id = 2", SQLITE_OK);
  g_assert_false (ul_store_verify_chain (store, NULL, &error));
  g_assert_error (error, UL_ERROR, UL_ERROR_BAD_STATE);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, "event 2 is missing"));
}

static void
copy_fixture (const char *to)
{
  g_autofree char *from = g_test_build_filename (G_TEST_DIST, "..", "fixtures", "logbook-v1.db",
                                                 NULL);
  g_autofree char *data = NULL;
  gsize len = 0;

  g_assert_true (g_file_get_contents (from, &data, &len, NULL));
  g_assert_true (g_file_set_contents (to, data, (gssize) len, NULL));
}

static void
test_migrate_v1 (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(UlStore) store = NULL;
  g_autoptr(UlMedium) m = NULL;
  g_autoptr(GPtrArray) events = NULL;
  g_autoptr(GPtrArray) sessions = NULL;
  guint64 n = 0;

  copy_fixture (f->path);
  store = ul_store_open (f->path, &error);
  g_assert_no_error (error);
  g_assert_cmpint (ul_store_schema_version (store), ==, UL_STORE_SCHEMA_VERSION);

  m = ul_store_get_medium (store, "YZ-USB-0001", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (m->label, ==, "総務課 USBメモリ 1");
  g_assert_false (m->all_staff);
  g_assert_cmpstrv (m->users, ((const char *[]){ "tanaka", NULL }));
  sessions = ul_store_list_sessions (store, NULL, &error);
  g_assert_cmpuint (sessions->len, ==, 1);

  /* version-1 events got their hashes in order, and new ones chain on */
  events = ul_store_list_events (store, NULL, &error);
  g_assert_cmpuint (events->len, ==, 5);
  for (guint i = 0; i < events->len; i++)
    g_assert_cmpuint (strlen (((UlEvent *) events->pdata[i])->hash), ==, 64);
  {
    g_autoptr(UlEvent) ev = ul_event_new ("daemon-started", "system", "pc", 2);

    g_assert_true (ul_store_append_event (store, ev, &error));
    g_assert_cmpint (ev->id, ==, 6);
  }
  g_assert_true (ul_store_verify_chain (store, &n, &error));
  g_assert_cmpuint (n, ==, 6);
}

static void
test_failed_migration_rolls_back (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(UlStore) store = NULL;
  sqlite3 *db = NULL;
  sqlite3_stmt *st = NULL;

  copy_fixture (f->path);
  /* a column in the way makes migration 2 fail halfway, after prev_hash */
  exec_raw (f->path, "ALTER TABLE events ADD COLUMN hash TEXT;", SQLITE_OK);
  store = ul_store_open (f->path, &error);
  g_assert_null (store);
  g_assert_error (error, UL_ERROR, UL_ERROR_DATABASE);
  g_assert_nonnull (strstr (error->message, "migration to schema version 2 failed"));

  g_assert_cmpint (sqlite3_open (f->path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT count(*) FROM pragma_table_info('events') "
                                           "WHERE name = 'prev_hash'", -1, &st, NULL), ==,
                   SQLITE_OK);
  g_assert_cmpint (sqlite3_step (st), ==, SQLITE_ROW);
  g_assert_cmpint (sqlite3_column_int (st, 0), ==, 0);
  sqlite3_finalize (st);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "PRAGMA user_version", -1, &st, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (st), ==, SQLITE_ROW);
  g_assert_cmpint (sqlite3_column_int (st, 0), ==, 1);
  sqlite3_finalize (st);
  sqlite3_close (db);
}

static void
expect_refused (const char *path, const char *why)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *before = file_sha256 (path);
  g_autofree char *after = NULL;
  g_autoptr(UlStore) store = ul_store_open (path, &error);

  g_assert_null (store);
  g_assert_error (error, UL_ERROR, UL_ERROR_DATABASE);
  if (strstr (error->message, why) == NULL)
    g_error ("\"%s\" does not say \"%s\"", error->message, why);
  after = file_sha256 (path);
  g_assert_cmpstr (before, ==, after);
}

static void
test_refusals (Fixture *f, gconstpointer data)
{
  g_autofree char *garbage = g_build_filename (f->dir, "garbage.db", NULL);
  g_autofree char *corrupt = g_build_filename (f->dir, "corrupt.db", NULL);
  g_autofree char *foreign = g_build_filename (f->dir, "foreign.db", NULL);
  g_autofree char *newer = g_build_filename (f->dir, "newer.db", NULL);
  g_autofree char *contents = NULL;
  gsize len = 0;

  g_assert_true (g_file_set_contents (garbage, "this is no database, just text", -1, NULL));
  expect_refused (garbage, "not a readable logbook");

  /* a real logbook with a page overwritten in the middle */
  copy_fixture (corrupt);
  g_assert_true (g_file_get_contents (corrupt, &contents, &len, NULL));
  memset (contents + 4096 * 2, 0x5a, 4096);
  g_assert_true (g_file_set_contents (corrupt, contents, (gssize) len, NULL));
  expect_refused (corrupt, "");

  exec_raw (foreign, "CREATE TABLE customers (name TEXT);", SQLITE_OK);
  expect_refused (foreign, "not a usbledger logbook");

  copy_fixture (newer);
  exec_raw (newer, "PRAGMA user_version = 99;", SQLITE_OK);
  expect_refused (newer, "newer than this usbledger");

  /* no file was created beside them (no -wal, no -journal) */
  {
    g_autoptr(GDir) dir = g_dir_open (f->dir, 0, NULL);
    const char *name;
    guint n = 0;

    while ((name = g_dir_read_name (dir)) != NULL)
      {
        g_assert_false (g_str_has_suffix (name, "-wal"));
        n++;
      }
    g_assert_cmpuint (n, ==, 4);
  }
}

static void
test_media (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(UlStore) store = ul_store_open (f->path, &error);
  g_autoptr(UlDevice) dev = ul_test_device_new ("1-2", "SN1", STORAGE, 1);
  g_autoptr(UlMedium) m = ul_medium_new ();
  g_autoptr(UlMedium) dup = ul_medium_new ();
  g_autoptr(UlMedium) found = NULL;
  g_autoptr(UlMedium) revoked = NULL;
  gint64 id = 0;

  m->asset_number = g_strdup ("YZ-1");
  m->vendor_id = dev->vendor_id;
  m->product_id = dev->product_id;
  m->serial = g_bytes_ref (dev->serial);
  m->descriptor_hash = g_strdup (dev->descriptor_hash);
  m->registered_by = g_strdup ("sato");
  m->all_staff = FALSE;
  m->users = g_strsplit ("tanaka,suzuki", ",", -1);
  g_assert_true (ul_store_add_medium (store, m, &error));
  g_assert_no_error (error);

  /* same identity again while active: refused */
  dup->asset_number = g_strdup ("YZ-2");
  dup->serial = g_bytes_ref (dev->serial);
  dup->vendor_id = dev->vendor_id;
  dup->product_id = dev->product_id;
  dup->descriptor_hash = g_strdup (dev->descriptor_hash);
  dup->registered_by = g_strdup ("sato");
  g_assert_false (ul_store_add_medium (store, dup, &error));
  g_assert_error (error, UL_ERROR, UL_ERROR_ALREADY_EXISTS);
  g_clear_error (&error);

  found = ul_store_find_medium_for_identity (store, FALSE, dev->vendor_id, dev->product_id,
                                             dev->serial, &error);
  g_assert_nonnull (found);
  g_assert_cmpstrv (found->users, ((const char *[]){ "suzuki", "tanaka", NULL }));

  g_assert_true (ul_store_revoke_medium (store, "YZ-1", "sato", "lost", 5, &id, &error));
  g_assert_false (ul_store_revoke_medium (store, "YZ-1", "sato", "lost", 5, &id, &error));
  g_assert_error (error, UL_ERROR, UL_ERROR_BAD_STATE);
  g_clear_error (&error);
  revoked = ul_store_find_medium_for_identity (store, FALSE, dev->vendor_id, dev->product_id,
                                               dev->serial, &error);
  g_assert_cmpint (revoked->status, ==, UL_MEDIUM_REVOKED);
  /* once revoked the identity may be registered again */
  g_assert_true (ul_store_add_medium (store, dup, &error));
  g_assert_no_error (error);
  g_assert_null (ul_store_get_medium (store, "NOPE", &error));
  g_assert_error (error, UL_ERROR, UL_ERROR_NOT_FOUND);
}

/* a logbook at schema 4, made by the SQL files 1-4 as they are, with a
 * session's file records: migration 5 rebuilds session_files (a new source
 * value) and keeps every row and id; the medium manifests work */
static void
test_migrate_v4_session_files (Fixture *f, gconstpointer data)
{
  static const char *const scripts[] = { "0001-initial.sql", "0002-audit-chain.sql",
                                         "0003-session-files.sql", "0004-erasures.sql" };
  g_autoptr(GError) error = NULL;
  g_autoptr(UlStore) store = NULL;
  g_autoptr(GPtrArray) files = NULL;
  g_autoptr(UlFileRecord) outside = g_new0 (UlFileRecord, 1);
  g_autoptr(GBytes) manifest = g_bytes_new_static ("F\t3\t1\ta.txt", 12);
  g_autoptr(GBytes) got = NULL;
  gint64 session_id = 0;
  gint64 taken_at = 0;
  gboolean at_mount = TRUE;

  run_scripts (f->path, scripts, G_N_ELEMENTS (scripts));
  exec_raw (f->path,
            "PRAGMA user_version = 4; PRAGMA application_id = 1431522375;"
            "INSERT INTO media (id, asset_number, vendor_id, product_id, serial, "
            "  descriptor_hash, registered_by, registered_at) "
            "  VALUES (1, 'USB-1', 1, 2, x'5331', 'h', 'root', 1);"
            "INSERT INTO devices_seen (id, vendor_id, product_id, descriptor_hash, first_seen, "
            "  last_seen) VALUES (1, 1, 2, 'h', 1, 1);"
            "INSERT INTO sessions (id, medium_id, device_id, host, started_at) "
            "  VALUES (1, 1, 1, 'pc', 1);"
            "INSERT INTO session_mounts (id, session_id, device, mount_point, fstype, watch, "
            "  mounted_at) VALUES (1, 1, '8:17', x'2f6d6e74', 'vfat', 'fanotify-names', 2);"
            "INSERT INTO session_files (id, session_id, mount_id, action, path, size, sha256, "
            "  status, source, time, uid, program) VALUES "
            "  (7, 1, 1, 'created', x'612e747874', 3, 'abc', 'ok', 'fanotify', 3, 1000, 'cp'),"
            "  (9, 1, 1, 'deleted', x'622e747874', NULL, NULL, 'none', 'manifest', 4, NULL, NULL);",
            SQLITE_OK);

  store = ul_store_open (f->path, &error);
  g_assert_no_error (error);
  g_assert_cmpint (ul_store_schema_version (store), ==, UL_STORE_SCHEMA_VERSION);
  files = ul_store_list_session_files (store, 1, 0, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (files->len, ==, 2);
  {
    UlFileRecord *a = files->pdata[0];
    UlFileRecord *b = files->pdata[1];

    g_assert_cmpint (a->id, ==, 7);
    g_assert_cmpstr (a->action, ==, "created");
    g_assert_cmpmem (g_bytes_get_data (a->path, NULL), g_bytes_get_size (a->path), "a.txt", 5);
    g_assert_cmpstr (a->sha256, ==, "abc");
    g_assert_cmpstr (a->program, ==, "cp");
    g_assert_cmpint (b->id, ==, 9);
    g_assert_cmpstr (b->source, ==, "manifest");
  }

  /* the new source value, and the state of how a session left a medium */
  outside->session_id = 1;
  outside->mount_id = 1;
  outside->action = g_strdup ("modified");
  outside->path = g_bytes_new_static ("c.txt", 5);
  outside->status = g_strdup ("none");
  outside->source = g_strdup ("outside");
  outside->time = 5;
  outside->uid = -1;
  g_assert_true (ul_store_add_file (store, outside, &error));
  g_assert_no_error (error);
  g_assert_null (ul_store_get_medium_manifest (store, 1, 0, &session_id, &taken_at, &at_mount,
                                               &error));
  g_assert_no_error (error);
  g_assert_true (ul_store_set_medium_manifest (store, 1, 0, 1, 42, FALSE, manifest, &error));
  got = ul_store_get_medium_manifest (store, 1, 0, &session_id, &taken_at, &at_mount, &error);
  g_assert_false (at_mount);
  g_assert_true (g_bytes_equal (got, manifest));
  g_assert_cmpint (session_id, ==, 1);
  g_assert_cmpint (taken_at, ==, 42);
  g_assert_true (ul_store_forget_medium_manifest (store, 1, -1, &error));
  g_clear_pointer (&got, g_bytes_unref);
  g_assert_null (ul_store_get_medium_manifest (store, 1, 0, &session_id, &taken_at, &at_mount,
                                               &error));
  g_assert_no_error (error);
}

/* a logbook at schema 5 with a certificate: migration 6 keeps it (signed
 * before keys were pinned: no key named), and keys can be pinned, once each,
 * never changed */
static void
test_migrate_v5_signing_keys (Fixture *f, gconstpointer data)
{
  static const char *const scripts[] = { "0001-initial.sql", "0002-audit-chain.sql",
                                         "0003-session-files.sql", "0004-erasures.sql",
                                         "0005-outside-changes.sql" };
  g_autoptr(GError) error = NULL;
  g_autoptr(UlStore) store = NULL;
  g_autoptr(UlCertificate) c = NULL;
  g_autoptr(GPtrArray) keys = NULL;
  g_autofree char *pem = NULL;
  gint64 n = 0;

  run_scripts (f->path, scripts, G_N_ELEMENTS (scripts));
  exec_raw (f->path,
            "PRAGMA user_version = 5; PRAGMA application_id = 1431522375;"
            "INSERT INTO media (id, asset_number, vendor_id, product_id, serial, "
            "  descriptor_hash, registered_by, registered_at) "
            "  VALUES (1, 'USB-1', 1, 2, x'5331', 'h', 'root', 1);"
            "INSERT INTO devices_seen (id, vendor_id, product_id, descriptor_hash, first_seen, "
            "  last_seen) VALUES (1, 1, 2, 'h', 1, 1);"
            "INSERT INTO erasures (id, medium_id, device_id, device_node, capacity, method, "
            "  pattern, operator, host, started_at, outcome) VALUES (1, 1, 1, '/dev/sdb', 10, "
            "  'clear', 'zeros', 'root', 'pc', 1, 'verified');"
            "INSERT INTO certificates (number, fiscal_year, seq, erasure_id, issued_at, json, "
            "  signature) VALUES ('2026-0001', 2026, 1, 1, 2, x'7b7d', x'30');",
            SQLITE_OK);

  store = ul_store_open (f->path, &error);
  g_assert_no_error (error);
  g_assert_cmpint (ul_store_schema_version (store), ==, UL_STORE_SCHEMA_VERSION);
  c = ul_store_get_certificate (store, "2026-0001", &error);
  g_assert_no_error (error);
  g_assert_null (c->key_sha256);
  g_assert_true (ul_store_count_certificates (store, &n, &error));
  g_assert_cmpint (n, ==, 1);
  keys = ul_store_pinned_keys (store, &error);
  g_assert_cmpuint (keys->len, ==, 0);
  g_assert_true (ul_store_pin_key (store, "ab", "PEM-A", 5, &error));
  g_assert_true (ul_store_pin_key (store, "ab", "PEM-B", 6, &error));   /* pinned already */
  pem = ul_store_pinned_key_pem (store, "ab", &error);
  g_assert_cmpstr (pem, ==, "PEM-A");
  g_assert_null (ul_store_pinned_key_pem (store, "cd", &error));
  g_assert_error (error, UL_ERROR, UL_ERROR_NOT_FOUND);
  g_clear_pointer (&store, ul_store_free);
  exec_raw (f->path, "UPDATE signing_keys SET public_pem = 'X'", SQLITE_CONSTRAINT);
  exec_raw (f->path, "DELETE FROM signing_keys", SQLITE_CONSTRAINT);
}

/* a card (kind card, ids 0, its volume identity as serial) and a USB
 * registration never stand for each other; the kind survives the store */
static void
test_card_media (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(UlStore) store = ul_store_open (f->path, &error);
  g_autoptr(GBytes) id = g_bytes_new_static ("capacity=1024 pttype=dos ptuuid=a1b2c3d4", 40);
  g_autoptr(UlMedium) card = ul_medium_new ();
  g_autoptr(UlMedium) as_usb = NULL;
  g_autoptr(UlMedium) as_card = NULL;
  g_autoptr(UlMedium) listed = NULL;

  card->asset_number = g_strdup ("SD-1");
  card->serial = g_bytes_ref (id);
  card->descriptor_hash = ul_sha256_hex (g_bytes_get_data (id, NULL), g_bytes_get_size (id));
  card->registered_by = g_strdup ("sato");
  card->kind = UL_MEDIUM_KIND_CARD;
  g_assert_true (ul_store_add_medium (store, card, &error));
  g_assert_no_error (error);
  as_usb = ul_store_find_medium_for_identity (store, FALSE, 0, 0, id, &error);
  g_assert_no_error (error);
  g_assert_null (as_usb);
  as_card = ul_store_find_medium_for_identity (store, TRUE, 0, 0, id, &error);
  g_assert_nonnull (as_card);
  g_assert_cmpint (as_card->kind, ==, UL_MEDIUM_KIND_CARD);
  listed = ul_store_get_medium (store, "SD-1", &error);
  g_assert_cmpstr (ul_medium_kind_to_string (listed->kind), ==, "card");
}

/* a corrupt page does not keep the daemon from starting (the check runs
 * after start, ul_store_quick_check), but the check finds it */
static void
test_quick_check_finds_a_corrupt_page (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(UlStore) store = ul_store_open (f->path, &error);
  g_autoptr(UlStore) again = NULL;
  g_autoptr(UlStore) check = NULL;
  g_autofree char *bytes = NULL;
  gint64 root = 0, page = 0;
  gsize len = 0;
  sqlite3 *db = NULL;
  sqlite3_stmt *st = NULL;

  g_assert_no_error (error);
  g_assert_true (ul_store_quick_check (store, &error));
  g_clear_pointer (&store, ul_store_free);
  g_assert_cmpint (sqlite3_open (f->path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT rootpage, (SELECT page_size FROM "
                                           "pragma_page_size) FROM sqlite_schema WHERE name = "
                                           "'ledger_exports'", -1, &st, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (st), ==, SQLITE_ROW);
  root = sqlite3_column_int64 (st, 0);
  page = sqlite3_column_int64 (st, 1);
  sqlite3_finalize (st);
  sqlite3_close (db);
  g_assert_true (g_file_get_contents (f->path, &bytes, &len, NULL));
  g_assert_cmpint ((gint64) len, >=, root * page);
  memset (bytes + (root - 1) * page, 0xff, (gsize) page);
  g_assert_true (g_file_set_contents (f->path, bytes, (gssize) len, NULL));

  again = ul_store_open (f->path, &error);
  g_assert_no_error (error);
  check = ul_store_open_for_check (f->path, &error);
  g_assert_no_error (error);
  g_assert_false (ul_store_quick_check (check, &error));
  g_assert_error (error, UL_ERROR, UL_ERROR_DATABASE);
  g_assert_nonnull (strstr (error->message, "corrupt"));
}

/* the events' and requests' reason codes (schema 11): kept, listed, bound
 * into the chain when present, and left out of the hash when absent, so
 * that every row hashed before them keeps its hash */
static void
test_reason_codes (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(UlStore) store = ul_store_open (f->path, &error);
  g_autoptr(UlDevice) dev = ul_test_device_new ("1-2", "SN1", STORAGE, 1);
  g_autoptr(GPtrArray) requests = NULL;
  g_autoptr(GPtrArray) events = NULL;
  g_autoptr(UlEvent) plain = ul_event_new ("daemon-started", "system", "pc", 7);
  g_autoptr(UlEvent) coded = ul_event_new ("device-added", "system", "pc", 8);
  g_autofree char *v1_form = NULL;
  g_autofree char *v1_hash = NULL;
  gint64 device_id = 0, req = 0;
  gboolean created = FALSE;

  g_assert_true (ul_store_note_device (store, dev, 5, &device_id, &error));
  g_assert_true (ul_store_ensure_request (store, device_id, "tanaka", 1000, "pc", 6,
                                          "not registered", "not-registered", NULL, &req,
                                          &created, &error));
  g_assert_no_error (error);
  requests = ul_store_list_requests (store, "pending", &error);
  g_assert_cmpstr (((UlRequest *) requests->pdata[0])->reason_code, ==, "not-registered");

  plain->detail = g_strdup ("usbledgerd");
  g_assert_true (ul_store_append_event (store, plain, &error));
  coded->device_id = device_id;
  coded->decision = g_strdup ("block-and-request");
  coded->detail = g_strdup ("stick: not registered");
  coded->reason_code = g_strdup ("not-registered");
  g_assert_true (ul_store_append_event (store, coded, &error));
  g_assert_no_error (error);

  /* the row without a code: the form of docs/design.md before schema 11,
   * written out here, gives its hash */
  v1_form = g_strconcat ("0000000000000000000000000000000000000000000000000000000000000000",
                         "usbledger-event-v1\n1:1\n1:7\n2:pc\n14:daemon-started\n6:system\n-\n"
                         "-\n-\n-\n-\n-\n-\n10:usbledgerd\n", NULL);
  v1_hash = ul_sha256_hex ((const guint8 *) v1_form, strlen (v1_form));
  g_assert_cmpstr (plain->hash, ==, v1_hash);
  /* the code is one more field of the coded row's form */
  {
    g_autofree char *without = NULL;
    g_autofree char *code = coded->reason_code;

    coded->reason_code = NULL;
    without = ul_audit_chain_hash (coded, plain->hash);
    coded->reason_code = g_steal_pointer (&code);
    g_assert_cmpstr (without, !=, coded->hash);
  }

  events = ul_store_list_events (store, NULL, &error);
  g_assert_cmpuint (events->len, ==, 2);
  g_assert_null (((UlEvent *) events->pdata[0])->reason_code);
  g_assert_cmpstr (((UlEvent *) events->pdata[1])->reason_code, ==, "not-registered");
  g_assert_true (ul_store_verify_chain (store, NULL, &error));
  g_assert_no_error (error);

  /* the trigger refuses to change a code; behind it, the chain shows it */
  exec_raw (f->path, "UPDATE events SET reason_code = 'registered' WHERE id = 2",
            SQLITE_CONSTRAINT);
  exec_raw (f->path, "DROP TRIGGER events_no_update; "
                     "UPDATE events SET reason_code = NULL WHERE id = 2", SQLITE_OK);
  g_assert_false (ul_store_verify_chain (store, NULL, &error));
  g_assert_error (error, UL_ERROR, UL_ERROR_BAD_STATE);
  g_assert_cmpstr (error->message, ==, "event 2 does not match its hash: the log was changed");
  g_clear_error (&error);
  exec_raw (f->path, "UPDATE events SET reason_code = 'expired' WHERE id = 1", SQLITE_OK);
  g_assert_false (ul_store_verify_chain (store, NULL, &error));
  g_assert_cmpstr (error->message, ==, "event 1 does not match its hash: the log was changed");
}

/* a logbook of schema 10: migration 11 adds the columns (NULL for what is
 * there), and the requests, sealed again in their new form, still match
 * their seals; the events' chain is untouched */
static void
test_migrate_v10_reason_codes (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(UlStore) store = ul_store_open (f->path, &error);
  g_autoptr(UlDevice) dev = ul_test_device_new ("1-2", "SN1", STORAGE, 1);
  g_autoptr(UlEvent) ev = ul_event_new ("device-added", "system", "pc", 8);
  g_autoptr(GPtrArray) requests = NULL;
  gint64 device_id = 0, req = 0, seals_before = 0, seals_after = 0;
  g_autofree char *head_before = NULL;
  g_autofree char *head_after = NULL;
  gboolean created = FALSE;
  guint64 n = 0;

  g_assert_true (ul_store_note_device (store, dev, 5, &device_id, &error));
  g_assert_true (ul_store_ensure_request (store, device_id, "tanaka", 1000, "pc", 6,
                                          "not registered", NULL, NULL, &req, &created, &error));
  ev->device_id = device_id;
  ev->detail = g_strdup ("stick: not registered");
  g_assert_true (ul_store_append_event (store, ev, &error));
  g_assert_true (ul_store_seal_head (store, &seals_before, &head_before, &error));
  g_clear_pointer (&store, ul_store_free);
  exec_raw (f->path, UL_TEST_UNDO_SCHEMA_11 "PRAGMA user_version = 10;", SQLITE_OK);

  store = ul_store_open (f->path, &error);
  g_assert_no_error (error);
  g_assert_cmpint (ul_store_schema_version (store), ==, UL_STORE_SCHEMA_VERSION);
  requests = ul_store_list_requests (store, "pending", &error);
  g_assert_cmpuint (requests->len, ==, 1);
  g_assert_null (((UlRequest *) requests->pdata[0])->reason_code);
  g_assert_cmpstr (((UlRequest *) requests->pdata[0])->reason, ==, "not registered");
  g_assert_true (ul_store_verify_chain (store, &n, &error));
  g_assert_cmpuint (n, ==, 1);
  g_assert_true (ul_store_seal_head (store, &seals_after, &head_after, &error));
  g_assert_true (ul_store_verify_seal_chain (store, NULL, &error));
  g_assert_true (ul_store_verify_records (store, NULL, &error));
  g_assert_no_error (error);
  /* one seal more: the request's, in the form with reason_code */
  g_assert_cmpint (seals_after, ==, seals_before + 1);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add ("/store/fresh", Fixture, NULL, fixture_setup, test_fresh, fixture_teardown);
  g_test_add ("/store/append-only", Fixture, NULL, fixture_setup, test_events_append_only,
              fixture_teardown);
  g_test_add ("/store/migrate-v1", Fixture, NULL, fixture_setup, test_migrate_v1,
              fixture_teardown);
  g_test_add ("/store/migrate-v4-session-files", Fixture, NULL, fixture_setup,
              test_migrate_v4_session_files, fixture_teardown);
  g_test_add ("/store/migrate-v5-signing-keys", Fixture, NULL, fixture_setup,
              test_migrate_v5_signing_keys, fixture_teardown);
  g_test_add ("/store/reason-codes", Fixture, NULL, fixture_setup, test_reason_codes,
              fixture_teardown);
  g_test_add ("/store/migrate-v10-reason-codes", Fixture, NULL, fixture_setup,
              test_migrate_v10_reason_codes, fixture_teardown);
  g_test_add ("/store/failed-migration", Fixture, NULL, fixture_setup,
              test_failed_migration_rolls_back, fixture_teardown);
  g_test_add ("/store/refusals", Fixture, NULL, fixture_setup, test_refusals, fixture_teardown);
  g_test_add ("/store/quick-check-finds-a-corrupt-page", Fixture, NULL, fixture_setup,
              test_quick_check_finds_a_corrupt_page, fixture_teardown);
  g_test_add ("/store/media", Fixture, NULL, fixture_setup, test_media, fixture_teardown);
  g_test_add ("/store/card-media", Fixture, NULL, fixture_setup, test_card_media,
              fixture_teardown);
  return g_test_run ();
}
