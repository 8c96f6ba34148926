/* ul-driver-aliases.h: which USB devices a storage driver of the running
 * kernel would bind, from the kernel's own module alias tables.
 *
 * A device is storage when usb-storage, uas, an ums-* driver or a USB card
 * reader driver would bind one of its interfaces, whatever class the device
 * announces: usb-storage's unusual_devs and the ums-* drivers match by vendor
 * and product id (some with vendor-specific interfaces), and Realtek's card
 * readers use a vendor class of their own. */
#pragma once

#include <glib.h>

#include "ul-descriptors.h"

G_BEGIN_DECLS

typedef struct _UlDriverAliases UlDriverAliases;

/* the modules folder of the running kernel, /lib/modules/$(uname -r) */
char *ul_driver_aliases_default_dir (void);

/* reads the storage drivers' "alias usb:..." lines of MODULES-DIR/modules.alias
 * and, when present, MODULES-DIR/modules.builtin.alias; modules.alias must
 * exist */
UlDriverAliases *ul_driver_aliases_load (const char *modules_dir, GError **error);
/* the same from the text of an alias file, for tests */
UlDriverAliases *ul_driver_aliases_new_from_data (const char *data);
void ul_driver_aliases_free (UlDriverAliases *aliases);
guint ul_driver_aliases_count (const UlDriverAliases *aliases);

/* whether @driver (a module name, with '_' or '-') is a storage driver */
gboolean ul_driver_is_storage (const char *driver);

/* the storage driver that would bind some interface of some configuration of
 * @desc, or NULL; @matched_modalias (optional) gets that interface's modalias */
const char *ul_driver_aliases_match (const UlDriverAliases *aliases, const UlDescriptors *desc,
                                     char **matched_modalias);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (UlDriverAliases, ul_driver_aliases_free)

G_END_DECLS
