/* the monthly ledger's rows (issue 10): a month is a calendar month in the
 * machine's zone (run under TZ=Asia/Tokyo, the city's); each session that
 * overlaps it is listed once, in start order; the logbook is read as it
 * stood at as-of, so the same ledger is derived again later; its digest
 * changes with any row */
#include "ul-error.h"
#include "ul-ledger.h"
#include "ul-store.h"
#include "ul-test-util.h"
#include "ul-time.h"

#include <sqlite3.h>

static const guint8 STORAGE[][3] = { { 0x08, 0x06, 0x50 } };

typedef struct {
  char *dir;
  char *path;
  UlStore *store;
  gint64 medium_id;
  gint64 device_id;
} Fixture;

/* µs of a local (JST) time */
static gint64
jst (const char *iso_local)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *text = g_strconcat (iso_local, "+09:00", NULL);
  gint64 t = 0;

  g_assert_true (ul_time_parse (text, &t, &error));
  g_assert_no_error (error);
  return t;
}

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(UlDevice) dev = ul_test_device_new ("1-2", "SN-LEDGER", STORAGE, 1);
  g_autoptr(UlMedium) m = ul_medium_new ();

  f->dir = g_dir_make_tmp ("usbledger-ledger-XXXXXX", NULL);
  f->path = g_build_filename (f->dir, "logbook.db", NULL);
  f->store = ul_store_open (f->path, &error);
  g_assert_no_error (error);
  g_assert_true (ul_store_note_device (f->store, dev, jst ("2026-10-01T09:00:00"),
                                       &f->device_id, &error));
  m->asset_number = g_strdup ("YZ-USB-0001");
  m->label = g_strdup ("総務課 1");
  m->vendor_id = dev->vendor_id;
  m->product_id = dev->product_id;
  m->serial = g_bytes_ref (dev->serial);
  m->descriptor_hash = g_strdup (dev->descriptor_hash);
  m->registered_by = g_strdup ("sato");
  m->registered_at = jst ("2026-10-01T09:05:00");
  m->read_only = TRUE;
  g_assert_true (ul_store_add_medium (f->store, m, &error));
  g_assert_no_error (error);
  f->medium_id = m->id;
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  ul_store_free (f->store);
  ul_test_rm_rf (f->dir);
  g_free (f->dir);
  g_free (f->path);
}

static gint64
session (Fixture *f, const char *user, const char *start, const char *end, const char *reason)
{
  g_autoptr(GError) error = NULL;
  gint64 id = 0;

  g_assert_true (ul_store_open_session (f->store, f->medium_id, f->device_id, user, 1000, "pc-1",
                                        jst (start), &id, &error));
  if (end != NULL)
    g_assert_true (ul_store_close_session (f->store, id, jst (end), reason, &error));
  g_assert_no_error (error);
  return id;
}

static void
file (Fixture *f, gint64 session_id, const char *path, gint64 size, const char *when)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(UlMountRecord) mount = g_new0 (UlMountRecord, 1);
  g_autoptr(UlFileRecord) rec = g_new0 (UlFileRecord, 1);

  mount->session_id = session_id;
  mount->device = g_strdup ("8:17");
  mount->mount_point = g_bytes_new ("/media/x", 8);
  mount->fstype = g_strdup ("vfat");
  mount->watch = g_strdup ("fanotify-names");
  mount->mounted_at = jst (when);
  g_assert_true (ul_store_add_mount (f->store, mount, &error));
  rec->session_id = session_id;
  rec->mount_id = mount->id;
  rec->action = g_strdup ("created");
  rec->path = g_bytes_new (path, strlen (path));
  rec->size = size;
  rec->sha256 = g_strdup ("ab");
  rec->status = g_strdup ("ok");
  rec->source = g_strdup ("fanotify");
  rec->time = jst (when);
  rec->uid = 1000;
  g_assert_true (ul_store_add_file (f->store, rec, &error));
  g_assert_no_error (error);
}

/* the session ids of a ledger's part 1, in order */
static GArray *
session_ids (GVariant *ledger)
{
  g_autoptr(GVariant) rows = g_variant_lookup_value (ledger, "sessions", G_VARIANT_TYPE ("av"));
  GArray *ids = g_array_new (FALSE, FALSE, sizeof (gint64));

  for (gsize i = 0; i < g_variant_n_children (rows); i++)
    {
      g_autoptr(GVariant) boxed = g_variant_get_child_value (rows, i);
      g_autoptr(GVariant) row = g_variant_get_variant (boxed);
      gint64 id = 0;

      g_assert_true (g_variant_lookup (row, "session-id", "x", &id));
      g_array_append_val (ids, id);
    }
  return ids;
}

static GVariant *
row (GVariant *ledger, const char *part, guint i)
{
  g_autoptr(GVariant) rows = g_variant_lookup_value (ledger, part, G_VARIANT_TYPE ("av"));
  g_autoptr(GVariant) boxed = g_variant_get_child_value (rows, i);

  return g_variant_get_variant (boxed);
}

static GVariant *
ledger (Fixture *f, const char *month, const char *as_of)
{
  g_autoptr(GError) error = NULL;
  GVariant *l = ul_store_ledger_month (f->store, month, jst (as_of), "pc-1", &error);

  g_assert_no_error (error);
  g_assert_nonnull (l);
  return l;
}

static void
test_month_is_local_and_each_session_once (Fixture *f, gconstpointer data)
{
  /* across the October/November boundary; the last half hour of November
   * (in December already by UTC+10's clock, in November by UTC's); December */
  gint64 across = session (f, "tanaka", "2026-10-31T23:00:00", "2026-11-01T01:00:00", "ejected");
  gint64 late = session (f, "suzuki", "2026-11-30T23:30:00", "2026-11-30T23:50:00", "yanked");
  gint64 early = session (f, "tanaka", "2026-11-02T08:00:00", "2026-11-02T09:00:00", "removed");
  gint64 december = session (f, "tanaka", "2026-12-01T00:10:00", NULL, NULL);
  g_autoptr(GVariant) oct = ledger (f, "2026-10", "2026-12-05T00:00:00");
  g_autoptr(GVariant) nov = ledger (f, "2026-11", "2026-12-05T00:00:00");
  g_autoptr(GVariant) dec = ledger (f, "2026-12", "2026-12-05T00:00:00");
  g_autoptr(GArray) o = session_ids (oct);
  g_autoptr(GArray) n = session_ids (nov);
  g_autoptr(GArray) d = session_ids (dec);
  g_autoptr(GVariant) first = NULL;
  g_autoptr(GVariant) yank = NULL;
  const char *s = NULL;

  g_assert_cmpuint (o->len, ==, 1);
  g_assert_cmpint (g_array_index (o, gint64, 0), ==, across);
  g_assert_cmpuint (n->len, ==, 3);
  g_assert_cmpint (g_array_index (n, gint64, 0), ==, across);
  g_assert_cmpint (g_array_index (n, gint64, 1), ==, early);
  g_assert_cmpint (g_array_index (n, gint64, 2), ==, late);
  g_assert_cmpuint (d->len, ==, 1);
  g_assert_cmpint (g_array_index (d, gint64, 0), ==, december);

  g_assert_true (g_variant_lookup (nov, "since", "&s", &s));
  g_assert_cmpstr (s, ==, "2026-10-31T15:00:00Z");
  g_assert_true (g_variant_lookup (nov, "zone", "&s", &s));
  g_assert_cmpstr (s, ==, "JST (UTC+09:00)");
  first = row (nov, "sessions", 0);
  g_assert_true (g_variant_lookup (first, "asset-number", "&s", &s));
  g_assert_cmpstr (s, ==, "YZ-USB-0001");
  g_assert_true (g_variant_lookup (first, "approved-by", "&s", &s));
  g_assert_cmpstr (s, ==, "sato");
  g_assert_true (g_variant_lookup (first, "end-reason", "&s", &s));
  g_assert_cmpstr (s, ==, "ejected");
  /* the yanked stick is an incident too */
  yank = row (nov, "incidents", 0);
  g_assert_true (g_variant_lookup (yank, "kind", "&s", &s));
  g_assert_cmpstr (s, ==, "medium-yanked");
  g_assert_true (g_variant_lookup (yank, "seat-user", "&s", &s));
  g_assert_cmpstr (s, ==, "suzuki");
  {
    g_autoptr(GVariant) sum = g_variant_lookup_value (nov, "summary", G_VARIANT_TYPE_VARDICT);
    gint64 v = 0;

    g_assert_true (g_variant_lookup (sum, "sessions", "x", &v));
    g_assert_cmpint (v, ==, 3);
    g_assert_true (g_variant_lookup (sum, "users", "x", &v));
    g_assert_cmpint (v, ==, 2);
    g_assert_true (g_variant_lookup (sum, "media-not-erased", "x", &v));
    g_assert_cmpint (v, ==, 1);
  }
}

static void
test_as_of_is_the_logbook_then (Fixture *f, gconstpointer data)
{
  gint64 id = session (f, "tanaka", "2026-11-10T10:00:00", NULL, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) before = NULL;
  g_autoptr(GVariant) after = NULL;
  g_autoptr(GVariant) again = NULL;
  g_autoptr(GVariant) r = NULL;
  g_autofree char *d1 = NULL, *d2 = NULL, *d3 = NULL;
  const char *s = NULL;
  gint64 files = -1;

  file (f, id, "a.txt", 100, "2026-11-10T10:05:00");
  before = ledger (f, "2026-11", "2026-11-10T10:30:00");
  /* later: another file, and the session ends */
  file (f, id, "=HYPERLINK(\"x\").txt", 50, "2026-11-10T11:00:00");
  g_assert_true (ul_store_close_session (f->store, id, jst ("2026-11-10T11:30:00"), "ejected",
                                         &error));
  again = ledger (f, "2026-11", "2026-11-10T10:30:00");
  after = ledger (f, "2026-11", "2026-11-11T00:00:00");

  /* derived again as of the same moment: the same ledger, the same digest */
  d1 = ul_ledger_digest (before, &error);
  d2 = ul_ledger_digest (again, &error);
  d3 = ul_ledger_digest (after, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (d1, ==, d2);
  g_assert_true (g_variant_equal (before, again));
  g_assert_cmpstr (d1, !=, d3);

  r = row (before, "sessions", 0);
  g_assert_false (g_variant_lookup (r, "ended-at", "&s", &s));   /* in use then */
  g_assert_true (g_variant_lookup (r, "files", "x", &files));
  g_assert_cmpint (files, ==, 1);
  g_clear_pointer (&r, g_variant_unref);
  r = row (after, "sessions", 0);
  g_assert_true (g_variant_lookup (r, "ended-at", "&s", &s));
  g_assert_true (g_variant_lookup (r, "files", "x", &files));
  g_assert_cmpint (files, ==, 2);
  g_assert_true (g_variant_lookup (r, "bytes", "x", &files));
  g_assert_cmpint (files, ==, 150);
  /* the city's copy carries no file name, only the list's digest */
  g_assert_true (g_variant_lookup (r, "files-sha256", "&s", &s));
  g_assert_cmpuint (strlen (s), ==, 64);
  {
    g_autofree char *json = g_variant_print (after, FALSE);

    g_assert_null (strstr (json, "HYPERLINK"));
    g_assert_null (strstr (json, "a.txt"));
  }
}

static void
test_digest_sees_an_edit (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) first = NULL;
  g_autoptr(GVariant) edited = NULL;
  g_autofree char *d1 = NULL, *d2 = NULL;
  sqlite3 *db = NULL;

  session (f, "tanaka", "2026-11-10T10:00:00", "2026-11-10T11:00:00", "ejected");
  first = ledger (f, "2026-11", "2026-11-20T00:00:00");
  d1 = ul_ledger_digest (first, &error);
  /* someone edits the logbook with the sqlite3 shell: the seal trigger
   * refuses, so they drop it first */
  g_assert_cmpint (sqlite3_open (f->path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "UPDATE sessions SET user_name = 'suzuki'", NULL, NULL, NULL),
                   ==, SQLITE_ERROR);
  g_assert_cmpint (sqlite3_exec (db, "DROP TRIGGER sessions_seal_update; "
                                     "DROP TRIGGER sessions_seal_renumber; "
                                     "UPDATE sessions SET user_name = 'suzuki'", NULL, NULL, NULL),
                   ==, SQLITE_OK);
  sqlite3_close (db);
  edited = ledger (f, "2026-11", "2026-11-20T00:00:00");
  d2 = ul_ledger_digest (edited, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (d1, !=, d2);
}

/* the file totals kept in the sessions' rows give the ledger that folding
 * their records gives (as a ledger as of an earlier time folds them) */
static void
test_totals_in_rows_give_the_records_ledger (Fixture *f, gconstpointer data)
{
  gint64 a = session (f, "tanaka", "2026-11-03T09:00:00", "2026-11-03T10:00:00", "ejected");
  gint64 b = session (f, "鈴木", "2026-11-04T09:00:00", NULL, NULL);
  g_autoptr(GVariant) from_rows = NULL;
  g_autoptr(GVariant) from_records = NULL;
  g_autofree char *sql = NULL;
  sqlite3 *db = NULL;

  session (f, "tanaka", "2026-11-05T09:00:00", "2026-11-05T09:30:00", "removed");
  file (f, a, "報告書.docx", 1200, "2026-11-03T09:10:00");
  file (f, a, "報告書.docx", 1300, "2026-11-03T09:20:00");
  file (f, a, "tab\there.txt", 5, "2026-11-03T09:30:00");
  file (f, b, "x.csv", 0, "2026-11-04T09:10:00");
  from_rows = ledger (f, "2026-11", "2026-11-20T00:00:00");
  /* each row's totals marked as written later than as-of: the ledger
   * folds every session's records instead */
  g_assert_cmpint (sqlite3_open (f->path, &db), ==, SQLITE_OK);
  sql = g_strdup_printf ("DROP TRIGGER sessions_seal_update; DROP TRIGGER sessions_seal_renumber; "
                         "UPDATE sessions SET files_last = %" G_GINT64_FORMAT ", files = 99, "
                         "files_bytes = 99, files_sha256 = 'x'", jst ("2026-12-01T00:00:00"));
  g_assert_cmpint (sqlite3_exec (db, sql, NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);
  from_records = ledger (f, "2026-11", "2026-11-20T00:00:00");
  g_assert_true (g_variant_equal (from_rows, from_records));
  {
    g_autoptr(GVariant) r = row (from_rows, "sessions", 0);
    gint64 v = 0;

    g_assert_true (g_variant_lookup (r, "files", "x", &v));
    g_assert_cmpint (v, ==, 2);
    g_assert_true (g_variant_lookup (r, "bytes", "x", &v));
    g_assert_cmpint (v, ==, 1305);
  }
}

static void
test_bad_month_refused (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;

  g_assert_null (ul_store_ledger_month (f->store, "2026-13", 0, "pc-1", &error));
  g_assert_error (error, UL_ERROR, UL_ERROR_INVALID_ARGUMENT);
}

int
main (int argc, char **argv)
{
  g_setenv ("TZ", "Asia/Tokyo", TRUE);
  g_test_init (&argc, &argv, NULL);
  g_test_add ("/ledger/month-is-local-and-each-session-once", Fixture, NULL, fixture_setup,
              test_month_is_local_and_each_session_once, fixture_teardown);
  g_test_add ("/ledger/as-of-is-the-logbook-then", Fixture, NULL, fixture_setup,
              test_as_of_is_the_logbook_then, fixture_teardown);
  g_test_add ("/ledger/digest-sees-an-edit", Fixture, NULL, fixture_setup,
              test_digest_sees_an_edit, fixture_teardown);
  g_test_add ("/ledger/totals-in-rows-give-the-records-ledger", Fixture, NULL, fixture_setup,
              test_totals_in_rows_give_the_records_ledger, fixture_teardown);
  g_test_add ("/ledger/bad-month-refused", Fixture, NULL, fixture_setup, test_bad_month_refused,
              fixture_teardown);
  return g_test_run ();
}
