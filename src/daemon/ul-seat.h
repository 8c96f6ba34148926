/* ul-seat.h: who sits at the seat, according to logind */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef struct _UlSeat UlSeat;

typedef struct {
  char *user;     /* NULL: no one logged in (or logind could not say) */
  gint64 uid;     /* -1 with user NULL */
  char *note;     /* why user is NULL, for the log */
} UlSeatUser;

UlSeat *ul_seat_new (GDBusConnection *system_bus, const char *seat_id);
void ul_seat_free (UlSeat *seat);

/* FALSE while logind has not answered the newest question (at start, and
 * after each change it announced) */
gboolean ul_seat_is_known (UlSeat *seat);
/* the active session's user, as logind last said; while not known: no user,
 * with a note saying so */
void ul_seat_get_user (UlSeat *seat, UlSeatUser *out);
void ul_seat_user_clear (UlSeatUser *u);
/* @func runs in the main loop each time logind's answer comes (known again) */
void ul_seat_set_changed_func (UlSeat *seat, void (*func) (gpointer data), gpointer data);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (UlSeat, ul_seat_free)

G_END_DECLS
