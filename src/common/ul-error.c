/* ul-error.c: registering the domain with GDBus lets the CLI and GUI show the
 * daemon's own message instead of "GDBus.Error:..." */
#include "ul-error.h"

#include <gio/gio.h>

static const GDBusErrorEntry ul_error_entries[] = {
  { UL_ERROR_FAILED, "org.usbledger.Error.Failed" },
  { UL_ERROR_INVALID_ARGUMENT, "org.usbledger.Error.InvalidArgument" },
  { UL_ERROR_NOT_FOUND, "org.usbledger.Error.NotFound" },
  { UL_ERROR_ALREADY_EXISTS, "org.usbledger.Error.AlreadyExists" },
  { UL_ERROR_BAD_STATE, "org.usbledger.Error.BadState" },
  { UL_ERROR_DATABASE, "org.usbledger.Error.Database" },
  { UL_ERROR_DEVICE_CHANGED, "org.usbledger.Error.DeviceChanged" },
  { UL_ERROR_MALFORMED, "org.usbledger.Error.Malformed" },
  { UL_ERROR_IO, "org.usbledger.Error.IO" },
  { UL_ERROR_BUSY, "org.usbledger.Error.Busy" },
};

GQuark
ul_error_quark (void)
{
  static gsize quark = 0;

  g_dbus_error_register_error_domain ("ul-error-quark", &quark,
                                      ul_error_entries,
                                      G_N_ELEMENTS (ul_error_entries));
  return (GQuark) quark;
}
