/* the method table (issue 11, item 1): org.usbledger.Manager1.xml is the one
 * description of the interface; every method there has exactly one row,
 * with a polkit action and a handler, and the page sizes the XML announces
 * are the ones the daemon enforces */
#include "ul-dbus-methods.h"
#include "ul-dbus-records.h"
#include "ul-dbus-service.h"
#include "ul-polkit-gate.h"
#include "ul-test-util.h"

static GDBusInterfaceInfo *
interface_info (GDBusNodeInfo **node)
{
  g_autoptr(GError) error = NULL;

  *node = ul_dbus_service_interface_info (&error);
  g_assert_no_error (error);
  g_assert_cmpstr ((*node)->interfaces[0]->name, ==, UL_DBUS_INTERFACE);
  return (*node)->interfaces[0];
}

static void
test_every_method_has_one_row (void)
{
  GDBusNodeInfo *node = NULL;
  GDBusInterfaceInfo *iface = interface_info (&node);
  guint n_rows = 0, n_methods = 0;
  const UlDbusMethod *rows = ul_dbus_methods (&n_rows);

  for (GDBusMethodInfo **m = iface->methods; *m != NULL; m++, n_methods++)
    {
      guint found = 0;

      for (guint i = 0; i < n_rows; i++)
        if (g_str_equal (rows[i].method, (*m)->name))
          found++;
      if (found != 1)
        g_error ("%s has %u rows in the method table", (*m)->name, found);
    }
  for (guint i = 0; i < n_rows; i++)
    {
      if (g_dbus_interface_info_lookup_method (iface, rows[i].method) == NULL)
        g_error ("the row %s is no method of the XML", rows[i].method);
      g_assert_nonnull (rows[i].handler);
      g_assert_true (g_strv_contains ((const char *[]){ UL_ACTION_VIEW, UL_ACTION_APPROVE,
                                                        UL_ACTION_ERASE, UL_ACTION_REPORT,
                                                        UL_ACTION_OWN, NULL },
                                      rows[i].action));
      /* one method answers without a right, and only with the caller's own */
      if (g_str_equal (rows[i].action, UL_ACTION_OWN))
        g_assert_cmpstr (rows[i].method, ==, "WatchNotices");
      /* a decision or an erasure names who made it */
      if (!g_str_equal (rows[i].action, UL_ACTION_VIEW) &&
          !g_str_equal (rows[i].method, "CancelErase"))
        g_assert_true (rows[i].records_caller);
      /* reading records no one */
      if (g_str_equal (rows[i].action, UL_ACTION_VIEW))
        g_assert_false (rows[i].records_caller);
    }
  g_assert_cmpuint (n_rows, ==, n_methods);
  g_assert_null (ul_dbus_method_lookup ("Introspect"));
  g_dbus_node_info_unref (node);
}

static guint
page_max (GDBusInterfaceInfo *iface, const char *method)
{
  GDBusMethodInfo *m = g_dbus_interface_info_lookup_method (iface, method);
  const char *value;

  g_assert_nonnull (m);
  value = g_dbus_annotation_info_lookup (m->annotations, "org.usbledger.PageMax");
  g_assert_nonnull (value);
  return (guint) g_ascii_strtoull (value, NULL, 10);
}

static void
test_page_limits_agree (void)
{
  GDBusNodeInfo *node = NULL;
  GDBusInterfaceInfo *iface = interface_info (&node);

  g_assert_cmpuint (page_max (iface, "ListSessionFiles"), ==, UL_FILES_PAGE_MAX);
  g_assert_cmpuint (page_max (iface, "ListEvents"), ==, UL_EVENTS_PAGE_MAX);
  g_assert_cmpuint (page_max (iface, "GetLedger"), ==, UL_LEDGER_PAGE_MAX);
  g_dbus_node_info_unref (node);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/dbus-methods/every-method-has-one-row", test_every_method_has_one_row);
  g_test_add_func ("/dbus-methods/page-limits-agree", test_page_limits_agree);
  return g_test_run ();
}
