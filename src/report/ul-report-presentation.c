/* ul-report-presentation.c: see ul-report-presentation.h */
#include "ul-report-presentation.h"
#include "ul-report-record.h"

static char *
text_at (GVariant *presentation, const char *key)
{
  g_autoptr(GVariant) v = ul_report_record_lookup (presentation, key);

  if (v == NULL || !g_variant_is_of_type (v, G_VARIANT_TYPE_STRING) ||
      *g_variant_get_string (v, NULL) == '\0')
    return NULL;
  return g_variant_dup_string (v, NULL);
}

static GStrv
labels_at (GVariant *presentation)
{
  g_autoptr(GVariant) labels = ul_report_record_lookup (presentation, "seal-labels");
  g_autoptr(GStrvBuilder) b = NULL;
  GStrv labels_read;
  gsize n;

  if (labels == NULL || !g_variant_is_of_type (labels, G_VARIANT_TYPE_ARRAY) ||
      (n = g_variant_n_children (labels)) == 0)
    return NULL;
  b = g_strv_builder_new ();
  for (gsize i = 0; i < n; i++)
    {
      g_autoptr(GVariant) child = g_variant_get_child_value (labels, i);
      g_autoptr(GVariant) label = g_variant_is_of_type (child, G_VARIANT_TYPE_VARIANT)
                                    ? g_variant_get_variant (child) : g_variant_ref (child);

      if (g_variant_is_of_type (label, G_VARIANT_TYPE_STRING))
        g_strv_builder_add (b, g_variant_get_string (label, NULL));
    }
  labels_read = g_strv_builder_end (b);
  /* none of them a string: the default boxes */
  if (labels_read[0] == NULL)
    g_clear_pointer (&labels_read, g_strfreev);
  return labels_read;
}

void
ul_report_presentation_read (UlReportPresentation *p, GVariant *presentation)
{
  g_autoptr(GVariant) wareki = NULL;

  *p = (UlReportPresentation) { 0 };
  if (presentation == NULL || !g_variant_is_of_type (presentation, G_VARIANT_TYPE_VARDICT))
    return;
  p->organisation = text_at (presentation, "organisation");
  p->department = text_at (presentation, "department");
  p->seal_labels = labels_at (presentation);
  wareki = ul_report_record_lookup (presentation, "wareki");
  p->wareki = wareki != NULL && g_variant_is_of_type (wareki, G_VARIANT_TYPE_BOOLEAN) &&
              g_variant_get_boolean (wareki);
}

void
ul_report_presentation_apply (const UlReportPresentation *p, UlReportLedgerOptions *options)
{
  options->organisation = p->organisation;
  options->department = p->department;
  options->seal_labels = (const char *const *) p->seal_labels;
  options->wareki = p->wareki;
}

void
ul_report_presentation_clear (UlReportPresentation *p)
{
  g_clear_pointer (&p->organisation, g_free);
  g_clear_pointer (&p->department, g_free);
  g_clear_pointer (&p->seal_labels, g_strfreev);
}
