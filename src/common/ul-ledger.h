/* ul-ledger.h: the monthly usage ledger (月次使用簿) the city receives,
 * derived from the logbook. Its content is one GVariant a{sv} (canonical
 * JSON for machines, the renderer's input for the PDF and the CSV):
 *
 *   ledger     "usbledger monthly ledger v1"
 *   month      "2026-11": a calendar month in the machine's time zone
 *   zone       the zone at the month's start, "JST (UTC+09:00)"
 *   since, until, as-of   UTC ISO 8601; as-of (to the microsecond): the
 *              logbook as it stood then
 *   host       where the logbook is kept
 *   sessions   part 1: every usage session overlapping the month, in start order;
 *              files-sha256 is the SHA-256 of its file records in order, each
 *              "action\tpath\tsize\tsha256\n" (the path escaped)
 *   blocked    part 2: the month's blocked insertions and their requests
 *   incidents  part 3: suspicious devices, yanked media, failed erasures,
 *              outside changes, disposals ...
 *   summary    counts
 *   first-event-id, last-event-id   the month's events
 *
 * Codes, not prose, travel in it (end reasons, decisions, remarks, incident
 * kinds); the documents give them their Japanese labels. Nothing in it
 * comes from outside the logbook (display names are looked up when the
 * document is drawn), so the same logbook and as-of always derive the same
 * ledger, and its content digest can be checked again later. */
#pragma once

#include "ul-store.h"

G_BEGIN_DECLS

#define UL_LEDGER_FORMAT "usbledger monthly ledger v1"

/* SQL: the ids of the sessions overlapping [?1 since, ?2 until) as the
 * logbook stood at ?3 as-of: those begun in the month; those begun before it
 * and still open; those begun before it that ended in it or later, looked
 * for only as far back as the longest session ever lasted. Each part reads
 * an index (db/0008-ledger.sql), so that a month is read without the years
 * before or after it. */
#define UL_LEDGER_SESSION_IDS \
  "SELECT id FROM sessions WHERE started_at >= ?1 AND started_at < ?2 AND started_at <= ?3 " \
  "UNION ALL SELECT id FROM sessions WHERE ended_at IS NULL AND started_at < ?1 " \
  "AND started_at <= ?3 " \
  "UNION ALL SELECT id FROM sessions WHERE started_at < ?1 AND started_at <= ?3 " \
  "AND started_at >= ?1 - (SELECT coalesce (max (ended_at - started_at), 0) FROM sessions) " \
  "AND ended_at >= min (?1, ?3 + 1)"

/* the ledger of @month ("YYYY-MM", local time) as the logbook stood at
 * @as_of (µs, which the ledger records, so that it can be derived again):
 * sessions ended, erasures and decisions made later are not in it. A full
 * reference, or NULL with @error. */
GVariant *ul_store_ledger_month (UlStore *store, const char *month, gint64 as_of,
                                 const char *host, GError **error);

/* SHA-256 (hex) over the canonical JSON of @ledger: what the footer, the QR
 * code and the signed manifest carry */
char *ul_ledger_digest (GVariant *ledger, GError **error);

/* the signed exports (ul-store-ledger-exports.c) */

/* the last event recorded at or before @as_of: its id and hash (0 and NULL
 * for an empty log) */
gboolean ul_store_chain_head (UlStore *store, gint64 as_of, gint64 *event_id, char **hash,
                              GError **error);
/* the hash and time of event @event_id; NULL (no error) if there is none */
gboolean ul_store_event_hash (UlStore *store, gint64 event_id, char **hash, gint64 *time,
                              GError **error);
/* records an export of @month; @manifest: manifest.json as signed */
gboolean ul_store_add_ledger_export (UlStore *store, const char *month, gint64 as_of,
                                     const char *by, const char *content_digest,
                                     GBytes *manifest, GError **error);
/* SHA-256 of the manifest of @month's last export; "" if it has none */
char *ul_store_last_ledger_manifest (UlStore *store, const char *month, GError **error);
/* the files appendix: every file record of the month's sessions, av of
 * a{sv} (see ul-report-appendix.h) */
GVariant *ul_store_ledger_files (UlStore *store, const char *month, gint64 as_of,
                                 GError **error);

G_END_DECLS
