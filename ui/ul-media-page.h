/* ul-media-page.h: 媒体, the registered media with their status, a search,
 * Revoke… (a reason is asked) and Dispose… (ul-dispose-dialog.h) */
#pragma once

#include <gtk/gtk.h>

#include "ul-live-lists.h"

G_BEGIN_DECLS

#define UL_TYPE_MEDIA_PAGE (ul_media_page_get_type ())
G_DECLARE_FINAL_TYPE (UlMediaPage, ul_media_page, UL, MEDIA_PAGE, GtkBox)

void ul_media_page_set_lists (UlMediaPage *self, UlLiveLists *lists);

G_END_DECLS
