/* ul-test-util.h: building devices and descriptors for unit tests */
#pragma once

#include <glib.h>

#include "ul-device.h"

G_BEGIN_DECLS

/* a device descriptor for 0781:5567 announcing @n_configs configurations */
GByteArray *ul_test_device_desc (guint8 n_configs);
/* a configuration with one interface per (class, subclass, protocol) row,
 * each with @n_endpoints endpoints (bulk, bulk, interrupt) */
void ul_test_append_config (GByteArray *a, guint8 value, const guint8 (*ifaces)[3],
                            guint n_ifaces, guint n_endpoints);

/* a device in memory with the given interfaces (one configuration) */
UlDevice *ul_test_device_new (const char *name, const char *serial,
                              const guint8 (*ifaces)[3], guint n_ifaces);

/* a fake sysfs device folder under @root holding what the kernel shows */
char *ul_test_make_sysfs_device (const char *root, const char *name, const char *serial,
                                 guint devnum, const guint8 (*ifaces)[3], guint n_ifaces);

/* SQL that takes a logbook of schema 11 back to 10, but for user_version,
 * which the test sets (the tests of older migrations go back further from
 * there): the reason_code columns gone, with the triggers that name them
 * (migration 11 makes them again) */
#define UL_TEST_UNDO_SCHEMA_11 \
  "DROP TRIGGER events_no_update; " \
  "CREATE TRIGGER events_no_update BEFORE UPDATE ON events WHEN OLD.hash IS NOT NULL " \
  "BEGIN SELECT RAISE(ABORT, 'the event log is append-only'); END; " \
  "DROP TRIGGER IF EXISTS requests_seal_insert; DROP TRIGGER IF EXISTS requests_seal_update; " \
  "DROP TRIGGER IF EXISTS requests_seal_renumber; " \
  "DROP TRIGGER IF EXISTS requests_seal_delete; " \
  "ALTER TABLE events DROP COLUMN reason_code; " \
  "ALTER TABLE requests DROP COLUMN reason_code; "

/* a serialised value whose buffer's release is seen: that nothing keeps a
 * reference into a reply after it and what was read from it are freed */
typedef struct {
  gboolean released;      /* the value's buffer was let go */
  void *data;             /* the buffer, freed by ul_test_watch_clear */
} UlTestWatch;

/* @text (GVariant text format) as a serialised value in @w's buffer; a
 * full reference */
GVariant *ul_test_watched_variant (const char *text, UlTestWatch *w);
void ul_test_watch_clear (UlTestWatch *w);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (UlTestWatch, ul_test_watch_clear)

/* removes @path and everything under it, without following symlinks */
void ul_test_rm_rf (const char *path);

G_END_DECLS
