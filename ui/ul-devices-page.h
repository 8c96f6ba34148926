/* ul-devices-page.h: デバイス, what is plugged in now, with the decision and
 * its reason in the person's language; device strings shown literally */
#pragma once

#include <gtk/gtk.h>

#include "ul-live-lists.h"

G_BEGIN_DECLS

#define UL_TYPE_DEVICES_PAGE (ul_devices_page_get_type ())
G_DECLARE_FINAL_TYPE (UlDevicesPage, ul_devices_page, UL, DEVICES_PAGE, GtkBox)

void ul_devices_page_set_lists (UlDevicesPage *self, UlLiveLists *lists);

G_END_DECLS
