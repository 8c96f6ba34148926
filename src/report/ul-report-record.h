/* ul-report-record.h: reading a record (what was signed, as a GVariant
 * a{sv} from its JSON) for a document */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* the value at "a/b/c" as text ("-" where there is none); integers in
 * decimal. The string is owned by @dict's tree or interned. */
const char *ul_report_record_str (GVariant *dict, const char *path);
/* an ISO 8601 UTC time at @path, as local time with its zone for a person
 * (ul_time_format); the text as it is when it is not a time */
const char *ul_report_record_local_time (GVariant *dict, const char *path);
/* the value at @path, NULL where there is none (unboxed from v) */
GVariant *ul_report_record_lookup (GVariant *dict, const char *path);

G_END_DECLS
