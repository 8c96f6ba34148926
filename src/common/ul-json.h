/* ul-json.h: GVariant records to JSON for `usbledgerctl --json` */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Writes @v as JSON: dictionaries a{sv} become objects, arrays arrays,
 * numbers and booleans as such, strings escaped (\u for controls), byte
 * arrays "ay" as {"escaped": "...", "hex": "..."} so nothing is lost. */
void ul_json_append_variant (GString *out, GVariant *v);
/* integers in decimal and booleans; FALSE (nothing written) for other types */
gboolean ul_json_append_integer_or_boolean (GString *out, GVariant *v);
char *ul_json_from_variant (GVariant *v);

G_END_DECLS
