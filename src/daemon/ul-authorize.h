/* ul-authorize.h: writing a USB device's sysfs "authorized" attribute */
#pragma once

#include <glib.h>

#include "ul-device.h"

G_BEGIN_DECLS

/* Through the handle @dev was read from (dev->dirfd; opened now if it has
 * none) checks that it is still @dev (device number and serial), then writes
 * "1" or "0" relative to it. The kernel's errors become UL_ERROR messages. */
gboolean ul_authorize_device (const UlDevice *dev, gboolean authorize, GError **error);

G_END_DECLS
