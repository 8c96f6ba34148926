/* ul-live-lists.c: see ul-live-lists.h */
#include "ul-live-lists.h"
#include "ul-client.h"
#include "ul-client-record.h"

typedef struct {
  GListStore *store;
  /* a load under way: signals for this list are dropped until it answers */
  gboolean loading;
  gboolean loaded;
} LiveList;

struct _UlLiveLists {
  GObject parent;
  UlBusManager1 *manager;
  GCancellable *cancellable;
  LiveList lists[UL_LIVE_N_LISTS];
  /* a reply from before the last reload or disappearance is stale */
  guint generation;
  guint failed_generation;
  gboolean running;
};

G_DEFINE_TYPE (UlLiveLists, ul_live_lists, G_TYPE_OBJECT)

enum { PROP_0, PROP_RUNNING, PROP_LOADED, N_PROPS };
static GParamSpec *props[N_PROPS];
enum { SIGNAL_LOAD_FAILED, N_SIGNALS };
static guint signals[N_SIGNALS];

typedef struct {
  UlLiveLists *self;
  UlLiveList list;
  guint generation;
} LoadCall;

static const char *
key_of (UlLiveList list)
{
  return list == UL_LIVE_DEVICES ? "name" : "id";
}

static gboolean
same_key (UlLiveList list, GVariant *a, GVariant *b)
{
  g_autoptr(GVariant) ka = g_variant_lookup_value (a, key_of (list), NULL);
  g_autoptr(GVariant) kb = g_variant_lookup_value (b, key_of (list), NULL);

  return ka != NULL && kb != NULL && g_variant_equal (ka, kb);
}

static gboolean
find_position (UlLiveLists *self, UlLiveList list, GVariant *record, guint *position)
{
  GListModel *model = G_LIST_MODEL (self->lists[list].store);
  guint n = g_list_model_get_n_items (model);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(UlClientRecord) item = g_list_model_get_item (model, i);

      if (same_key (list, ul_client_record_get_variant (item), record))
        {
          *position = i;
          return TRUE;
        }
    }
  return FALSE;
}

gpointer
ul_live_lists_find (UlLiveLists *self, UlLiveList list, GVariant *record)
{
  guint position;

  if (!find_position (self, list, record, &position))
    return NULL;
  return g_list_model_get_item (G_LIST_MODEL (self->lists[list].store), position);
}

/* whether @record still belongs in @list: a pulled device leaves the
 * devices, a decided request the pending requests */
static gboolean
belongs (UlLiveList list, GVariant *record)
{
  gboolean removed = FALSE;
  const char *state = NULL;
  gint64 ended = 0;

  if (list == UL_LIVE_DEVICES)
    return !(g_variant_lookup (record, "removed", "b", &removed) && removed);
  if (list == UL_LIVE_REQUESTS)
    return g_variant_lookup (record, "state", "&s", &state) && g_str_equal (state, "pending");
  if (list == UL_LIVE_SESSIONS)
    return !(g_variant_lookup (record, "ended-at", "x", &ended) && ended > 0);
  return TRUE;
}

static void
apply (UlLiveLists *self, UlLiveList list, GVariant *record)
{
  LiveList *l = &self->lists[list];
  g_autoptr(UlClientRecord) item = NULL;
  guint position;
  gboolean found;

  if (l->loading || !l->loaded)
    return;
  found = find_position (self, list, record, &position);
  if (!belongs (list, record))
    {
      if (found)
        g_list_store_remove (l->store, position);
      return;
    }
  item = ul_client_record_new (record);
  if (found)
    g_list_store_splice (l->store, position, 1, (gpointer *) &item, 1);
  else
    g_list_store_append (l->store, item);
}

static void
on_device_changed (UlBusManager1 *m, GVariant *record, UlLiveLists *self)
{
  apply (self, UL_LIVE_DEVICES, record);
}

static void
on_request_changed (UlBusManager1 *m, GVariant *record, UlLiveLists *self)
{
  apply (self, UL_LIVE_REQUESTS, record);
}

static void
on_medium_changed (UlBusManager1 *m, GVariant *record, UlLiveLists *self)
{
  apply (self, UL_LIVE_MEDIA, record);
}

static void
on_session_changed (UlBusManager1 *m, GVariant *record, UlLiveLists *self)
{
  apply (self, UL_LIVE_SESSIONS, record);
}

gboolean
ul_live_lists_get_loaded (UlLiveLists *self)
{
  for (int i = 0; i < UL_LIVE_N_LISTS; i++)
    if (!self->lists[i].loaded)
      return FALSE;
  return TRUE;
}

static void
replace_all (UlLiveLists *self, UlLiveList list, GVariant *records)
{
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);
  LiveList *l = &self->lists[list];
  GVariantIter iter;
  GVariant *record;
  gboolean was_loaded = ul_live_lists_get_loaded (self);

  g_variant_iter_init (&iter, records);
  while ((record = g_variant_iter_next_value (&iter)) != NULL)
    {
      if (belongs (list, record))
        g_ptr_array_add (items, ul_client_record_new (record));
      g_variant_unref (record);
    }
  l->loading = FALSE;
  l->loaded = TRUE;
  g_list_store_splice (l->store, 0, g_list_model_get_n_items (G_LIST_MODEL (l->store)),
                       items->pdata, items->len);
  if (!was_loaded && ul_live_lists_get_loaded (self))
    g_object_notify_by_pspec (G_OBJECT (self), props[PROP_LOADED]);
}

static void
list_done (GObject *source, GAsyncResult *res, gpointer data)
{
  g_autofree LoadCall *call = data;
  g_autoptr(UlLiveLists) self = call->self;
  g_autoptr(GVariant) records = NULL;
  g_autoptr(GError) error = NULL;
  UlBusManager1 *m = UL_BUS_MANAGER1 (source);
  gboolean ok = FALSE;

  switch (call->list)
    {
    case UL_LIVE_DEVICES:
      ok = ul_bus_manager1_call_list_devices_finish (m, &records, res, &error);
      break;
    case UL_LIVE_REQUESTS:
      ok = ul_bus_manager1_call_list_requests_finish (m, &records, res, &error);
      break;
    case UL_LIVE_MEDIA:
      ok = ul_bus_manager1_call_list_media_finish (m, &records, res, &error);
      break;
    case UL_LIVE_SESSIONS:
      ok = ul_bus_manager1_call_list_sessions_finish (m, &records, res, &error);
      break;
    case UL_LIVE_N_LISTS:
      g_assert_not_reached ();
    }
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) ||
      call->generation != self->generation)
    return;
  if (!ok)
    {
      self->lists[call->list].loading = FALSE;
      g_dbus_error_strip_remote_error (error);
      /* the daemon gone mid-way is said by "running"; a refusal fails every
       * list of a load, and is said once */
      if (self->running && self->failed_generation != self->generation)
        {
          self->failed_generation = self->generation;
          g_signal_emit (self, signals[SIGNAL_LOAD_FAILED], 0, error);
        }
      return;
    }
  replace_all (self, call->list, records);
}


static void
load (UlLiveLists *self, UlLiveList list)
{
  LoadCall *call = g_new0 (LoadCall, 1);
  GVariantBuilder filter;

  call->self = g_object_ref (self);
  call->list = list;
  call->generation = self->generation;
  self->lists[list].loading = TRUE;
  switch (list)
    {
    case UL_LIVE_DEVICES:
      ul_bus_manager1_call_list_devices (self->manager, UL_CLIENT_CALL_FLAGS,
                                         UL_CLIENT_TIMEOUT_MS, self->cancellable, list_done,
                                         call);
      break;
    case UL_LIVE_REQUESTS:
      ul_bus_manager1_call_list_requests (self->manager, "pending", UL_CLIENT_CALL_FLAGS,
                                          UL_CLIENT_TIMEOUT_MS, self->cancellable, list_done,
                                          call);
      break;
    case UL_LIVE_MEDIA:
      ul_bus_manager1_call_list_media (self->manager, UL_CLIENT_CALL_FLAGS,
                                       UL_CLIENT_TIMEOUT_MS, self->cancellable, list_done, call);
      break;
    case UL_LIVE_SESSIONS:
      g_variant_builder_init (&filter, G_VARIANT_TYPE_VARDICT);
      /* the sessions in use, a handful however big the logbook (a month is
       * paged by the sessions page) */
      g_variant_builder_add (&filter, "{sv}", "in-use", g_variant_new_boolean (TRUE));
      ul_bus_manager1_call_list_sessions (self->manager, g_variant_builder_end (&filter),
                                          UL_CLIENT_CALL_FLAGS, UL_CLIENT_TIMEOUT_MS,
                                          self->cancellable, list_done, call);
      break;
    case UL_LIVE_N_LISTS:
      g_assert_not_reached ();
    }
}

/* the daemon left: what was known stays for the window to grey out, but
 * follows nothing until the next load replaces it */
static void
forget (UlLiveLists *self)
{
  gboolean was_loaded = ul_live_lists_get_loaded (self);

  self->generation++;
  for (int i = 0; i < UL_LIVE_N_LISTS; i++)
    {
      self->lists[i].loading = FALSE;
      self->lists[i].loaded = FALSE;
    }
  if (was_loaded)
    g_object_notify_by_pspec (G_OBJECT (self), props[PROP_LOADED]);
}

void
ul_live_lists_reload (UlLiveLists *self)
{
  self->generation++;
  if (!self->running)
    return;
  /* devices first: the first call is the one polkit may ask about, and
   * keeping the rest after it would not save a password (auth_admin_keep) */
  for (int i = 0; i < UL_LIVE_N_LISTS; i++)
    load (self, i);
}

static void
on_name_owner (GObject *proxy, GParamSpec *pspec, UlLiveLists *self)
{
  g_autofree char *owner = g_dbus_proxy_get_name_owner (G_DBUS_PROXY (proxy));
  gboolean running = owner != NULL;

  /* a restart is seen as gone then back: start from nothing either way */
  forget (self);
  if (running != self->running)
    {
      self->running = running;
      g_object_notify_by_pspec (G_OBJECT (self), props[PROP_RUNNING]);
    }
  ul_live_lists_reload (self);
}

UlBusManager1 *
ul_live_lists_get_manager (UlLiveLists *self)
{
  return self->manager;
}

GListModel *
ul_live_lists_get (UlLiveLists *self, UlLiveList list)
{
  g_return_val_if_fail (list < UL_LIVE_N_LISTS, NULL);
  return G_LIST_MODEL (self->lists[list].store);
}

gboolean
ul_live_lists_get_running (UlLiveLists *self)
{
  return self->running;
}

static void
ul_live_lists_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  UlLiveLists *self = UL_LIVE_LISTS (object);

  switch (prop_id)
    {
    case PROP_RUNNING:
      g_value_set_boolean (value, self->running);
      break;
    case PROP_LOADED:
      g_value_set_boolean (value, ul_live_lists_get_loaded (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ul_live_lists_dispose (GObject *object)
{
  UlLiveLists *self = UL_LIVE_LISTS (object);

  g_cancellable_cancel (self->cancellable);
  if (self->manager != NULL)
    g_signal_handlers_disconnect_by_data (self->manager, self);
  g_clear_object (&self->manager);
  g_clear_object (&self->cancellable);
  for (int i = 0; i < UL_LIVE_N_LISTS; i++)
    g_clear_object (&self->lists[i].store);
  G_OBJECT_CLASS (ul_live_lists_parent_class)->dispose (object);
}

static void
ul_live_lists_class_init (UlLiveListsClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = ul_live_lists_get_property;
  object_class->dispose = ul_live_lists_dispose;
  props[PROP_RUNNING] = g_param_spec_boolean ("running", NULL, NULL, FALSE,
                                              G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  props[PROP_LOADED] = g_param_spec_boolean ("loaded", NULL, NULL, FALSE,
                                             G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, props);
  signals[SIGNAL_LOAD_FAILED] = g_signal_new ("load-failed", G_TYPE_FROM_CLASS (klass),
                                              G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                              G_TYPE_NONE, 1, G_TYPE_ERROR);
}

static void
ul_live_lists_init (UlLiveLists *self)
{
  self->cancellable = g_cancellable_new ();
  for (int i = 0; i < UL_LIVE_N_LISTS; i++)
    self->lists[i].store = g_list_store_new (UL_TYPE_CLIENT_RECORD);
}

UlLiveLists *
ul_live_lists_new (UlBusManager1 *manager)
{
  UlLiveLists *self = g_object_new (UL_TYPE_LIVE_LISTS, NULL);

  self->manager = g_object_ref (manager);
  g_signal_connect (manager, "device-changed", G_CALLBACK (on_device_changed), self);
  g_signal_connect (manager, "request-changed", G_CALLBACK (on_request_changed), self);
  g_signal_connect (manager, "medium-changed", G_CALLBACK (on_medium_changed), self);
  g_signal_connect (manager, "session-changed", G_CALLBACK (on_session_changed), self);
  g_signal_connect (manager, "notify::g-name-owner", G_CALLBACK (on_name_owner), self);
  on_name_owner (G_OBJECT (manager), NULL, self);
  return self;
}
