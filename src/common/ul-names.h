/* ul-names.h: the text names of an enum's values, as stored in the logbook
 * and sent over D-Bus ("active", "allow-reader", ...), from a table indexed
 * by value */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* @names[@value], or "unknown" for a value past the table */
const char *ul_name_of (const char *const *names, guint n_names, guint value);
/* the value whose name is @s; FALSE (and *value untouched) for none */
gboolean ul_name_lookup (const char *const *names, guint n_names, const char *s, guint *value);

G_END_DECLS
