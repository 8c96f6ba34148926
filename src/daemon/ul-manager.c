/* ul-manager.c: the manager object, its settings, and the devices present:
 * udev's events and the coldplug at start. What is decided about a device,
 * and how, is in ul-manager-decide.c. */
#include "config.h"

#include "ul-manager-private.h"
#include "ul-checkpoints.h"
#include "ul-authorize.h"
#include "ul-read-only.h"
#include "ul-allow-mark.h"
#include "ul-error.h"
#include "ul-escape.h"
#include "ul-crypto.h"

#include <glib-unix.h>

G_DEFINE_TYPE (UlManager, ul_manager, G_TYPE_OBJECT)

guint ul_manager_signals[N_SIGNALS];

static void
present_free (gpointer data)
{
  UlPresent *p = data;

  ul_device_free (p->dev);
  if (p->pending_source != 0)
    g_source_remove (p->pending_source);
  g_free (p->reader_syspath);
  g_free (p->card_volume);
  g_free (p->blocked_inside);
  g_free (p->awaiting_seat);
  g_free (p->bound_volumes);
  g_clear_pointer (&p->blocked_card_identity, g_bytes_unref);
  g_clear_pointer (&p->disk_capacity, g_hash_table_unref);
  g_free (p->reason);
  g_free (p->seat_user);
  g_free (p->asset_number);
  g_free (p);
}

static gboolean
on_checkpoint (gpointer data)
{
  UlManager *mgr = data;
  g_autoptr(GError) error = NULL;

  mgr->checkpoint_source = 0;
  if (!ul_store_checkpoint (mgr->store, &error))
    g_warning ("%s", error->message);
  return G_SOURCE_REMOVE;
}

/* a one-shot timer after activity: nothing wakes the daemon when idle */
void
ul_manager_wrote_logbook (UlManager *mgr)
{
  if (mgr->checkpoint_source == 0)
    mgr->checkpoint_source = g_timeout_add_seconds (1, on_checkpoint, mgr);
}

static void
ul_manager_finalize (GObject *object)
{
  UlManager *mgr = UL_MANAGER (object);

  ul_manager_stop (mgr);
  g_hash_table_destroy (mgr->present);
  g_hash_table_destroy (mgr->changed_sessions);
  g_free (mgr->mountinfo);
  g_free (mgr->manifest_helper);
  g_strfreev (mgr->shared_accounts);
  g_hash_table_destroy (mgr->erase_jobs);
  g_ptr_array_unref (mgr->pdf_jobs);
  if (mgr->signer != NULL)   /* made by the loaded usbledger-crypto module */
    ul_crypto (NULL)->signer_free (mgr->signer);
  g_free (mgr->key_dir);
  g_free (mgr->organisation);
  g_free (mgr->pdf_helper);
  g_free (mgr->ledger_helper);
  g_free (mgr->department);
  g_strfreev (mgr->seal_labels);
  g_free (mgr->runtime_dir);
  ul_driver_aliases_free (mgr->aliases);
  g_free (mgr->seat_user_decided);
  g_free (mgr->aliases_error);
  ul_seat_free (mgr->seat);
  ul_store_free (mgr->store);
  if (mgr->udev != NULL)
    udev_unref (mgr->udev);
  g_free (mgr->host);
  G_OBJECT_CLASS (ul_manager_parent_class)->finalize (object);
}

static void
ul_manager_class_init (UlManagerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = ul_manager_finalize;
  /* the UlPresent* is valid during the emission only */
  ul_manager_signals[SIGNAL_DEVICE_CHANGED] =
    g_signal_new ("device-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                  NULL, NULL, G_TYPE_NONE, 2, G_TYPE_POINTER, G_TYPE_BOOLEAN);
  ul_manager_signals[SIGNAL_REQUEST_CHANGED] =
    g_signal_new ("request-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                  NULL, NULL, G_TYPE_NONE, 1, G_TYPE_INT64);
  ul_manager_signals[SIGNAL_MEDIUM_CHANGED] =
    g_signal_new ("medium-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                  NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
  ul_manager_signals[SIGNAL_ERASE_PROGRESS] =
    g_signal_new ("erase-progress", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                  NULL, NULL, G_TYPE_NONE, 2, G_TYPE_INT64, G_TYPE_POINTER);
  ul_manager_signals[SIGNAL_ERASE_FINISHED] =
    g_signal_new ("erase-finished", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                  NULL, NULL, G_TYPE_NONE, 1, G_TYPE_POINTER);
  ul_manager_signals[SIGNAL_SESSION_CHANGED] =
    g_signal_new ("session-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                  NULL, NULL, G_TYPE_NONE, 1, G_TYPE_INT64);
  /* the ledger's presentation read again from the configuration (SIGHUP) */
  ul_manager_signals[SIGNAL_PRESENTATION_CHANGED] =
    g_signal_new ("presentation-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                  NULL, NULL, G_TYPE_NONE, 0);
}

static void
ul_manager_init (UlManager *mgr)
{
  mgr->present = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, present_free);
  mgr->changed_sessions = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  mgr->mountinfo = g_strdup ("/proc/self/mountinfo");
  mgr->manifest_helper = g_build_filename (UL_LIBEXECDIR, "usbledger-manifest", NULL);
  mgr->erase_jobs = g_hash_table_new (g_int64_hash, g_int64_equal);
  mgr->pdf_jobs = g_ptr_array_new ();
  mgr->key_dir = g_strdup (UL_STATE_DIR);
  mgr->pdf_helper = g_build_filename (UL_LIBEXECDIR, "usbledger-certificate-pdf", NULL);
  mgr->ledger_helper = g_build_filename (UL_LIBEXECDIR, "usbledger-ledger-render", NULL);
  mgr->organisation = g_strdup ("(organisation not configured)");
  mgr->runtime_dir = g_strdup (UL_RUNTIME_DIR);
  mgr->hash_max_bytes = -1;
}

const char *
ul_manager_get_key_dir (UlManager *mgr)
{
  return mgr->key_dir;
}

void
ul_manager_set_ledger_helper (UlManager *mgr, const char *path)
{
  g_free (mgr->ledger_helper);
  mgr->ledger_helper = g_strdup (path);
}

void
ul_manager_set_ledger_presentation (UlManager *mgr, const char *department,
                                    const char *const *seal_labels, gboolean wareki)
{
  g_free (mgr->department);
  mgr->department = g_strdup (department);
  g_strfreev (mgr->seal_labels);
  mgr->seal_labels = g_strdupv ((char **) seal_labels);
  mgr->wareki = wareki;
  g_signal_emit (mgr, ul_manager_signals[SIGNAL_PRESENTATION_CHANGED], 0);
}

void
ul_manager_set_pdf_helper (UlManager *mgr, const char *path)
{
  g_free (mgr->pdf_helper);
  mgr->pdf_helper = g_strdup (path);
}

void
ul_manager_set_driver_aliases (UlManager *mgr, UlDriverAliases *aliases)
{
  g_clear_pointer (&mgr->aliases, ul_driver_aliases_free);
  mgr->aliases = aliases;
}

void
ul_manager_note_missing_aliases (UlManager *mgr, const char *why)
{
  g_free (mgr->aliases_error);
  mgr->aliases_error = g_strdup (why);
}

void
ul_manager_set_max_unwritten (UlManager *mgr, guint max)
{
  mgr->max_unwritten = max;
}

void
ul_manager_set_hash_max_bytes (UlManager *mgr, gint64 max_bytes)
{
  mgr->hash_max_bytes = max_bytes;
}

void
ul_manager_set_other_devices (UlManager *mgr, UlOtherDevices other_devices)
{
  mgr->other_devices = other_devices;
}

void
ul_manager_set_runtime_dir (UlManager *mgr, const char *dir)
{
  g_free (mgr->runtime_dir);
  mgr->runtime_dir = g_strdup (dir);
}

void
ul_manager_set_certificates (UlManager *mgr, const char *key_dir, const char *organisation)
{
  g_free (mgr->key_dir);
  mgr->key_dir = g_strdup (key_dir);
  if (organisation != NULL)
    {
      g_free (mgr->organisation);
      mgr->organisation = g_strdup (organisation);
    }
}

void
ul_manager_set_session_paths (UlManager *mgr, const char *mountinfo,
                              const char *manifest_helper)
{
  g_free (mgr->mountinfo);
  mgr->mountinfo = g_strdup (mountinfo);
  g_free (mgr->manifest_helper);
  mgr->manifest_helper = g_strdup (manifest_helper);
}

void
ul_manager_set_shared_accounts (UlManager *mgr, const char *const *accounts)
{
  g_strfreev (mgr->shared_accounts);
  mgr->shared_accounts = g_strdupv ((char **) accounts);
}

static gboolean
on_daily_checkpoint (gpointer data)
{
  ul_manager_checkpoint_or_warn (data, "daily");
  return G_SOURCE_CONTINUE;
}

UlManager *
ul_manager_new (UlStore *store, UlSeat *seat, const char *host)
{
  UlManager *mgr = g_object_new (UL_TYPE_MANAGER, NULL);

  mgr->store = store;
  mgr->seat = seat;
  if (seat != NULL)
    ul_seat_set_changed_func (seat, ul_manager_seat_changed, mgr);
  mgr->host = g_strdup (host);
  mgr->udev = udev_new ();
  return mgr;
}

UlStore *
ul_manager_get_store (UlManager *mgr)
{
  return mgr->store;
}

const char *
ul_manager_get_host (UlManager *mgr)
{
  return mgr->host;
}

static gint
compare_present (gconstpointer a, gconstpointer b)
{
  const UlPresent *pa = *(UlPresent *const *) a;
  const UlPresent *pb = *(UlPresent *const *) b;

  return g_strcmp0 (pa->dev->name, pb->dev->name);
}

GPtrArray *
ul_manager_list_present (UlManager *mgr)
{
  GPtrArray *out = g_ptr_array_new ();
  GHashTableIter iter;
  gpointer value;

  g_hash_table_iter_init (&iter, mgr->present);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    g_ptr_array_add (out, value);
  g_ptr_array_sort (out, compare_present);
  return out;
}

void
ul_manager_log_device_event (UlManager *mgr, UlPresent *p, const char *kind, const char *detail)
{
  g_autoptr(UlEvent) ev = ul_manager_device_event (mgr, kind, p, g_get_real_time ());
  g_autoptr(GError) error = NULL;

  ev->detail = g_strdup (detail);
  if (!ul_store_append_event (mgr->store, ev, &error))
    g_warning ("cannot record %s: %s", kind, error->message);
  ul_manager_wrote_logbook (mgr);
}

UlEvent *
ul_manager_device_event (UlManager *mgr, const char *kind, UlPresent *p, gint64 now)
{
  UlEvent *ev = ul_event_new (kind, "system", mgr->host, now);

  ev->seat_user = g_strdup (p->seat_user);
  ev->device_id = p->device_id;
  ev->medium_id = p->medium_id;
  ev->request_id = p->request_id;
  ev->session_id = p->session_id;
  ev->decision = g_strdup (ul_decision_to_string (p->decision));
  return ev;
}

static void
handle_add (UlManager *mgr, const char *syspath, const char *trigger)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(UlDevice) dev = NULL;
  UlPresent *p;

  dev = ul_device_new_from_syspath (syspath, &error);
  if (dev == NULL)
    {
      /* gone already, or not a device we can read: nothing to authorize */
      g_debug ("ignoring %s: %s", syspath, error->message);
      return;
    }
  p = g_hash_table_lookup (mgr->present, syspath);
  if (p != NULL && p->dev->busnum == dev->busnum && p->dev->devnum == dev->devnum &&
      g_strcmp0 (p->dev->descriptor_hash, dev->descriptor_hash) == 0 &&
      ul_device_same_identity (p->dev, dev))
    {
      /* the same insertion announced again (udevadm trigger): apply the
       * decision again, but it is not a new event for the logbook */
      if (p->controlled)
        ul_manager_reapply (mgr, p);
      return;
    }
  if (p != NULL)
    ul_manager_remove_present (mgr, syspath);

  p = g_new0 (UlPresent, 1);
  p->dev = g_steal_pointer (&dev);
  ul_device_match_drivers (p->dev, mgr->aliases);
  p->controlled = ul_device_is_controlled (p->dev);
  p->decision = UL_DECISION_NOT_STORAGE;
  p->reason = g_strdup ("not a storage device");
  p->reason_code = "not-storage";
  p->since = g_get_real_time ();
  g_hash_table_insert (mgr->present, p->dev->syspath, p);

  ul_manager_decide (mgr, p, trigger);

  /* a second device with the same identity makes the first one suspect too */
  if (p->controlled && ul_manager_count_same_identity (mgr, p) > 0)
    {
      g_autoptr(GPtrArray) list = ul_manager_list_present (mgr);

      for (guint i = 0; i < list->len; i++)
        {
          UlPresent *other = g_ptr_array_index (list, i);

          if (other != p && other->controlled && ul_device_same_identity (other->dev, p->dev) &&
              other->decision != UL_DECISION_BLOCK_SUSPICIOUS)
            ul_manager_decide (mgr, other, "device-redecided");
        }
    }
}

void
ul_manager_remove_present (UlManager *mgr, const char *syspath)
{
  g_autoptr(GError) error = NULL;
  UlPresent *p = g_hash_table_lookup (mgr->present, syspath);
  gint64 now = g_get_real_time ();

  if (p == NULL)
    return;
  /* the cards go with their reader (their disks' removal is announced
   * first, but a missed one must not leave a card behind) */
  if (!p->dev->card)
    ul_manager_remove_cards_of (mgr, syspath);
  /* gone before logind answered: its arrival is recorded all the same */
  if (p->awaiting_seat != NULL)
    ul_manager_decide_put_off (mgr, p, TRUE);
  if (p->controlled && !p->pending)
    {
      g_autoptr(UlEvent) ev = ul_manager_device_event (mgr, "device-removed", p, now);
      g_autofree char *who = ul_device_describe (p->dev);

      const char *how = ul_manager_end_session_files (mgr, p, "removed");

      ev->detail = p->session_id != 0 ? g_strdup_printf ("%s (%s)", who, how) : g_strdup (who);
      if (p->session_id != 0)
        ul_manager_session_changed (mgr, p->session_id);
      if (!ul_store_begin (mgr->store, &error))
        g_warning ("cannot record removal of %s: %s", who, error->message);
      else if ((p->session_id != 0 &&
                !ul_store_close_session (mgr->store, p->session_id, now, how, &error)) ||
               !ul_store_append_event (mgr->store, ev, &error) || !ul_store_commit (mgr->store, &error))
        {
          ul_store_rollback (mgr->store);
          g_warning ("cannot record removal of %s: %s", who, error->message);
        }
      ul_manager_wrote_logbook (mgr);
    }
  if (p->controlled && p->dev->card)
    ul_manager_card_forget (mgr, p);
  else if (p->controlled)
    {
      g_autoptr(GError) local = NULL;

      /* a mark left behind only restricts the next device on this port */
      if (!ul_read_only_mark (mgr->runtime_dir, p->dev->name, NULL, &local) ||
          !ul_allow_mark_set (mgr->runtime_dir, p->dev, FALSE, &local))
        g_warning ("%s", local->message);
    }
  g_signal_emit (mgr, ul_manager_signals[SIGNAL_DEVICE_CHANGED], 0, p, TRUE);
  g_hash_table_remove (mgr->present, syspath);
}

static gboolean
on_monitor_readable (int fd, GIOCondition cond, gpointer user_data)
{
  UlManager *mgr = user_data;
  struct udev_device *d;

  while ((d = udev_monitor_receive_device (mgr->monitor)) != NULL)
    {
      const char *action = udev_device_get_action (d);
      const char *syspath = udev_device_get_syspath (d);
      const char *devtype = udev_device_get_devtype (d);

      g_debug ("uevent %s %s (%s)", action, syspath, devtype);

      if (syspath != NULL && g_strcmp0 (devtype, "usb_device") == 0)
        {
          if (g_strcmp0 (action, "add") == 0)
            handle_add (mgr, syspath, "device-added");
          else if (g_strcmp0 (action, "remove") == 0)
            ul_manager_remove_present (mgr, syspath);
        }
      else if (syspath != NULL && action != NULL &&
               g_strcmp0 (udev_device_get_subsystem (d), "block") == 0)
        ul_manager_block_event (mgr, d, action);
      udev_device_unref (d);
    }
  return G_SOURCE_CONTINUE;
}

gboolean
ul_manager_start (UlManager *mgr, GError **error)
{
  struct udev_enumerate *en;
  struct udev_list_entry *entry;
  g_autoptr(UlEvent) ev = NULL;
  g_autoptr(GError) stopped_error = NULL;

  if (mgr->udev == NULL)
    {
      g_set_error (error, UL_ERROR, UL_ERROR_FAILED, "cannot initialize libudev");
      return FALSE;
    }
  /* listen first, so nothing plugged during coldplug is missed */
  mgr->monitor = udev_monitor_new_from_netlink (mgr->udev, "udev");
  if (mgr->monitor == NULL ||
      udev_monitor_filter_add_match_subsystem_devtype (mgr->monitor, "usb", "usb_device") < 0 ||
      udev_monitor_filter_add_match_subsystem_devtype (mgr->monitor, "block", NULL) < 0 ||
      udev_monitor_enable_receiving (mgr->monitor) < 0)
    {
      g_set_error (error, UL_ERROR, UL_ERROR_FAILED, "cannot listen to udev events");
      return FALSE;
    }
  mgr->monitor_source = g_unix_fd_add (udev_monitor_get_fd (mgr->monitor), G_IO_IN,
                                       on_monitor_readable, mgr);

  mgr->tracker = ul_session_tracker_new (mgr->store, mgr->host, mgr->mountinfo,
                                         mgr->manifest_helper, ul_manager_tracker_changed, mgr, error);
  if (mgr->tracker == NULL)
    return FALSE;
  if (mgr->max_unwritten > 0)
    ul_session_tracker_set_max_unwritten (mgr->tracker, mgr->max_unwritten);
  if (mgr->hash_max_bytes >= 0)
    ul_session_tracker_set_hash_max_bytes (mgr->tracker, mgr->hash_max_bytes);

  /* before anything is written: was the logbook written while we were
   * stopped? (the checkpoint made at the stop names its last rows; a
   * migration run at this start may have written seals) */
  if (!ul_store_was_migrated (mgr->store))
    {
      g_autofree char *dir = ul_checkpoints_dir (mgr->key_dir);
      g_autoptr(GPtrArray) list = ul_checkpoints_list (dir);

      ul_checkpoints_check_stopped (mgr->store, list, TRUE, &stopped_error);
    }
  ev = ul_event_new ("daemon-started", "system", mgr->host, g_get_real_time ());
  ev->detail = g_strdup ("usbledgerd " PACKAGE_VERSION);
  if (!ul_store_append_event (mgr->store, ev, error))
    return FALSE;
  /* the log still holds what its signed checkpoints name; if not, it was
   * cut or rewritten while we were not looking: an incident, in the log
   * itself and the journal, and the daemon goes on recording */
  {
    g_autoptr(GError) local = NULL;
    guint n = 0;

    if (!ul_manager_check_checkpoints (mgr, &n, &local) && stopped_error == NULL)
      stopped_error = g_steal_pointer (&local);
    if (stopped_error != NULL)
      {
        g_autoptr(UlEvent) inc = ul_event_new ("chain-checkpoint-mismatch", "system", mgr->host,
                                               g_get_real_time ());

        g_warning ("incident: %s", stopped_error->message);
        inc->detail = g_strdup_printf ("incident: %s", stopped_error->message);
        if (!ul_store_append_event (mgr->store, inc, error))
          return FALSE;
      }
  }
  /* and at least one checkpoint a day */
  mgr->daily_checkpoint_source = g_timeout_add_seconds (24 * 3600, on_daily_checkpoint, mgr);
  if (mgr->aliases_error != NULL)
    {
      g_autoptr(UlEvent) inc = ul_event_new ("driver-aliases-missing", "system", mgr->host,
                                             g_get_real_time ());

      inc->detail = g_strdup_printf ("incident: %s; a device is storage only by its class, "
                                     "not by the ids a storage driver binds", mgr->aliases_error);
      if (!ul_store_append_event (mgr->store, inc, error))
        return FALSE;
    }
  {
    /* an erasure a stopped daemon was running proves nothing: an incident */
    guint n = 0;

    if (!ul_store_interrupt_running_erasures (mgr->store, g_get_real_time (), &n, error))
      return FALSE;
    if (n > 0)
      {
        g_autoptr(UlEvent) inc = ul_event_new ("erase-interrupted", "system", mgr->host,
                                               g_get_real_time ());

        inc->detail = g_strdup_printf ("incident: %u erasure(s) were running when usbledgerd "
                                       "stopped; those media are not erased", n);
        if (!ul_store_append_event (mgr->store, inc, error))
          return FALSE;
      }
  }

  /* started once logind has first said who is at the seat (ul_daemon_run
   * waits for it; ul_manager_seat_changed noted the person): the coldplug
   * decisions are made for that person */
  en = udev_enumerate_new (mgr->udev);
  udev_enumerate_add_match_subsystem (en, "usb");
  udev_enumerate_add_match_property (en, "DEVTYPE", "usb_device");
  udev_enumerate_scan_devices (en);
  udev_list_entry_foreach (entry, udev_enumerate_get_list_entry (en))
    handle_add (mgr, udev_list_entry_get_name (entry), "device-coldplug");
  udev_enumerate_unref (en);
  /* the cards in readers allowed before, and the disks of media in use */
  ul_manager_disks_coldplug (mgr);

  ul_manager_close_orphaned_sessions (mgr);
  ul_manager_check_integrity_later (mgr);
  return TRUE;
}

void
ul_manager_stop (UlManager *mgr)
{
  if (mgr->monitor_source != 0)
    {
      g_source_remove (mgr->monitor_source);
      mgr->monitor_source = 0;
    }
  if (mgr->checkpoint_source != 0)
    {
      g_source_remove (mgr->checkpoint_source);
      mgr->checkpoint_source = 0;
    }
  if (mgr->validity_source != 0)
    {
      g_source_remove (mgr->validity_source);
      mgr->validity_source = 0;
    }
  g_clear_handle_id (&mgr->daily_checkpoint_source, g_source_remove);
  g_clear_pointer (&mgr->monitor, udev_monitor_unref);
  /* running erasures stop at their next block, recorded as interrupted */
  if (g_hash_table_size (mgr->erase_jobs) > 0)
    {
      GHashTableIter iter;
      gpointer key;

      g_hash_table_iter_init (&iter, mgr->erase_jobs);
      while (g_hash_table_iter_next (&iter, &key, NULL))
        ul_manager_cancel_erase (mgr, *(gint64 *) key, NULL, NULL);
      while (g_hash_table_size (mgr->erase_jobs) > 0)
        g_main_context_iteration (NULL, TRUE);
    }
  /* a certificate being written is finished (a second or so) */
  ul_manager_pdf_wait_all (mgr);
  g_clear_pointer (&mgr->tracker, ul_session_tracker_free);
  if (mgr->changed_source != 0)
    {
      g_source_remove (mgr->changed_source);
      mgr->changed_source = 0;
    }
}
