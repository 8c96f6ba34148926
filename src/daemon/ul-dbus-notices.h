/* ul-dbus-notices.h: what the person at the seat is told about their own
 * devices (usbledger-notify), and to no one else.
 *
 * The daemon's other signals are broadcast, and carry serials, seat users
 * and sessions: the bus policy lets only root and the supervisors' group
 * receive them. A person is told through WatchNotices instead: the caller's
 * uid, from the bus, chooses the notices (their medium blocked, with why and
 * the request raised; their request approved or rejected), and each new one
 * is sent as a Notice signal addressed to that connection alone (the bus
 * policy lets everyone receive Notice, which is never broadcast).
 *
 * Notices are kept in memory for 15 minutes, for a notifier that starts
 * just after a plug-in; the logbook is the record, a notice only news. */
#pragma once

#include <gio/gio.h>

#include "ul-manager.h"

G_BEGIN_DECLS

typedef struct _UlDbusNotices UlDbusNotices;

UlDbusNotices *ul_dbus_notices_new (UlManager *mgr, GDBusConnection *bus);
void ul_dbus_notices_free (UlDbusNotices *notices);

/* WatchNotices for @sender (uid @uid): its notices after @after (aa{sv}),
 * and the Notice signals from now on; NULL with @error when the caller
 * already watches too often */
GVariant *ul_dbus_notices_watch (UlDbusNotices *notices, const char *sender, gint64 uid,
                                 gint64 after, GError **error);

/* how long a notice is kept, and how many at most (all users) */
#define UL_NOTICE_KEEP_USEC (15 * 60 * G_USEC_PER_SEC)
#define UL_NOTICES_MAX 512
/* connections that may watch at once: per uid, and in all */
#define UL_NOTICE_WATCHERS_PER_UID 8
#define UL_NOTICE_WATCHERS_MAX 256

G_END_DECLS
