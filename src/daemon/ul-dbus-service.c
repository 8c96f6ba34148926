/* ul-dbus-service.c: org.usbledger.Manager1 on the bus. Every method call
 * is looked up in the method table (ul-dbus-methods.c), goes through the
 * polkit gate for the row's action, and is answered only on an explicit
 * yes. A method that changes something records the caller's personal
 * account, from the bus, never from an argument. Each step is
 * asynchronous: the main loop, which decides about plugged devices, never
 * waits for polkit, the bus daemon or the account database. */
#include "config.h"

#include "ul-dbus-service.h"
#include "ul-dbus-caller.h"
#include "ul-dbus-methods.h"
#include "ul-dbus-notices.h"
#include "ul-dbus-pdf.h"
#include "ul-dbus-signals.h"
#include "ul-polkit-gate.h"

GResource *ul_daemon_get_resource (void);

struct _UlDbusService {
  UlManager *mgr;
  GDBusConnection *bus;
  GDBusNodeInfo *node;
  guint registration;
  UlDbusSignals *signals;
  UlDbusNotices *notices;
};

/* runs the row's handler for an authorized call and answers it */
static void
run (UlDbusService *svc, GDBusMethodInvocation *inv, const UlActor *actor)
{
  const UlDbusMethod *row = ul_dbus_method_lookup (g_dbus_method_invocation_get_method_name (inv));
  UlDbusCall call = {
    .mgr = svc->mgr,
    .store = ul_manager_get_store (svc->mgr),
    .invocation = inv,
    .params = g_dbus_method_invocation_get_parameters (inv),
    .actor = actor,
    .notices = svc->notices,
  };
  g_autoptr(GError) error = NULL;
  GVariant *reply = row->handler (&call, &error);

  if (reply == ul_dbus_reply_later)
    return;   /* answered when its document is written */
  if (reply == NULL)
    g_dbus_method_invocation_return_gerror (inv, error);
  else
    g_dbus_method_invocation_return_value (inv, reply);
}

static void
on_caller (GDBusMethodInvocation *inv, const UlActor *actor, const GError *error,
           gpointer user_data)
{
  if (actor == NULL)
    g_dbus_method_invocation_return_gerror (inv, error);
  else
    run (user_data, inv, actor);
}

static void
on_authorized (GDBusMethodInvocation *inv, gboolean allowed, const char *why_not,
               gpointer user_data)
{
  const UlDbusMethod *row = ul_dbus_method_lookup (g_dbus_method_invocation_get_method_name (inv));

  if (!allowed)
    g_dbus_method_invocation_return_error (inv, G_DBUS_ERROR, G_DBUS_ERROR_ACCESS_DENIED,
                                           "%s", why_not);
  else if (row->records_caller)
    ul_dbus_caller_lookup (inv, on_caller, user_data);
  else
    run (user_data, inv, NULL);
}

static void
on_method_call (GDBusConnection *bus, const char *sender, const char *path, const char *iface,
                const char *method, GVariant *params, GDBusMethodInvocation *inv,
                gpointer user_data)
{
  const UlDbusMethod *row = ul_dbus_method_lookup (method);

  /* about the caller's own devices: who calls decides what is answered */
  if (row != NULL && g_str_equal (row->action, UL_ACTION_OWN))
    {
      ul_dbus_caller_lookup (inv, on_caller, user_data);
      return;
    }
  /* the invocation is owned by us from here on; the gate hands it back.
   * A method without a row has no action: the gate denies it. */
  ul_polkit_check (inv, row != NULL ? row->action : NULL, on_authorized, user_data);
}

static GVariant *
on_get_property (GDBusConnection *bus, const char *sender, const char *path, const char *iface,
                 const char *name, GError **error, gpointer user_data)
{
  UlDbusService *svc = user_data;

  if (g_str_equal (name, "Version"))
    return g_variant_new_string (PACKAGE_VERSION);
  if (g_str_equal (name, "Host"))
    return g_variant_new_string (ul_manager_get_host (svc->mgr));
  if (g_str_equal (name, "LedgerPresentation"))
    return ul_manager_ledger_presentation (svc->mgr);
  g_set_error (error, G_DBUS_ERROR, G_DBUS_ERROR_UNKNOWN_PROPERTY, "no property %s", name);
  return NULL;
}

static const GDBusInterfaceVTable vtable = { on_method_call, on_get_property, NULL, { 0 } };

GDBusNodeInfo *
ul_dbus_service_interface_info (GError **error)
{
  g_autoptr(GBytes) xml = NULL;

  xml = g_resource_lookup_data (ul_daemon_get_resource (),
                                "/org/usbledger/daemon/org.usbledger.Manager1.xml",
                                G_RESOURCE_LOOKUP_FLAGS_NONE, error);
  if (xml == NULL)
    return NULL;
  return g_dbus_node_info_new_for_xml (g_bytes_get_data (xml, NULL), error);
}

UlDbusService *
ul_dbus_service_new (UlManager *mgr, GDBusConnection *bus, GError **error)
{
  UlDbusService *svc;
  GDBusNodeInfo *node = ul_dbus_service_interface_info (error);

  if (node == NULL)
    return NULL;
  svc = g_new0 (UlDbusService, 1);
  svc->mgr = g_object_ref (mgr);
  svc->bus = g_object_ref (bus);
  svc->node = node;
  svc->registration = g_dbus_connection_register_object (bus, UL_DBUS_PATH,
                                                         node->interfaces[0], &vtable, svc,
                                                         NULL, error);
  if (svc->registration == 0)
    {
      ul_dbus_service_free (svc);
      return NULL;
    }
  svc->signals = ul_dbus_signals_connect (mgr, bus);
  svc->notices = ul_dbus_notices_new (mgr, bus);
  return svc;
}

void
ul_dbus_service_free (UlDbusService *svc)
{
  if (svc == NULL)
    return;
  ul_dbus_signals_disconnect (svc->signals);
  ul_dbus_notices_free (svc->notices);
  if (svc->registration != 0)
    g_dbus_connection_unregister_object (svc->bus, svc->registration);
  g_dbus_node_info_unref (svc->node);
  g_object_unref (svc->bus);
  g_object_unref (svc->mgr);
  g_free (svc);
}
