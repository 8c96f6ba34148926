/* ul-month-pager.c: see ul-month-pager.h */
#include "config.h"

#include <glib/gi18n.h>

#include "ul-admin-window.h"
#include "ul-month-pager.h"
#include "ul-time.h"
#include "ul-ui-text.h"

struct _UlMonthPager {
  GObject parent;
  const UlMonthPagerFuncs *funcs;
  UlMonthPagerWidgets w;
  UlBusManager1 *manager;
  GCancellable *cancellable;

  /* the query: a month, maybe one medium or one person */
  gint64 since, until;
  char *asset, *user;
  gint64 last_id;       /* the last row read: the next page goes on after it */
  gboolean loading, whole;
  guint generation;     /* a page of an earlier query is dropped */
};

G_DEFINE_TYPE (UlMonthPager, ul_month_pager, G_TYPE_OBJECT)

typedef struct {
  UlMonthPager *self;
  guint generation;
} PageCall;

static void
show_count (UlMonthPager *self)
{
  int n = gtk_tree_model_iter_n_children (GTK_TREE_MODEL (self->w.store), NULL);
  g_autofree char *text = self->funcs->count_text (n, self->whole);

  gtk_label_set_text (GTK_LABEL (self->w.count_label), text);
}

static void
page_done (GObject *source, GAsyncResult *res, gpointer data)
{
  g_autofree PageCall *call = data;
  g_autoptr(UlMonthPager) self = call->self;
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) records = NULL;

  if (!self->funcs->finish (UL_BUS_MANAGER1 (source), &reply, res, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) ||
          call->generation != self->generation)
        return;
      self->loading = FALSE;
      ul_admin_show_error (self->w.page, _(self->funcs->load_failed), error);
      return;
    }
  if (call->generation != self->generation)
    return;
  self->loading = FALSE;
  records = ul_client_records_new (reply);
  for (guint i = 0; i < records->len; i++)
    {
      UlClientRecord *r = g_ptr_array_index (records, i);

      self->funcs->add (self->w.page, r);
      self->last_id = MAX (self->last_id, ul_client_record_int (r, "id"));
    }
  self->whole = records->len < self->funcs->page_size;
  show_count (self);
}

void
ul_month_pager_more (UlMonthPager *self)
{
  PageCall *call;
  GVariant *filter;

  if (self->manager == NULL || self->loading || self->whole || self->since == 0)
    return;
  call = g_new0 (PageCall, 1);
  call->self = g_object_ref (self);
  call->generation = self->generation;
  self->loading = TRUE;
  filter = ul_ui_month_page_filter (self->since, self->until, self->asset, self->user,
                                    self->last_id, self->funcs->page_size);
  self->funcs->call (self->manager, filter, self->cancellable, page_done, call);
}

void
ul_month_pager_reload (UlMonthPager *self)
{
  g_autoptr(GError) error = NULL;
  gint64 since, until;

  if (!ul_time_parse_month (gtk_entry_get_text (GTK_ENTRY (self->w.month_entry)), &since,
                            &until, &error))
    {
      ul_admin_show_error (self->w.page, _("Write the month as YYYY-MM"), error);
      return;
    }
  self->generation++;
  self->since = since;
  self->until = until;
  g_free (self->asset);
  self->asset = ul_ui_entry_value (self->w.asset_entry);
  g_free (self->user);
  self->user = ul_ui_entry_value (self->w.user_entry);
  self->last_id = 0;
  self->loading = FALSE;
  self->whole = FALSE;
  gtk_list_store_clear (self->w.store);
  ul_month_pager_more (self);
}

void
ul_month_pager_step (UlMonthPager *self, int months)
{
  if (ul_ui_month_step (self->w.month_entry, months))
    ul_month_pager_reload (self);
}

void
ul_month_pager_follow (UlMonthPager *self)
{
  if (self->whole && !self->loading)
    {
      self->whole = FALSE;
      ul_month_pager_more (self);
    }
}

gboolean
ul_month_pager_is_whole (UlMonthPager *self)
{
  return self->whole && !self->loading;
}

gint64
ul_month_pager_get_last_id (UlMonthPager *self)
{
  return self->last_id;
}

void
ul_month_pager_added (UlMonthPager *self, gint64 id)
{
  self->last_id = MAX (self->last_id, id);
  show_count (self);
}

void
ul_month_pager_get_query (UlMonthPager *self, gint64 *since, gint64 *until, const char **asset,
                          const char **user)
{
  *since = self->since;
  *until = self->until;
  *asset = self->asset;
  *user = self->user;
}

void
ul_month_pager_set_manager (UlMonthPager *self, UlBusManager1 *manager)
{
  g_set_object (&self->manager, manager);
}

void
ul_month_pager_stop (UlMonthPager *self)
{
  g_cancellable_cancel (self->cancellable);
  self->generation++;
}

UlMonthPager *
ul_month_pager_new (const UlMonthPagerFuncs *funcs, const UlMonthPagerWidgets *widgets)
{
  UlMonthPager *self = g_object_new (UL_TYPE_MONTH_PAGER, NULL);

  self->funcs = funcs;
  self->w = *widgets;
  return self;
}

static void
ul_month_pager_finalize (GObject *object)
{
  UlMonthPager *self = UL_MONTH_PAGER (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->manager);
  g_free (self->asset);
  g_free (self->user);
  G_OBJECT_CLASS (ul_month_pager_parent_class)->finalize (object);
}

static void
ul_month_pager_class_init (UlMonthPagerClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = ul_month_pager_finalize;
}

static void
ul_month_pager_init (UlMonthPager *self)
{
  self->cancellable = g_cancellable_new ();
}
