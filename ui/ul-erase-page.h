/* ul-erase-page.h: 消去, the registered media plugged in now that can be
 * erased; Erase… opens the confirmation and progress (ul-erase-dialog.h) */
#pragma once

#include <gtk/gtk.h>

#include "ul-live-lists.h"

G_BEGIN_DECLS

#define UL_TYPE_ERASE_PAGE (ul_erase_page_get_type ())
G_DECLARE_FINAL_TYPE (UlErasePage, ul_erase_page, UL, ERASE_PAGE, GtkBox)

void ul_erase_page_set_lists (UlErasePage *self, UlLiveLists *lists);

G_END_DECLS
