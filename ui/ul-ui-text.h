/* ul-ui-text.h: the small texts several pages show the same way */
#pragma once

#include "ul-client-record.h"

G_BEGIN_DECLS

/* the device's serial number, escaped, or "none" in the person's language */
char *ul_ui_serial (UlClientRecord *record);
/* a medium's last day of use (local date), or "no limit" */
char *ul_ui_valid_until (UlClientRecord *record);

G_END_DECLS
