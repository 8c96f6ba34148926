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

char *
ul_ui_entry_value (GtkWidget *entry)
{
  g_autofree char *text = g_strstrip (g_strdup (gtk_entry_get_text (GTK_ENTRY (entry))));

  return *text != '\0' ? g_steal_pointer (&text) : NULL;
}

gboolean
ul_ui_month_step (GtkWidget *month_entry, int months)
{
  g_autoptr(GDateTime) start = NULL;
  g_autoptr(GDateTime) other = NULL;
  g_autofree char *month = NULL;
  gint64 since, until;

  if (!ul_time_parse_month (gtk_entry_get_text (GTK_ENTRY (month_entry)), &since, &until, NULL))
    return FALSE;
  start = g_date_time_new_from_unix_local (since / G_USEC_PER_SEC);
  other = g_date_time_add_months (start, months);
  month = g_date_time_format (other, "%Y-%m");
  gtk_entry_set_text (GTK_ENTRY (month_entry), month);
  return TRUE;
}

void
ul_ui_add_text_column (GtkWidget *tree, const char *title, int col)
{
  GtkCellRenderer *cell = gtk_cell_renderer_text_new ();
  GtkTreeViewColumn *column = gtk_tree_view_column_new_with_attributes (title, cell, "text",
                                                                        col, NULL);

  gtk_tree_view_column_set_resizable (column, TRUE);
  gtk_tree_view_append_column (GTK_TREE_VIEW (tree), column);
}

GVariant *
ul_ui_month_page_filter (gint64 since, gint64 until, const char *asset, const char *user,
                         gint64 after_id, guint32 limit)
{
  GVariantBuilder filter;

  g_variant_builder_init (&filter, G_VARIANT_TYPE_VARDICT);
  g_variant_builder_add (&filter, "{sv}", "since", g_variant_new_int64 (since));
  g_variant_builder_add (&filter, "{sv}", "until", g_variant_new_int64 (until));
  if (asset != NULL)
    g_variant_builder_add (&filter, "{sv}", "asset-number", g_variant_new_string (asset));
  if (user != NULL)
    g_variant_builder_add (&filter, "{sv}", "user", g_variant_new_string (user));
  g_variant_builder_add (&filter, "{sv}", "after-id", g_variant_new_int64 (after_id));
  g_variant_builder_add (&filter, "{sv}", "limit", g_variant_new_uint32 (limit));
  return g_variant_builder_end (&filter);
}
