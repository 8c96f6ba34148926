/* ul-json-parse.h: JSON text back to a GVariant, to read what usbledger
 * signed (a certificate, a ledger's manifest) exactly as it was signed */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Reads one JSON value (RFC 8259) from @text of @len bytes: objects become
 * a{sv}, arrays av, strings s, integers x, true/false b, null an empty
 * maybe (mv). Numbers with a fraction or exponent, duplicate keys, text
 * that is not UTF-8, nesting deeper than 32 and anything after the value
 * are errors. Returns a floating-free reference, or NULL with @error. */
GVariant *ul_json_parse (const char *text, gsize len, GError **error);

G_END_DECLS
