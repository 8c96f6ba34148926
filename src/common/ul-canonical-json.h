/* ul-canonical-json.h: canonical JSON, the bytes a certificate's signature
 * covers */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Canonical JSON of a GVariant a{sv} (nested dicts, arrays, strings,
 * integers, booleans): keys sorted by their UTF-8 bytes, no white space,
 * strings escaped as RFC 8785 does (only ", \ and control characters),
 * integers in decimal. Bytestrings (ay) must be converted by the caller. */
char *ul_canonical_json (GVariant *value, GError **error);

G_END_DECLS
