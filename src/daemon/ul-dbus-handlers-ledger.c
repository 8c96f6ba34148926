/* ul-dbus-handlers-ledger.c: the monthly ledger (see ul-dbus-handlers.h) */
#include "config.h"

#include "ul-dbus-handlers.h"
#include "ul-dbus-pdf.h"
#include "ul-dbus-records.h"
#include "ul-error.h"
#include "ul-ledger.h"

#include <errno.h>
#include <fcntl.h>
#include <gio/gunixfdlist.h>
#include <unistd.h>

GVariant *
ul_dbus_get_ledger (const UlDbusCall *call, GError **error)
{
  const char *month;
  g_autoptr(GVariant) options = NULL;
  g_autoptr(GVariant) ledger = NULL;
  g_autofree char *digest = NULL;
  gint64 as_of = g_get_real_time ();
  guint32 offset = 0, limit = UL_LEDGER_PAGE_MAX;
  GVariantIter iter;
  GVariantBuilder b;
  const char *key;
  GVariant *value;

  g_variant_get (call->params, "(&s@a{sv})", &month, &options);
  g_variant_lookup (options, "as-of", "x", &as_of);
  g_variant_lookup (options, "offset", "u", &offset);
  g_variant_lookup (options, "limit", "u", &limit);
  if (as_of <= 0 || limit < 1 || limit > UL_LEDGER_PAGE_MAX)
    {
      g_set_error (error, UL_ERROR, UL_ERROR_INVALID_ARGUMENT,
                   "as-of must be a time, and limit 1 to %u", UL_LEDGER_PAGE_MAX);
      return NULL;
    }
  ledger = ul_store_ledger_month (call->store, month, as_of, ul_manager_get_host (call->mgr),
                                  error);
  if (ledger == NULL || (digest = ul_ledger_digest (ledger, error)) == NULL)
    return NULL;
  /* the whole ledger's digest; its parts one page at a time */
  g_variant_builder_init (&b, G_VARIANT_TYPE_VARDICT);
  g_variant_iter_init (&iter, ledger);
  while (g_variant_iter_next (&iter, "{&sv}", &key, &value))
    {
      g_autoptr(GVariant) v = value;

      if (g_variant_is_of_type (v, G_VARIANT_TYPE ("av")))
        g_variant_builder_add (&b, "{sv}", key, ul_record_slice (v, offset, limit));
      else
        g_variant_builder_add (&b, "{sv}", key, v);
    }
  g_variant_builder_add (&b, "{sv}", "content-digest", g_variant_new_string (digest));
  g_variant_builder_add (&b, "{sv}", "as-of-us", g_variant_new_int64 (as_of));
  return g_variant_new ("(@a{sv})", g_variant_builder_end (&b));
}

typedef struct {
  GDBusMethodInvocation *invocation;
} Export;

/* answers with a descriptor open for reading each file of the bundle */
static void
on_exported (const char *folder, GPtrArray *names, const GError *error, gpointer data)
{
  Export *x = data;
  g_autoptr(GUnixFDList) fds = g_unix_fd_list_new ();
  g_autoptr(GError) local = NULL;
  GVariantBuilder b;

  if (error != NULL)
    {
      g_dbus_method_invocation_return_gerror (x->invocation, error);
      g_free (x);
      return;
    }
  g_variant_builder_init (&b, G_VARIANT_TYPE ("a{sh}"));
  for (guint i = 0; i < names->len && local == NULL; i++)
    {
      const char *name = g_ptr_array_index (names, i);
      g_autofree char *path = g_build_filename (folder, name, NULL);
      int fd = open (path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
      int index;

      if (fd < 0)
        {
          g_set_error (&local, UL_ERROR, UL_ERROR_IO, "cannot open %s: %s", path,
                       g_strerror (errno));
          break;
        }
      index = g_unix_fd_list_append (fds, fd, &local);
      close (fd);
      if (index >= 0)
        g_variant_builder_add (&b, "{sh}", name, index);
    }
  if (local != NULL)
    {
      g_variant_builder_clear (&b);
      g_dbus_method_invocation_return_gerror (x->invocation, local);
    }
  else
    g_dbus_method_invocation_return_value_with_unix_fd_list (
      x->invocation, g_variant_new ("(a{sh})", &b), fds);
  g_free (x);
}

GVariant *
ul_dbus_export_ledger (const UlDbusCall *call, GError **error)
{
  const char *month;
  g_autoptr(GVariant) options = NULL;
  gboolean appendix = FALSE;
  Export *x = g_new0 (Export, 1);

  g_variant_get (call->params, "(&s@a{sv})", &month, &options);
  g_variant_lookup (options, "files-appendix", "b", &appendix);
  /* answered by on_exported, which takes the invocation over; possibly at
   * once, when the month cannot be read */
  x->invocation = call->invocation;
  ul_manager_export_ledger (call->mgr, month, appendix, call->actor, on_exported, x);
  return ul_dbus_reply_later;
}
