/* ledger-bench: the monthly ledger on a city's five years of logbook.
 *
 *   ledger-bench FOLDER [SCALE] [--reuse]
 *
 * Makes FOLDER/logbook.db with SCALE times (default 1) 1,000,000 sessions
 * and 10,000,000 file records over five years (200 media, 500 users, one
 * event per session), then measures, each beside a baseline from the same
 * run:
 *   - one month's ledger (ul_store_ledger_month), goal < 200 ms; baseline:
 *     reading that month's session and file rows with a plain SELECT;
 *   - a 2,000-row PDF, goal < 3 s; baseline: a one-page certificate;
 *   - the files appendix CSV, MB/s; baseline: writing the same bytes;
 *   - the event chain check, rows/s, and its ratio to SHA-256 over the
 *     same bytes; and the whole of log --verify (events, record seals and
 *     every record row against its seal), rows/s, beside SHA-256 over as
 *     many bytes as the database file;
 * and prints the database's size. A benchmark, not a test: it never fails
 * on a figure. */
#include "ul-canonical-json.h"
#include "ul-file-fold.h"
#include "ul-ledger.h"
#include "ul-logbook-verify.h"
#include "ul-record-seals.h"
#include "ul-report-appendix.h"
#include "ul-report-certificate.h"
#include "ul-report-ledger.h"
#include "ul-report-pdf.h"
#include "ul-store.h"
#include "ul-time.h"

#include <glib/gstdio.h>
#include <sqlite3.h>
#include <stdio.h>

#define YEAR (365 * 24 * 3600 * G_GINT64_CONSTANT (1000000))

static double
seconds_since (gint64 start)
{
  return (g_get_monotonic_time () - start) / 1e6;
}

static void
exec (sqlite3 *db, const char *sql)
{
  char *msg = NULL;

  if (sqlite3_exec (db, sql, NULL, NULL, &msg) != SQLITE_OK)
    g_error ("%s: %s", sql, msg);
}

static sqlite3_stmt *
prepare (sqlite3 *db, const char *sql)
{
  sqlite3_stmt *st = NULL;

  if (sqlite3_prepare_v2 (db, sql, -1, &st, NULL) != SQLITE_OK)
    g_error ("%s: %s", sql, sqlite3_errmsg (db));
  return st;
}

static void
step (sqlite3 *db, sqlite3_stmt *st)
{
  if (sqlite3_step (st) != SQLITE_DONE)
    g_error ("insert: %s", sqlite3_errmsg (db));
  sqlite3_reset (st);
}

/* the name and SHA-256 of session @s's file @f */
static void
file_row (gint64 s, int f, char name[64], char hex[65])
{
  g_snprintf (name, 64, "報告書/文書%02d.docx", f);
  g_snprintf (hex, 65, "%016" G_GINT64_MODIFIER "x%016x%032x", s, f, 0);
}

/* media, devices, sessions, mounts and files, straight into the tables */
static void
fill (const char *path, gint64 start, gint64 n_sessions, int files_per_session)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *medium, *device, *session, *mount, *file;
  gint64 step_us = 5 * YEAR / n_sessions;
  g_autoptr(UlFileFold) fold = ul_file_fold_new ();
  char name[64];
  char hex[65];

  if (sqlite3_open (path, &db) != SQLITE_OK)
    g_error ("%s", sqlite3_errmsg (db));
  /* the seal triggers run, as for the daemon's own writes */
  if (!ul_record_seals_register (db, NULL))
    g_error ("cannot add the seal functions");
  exec (db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=OFF; BEGIN");
  medium = prepare (db, "INSERT INTO media (id, asset_number, label, vendor_id, product_id, "
                        "serial, descriptor_hash, registered_by, registered_at) "
                        "VALUES (?1, ?2, ?3, 1921, 21863, ?4, ?5, 'sato', ?6)");
  device = prepare (db, "INSERT INTO devices_seen (id, vendor_id, product_id, serial, "
                        "descriptor_hash, first_seen, last_seen) VALUES (?1, 1921, 21863, ?2, "
                        "?3, ?4, ?4)");
  for (int i = 1; i <= 200; i++)
    {
      g_autofree char *asset = g_strdup_printf ("YZ-USB-%04d", i);
      g_autofree char *label = g_strdup_printf ("課 %d", i);
      g_autofree char *serial = g_strdup_printf ("BENCH%06d", i);

      g_snprintf (hex, sizeof hex, "%064x", i);
      sqlite3_bind_int (medium, 1, i);
      sqlite3_bind_text (medium, 2, asset, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (medium, 3, label, -1, SQLITE_TRANSIENT);
      sqlite3_bind_blob (medium, 4, serial, (int) strlen (serial), SQLITE_TRANSIENT);
      sqlite3_bind_text (medium, 5, hex, -1, SQLITE_TRANSIENT);
      sqlite3_bind_int64 (medium, 6, start - YEAR);
      step (db, medium);
      sqlite3_bind_int (device, 1, i);
      sqlite3_bind_blob (device, 2, serial, (int) strlen (serial), SQLITE_TRANSIENT);
      sqlite3_bind_text (device, 3, hex, -1, SQLITE_TRANSIENT);
      sqlite3_bind_int64 (device, 4, start - YEAR);
      step (db, device);
    }
  /* with the file totals the daemon keeps as it writes the records */
  session = prepare (db, "INSERT INTO sessions (id, medium_id, device_id, user_name, uid, host, "
                         "started_at, ended_at, end_reason, files, files_bytes, files_sha256, "
                         "files_flags, files_last) VALUES (?1, ?2, ?2, ?3, ?4, 'pc-1', ?5, ?6, "
                         "'ejected', ?7, ?8, ?9, ?10, ?11)");
  mount = prepare (db, "INSERT INTO session_mounts (id, session_id, device, mount_point, fstype, "
                       "watch, mounted_at, unmounted_at, manifest) VALUES (?1, ?1, '8:17', "
                       "X'2f6d656469612f78', 'vfat', 'fanotify-names', ?2, ?3, 'checked')");
  file = prepare (db, "INSERT INTO session_files (session_id, mount_id, action, path, size, "
                      "sha256, status, source, time, uid) VALUES (?1, ?1, 'created', ?2, ?3, "
                      "?4, 'ok', 'fanotify', ?5, ?6)");
  for (gint64 s = 1; s <= n_sessions; s++)
    {
      gint64 t = start + (s - 1) * step_us;
      g_autofree char *user = g_strdup_printf ("user%03d", (int) (s % 500));
      UlFileTotals totals;

      ul_file_fold_reset (fold);
      for (int f = 0; f < files_per_session; f++)
        {
          file_row (s, f, name, hex);
          ul_file_fold_add (fold, "created", (const guint8 *) name, strlen (name),
                            1000 * (f + 1), hex, "ok", "fanotify");
        }
      ul_file_fold_totals (fold, &totals);
      sqlite3_bind_int64 (session, 1, s);
      sqlite3_bind_int64 (session, 2, 1 + s % 200);
      sqlite3_bind_text (session, 3, user, -1, SQLITE_TRANSIENT);
      sqlite3_bind_int64 (session, 4, 1000 + s % 500);
      sqlite3_bind_int64 (session, 5, t);
      sqlite3_bind_int64 (session, 6, t + step_us / 2);
      sqlite3_bind_int64 (session, 7, totals.files);
      sqlite3_bind_int64 (session, 8, totals.bytes);
      sqlite3_bind_text (session, 9, totals.sha256, -1, SQLITE_TRANSIENT);
      sqlite3_bind_int (session, 10, (int) totals.flags);
      sqlite3_bind_int64 (session, 11, t + (files_per_session - 1) * 1000);
      step (db, session);
      sqlite3_bind_int64 (mount, 1, s);
      sqlite3_bind_int64 (mount, 2, t);
      sqlite3_bind_int64 (mount, 3, t + step_us / 2);
      step (db, mount);
      for (int f = 0; f < files_per_session; f++)
        {
          file_row (s, f, name, hex);
          sqlite3_bind_int64 (file, 1, s);
          sqlite3_bind_blob (file, 2, name, (int) strlen (name), SQLITE_TRANSIENT);
          sqlite3_bind_int64 (file, 3, 1000 * (f + 1));
          sqlite3_bind_text (file, 4, hex, -1, SQLITE_TRANSIENT);
          sqlite3_bind_int64 (file, 5, t + f * 1000);
          sqlite3_bind_int64 (file, 6, 1000 + s % 500);
          step (db, file);
        }
    }
  sqlite3_finalize (medium);
  sqlite3_finalize (device);
  sqlite3_finalize (session);
  sqlite3_finalize (mount);
  sqlite3_finalize (file);
  exec (db, "COMMIT; PRAGMA wal_checkpoint(TRUNCATE)");
  sqlite3_close (db);
}

/* one event per session, through the store, so the chain is real */
static void
events (UlStore *store, gint64 start, gint64 n_sessions)
{
  g_autoptr(GError) error = NULL;
  gint64 step_us = 5 * YEAR / n_sessions;

  if (!ul_store_begin (store, &error))
    g_error ("%s", error->message);
  for (gint64 s = 1; s <= n_sessions; s++)
    {
      g_autoptr(UlEvent) ev = ul_event_new ("session-opened", "system", "pc-1",
                                            start + (s - 1) * step_us);

      ev->session_id = s;
      ev->medium_id = 1 + s % 200;
      ev->detail = g_strdup_printf ("YZ-USB-%04d in use", (int) (1 + s % 200));
      if (!ul_store_append_event (store, ev, &error))
        g_error ("%s", error->message);
    }
  if (!ul_store_commit (store, &error))
    g_error ("%s", error->message);
}

/* the baseline of the month's query: its session and file rows, read */
static gint64
plain_month_read (const char *path, gint64 since, gint64 until)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *st;
  gint64 n = 0;

  sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL);
  st = prepare (db, "SELECT s.id, s.user_name, s.started_at, f.path, f.size, f.sha256 "
                    "FROM sessions s JOIN session_files f ON f.session_id = s.id "
                    "WHERE s.started_at >= ?1 AND s.started_at < ?2");
  sqlite3_bind_int64 (st, 1, since);
  sqlite3_bind_int64 (st, 2, until);
  while (sqlite3_step (st) == SQLITE_ROW)
    n++;
  sqlite3_finalize (st);
  sqlite3_close (db);
  return n;
}

/* the bytes of the events' fields, which the chain check hashes */
static gsize
event_bytes (const char *path)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *st;
  gsize n = 0;

  sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL);
  st = prepare (db, "SELECT sum(length(id) + length(time) + length(host) + length(kind) + "
                    "length(actor) + length(coalesce(seat_user, '')) + "
                    "length(coalesce(session_id, '')) + length(coalesce(medium_id, '')) + "
                    "length(coalesce(decision, '')) + length(detail) + length(prev_hash)) "
                    "FROM events");
  if (sqlite3_step (st) == SQLITE_ROW)
    n = (gsize) sqlite3_column_int64 (st, 0);
  sqlite3_finalize (st);
  sqlite3_close (db);
  return n;
}

int
main (int argc, char **argv)
{
  g_autoptr(GError) error = NULL;
  gboolean reuse = argc > 1 && g_str_equal (argv[argc - 1], "--reuse");
  const char *folder = argc - reuse > 1 ? argv[1] : NULL;
  double scale = argc - reuse > 2 ? g_ascii_strtod (argv[2], NULL) : 1.0;
  gint64 n_sessions = (gint64) (1000000 * scale);
  g_autofree char *path = NULL;
  g_autoptr(UlStore) store = NULL;
  g_autoptr(GVariant) ledger = NULL;
  gint64 start, since, until, t0;
  GStatBuf st;

  if (folder == NULL || scale <= 0)
    {
      fprintf (stderr, "usage: ledger-bench FOLDER [SCALE] [--reuse]\n");
      return 2;
    }
  g_setenv ("TZ", "Asia/Tokyo", TRUE);
  g_mkdir_with_parents (folder, 0700);
  path = g_build_filename (folder, "logbook.db", NULL);
  if (!ul_time_parse ("2022-01-01", &start, &error))
    g_error ("%s", error->message);

  /* --reuse: the logbook a previous run made, to measure again */
  if (!reuse || !g_file_test (path, G_FILE_TEST_EXISTS))
    {
      g_unlink (path);
      t0 = g_get_monotonic_time ();
      store = ul_store_open (path, &error);   /* the schema */
      if (store == NULL)
        g_error ("%s", error->message);
      g_clear_pointer (&store, ul_store_free);
      fill (path, start, n_sessions, 10);
      store = ul_store_open (path, &error);
      events (store, start, n_sessions);
      printf ("logbook: %" G_GINT64_FORMAT " sessions, %" G_GINT64_FORMAT " file records, %"
              G_GINT64_FORMAT " events, made in %.1f s\n", n_sessions, n_sessions * 10,
              n_sessions, seconds_since (t0));
      /* the events are in the write-ahead log until a checkpoint: the size
       * printed is the file's with them */
      if (!ul_store_checkpoint (store, &error))
        g_error ("%s", error->message);
    }
  g_stat (path, &st);
  printf ("database size: %.1f MiB (%.0f bytes per file record)\n",
          st.st_size / 1048576.0, (double) st.st_size / (n_sessions * 10));
  /* what the daemon does at each start: open, with its integrity check */
  g_clear_pointer (&store, ul_store_free);
  t0 = g_get_monotonic_time ();
  store = ul_store_open (path, &error);
  if (store == NULL)
    g_error ("%s", error->message);
  printf ("opening the logbook (what usbledgerd does at start): %.1f s\n", seconds_since (t0));
  {
    g_autoptr(UlStore) check = ul_store_open_for_check (path, &error);

    t0 = g_get_monotonic_time ();
    if (check == NULL || !ul_store_quick_check (check, &error))
      g_error ("%s", error->message);
    printf ("its integrity check (PRAGMA quick_check, in a worker after start): %.1f s\n",
            seconds_since (t0));
  }

  /* one month in the middle of the five years */
  ul_time_parse_month ("2024-06", &since, &until, NULL);
  for (int round = 0; round < 3; round++)
    {
      gint64 rows;
      double plain, ours;

      t0 = g_get_monotonic_time ();
      rows = plain_month_read (path, since, until);
      plain = seconds_since (t0);
      /* the previous round's is freed outside the time measured */
      g_clear_pointer (&ledger, g_variant_unref);
      t0 = g_get_monotonic_time ();
      ledger = ul_store_ledger_month (store, "2024-06", g_get_real_time (), "pc-1", &error);
      if (ledger == NULL)
        g_error ("%s", error->message);
      ours = seconds_since (t0);
      {
        g_autofree char *digest = NULL;

        t0 = g_get_monotonic_time ();
        digest = ul_ledger_digest (ledger, &error);
        printf ("its content digest (canonical JSON, SHA-256): %.0f ms\n",
                seconds_since (t0) * 1000);
      }
      {
        g_autoptr(GVariant) sessions = g_variant_lookup_value (ledger, "sessions", NULL);

        printf ("month's ledger (2024-06, %" G_GSIZE_FORMAT " sessions): %.0f ms (goal < 200 ms);"
                " baseline, reading its %" G_GINT64_FORMAT " session/file rows: %.0f ms\n",
                g_variant_n_children (sessions), ours * 1000, rows, plain * 1000);
      }
    }

  /* a 2,000-row PDF: the month's first 2,000 sessions */
  {
    g_autoptr(GVariant) sessions = g_variant_lookup_value (ledger, "sessions", NULL);
    g_autoptr(UlReportDocument) doc = NULL;
    g_autoptr(UlReportDocument) cert = NULL;
    g_autofree char *pdf = g_build_filename (folder, "ledger.pdf", NULL);
    g_autofree char *cert_pdf = g_build_filename (folder, "certificate.pdf", NULL);
    static const char cert_text[] =
      "{\"issued-at\":\"2026-11-27T00:00:00Z\",\"number\":\"2026-0001\"}";
    g_autoptr(GBytes) cert_json = g_bytes_new_static (cert_text, sizeof cert_text - 1);
    UlReportLedgerOptions options = { .generated_at = g_get_real_time () };
    GVariantDict d;
    GVariantBuilder rows;
    double base, ours;
    gsize n = MIN (g_variant_n_children (sessions), 2000);

    g_variant_builder_init (&rows, G_VARIANT_TYPE ("av"));
    for (gsize i = 0; i < n; i++)
      {
        g_autoptr(GVariant) row = g_variant_get_child_value (sessions, i);

        g_variant_builder_add_value (&rows, row);
      }
    g_variant_dict_init (&d, ledger);
    g_variant_dict_insert_value (&d, "sessions", g_variant_builder_end (&rows));
    t0 = g_get_monotonic_time ();
    cert = ul_report_certificate_new (cert_json, &error);
    if (cert == NULL || !ul_report_pdf_write (cert, cert_pdf, &error))
      g_error ("%s", error->message);
    base = seconds_since (t0);
    t0 = g_get_monotonic_time ();
    doc = ul_report_ledger_new (g_variant_ref_sink (g_variant_dict_end (&d)), &options, &error);
    if (doc == NULL || !ul_report_pdf_write (doc, pdf, &error))
      g_error ("%s", error->message);
    ours = seconds_since (t0);
    g_stat (pdf, &st);
    printf ("%" G_GSIZE_FORMAT "-row PDF: %.2f s, %.1f MiB (goal < 3 s); baseline, a one-page "
            "certificate: %.2f s\n", n, ours, st.st_size / 1048576.0, base);
  }

  /* the files appendix CSV of the month */
  {
    g_autoptr(GVariant) files = ul_store_ledger_files (store, "2024-06", g_get_real_time (),
                                                        &error);
    g_autoptr(GBytes) csv = NULL;
    g_autofree char *csv_path = g_build_filename (folder, "files.csv", NULL);
    g_autofree char *copy_path = g_build_filename (folder, "copy.bin", NULL);
    double ours, base;

    if (files == NULL)
      g_error ("%s", error->message);
    t0 = g_get_monotonic_time ();
    csv = ul_report_files_appendix_csv (files);
    g_file_set_contents (csv_path, g_bytes_get_data (csv, NULL), g_bytes_get_size (csv), NULL);
    ours = seconds_since (t0);
    t0 = g_get_monotonic_time ();
    g_file_set_contents (copy_path, g_bytes_get_data (csv, NULL), g_bytes_get_size (csv), NULL);
    base = seconds_since (t0);
    printf ("files appendix CSV: %" G_GSIZE_FORMAT " records, %.1f MB at %.0f MB/s; baseline, "
            "writing the same bytes: %.0f MB/s\n", g_variant_n_children (files),
            g_bytes_get_size (csv) / 1e6, g_bytes_get_size (csv) / 1e6 / ours,
            g_bytes_get_size (csv) / 1e6 / base);
  }

  /* the full chain check, and SHA-256 over as many bytes */
  {
    guint64 n = 0;
    double ours, base;
    gsize bytes = event_bytes (path);
    g_autofree guint8 *buf = g_malloc0 (bytes);
    g_autofree char *sha = NULL;

    t0 = g_get_monotonic_time ();
    if (!ul_store_verify_chain (store, &n, &error))
      g_error ("%s", error->message);
    ours = seconds_since (t0);
    t0 = g_get_monotonic_time ();
    sha = g_compute_checksum_for_data (G_CHECKSUM_SHA256, buf, bytes);
    base = seconds_since (t0);
    printf ("event chain: %" G_GUINT64_FORMAT " events in %.2f s, %.0f rows/s; baseline, "
            "SHA-256 over the same %.0f MB: %.2f s (ratio %.1f)\n", n, ours,
            n / ours, bytes / 1e6, base, ours / base);
  }

  /* the whole of log --verify (events, seals, checkpoints, every record
   * row against its seal), and SHA-256 over as many bytes as the file has */
  {
    g_autofree char *checkpoints = g_build_filename (folder, "checkpoints", NULL);
    g_autoptr(GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);
    g_autofree guint8 *chunk = g_malloc0 (1 << 20);
    UlLogbookCheck c = { 0 };
    double ours, base;
    guint64 rows;

    g_stat (path, &st);
    t0 = g_get_monotonic_time ();
    if (!ul_logbook_verify (store, checkpoints, &c, &error))
      g_error ("%s", error->message);
    ours = seconds_since (t0);
    rows = c.n_events + c.n_seals + c.n_rows;
    t0 = g_get_monotonic_time ();
    for (gint64 done = 0; done < (gint64) st.st_size; done += 1 << 20)
      g_checksum_update (sum, chunk, 1 << 20);
    base = seconds_since (t0);
    printf ("log --verify: %" G_GUINT64_FORMAT " events, %" G_GUINT64_FORMAT " seals, %"
            G_GUINT64_FORMAT " record rows in %.1f s, %.0f rows/s; baseline, SHA-256 over the "
            "database's %.0f MB: %.1f s (ratio %.1f)\n", c.n_events, c.n_seals, c.n_rows, ours,
            rows / ours, st.st_size / 1e6, base, ours / base);
  }
  return 0;
}
