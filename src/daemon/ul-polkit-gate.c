/* ul-polkit-gate.c: an asynchronous CheckAuthorization call, so waiting
 * for an authentication agent never stalls the daemon's handling of
 * plugged devices. We talk to polkitd over
 * D-Bus directly: the same code runs against the real polkitd and the
 * python-dbusmock template in the tests. */
#include "ul-polkit-gate.h"

/* long enough for a person to type a password into an agent */
#define POLKIT_TIMEOUT_MS (5 * 60 * 1000)
#define POLKIT_ALLOW_USER_INTERACTION 1u

typedef struct {
  GDBusMethodInvocation *invocation;
  UlPolkitCallback callback;
  gpointer user_data;
  char *action;
} CheckData;

static void
on_check_reply (GObject *source, GAsyncResult *res, gpointer user_data)
{
  CheckData *data = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = NULL;
  gboolean authorized = FALSE, challenge = FALSE;

  reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (source), res, &error);
  if (reply == NULL)
    {
      g_autofree char *why = g_strdup_printf ("cannot ask polkit about %s: %s", data->action,
                                              error->message);

      g_warning ("%s", why);
      data->callback (data->invocation, FALSE, why, data->user_data);
    }
  else
    {
      g_variant_get (reply, "((bb@a{ss}))", &authorized, &challenge, NULL);
      if (authorized)
        data->callback (data->invocation, TRUE, NULL, data->user_data);
      else
        {
          g_autofree char *why = g_strdup_printf ("not authorized for %s", data->action);

          data->callback (data->invocation, FALSE, why, data->user_data);
        }
    }
  g_object_unref (data->invocation);
  g_free (data->action);
  g_free (data);
}

void
ul_polkit_check (GDBusMethodInvocation *invocation, const char *action,
                 UlPolkitCallback callback, gpointer user_data)
{
  const char *method = g_dbus_method_invocation_get_method_name (invocation);
  GDBusConnection *bus = g_dbus_method_invocation_get_connection (invocation);
  const char *sender = g_dbus_method_invocation_get_sender (invocation);
  GDBusMessage *msg = g_dbus_method_invocation_get_message (invocation);
  guint32 flags = 0;
  GVariantBuilder subject_details;
  CheckData *data;

  if (action == NULL || sender == NULL)
    {
      g_autofree char *why = g_strdup_printf ("method %s is not permitted", method);

      callback (invocation, FALSE, why, user_data);
      return;
    }

  data = g_new0 (CheckData, 1);
  data->invocation = g_object_ref (invocation);
  data->callback = callback;
  data->user_data = user_data;
  data->action = g_strdup (action);

  /* an authentication agent may ask for a password only if the caller said
   * it can wait for one */
  if (g_dbus_message_get_flags (msg) & G_DBUS_MESSAGE_FLAGS_ALLOW_INTERACTIVE_AUTHORIZATION)
    flags |= POLKIT_ALLOW_USER_INTERACTION;
  g_variant_builder_init (&subject_details, G_VARIANT_TYPE ("a{sv}"));
  g_variant_builder_add (&subject_details, "{sv}", "name", g_variant_new_string (sender));
  g_dbus_connection_call (bus, "org.freedesktop.PolicyKit1",
                          "/org/freedesktop/PolicyKit1/Authority",
                          "org.freedesktop.PolicyKit1.Authority", "CheckAuthorization",
                          g_variant_new ("((sa{sv})sa{ss}us)", "system-bus-name",
                                         &subject_details, action, NULL, flags, ""),
                          G_VARIANT_TYPE ("((bba{ss}))"), G_DBUS_CALL_FLAGS_NONE,
                          POLKIT_TIMEOUT_MS, NULL, on_check_reply, data);
}
