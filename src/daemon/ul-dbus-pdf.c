/* ul-dbus-pdf.c: see ul-dbus-pdf.h */
#include "ul-dbus-pdf.h"

static char reply_later_marker;
GVariant *const ul_dbus_reply_later = (GVariant *) &reply_later_marker;

static GVariant *
read_pdf (const char *path, GError **error)
{
  g_autofree char *data = NULL;
  gsize len = 0;

  if (!g_file_get_contents (path, &data, &len, error))
    return NULL;
  return g_variant_new ("(@ay)", g_variant_new_fixed_array (G_VARIANT_TYPE_BYTE, data, len, 1));
}

typedef struct {
  GDBusMethodInvocation *inv;
  char *path;
} Later;

static void
on_ready (gpointer data)
{
  Later *l = data;
  g_autoptr(GError) error = NULL;
  GVariant *reply = read_pdf (l->path, &error);

  if (reply == NULL)
    g_dbus_method_invocation_return_gerror (l->inv, error);
  else
    g_dbus_method_invocation_return_value (l->inv, reply);
  g_free (l->path);
  g_free (l);
}

GVariant *
ul_dbus_pdf_reply (UlManager *mgr, GDBusMethodInvocation *inv, const char *path, GError **error)
{
  Later *l = g_new0 (Later, 1);

  /* the invocation is answered by on_ready, which takes it over */
  l->inv = inv;
  l->path = g_strdup (path);
  if (ul_manager_pdf_when_ready (mgr, path, on_ready, l))
    return ul_dbus_reply_later;
  g_free (l->path);
  g_free (l);
  return read_pdf (path, error);
}
