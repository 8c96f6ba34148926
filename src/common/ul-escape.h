/* ul-escape.h: showing untrusted bytes (device strings, paths) safely */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Returns a printable, single-line UTF-8 rendering of @data: backslash,
 * control characters, invalid UTF-8, bidi overrides and invisible characters
 * become visible escapes (\\, \n, \xNN, \u{202E}). NULL data gives "(none)". */
char *ul_escape_bytes (const guint8 *data, gsize len);
char *ul_escape_gbytes (GBytes *bytes);

G_END_DECLS
