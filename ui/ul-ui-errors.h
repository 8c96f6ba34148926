/* ul-ui-errors.h: an error as the person at the window reads it. The
 * daemon's messages are English prose about a particular case; the window
 * says in the person's language what did not happen and why in general
 * (refused by polkit, the daemon gone), with the daemon's words after. */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* "@what: <why>" in the person's language; @what is translated already
 * ("承認できませんでした") */
char *ul_ui_error_text (const char *what, const GError *error);
/* whether @error says polkit refused */
gboolean ul_ui_error_is_refusal (const GError *error);

G_END_DECLS
