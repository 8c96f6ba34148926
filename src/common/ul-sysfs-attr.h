/* ul-sysfs-attr.h: reading sysfs attributes relative to an open directory */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* the largest attribute we accept; device strings are at most 126 bytes */
#define UL_SYSFS_ATTR_MAX (64 * 1024)

/* Reads @name below @dirfd. Returns NULL with G_IO_ERROR_NOT_FOUND when the
 * attribute does not exist (e.g. a device without a serial). When @strip_newline
 * is set, exactly one trailing '\n' (the one the kernel appends) is removed. */
GBytes *ul_sysfs_read_attr (int dirfd, const char *name, gboolean strip_newline,
                            GError **error);

/* hex numbers such as idVendor ("0781\n") */
gboolean ul_sysfs_read_hex16 (int dirfd, const char *name, guint16 *out, GError **error);
/* decimal numbers such as busnum or authorized */
gboolean ul_sysfs_read_uint (int dirfd, const char *name, guint *out, GError **error);

/* writes @value to @name below @dirfd, retrying on EINTR */
gboolean ul_sysfs_write_attr (int dirfd, const char *name, const char *value,
                              GError **error);

G_END_DECLS
