/* ul-report-ledger-table.c: see ul-report-ledger-table.h */
#include "ul-report-ledger-table.h"
#include "ul-vocabulary.h"
#include "ul-time.h"

#include <pwd.h>
#include <string.h>

void
ul_report_table_free (UlReportTable *t)
{
  if (t == NULL)
    return;
  g_free (t->title);
  g_ptr_array_unref (t->headers);
  g_ptr_array_unref (t->widths);
  g_array_unref (t->mono);
  g_ptr_array_unref (t->rows);
  g_free (t);
}

char *
ul_report_passwd_name (const char *account, gpointer data)
{
  struct passwd pw, *result = NULL;
  char buf[4096];

  if (account == NULL || getpwnam_r (account, &pw, buf, sizeof buf, &result) != 0 ||
      result == NULL || pw.pw_gecos == NULL || *pw.pw_gecos == '\0')
    return NULL;
  /* "山田 太郎,Room,Phone,...": the name is the first field */
  return g_strndup (pw.pw_gecos, strcspn (pw.pw_gecos, ","));
}

/* a code as the city's documents print it (ul-vocabulary.c's Japanese);
 * "" for none */
static char *
label (UlVocabKind kind, const char *code)
{
  return g_strdup (code != NULL ? ul_vocabulary_document_label (kind, code) : "");
}

static char *
local_format (const char *iso, const char *format, gboolean minutes)
{
  g_autoptr(GDateTime) utc = NULL;
  g_autoptr(GDateTime) local = NULL;
  g_autoptr(GTimeZone) z = NULL;
  gint64 usec = 0;
  char *fast;

  if (iso == NULL)
    return g_strdup ("");
  /* the form the daemon writes, without GDateTime: a ledger and its files
   * appendix have tens of thousands of times */
  if (ul_time_parse_iso8601_plain (iso, &usec) &&
      (fast = ul_time_format_local_plain (usec, minutes)) != NULL)
    return fast;
  z = g_time_zone_new_utc ();
  utc = g_date_time_new_from_iso8601 (iso, z);
  if (utc == NULL)
    return g_strdup (iso);
  local = g_date_time_to_local (utc);
  return g_date_time_format (local, format);
}

char *
ul_report_local_minute (const char *iso)
{
  return local_format (iso, "%Y-%m-%d %H:%M", TRUE);
}

char *
ul_report_local_day (const char *iso)
{
  return local_format (iso, "%Y-%m-%d", FALSE);
}

/* @widths: relative, one per header; a negative width marks a column of
 * hex digests (monospace) */
static UlReportTable *
table_new (const char *title, const char *const *headers, const double *widths)
{
  UlReportTable *t = g_new0 (UlReportTable, 1);

  t->title = g_strdup (title);
  t->headers = g_ptr_array_new_with_free_func (g_free);
  t->widths = g_ptr_array_new_with_free_func (g_free);
  t->mono = g_array_new (FALSE, TRUE, sizeof (gboolean));
  t->rows = g_ptr_array_new_with_free_func ((GDestroyNotify) g_ptr_array_unref);
  for (guint i = 0; headers[i] != NULL; i++)
    {
      double w = ABS (widths[i]);
      gboolean mono = widths[i] < 0;

      g_ptr_array_add (t->headers, g_strdup (headers[i]));
      g_ptr_array_add (t->widths, g_memdup2 (&w, sizeof (double)));
      g_array_append_val (t->mono, mono);
    }
  return t;
}

/* a row, its fields read once: field -> value (a lookup per field would
 * read the row again for each, and a ledger has tens of thousands) */
typedef GHashTable Row;

static const char *
get (Row *row, const char *key)
{
  GVariant *v = g_hash_table_lookup (row, key);

  return v != NULL && g_variant_is_of_type (v, G_VARIANT_TYPE_STRING)
           ? g_variant_get_string (v, NULL) : NULL;
}

static char *
get_int (Row *row, const char *key)
{
  GVariant *v = g_hash_table_lookup (row, key);

  return v != NULL && g_variant_is_of_type (v, G_VARIANT_TYPE_INT64)
           ? g_strdup_printf ("%" G_GINT64_FORMAT, g_variant_get_int64 (v)) : g_strdup ("");
}

static char *
dup_or_empty (const char *s)
{
  return g_strdup (s ? s : "");
}

/* why a device was decided so: the code's Japanese label; the daemon's
 * English sentence only for a row written before schema 11, which has no
 * code (its event's detail is then all there is) */
static char *
reason_cell (Row *r)
{
  const char *code = get (r, "reason-code");

  return code != NULL ? label (UL_VOCAB_REASON, code) : dup_or_empty (get (r, "detail"));
}

/* "総務課 1 / SanDisk Cruzer (0781:5567)": the label, if any, and what the
 * device says it is */
static char *
device_cell (const char *label, Row *r)
{
  g_autoptr(GString) s = g_string_new (NULL);
  const char *vendor = get (r, "vendor"), *model = get (r, "model");

  if (label != NULL && *label != '\0')
    g_string_append_printf (s, "%s / ", label);
  if (vendor != NULL && *vendor != '\0')
    g_string_append_printf (s, "%s ", vendor);
  if (model != NULL && *model != '\0')
    g_string_append_printf (s, "%s ", model);
  g_string_append_printf (s, "(%s:%s)", get (r, "vendor-id") ? get (r, "vendor-id") : "",
                          get (r, "product-id") ? get (r, "product-id") : "");
  return g_string_free (g_steal_pointer (&s), FALSE);
}

/* the display names of the accounts in a ledger, each asked once (the
 * passwd database may be LDAP; a month repeats the same few hundred
 * people) */
typedef struct {
  UlReportNameFunc names;
  gpointer data;
  GHashTable *known;      /* account -> name, "" for none */
} Names;

/* "tanaka (山田 太郎)", the display name where known; "(不在)" for no one */
static char *
person_cell (const char *account, Names *n)
{
  const char *name;

  if (account == NULL)
    return g_strdup ("(不在)");
  name = g_hash_table_lookup (n->known, account);
  if (name == NULL)
    {
      char *found = n->names != NULL ? n->names (account, n->data) : NULL;

      name = found != NULL ? found : g_strdup ("");
      g_hash_table_insert (n->known, g_strdup (account), (char *) name);
    }
  return *name != '\0' ? g_strdup_printf ("%s (%s)", account, name) : g_strdup (account);
}

/* each a{sv} row of @part, indexed (rows that are not one are empty) */
static GPtrArray *
rows_of (GVariant *ledger, const char *part)
{
  g_autoptr(GVariant) rows = g_variant_lookup_value (ledger, part, G_VARIANT_TYPE ("av"));
  GPtrArray *out = g_ptr_array_new_with_free_func ((GDestroyNotify) g_hash_table_unref);

  for (gsize i = 0; rows != NULL && i < g_variant_n_children (rows); i++)
    {
      g_autoptr(GVariant) boxed = g_variant_get_child_value (rows, i);
      g_autoptr(GVariant) row = g_variant_get_variant (boxed);
      Row *r = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                      (GDestroyNotify) g_variant_unref);

      for (gsize k = 0; g_variant_is_of_type (row, G_VARIANT_TYPE_VARDICT) &&
                        k < g_variant_n_children (row); k++)
        {
          g_autoptr(GVariant) entry = g_variant_get_child_value (row, k);
          g_autoptr(GVariant) key = g_variant_get_child_value (entry, 0);
          g_autoptr(GVariant) value = g_variant_get_child_value (entry, 1);

          g_hash_table_replace (r, g_variant_dup_string (key, NULL),
                                g_variant_get_variant (value));
        }
      g_ptr_array_add (out, r);
    }
  return out;
}

static char *
remarks (Row *row)
{
  GVariant *codes = g_hash_table_lookup (row, "remarks");
  g_autoptr(GString) s = g_string_new (NULL);

  if (codes != NULL && !g_variant_is_of_type (codes, G_VARIANT_TYPE ("av")))
    codes = NULL;
  for (gsize i = 0; codes != NULL && i < g_variant_n_children (codes); i++)
    {
      g_autoptr(GVariant) boxed = g_variant_get_child_value (codes, i);
      g_autoptr(GVariant) code = g_variant_get_variant (boxed);

      if (g_variant_is_of_type (code, G_VARIANT_TYPE_STRING))
        g_string_append_printf (s, "%s%s", s->len ? "、" : "",
                                ul_vocabulary_document_label (UL_VOCAB_REMARK,
                                                              g_variant_get_string (code, NULL)));
    }
  return g_string_free (g_steal_pointer (&s), FALSE);
}

static UlReportTable *
sessions_table (GVariant *ledger, const char *zone, Names *names)
{
  g_autofree char *start = g_strdup_printf ("開始 (%s)", zone);
  g_autofree char *end = g_strdup_printf ("終了 (%s)", zone);
  const char *headers[] = { "No.", "管理番号", "媒体", "シリアル", "使用者", "端末", start, end,
                            "終了区分", "書込ファイル数", "合計サイズ (バイト)",
                            "ファイル一覧 SHA-256", "承認者", "承認日", "消去", "備考", NULL };
  /* in mm of the 273 of an A4 landscape page's body */
  const double widths[] = { 6, 19, 38, 18, 17, 10, 17, 17, 12, 10, 13, -36, 11, 15, 20, 14 };
  UlReportTable *t = table_new ("第1部 使用記録", headers, widths);
  g_autoptr(GPtrArray) rows = rows_of (ledger, "sessions");

  for (guint i = 0; i < rows->len; i++)
    {
      Row *r = g_ptr_array_index (rows, i);
      GPtrArray *cells = g_ptr_array_new_with_free_func (g_free);

      g_ptr_array_add (cells, g_strdup_printf ("%u", i + 1));
      g_ptr_array_add (cells, dup_or_empty (get (r, "asset-number")));
      g_ptr_array_add (cells, device_cell (get (r, "label"), r));
      g_ptr_array_add (cells, dup_or_empty (get (r, "serial")));
      g_ptr_array_add (cells, person_cell (get (r, "user"), names));
      g_ptr_array_add (cells, dup_or_empty (get (r, "host")));
      g_ptr_array_add (cells, ul_report_local_minute (get (r, "started-at")));
      g_ptr_array_add (cells, get (r, "ended-at") ? ul_report_local_minute (get (r, "ended-at"))
                                                  : g_strdup ("使用中"));
      g_ptr_array_add (cells, label (UL_VOCAB_END_REASON, get (r, "end-reason")));
      g_ptr_array_add (cells, get_int (r, "files"));
      g_ptr_array_add (cells, get_int (r, "bytes"));
      g_ptr_array_add (cells, dup_or_empty (get (r, "files-sha256")));
      g_ptr_array_add (cells, dup_or_empty (get (r, "approved-by")));
      g_ptr_array_add (cells, ul_report_local_day (get (r, "approved-at")));
      if (get (r, "certificate") != NULL)
        {
          g_autofree char *when = ul_report_local_minute (get (r, "erased-at"));

          g_ptr_array_add (cells, g_strdup_printf ("%s 証明書 %s", when, get (r, "certificate")));
        }
      else
        g_ptr_array_add (cells, g_strdup ("未消去"));
      g_ptr_array_add (cells, remarks (r));
      g_ptr_array_add (t->rows, cells);
    }
  return t;
}

static UlReportTable *
blocked_table (GVariant *ledger, const char *zone, Names *names)
{
  g_autofree char *when = g_strdup_printf ("日時 (%s)", zone);
  const char *headers[] = { "No.", when, "使用者", "端末", "機器", "シリアル", "判定", "理由",
                            "申請番号", "申請の処理", "処理者", "処理日時", NULL };
  const double widths[] = { 7, 16, 22, 12, 36, 22, 20, 62, 12, 14, 18, 32 };
  UlReportTable *t = table_new ("第2部 遮断された接続と申請", headers, widths);
  g_autoptr(GPtrArray) rows = rows_of (ledger, "blocked");

  for (guint i = 0; i < rows->len; i++)
    {
      Row *r = g_ptr_array_index (rows, i);
      GPtrArray *cells = g_ptr_array_new_with_free_func (g_free);

      g_ptr_array_add (cells, g_strdup_printf ("%u", i + 1));
      g_ptr_array_add (cells, ul_report_local_minute (get (r, "time")));
      g_ptr_array_add (cells, person_cell (get (r, "seat-user"), names));
      g_ptr_array_add (cells, dup_or_empty (get (r, "host")));
      g_ptr_array_add (cells, device_cell (NULL, r));
      g_ptr_array_add (cells, dup_or_empty (get (r, "serial")));
      g_ptr_array_add (cells, label (UL_VOCAB_DECISION, get (r, "decision")));
      g_ptr_array_add (cells, reason_cell (r));
      g_ptr_array_add (cells, get_int (r, "request-id"));
      g_ptr_array_add (cells, label (UL_VOCAB_REQUEST_STATE, get (r, "request-state")));
      g_ptr_array_add (cells, dup_or_empty (get (r, "decided-by")));
      g_ptr_array_add (cells, ul_report_local_minute (get (r, "decided-at")));
      g_ptr_array_add (t->rows, cells);
    }
  return t;
}

static UlReportTable *
incidents_table (GVariant *ledger, const char *zone)
{
  g_autofree char *when = g_strdup_printf ("日時 (%s)", zone);
  const char *headers[] = { "No.", when, "区分", "記録者", "使用者", "管理番号", "詳細",
                            "記録番号", NULL };
  const double widths[] = { 7, 16, 36, 18, 18, 18, 142, 18 };
  UlReportTable *t = table_new ("第3部 インシデント", headers, widths);
  g_autoptr(GPtrArray) rows = rows_of (ledger, "incidents");

  for (guint i = 0; i < rows->len; i++)
    {
      Row *r = g_ptr_array_index (rows, i);
      GPtrArray *cells = g_ptr_array_new_with_free_func (g_free);
      g_autofree char *event_id = get_int (r, "event-id");
      g_autofree char *session_id = get_int (r, "session-id");

      g_ptr_array_add (cells, g_strdup_printf ("%u", i + 1));
      g_ptr_array_add (cells, ul_report_local_minute (get (r, "time")));
      g_ptr_array_add (cells, label (UL_VOCAB_INCIDENT, get (r, "kind")));
      g_ptr_array_add (cells, dup_or_empty (get (r, "actor")));
      g_ptr_array_add (cells, dup_or_empty (get (r, "seat-user")));
      g_ptr_array_add (cells, dup_or_empty (get (r, "asset-number")));
      g_ptr_array_add (cells, reason_cell (r));
      /* which record says it: the event, or the session that ended so */
      if (*event_id != '\0')
        g_ptr_array_add (cells, g_strconcat ("E", event_id, NULL));
      else if (*session_id != '\0')
        g_ptr_array_add (cells, g_strconcat ("S", session_id, NULL));
      else
        g_ptr_array_add (cells, g_strdup (""));
      g_ptr_array_add (t->rows, cells);
    }
  return t;
}

/* the zone's name alone ("JST") for column headers */
static char *
zone_name (GVariant *ledger)
{
  const char *zone = NULL;

  if (!g_variant_lookup (ledger, "zone", "&s", &zone) || zone == NULL)
    return g_strdup ("");
  return g_strndup (zone, strcspn (zone, " "));
}

GPtrArray *
ul_report_ledger_tables (GVariant *ledger, UlReportNameFunc names, gpointer data)
{
  GPtrArray *tables = g_ptr_array_new_with_free_func ((GDestroyNotify) ul_report_table_free);
  g_autofree char *zone = zone_name (ledger);
  g_autoptr(GHashTable) known = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  Names n = { names, data, known };

  g_ptr_array_add (tables, sessions_table (ledger, zone, &n));
  g_ptr_array_add (tables, blocked_table (ledger, zone, &n));
  g_ptr_array_add (tables, incidents_table (ledger, zone));
  return tables;
}

GPtrArray *
ul_report_ledger_summary (GVariant *ledger)
{
  static const struct {
    const char *key;
    const char *label;
  } items[] = {
    { "sessions", "使用記録の件数" },
    { "sessions-in-use", "うち作成時に使用中" },
    { "media-used", "使用された媒体の数" },
    { "users", "使用者の数" },
    { "files", "書き込まれたファイルの数" },
    { "bytes", "書き込まれた合計サイズ (バイト)" },
    { "blocked-insertions", "遮断された接続" },
    { "requests", "申請" },
    { "requests-approved", "うち承認" },
    { "requests-rejected", "うち却下" },
    { "incidents", "インシデント" },
    { "media-not-erased", "月末時点で未消去の媒体" },
  };
  g_autoptr(GVariant) sum = g_variant_lookup_value (ledger, "summary", G_VARIANT_TYPE_VARDICT);
  GPtrArray *out = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < G_N_ELEMENTS (items); i++)
    {
      gint64 v = 0;

      if (sum == NULL || !g_variant_lookup (sum, items[i].key, "x", &v))
        continue;
      g_ptr_array_add (out, g_strdup (items[i].label));
      g_ptr_array_add (out, g_strdup_printf ("%" G_GINT64_FORMAT, v));
    }
  return out;
}
