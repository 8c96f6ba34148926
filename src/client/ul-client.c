/* ul-client.c: see ul-client.h */
#include "ul-client.h"
#include "ul-error.h"

/* GDBus runs outgoing messages through the connection's filters before it
 * sends them: a method call to the daemon's interface leaves with the flag
 * added (the message is locked by then, so the filter returns a changed
 * copy). By its interface, not its destination: a proxy sends to the
 * name's owner, ":1.42", once it knows it. */
static GDBusMessage *
add_interactive_flag (GDBusConnection *bus, GDBusMessage *message, gboolean incoming,
                      gpointer data)
{
  GDBusMessage *copy;

  if (incoming || g_dbus_message_get_message_type (message) != G_DBUS_MESSAGE_TYPE_METHOD_CALL ||
      g_strcmp0 (g_dbus_message_get_interface (message), UL_CLIENT_INTERFACE) != 0 ||
      (g_dbus_message_get_flags (message) & G_DBUS_MESSAGE_FLAGS_ALLOW_INTERACTIVE_AUTHORIZATION))
    return message;
  copy = g_dbus_message_copy (message, NULL);
  if (copy == NULL)
    return message;
  g_dbus_message_set_flags (copy, g_dbus_message_get_flags (copy) |
                                  G_DBUS_MESSAGE_FLAGS_ALLOW_INTERACTIVE_AUTHORIZATION);
  g_object_unref (message);
  return copy;
}

void
ul_client_allow_interactive_authorization (GDBusConnection *bus)
{
  if (g_object_get_data (G_OBJECT (bus), "ul-client-interactive") != NULL)
    return;
  g_dbus_connection_add_filter (bus, add_interactive_flag, NULL, NULL);
  g_object_set_data (G_OBJECT (bus), "ul-client-interactive", GINT_TO_POINTER (1));
}

UlBusManager1 *
ul_client_manager_new_sync (GDBusConnection *bus, GDBusProxyFlags flags,
                            GCancellable *cancellable, GError **error)
{
  g_autoptr(GDBusConnection) system = NULL;
  UlBusManager1 *manager;

  /* the daemon's errors come back as UL_ERROR, their own messages */
  (void) ul_error_quark ();
  if (bus == NULL)
    {
      system = g_bus_get_sync (G_BUS_TYPE_SYSTEM, cancellable, error);
      if (system == NULL)
        return NULL;
      bus = system;
    }
  ul_client_allow_interactive_authorization (bus);
  manager = ul_bus_manager1_proxy_new_sync (bus, flags, UL_CLIENT_BUS_NAME,
                                            UL_CLIENT_OBJECT_PATH, cancellable, error);
  if (manager != NULL)
    g_dbus_proxy_set_default_timeout (G_DBUS_PROXY (manager), UL_CLIENT_TIMEOUT_MS);
  return manager;
}
