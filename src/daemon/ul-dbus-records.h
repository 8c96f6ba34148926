/* ul-dbus-records.h: logbook records <-> a{sv} for the D-Bus API */
#pragma once

#include <gio/gio.h>

#include "ul-manager.h"

G_BEGIN_DECLS

GVariant *ul_record_present (const UlPresent *p, gboolean removed);
GVariant *ul_record_request (const UlRequest *r);
GVariant *ul_record_medium (const UlMedium *m);
GVariant *ul_record_session (const UlSession *s);
GVariant *ul_record_event (const UlEvent *ev);
GVariant *ul_record_mount (const UlMountRecord *m);
GVariant *ul_record_file (const UlFileRecord *f);
GVariant *ul_record_erasure (const UlErasure *e);
/* a notice for the person at the seat (ul-dbus-notices.h): their device
 * blocked; their request decided ("approved" or "rejected") */
GVariant *ul_record_notice_blocked (const UlPresent *p, gint64 id, gint64 time);
GVariant *ul_record_notice_decided (const UlRequest *r, gint64 id, gint64 time);

/* a list of records, "aa{sv}", each made by @convert */
typedef GVariant *(*UlRecordConvert) (gconstpointer item);
GVariant *ul_record_list (GPtrArray *items, UlRecordConvert convert);
/* the rows of @rows ("av", a ledger's part) from @offset, at most @limit:
 * a floating value that keeps no reference to @rows once it is freed */
GVariant *ul_record_slice (GVariant *rows, guint offset, guint limit);

/* Reads a registration (see org.usbledger.Manager1.xml). Unknown keys and
 * wrong types are errors, so a typo never silently drops a restriction.
 * *device_name and *note are set when given. */
/* the most events one ListEvents call returns */
#define UL_EVENTS_PAGE_MAX 5000

UlMedium *ul_record_parse_registration (GVariant *dict, UlRegisterChoices *choices,
                                        gboolean allow_identity,
                                        char **device_name, char **note, GError **error);
/* keys: asset-number (s), user (s), since (x), until (x); the strings go to
 * *user and *asset_number, which @filter then points at */
gboolean ul_record_parse_session_filter (GVariant *dict, UlSessionFilter *filter, char **user,
                                         char **asset_number, GError **error);
gboolean ul_record_parse_event_filter (GVariant *dict, UlEventFilter *filter,
                                       char **user, char **asset_number, GError **error);

G_END_DECLS
