/* ul-requests-page.h: 申請, the pending requests as they arrive, each with
 * Approve… (ul-approve-dialog.h) and Reject… (a reason is asked) */
#pragma once

#include <gtk/gtk.h>

#include "ul-live-lists.h"

G_BEGIN_DECLS

#define UL_TYPE_REQUESTS_PAGE (ul_requests_page_get_type ())
G_DECLARE_FINAL_TYPE (UlRequestsPage, ul_requests_page, UL, REQUESTS_PAGE, GtkBox)

void ul_requests_page_set_lists (UlRequestsPage *self, UlLiveLists *lists);

G_END_DECLS
