/* ul-time.h: logbook times are µs since the epoch; people read them in local time */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* "2026-11-25 21:08:19 JST (UTC+09:00)" in the local time zone (TZ);
 * "" for 0. Wherever a person reads a time; machine formats keep UTC. */
char *ul_time_format (gint64 usec);
/* UTC, ISO 8601 ("2026-11-26T01:16:25Z"), for signed documents */
char *ul_time_format_iso8601 (gint64 usec);
/* the same into @out, without an allocation (a month's ledger formats
 * tens of thousands); FALSE for a time before 1970 or after 9999, which
 * ul_time_format_iso8601 gives through GDateTime */
#define UL_TIME_ISO8601_SIZE 21
gboolean ul_time_format_iso8601_into (gint64 usec, char out[UL_TIME_ISO8601_SIZE]);
/* ... to the microsecond ("2026-11-26T01:16:25.123456Z"): a moment a
 * record must name exactly (a ledger's as-of) */
char *ul_time_format_iso8601_us (gint64 usec);
/* parses "YYYY-MM-DD" (local midnight) or an ISO 8601 date-time (to the
 * microsecond) */
gboolean ul_time_parse (const char *text, gint64 *usec, GError **error);
/* "YYYY-MM" in local time: [*since, *until) in µs */
gboolean ul_time_parse_month (const char *text, gint64 *since, gint64 *until, GError **error);

/* the form ul_time_format_iso8601 writes ("2026-11-26T01:16:25Z"), read
 * without GDateTime (a ledger reads tens of thousands); FALSE for any
 * other text, which GDateTime is then asked to read */
gboolean ul_time_parse_iso8601_plain (const char *text, gint64 *usec);
/* "2026-11-26 10:16" (@minutes) or "2026-11-26", local, as
 * g_date_time_format gives them; NULL for a time it cannot place */
char *ul_time_format_local_plain (gint64 usec, gboolean minutes);

G_END_DECLS
