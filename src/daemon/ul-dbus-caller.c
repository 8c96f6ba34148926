/* ul-dbus-caller.c: see ul-dbus-caller.h */
#include "ul-dbus-caller.h"

#include <pwd.h>

/* the bus daemon answers at once; a bus that does not is not waited for */
#define BUS_TIMEOUT_MS 5000

typedef struct {
  GDBusMethodInvocation *invocation;
  UlDbusCallerCallback callback;
  gpointer user_data;
  guint32 uid;
} Lookup;

static void
lookup_free (Lookup *l)
{
  g_object_unref (l->invocation);
  g_free (l);
}

static void
finish (Lookup *l, const char *name, const GError *error)
{
  UlActor actor = { name, l->uid };

  l->callback (l->invocation, error == NULL ? &actor : NULL, error, l->user_data);
  lookup_free (l);
}

/* in a worker thread: getpwuid_r may ask a directory server */
static void
account_name_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  Lookup *l = data;
  struct passwd pw, *result = NULL;
  char buf[4096];

  if (getpwuid_r (l->uid, &pw, buf, sizeof buf, &result) == 0 && result != NULL)
    g_task_return_pointer (task, g_strdup (pw.pw_name), g_free);
  else
    /* an account without a name is recorded by its number */
    g_task_return_pointer (task, g_strdup_printf ("uid:%u", l->uid), g_free);
}

static void
on_account_name (GObject *source, GAsyncResult *res, gpointer data)
{
  Lookup *l = data;
  g_autofree char *name = g_task_propagate_pointer (G_TASK (res), NULL);

  finish (l, name, NULL);
}

static void
on_unix_user (GObject *source, GAsyncResult *res, gpointer data)
{
  Lookup *l = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GTask) task = NULL;

  reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (source), res, &error);
  if (reply == NULL)
    {
      g_prefix_error (&error, "cannot identify the caller: ");
      finish (l, NULL, error);
      return;
    }
  g_variant_get (reply, "(u)", &l->uid);
  task = g_task_new (NULL, NULL, on_account_name, l);
  g_task_set_task_data (task, l, NULL);
  g_task_run_in_thread (task, account_name_thread);
}

void
ul_dbus_caller_lookup (GDBusMethodInvocation *invocation, UlDbusCallerCallback callback,
                       gpointer user_data)
{
  Lookup *l = g_new0 (Lookup, 1);

  l->invocation = g_object_ref (invocation);
  l->callback = callback;
  l->user_data = user_data;
  g_dbus_connection_call (g_dbus_method_invocation_get_connection (invocation),
                          "org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus",
                          "GetConnectionUnixUser",
                          g_variant_new ("(s)", g_dbus_method_invocation_get_sender (invocation)),
                          G_VARIANT_TYPE ("(u)"), G_DBUS_CALL_FLAGS_NONE, BUS_TIMEOUT_MS, NULL,
                          on_unix_user, l);
}
