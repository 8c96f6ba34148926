/* ul-escape.h: showing untrusted bytes (device strings, paths) safely */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Returns a printable, single-line UTF-8 rendering of @data: backslash,
 * control characters, invalid UTF-8, bidi overrides and invisible characters
 * become visible escapes (\\, \n, \xNN, \u{202E}). NULL data gives "(none)". */
char *ul_escape_bytes (const guint8 *data, gsize len);
char *ul_escape_gbytes (GBytes *bytes);
/* the same for a string shown between double quotes: a '"' in it becomes
 * \" (else a serial could end the quotes and forge the fields after it) */
char *ul_escape_gbytes_quoted (GBytes *bytes);
/* the same for text that is already escaped where needed (the daemon's own
 * messages, which quote device strings through ul_escape_bytes): controls,
 * invalid UTF-8 and bidi overrides are still made visible, but backslashes
 * are kept as they are, so escapes are not doubled */
char *ul_escape_text (const char *text);

G_END_DECLS
