/* ul-live-lists.h: what the daemon knows now, kept up to date from its
 * signals, as list models a window can show: the devices plugged in, the
 * pending requests, the registered media and the sessions in use.
 *
 * Each list is loaded by one call (ListDevices, ListRequests("pending"),
 * ListMedia, ListSessions of those in use now) and then follows the
 * *Changed signals. A signal that arrives while its list's call is under
 * way is dropped: the daemon sends its messages in order, so a signal that
 * arrives before the reply was sent before the reply's snapshot was taken,
 * and the snapshot holds it already.
 *
 * When the daemon leaves the bus ("running" turns FALSE) the lists keep
 * what was known and follow nothing ("loaded" turns FALSE); when it comes
 * back each is loaded again and replaced whole. A view changes only when the daemon
 * says so: nothing here changes a list because a call was made. */
#pragma once

#include <gio/gio.h>

#include "ul-bus-manager1.h"

G_BEGIN_DECLS

#define UL_TYPE_LIVE_LISTS (ul_live_lists_get_type ())
G_DECLARE_FINAL_TYPE (UlLiveLists, ul_live_lists, UL, LIVE_LISTS, GObject)

typedef enum {
  UL_LIVE_DEVICES,
  UL_LIVE_REQUESTS,
  UL_LIVE_MEDIA,
  UL_LIVE_SESSIONS,
  UL_LIVE_N_LISTS
} UlLiveList;

/* follows @manager (a proxy that does not auto-start the daemon) */
UlLiveLists *ul_live_lists_new (UlBusManager1 *manager);
UlBusManager1 *ul_live_lists_get_manager (UlLiveLists *self);
/* items are UlClientRecord */
GListModel *ul_live_lists_get (UlLiveLists *self, UlLiveList list);
/* whether usbledgerd owns its name now */
gboolean ul_live_lists_get_running (UlLiveLists *self);
/* loads every list again (after a refusal, once polkit allows) */
void ul_live_lists_reload (UlLiveLists *self);
/* whether every list has been loaded since the daemon (re)appeared */
gboolean ul_live_lists_get_loaded (UlLiveLists *self);
/* the item of @list whose key ("name" for devices, "id" for the others)
 * matches @record's, or NULL */
gpointer ul_live_lists_find (UlLiveLists *self, UlLiveList list, GVariant *record);

/* Signals:
 * "load-failed" (GError *error): a list could not be loaded (refused by
 *   polkit, the daemon gone mid-way); the window says why
 * "notify::running", "notify::loaded" */

G_END_DECLS
