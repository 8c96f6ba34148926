/* ul-error.h: the one error domain of usbledger, mapped to D-Bus error names */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum {
  UL_ERROR_FAILED,
  UL_ERROR_INVALID_ARGUMENT,
  UL_ERROR_NOT_FOUND,
  UL_ERROR_ALREADY_EXISTS,
  UL_ERROR_BAD_STATE,
  UL_ERROR_DATABASE,
  UL_ERROR_DEVICE_CHANGED,
  UL_ERROR_MALFORMED,
  UL_ERROR_IO,
  UL_ERROR_BUSY,          /* a moment later it may work: the caller may try again */
} UlError;

#define UL_ERROR (ul_error_quark ())
GQuark ul_error_quark (void);

G_END_DECLS
