/* ul-ui-text.c: see ul-ui-text.h */
#include "config.h"

#include <glib/gi18n.h>

#include "ul-time.h"
#include "ul-ui-text.h"

char *
ul_ui_serial (UlClientRecord *record)
{
  g_autofree char *serial = ul_client_record_bytes (record, "serial");

  /* TRANSLATORS: a device that reports no serial number */
  return *serial != '\0' ? g_steal_pointer (&serial) : g_strdup (_("none"));
}

char *
ul_ui_valid_until (UlClientRecord *record)
{
  gint64 until = ul_client_record_int (record, "valid-until");
  char *day = until > 0 ? ul_time_format_local_plain (until, FALSE) : NULL;

  return day != NULL ? day : g_strdup (_("no limit"));
}
