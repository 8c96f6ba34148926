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

/* removes @path and everything under it, without following symlinks */
void ul_test_rm_rf (const char *path);

G_END_DECLS
