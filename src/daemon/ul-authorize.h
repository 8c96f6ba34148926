/* ul-authorize.h: writing a USB device's sysfs "authorized" attribute */
#pragma once

#include <glib.h>

#include "ul-device.h"

G_BEGIN_DECLS

/* Opens the device directory once, checks through that handle that it is
 * still @dev (ids, serial, bus and device number), then writes "1" or "0"
 * relative to it. The kernel's errors become UL_ERROR messages. */
gboolean ul_authorize_device (const UlDevice *dev, gboolean authorize, GError **error);

G_END_DECLS
