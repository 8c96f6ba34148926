/* ul-card-mark.h: the card usbledgerd allowed in a registered reader, told
 * to the udev rule's helper as RUNTIME-DIR/cards/DISKSEQ. The kernel gives
 * every medium inserted into a disk a new number (diskseq), so a mark is
 * for that one card: the next card inserted has another number and stays
 * read-only and hidden from udisks until usbledgerd has decided about it,
 * also while usbledgerd is down. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define UL_CARD_READ_WRITE "read-write"
#define UL_CARD_READ_ONLY "read-only"

/* writes @state (UL_CARD_*) for the card numbered @diskseq, or removes the
 * mark when @state is NULL */
gboolean ul_card_mark_set (const char *runtime_dir, guint64 diskseq, const char *state,
                           GError **error);
/* UL_CARD_READ_WRITE or UL_CARD_READ_ONLY, or NULL: not allowed (yet) */
char *ul_card_mark_get (const char *runtime_dir, guint64 diskseq);

G_END_DECLS
