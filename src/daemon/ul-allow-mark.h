/* ul-allow-mark.h: a USB device usbledgerd authorized. udev announces "add"
 * again for present devices (udevadm trigger, a coldplug by another
 * program); the udev rule's helper would then take every authorized storage
 * device back and kill its mounts. The mark tells it that usbledgerd
 * allowed this very enumeration (bus, device number and descriptors), so it
 * leaves the device alone. */
#pragma once

#include <glib.h>

#include "ul-device.h"

G_BEGIN_DECLS

/* marks @dev as allowed, or removes its mark */
gboolean ul_allow_mark_set (const char *runtime_dir, const UlDevice *dev, gboolean allowed,
                            GError **error);
/* whether @dev, as it is now, is the device usbledgerd marked */
gboolean ul_allow_mark_matches (const char *runtime_dir, const UlDevice *dev);

G_END_DECLS
