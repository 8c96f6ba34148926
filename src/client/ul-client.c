/* ul-client.c: see ul-client.h */
#include "ul-client.h"
#include "ul-error.h"

UlBusManager1 *
ul_client_manager_new_sync (GDBusConnection *bus, GDBusProxyFlags flags,
                            GCancellable *cancellable, GError **error)
{
  g_autoptr(GDBusConnection) system = NULL;

  /* the daemon's errors come back as UL_ERROR, their own messages */
  (void) ul_error_quark ();
  if (bus == NULL)
    {
      system = g_bus_get_sync (G_BUS_TYPE_SYSTEM, cancellable, error);
      if (system == NULL)
        return NULL;
      bus = system;
    }
  return ul_bus_manager1_proxy_new_sync (bus, flags, UL_CLIENT_BUS_NAME, UL_CLIENT_OBJECT_PATH,
                                         cancellable, error);
}
