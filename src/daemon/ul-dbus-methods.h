/* ul-dbus-methods.h: the one table of org.usbledger.Manager1's methods:
 * each with the polkit action it needs and the function that answers it.
 * The interface itself is described once, in org.usbledger.Manager1.xml; a
 * unit test checks that every method there has exactly one row here. */
#pragma once

#include <gio/gio.h>

#include "ul-manager.h"

G_BEGIN_DECLS

/* one authorized call */
typedef struct {
  UlManager *mgr;
  UlStore *store;
  GDBusMethodInvocation *invocation;
  GVariant *params;
  const UlActor *actor;   /* the caller, for the methods that record it; else NULL */
  struct _UlDbusNotices *notices;
} UlDbusCall;

/* the reply, or NULL with @error set, or ul_dbus_reply_later when the
 * invocation is answered later by someone else (ul-dbus-pdf.h) */
typedef GVariant *(*UlDbusHandler) (const UlDbusCall *call, GError **error);

typedef struct {
  const char *method;
  const char *action;       /* polkit action (ul-polkit-gate.h) */
  gboolean records_caller;  /* changes something: the caller's account is recorded */
  UlDbusHandler handler;
} UlDbusMethod;

/* the row of @method, NULL: no such method (always denied) */
const UlDbusMethod *ul_dbus_method_lookup (const char *method);
/* every row, for the test */
const UlDbusMethod *ul_dbus_methods (guint *n_methods);

/* the most file records one ListSessionFiles call returns; far below D-Bus's
 * message size limit even with the longest paths (4096 bytes each). The
 * XML's org.usbledger.MaxLimit annotation says the same (checked by a test). */
#define UL_FILES_PAGE_MAX 5000
/* the most rows of each part one GetLedger call returns */
#define UL_LEDGER_PAGE_MAX 2000

G_END_DECLS
