/* usbledgerctl dispose: the end of a medium
 *   dispose ASSET-NUMBER destroyed --contractor NAME --reference REF --date YYYY-MM-DD
 *   dispose ASSET-NUMBER retired            (after a verified erasure) */
#include "ctl-common.h"

int
ctl_dispose (CtlContext *ctx, int argc, char **argv)
{
  g_autofree char *contractor = NULL, *reference = NULL, *date = NULL, *note = NULL;
  g_autofree char *pdf_path = NULL;
  GOptionEntry entries[] = {
    { "contractor", 0, 0, G_OPTION_ARG_STRING, &contractor, N_("Who destroyed it"), "NAME" },
    { "reference", 0, 0, G_OPTION_ARG_STRING, &reference,
      N_("The contractor's reference number"), "REF" },
    { "date", 0, 0, G_OPTION_ARG_STRING, &date, N_("The day it was destroyed"), "YYYY-MM-DD" },
    { "note", 0, 0, G_OPTION_ARG_STRING, &note, N_("Note for the logbook"), "TEXT" },
    { "pdf", 0, 0, G_OPTION_ARG_FILENAME, &pdf_path, N_("Save the printable record here"),
      "FILE" },
    { NULL }
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) what = NULL;
  GVariantBuilder details;
  UlBusManager1 *m;

  if (!ctl_parse (_("ASSET-NUMBER destroyed|retired"),
                  _("Record that a medium was destroyed or retired; it is blocked for good."),
                  entries, &argc, &argv))
    return 2;
  if (argc != 3)
    {
      g_printerr (_("usbledgerctl: dispose needs the asset number and destroyed or retired\n"));
      return 2;
    }
  g_variant_builder_init (&details, G_VARIANT_TYPE_VARDICT);
  if (contractor != NULL)
    g_variant_builder_add (&details, "{sv}", "contractor", g_variant_new_string (contractor));
  if (reference != NULL)
    g_variant_builder_add (&details, "{sv}", "reference", g_variant_new_string (reference));
  if (date != NULL)
    g_variant_builder_add (&details, "{sv}", "date", g_variant_new_string (date));
  if (note != NULL)
    g_variant_builder_add (&details, "{sv}", "note", g_variant_new_string (note));
  what = g_variant_ref_sink (g_variant_builder_end (&details));
  if ((m = ctl_manager (ctx, &error)) == NULL ||
      !ul_bus_manager1_call_dispose_medium_sync (m, argv[1], argv[2], what, UL_CLIENT_CALL_FLAGS,
                                                 UL_CLIENT_TIMEOUT_MS, NULL, &error))
    {
      ctl_print_call_error (error);
      return 1;
    }
  g_print (_("%s: %s; it is blocked for good\n"), argv[1], argv[2]);
  if (pdf_path != NULL)
    {
      g_autoptr(GVariant) pdf = NULL;

      if (!ul_bus_manager1_call_get_disposal_pdf_sync (m, argv[1], UL_CLIENT_CALL_FLAGS,
                                                       UL_CLIENT_TIMEOUT_MS, &pdf, NULL, &error) ||
          !g_file_set_contents (pdf_path, g_variant_get_data (pdf),
                                (gssize) g_variant_get_size (pdf), &error))
        {
          g_dbus_error_strip_remote_error (error);
          g_printerr (_("usbledgerctl: no printable record%s%s\n"), error ? ": " : "",
                      error ? error->message : "");
          return 1;
        }
      g_print ("%s\n", pdf_path);
    }
  return 0;
}
