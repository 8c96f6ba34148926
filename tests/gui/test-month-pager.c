/* the month pager (ui/ul-month-pager.c) against a listing in memory: pages
 * of page_size asked after the last id, the count said, a page of an
 * earlier query dropped, the end followed again, nothing asked once the
 * month is whole. Runs in Xvfb (GTK widgets). */
#include "config.h"

#include <gtk/gtk.h>
#include <string.h>

#include "ul-month-pager.h"

#define PAGE 4

typedef struct {
  GtkListStore *store;
  GtkWidget *page, *month, *asset, *user, *count;
  UlMonthPager *pager;
  gint64 n_records;     /* the listing: ids 1 .. n_records */
  guint calls;          /* calls made */
  guint replies;        /* replies given */
  GPtrArray *filters;   /* each call's filter */
} Fixture;

static Fixture *the;

static gboolean
reply (gpointer data)
{
  GTask *task = data;
  GVariant *filter = g_task_get_task_data (task);
  gint64 after = 0;
  guint32 limit = 0;
  GVariantBuilder b;

  g_assert_true (g_variant_lookup (filter, "after-id", "x", &after));
  g_assert_true (g_variant_lookup (filter, "limit", "u", &limit));
  g_variant_builder_init (&b, G_VARIANT_TYPE ("aa{sv}"));
  for (gint64 id = after + 1; id <= the->n_records && id <= after + limit; id++)
    {
      GVariantBuilder r;

      g_variant_builder_init (&r, G_VARIANT_TYPE_VARDICT);
      g_variant_builder_add (&r, "{sv}", "id", g_variant_new_int64 (id));
      g_variant_builder_add_value (&b, g_variant_builder_end (&r));
    }
  the->replies++;
  g_task_return_pointer (task, g_variant_ref_sink (g_variant_builder_end (&b)),
                         (GDestroyNotify) g_variant_unref);
  g_object_unref (task);
  return G_SOURCE_REMOVE;
}

/* ListSessions as the daemon answers it, a loop iteration later */
static void
fake_call (UlBusManager1 *manager, GVariant *filter, GCancellable *cancellable,
           GAsyncReadyCallback done, gpointer data)
{
  GTask *task = g_task_new (manager, cancellable, done, data);

  g_variant_ref_sink (filter);
  g_ptr_array_add (the->filters, g_variant_ref (filter));
  g_task_set_task_data (task, filter, (GDestroyNotify) g_variant_unref);
  the->calls++;
  g_idle_add (reply, task);
}

static gboolean
fake_finish (UlBusManager1 *manager, GVariant **records, GAsyncResult *res, GError **error)
{
  *records = g_task_propagate_pointer (G_TASK (res), error);
  return *records != NULL;
}

static void
add (GtkWidget *page, UlClientRecord *record)
{
  GtkTreeIter iter;

  g_assert_true (page == the->page);
  gtk_list_store_insert_with_values (the->store, &iter, -1, 0,
                                     ul_client_record_int (record, "id"), -1);
}

static char *
count_text (int n, gboolean whole)
{
  return g_strdup_printf ("%d%s", n, whole ? "" : " more");
}

static const UlMonthPagerFuncs funcs = {
  .page_size = PAGE,
  .call = fake_call,
  .finish = fake_finish,
  .add = add,
  .count_text = count_text,
  .load_failed = "cannot",
};

static void
wait_replies (Fixture *f, guint n)
{
  while (f->replies < n)
    g_main_context_iteration (NULL, TRUE);
  /* the reply's callback runs after the task returns */
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

static int
rows (Fixture *f)
{
  return gtk_tree_model_iter_n_children (GTK_TREE_MODEL (f->store), NULL);
}

static gint64
last_after_id (Fixture *f)
{
  gint64 after = -1;

  g_assert_true (g_variant_lookup (f->filters->pdata[f->filters->len - 1], "after-id", "x",
                                   &after));
  return after;
}

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  g_autoptr(UlBusManager1) manager = UL_BUS_MANAGER1 (ul_bus_manager1_skeleton_new ());

  the = f;
  f->filters = g_ptr_array_new_with_free_func ((GDestroyNotify) g_variant_unref);
  f->store = gtk_list_store_new (1, G_TYPE_INT64);
  f->page = g_object_ref_sink (gtk_box_new (GTK_ORIENTATION_VERTICAL, 0));
  f->month = g_object_ref_sink (gtk_entry_new ());
  f->asset = g_object_ref_sink (gtk_entry_new ());
  f->user = g_object_ref_sink (gtk_entry_new ());
  f->count = g_object_ref_sink (gtk_label_new (""));
  gtk_entry_set_text (GTK_ENTRY (f->month), "2026-11");
  f->pager = ul_month_pager_new (&funcs, &(UlMonthPagerWidgets) {
                                   .page = f->page, .store = f->store,
                                   .month_entry = f->month, .asset_entry = f->asset,
                                   .user_entry = f->user, .count_label = f->count });
  ul_month_pager_set_manager (f->pager, manager);
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  ul_month_pager_stop (f->pager);
  /* a reply still under way comes back cancelled */
  wait_replies (f, f->calls);
  g_object_unref (f->pager);
  g_object_unref (f->store);
  g_object_unref (f->page);
  g_object_unref (f->month);
  g_object_unref (f->asset);
  g_object_unref (f->user);
  g_object_unref (f->count);
  g_ptr_array_unref (f->filters);
  the = NULL;
}

/* a month of 10 rows in pages of 4: read as it is scrolled, each page after
 * the last id, and nothing more asked once it is whole */
static void
test_pages_after_the_last_id (Fixture *f, gconstpointer data)
{
  f->n_records = 10;
  gtk_entry_set_text (GTK_ENTRY (f->asset), "  USB-0001 ");
  ul_month_pager_reload (f->pager);
  wait_replies (f, 1);
  g_assert_cmpint (rows (f), ==, 4);
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (f->count)), ==, "4 more");
  g_assert_cmpint (last_after_id (f), ==, 0);
  {
    const char *asset = NULL;
    guint32 limit = 0;

    g_assert_true (g_variant_lookup (f->filters->pdata[0], "asset-number", "&s", &asset));
    g_assert_cmpstr (asset, ==, "USB-0001");
    g_assert_true (g_variant_lookup (f->filters->pdata[0], "limit", "u", &limit));
    g_assert_cmpuint (limit, ==, PAGE);
    g_assert_false (g_variant_lookup (f->filters->pdata[0], "user", "&s", &asset));
  }
  /* scrolled twice before the page came: one call */
  ul_month_pager_more (f->pager);
  ul_month_pager_more (f->pager);
  g_assert_cmpuint (f->calls, ==, 2);
  wait_replies (f, 2);
  g_assert_cmpint (last_after_id (f), ==, 4);
  g_assert_cmpint (rows (f), ==, 8);
  ul_month_pager_more (f->pager);
  wait_replies (f, 3);
  g_assert_cmpint (rows (f), ==, 10);
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (f->count)), ==, "10");
  g_assert_true (ul_month_pager_is_whole (f->pager));
  ul_month_pager_more (f->pager);
  g_assert_cmpuint (f->calls, ==, 3);

  /* new rows at the end: the end is asked again from the last id on */
  f->n_records = 11;
  ul_month_pager_follow (f->pager);
  wait_replies (f, 4);
  g_assert_cmpint (last_after_id (f), ==, 10);
  g_assert_cmpint (rows (f), ==, 11);
  /* a row the page adds itself: counted, the next page after it */
  ul_month_pager_added (f->pager, 12);
  g_assert_cmpint (ul_month_pager_get_last_id (f->pager), ==, 12);
}

/* a query asked again while a page of the one before is under way: that
 * page is dropped, the table holds the new query's rows only */
static void
test_a_page_of_an_earlier_query_is_dropped (Fixture *f, gconstpointer data)
{
  f->n_records = 10;
  ul_month_pager_reload (f->pager);
  ul_month_pager_step (f->pager, -1);
  g_assert_cmpstr (gtk_entry_get_text (GTK_ENTRY (f->month)), ==, "2026-10");
  wait_replies (f, 2);
  g_assert_cmpint (rows (f), ==, 4);
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (f->count)), ==, "4 more");
}

/* what the pager said outside a window (ul_admin_show_error warns) */
static GString *warned;

static GLogWriterOutput
writer (GLogLevelFlags level, const GLogField *fields, gsize n_fields, gpointer data)
{
  if (level & G_LOG_LEVEL_WARNING)
    for (gsize i = 0; i < n_fields; i++)
      if (g_str_equal (fields[i].key, "MESSAGE"))
        {
          g_string_append (warned, fields[i].value);
          return G_LOG_WRITER_HANDLED;
        }
  return g_log_writer_default (level, fields, n_fields, data);
}

/* a month not written as one: said, and nothing asked */
static void
test_a_wrong_month_asks_nothing (Fixture *f, gconstpointer data)
{
  f->n_records = 10;
  gtk_entry_set_text (GTK_ENTRY (f->month), "November");
  g_string_truncate (warned, 0);
  ul_month_pager_reload (f->pager);
  g_assert_nonnull (strstr (warned->str, "YYYY-MM"));
  ul_month_pager_more (f->pager);
  g_assert_cmpuint (f->calls, ==, 0);
}

int
main (int argc, char **argv)
{
  gtk_test_init (&argc, &argv, NULL);
  warned = g_string_new (NULL);
  g_log_set_writer_func (writer, NULL, NULL);
  g_test_add ("/month-pager/pages-after-the-last-id", Fixture, NULL, fixture_setup,
              test_pages_after_the_last_id, fixture_teardown);
  g_test_add ("/month-pager/a-page-of-an-earlier-query-is-dropped", Fixture, NULL,
              fixture_setup, test_a_page_of_an_earlier_query_is_dropped, fixture_teardown);
  g_test_add ("/month-pager/a-wrong-month-asks-nothing", Fixture, NULL, fixture_setup,
              test_a_wrong_month_asks_nothing, fixture_teardown);
  return g_test_run ();
}
