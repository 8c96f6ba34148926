/* ul-daemon.c: the daemon refuses to start when it cannot keep the
 * logbook (it never deletes or recreates a database that fails to open),
 * but it does start without a D-Bus system bus: blocking must not depend on
 * anything but the kernel and the logbook */
#include "config.h"

#include "ul-crypto.h"
#include "ul-daemon.h"
#include "ul-checkpoints.h"
#include "ul-config.h"
#include "ul-dbus-service.h"
#include "ul-driver-aliases.h"
#include "ul-policy.h"
#include "ul-manager.h"

#include <glib-unix.h>
#include <errno.h>
#include <stddef.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
#include <glib/gstdio.h>

typedef struct {
  GMainLoop *loop;
  int exit_code;
  const char *config;   /* read again at SIGHUP */
  UlManager *mgr;
  gboolean quitting;    /* SIGTERM or SIGINT came */
} RunState;

static gboolean
on_quit_signal (gpointer user_data)
{
  RunState *st = user_data;

  st->quitting = TRUE;
  g_main_loop_quit (st->loop);
  return G_SOURCE_REMOVE;
}

static void
on_name_lost (GDBusConnection *bus, const char *name, gpointer user_data)
{
  RunState *st = user_data;

  g_printerr ("usbledgerd: lost or could not own the bus name %s; is another usbledgerd "
              "running?\n", name);
  st->exit_code = 1;
  g_main_loop_quit (st->loop);
}

gboolean
ul_daemon_parse_args (int *argc, char ***argv, UlDaemonOptions *opts, int *exit_code)
{
  g_autoptr(GOptionContext) ctx = g_option_context_new ("- USB storage control and logbook");
  g_autoptr(GError) error = NULL;
  gboolean version = FALSE;
  GOptionEntry entries[] = {
    { "state-dir", 0, 0, G_OPTION_ARG_FILENAME, &opts->state_dir,
      "Folder of the logbook (default " UL_STATE_DIR ")", "DIR" },
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &opts->db_path,
      "Logbook database (default STATE-DIR/logbook.db)", "FILE" },
    { "seat", 0, 0, G_OPTION_ARG_STRING, &opts->seat,
      "logind seat whose user is recorded (default seat0)", "SEAT" },
    { "no-bus", 0, 0, G_OPTION_ARG_NONE, &opts->no_bus,
      "Do not connect to D-Bus (no API, no seat user)", NULL },
    { "pdf-helper", 0, 0, G_OPTION_ARG_FILENAME, &opts->pdf_helper,
      "The usbledger-certificate-pdf program (default " UL_LIBEXECDIR
      "/usbledger-certificate-pdf)", "FILE" },
    { "ledger-helper", 0, 0, G_OPTION_ARG_FILENAME, &opts->ledger_helper,
      "The usbledger-ledger-render program (default " UL_LIBEXECDIR
      "/usbledger-ledger-render)", "FILE" },
    { "config", 0, 0, G_OPTION_ARG_FILENAME, &opts->config,
      "Configuration file (default " UL_CONFIG_DIR "/usbledger.conf; may be absent)", "FILE" },
    { "mountinfo", 0, 0, G_OPTION_ARG_FILENAME, &opts->mountinfo,
      "Mount table to follow (default /proc/self/mountinfo)", "FILE" },
    { "manifest-helper", 0, 0, G_OPTION_ARG_FILENAME, &opts->manifest_helper,
      "The usbledger-manifest program (default " UL_LIBEXECDIR "/usbledger-manifest)", "FILE" },
    { "runtime-dir", 0, 0, G_OPTION_ARG_FILENAME, &opts->runtime_dir,
      "Where the marks for the udev rule's helper are kept: media allowed, and read-only (default "
      UL_RUNTIME_DIR ")", "DIR" },
    { "max-unwritten-records", 0, 0, G_OPTION_ARG_INT, &opts->max_unwritten,
      "File records kept while the logbook cannot take them, at most (default 50000); "
      "then no new session opens until they are written", "N" },
    { "hash-max-bytes", 0, 0, G_OPTION_ARG_INT64, &opts->hash_max_bytes,
      "Files larger than this are recorded with their size, not hashed (default 4294967295, "
      "FAT32's largest file; 0: hash every file)", "N" },
    { "modules-dir", 0, 0, G_OPTION_ARG_FILENAME, &opts->modules_dir,
      "The running kernel's modules folder, whose modules.alias tells which devices a "
      "storage driver binds (default /lib/modules/RELEASE)", "DIR" },
    { "crypto-module", 0, 0, G_OPTION_ARG_FILENAME, &opts->crypto_module,
      "The usbledger-crypto module, loaded on first use (default " UL_PKGLIBDIR
      "/usbledger-crypto.so)", "FILE" },
    { "verify-logbook", 0, 0, G_OPTION_ARG_NONE, &opts->verify_logbook,
      "Check the logbook and the signed checkpoints in the state folder, say what differs, "
      "and exit (1: a difference); for a copy taken for an audit", NULL },
    { "version", 0, 0, G_OPTION_ARG_NONE, &version, "Print the version", NULL },
    { NULL }
  };

  opts->hash_max_bytes = -1;   /* not given: the default */
  g_option_context_add_main_entries (ctx, entries, NULL);
  if (!g_option_context_parse (ctx, argc, argv, &error))
    {
      g_printerr ("usbledgerd: %s\n", error->message);
      *exit_code = 2;
      return FALSE;
    }
  if (version)
    {
      g_print ("usbledgerd %s\n", PACKAGE_VERSION);
      *exit_code = 0;
      return FALSE;
    }
  if (opts->state_dir == NULL)
    opts->state_dir = g_strdup (UL_STATE_DIR);
  if (opts->db_path == NULL)
    opts->db_path = g_build_filename (opts->state_dir, "logbook.db", NULL);
  if (opts->seat == NULL)
    opts->seat = g_strdup ("seat0");
  if (opts->mountinfo == NULL)
    opts->mountinfo = g_strdup ("/proc/self/mountinfo");
  if (opts->pdf_helper == NULL)
    opts->pdf_helper = g_build_filename (UL_LIBEXECDIR, "usbledger-certificate-pdf", NULL);
  if (opts->ledger_helper == NULL)
    opts->ledger_helper = g_build_filename (UL_LIBEXECDIR, "usbledger-ledger-render", NULL);
  if (opts->config == NULL)
    opts->config = g_build_filename (UL_CONFIG_DIR, "usbledger.conf", NULL);
  if (opts->manifest_helper == NULL)
    opts->manifest_helper = g_build_filename (UL_LIBEXECDIR, "usbledger-manifest", NULL);
  if (opts->runtime_dir == NULL)
    opts->runtime_dir = g_strdup (UL_RUNTIME_DIR);
  if (opts->modules_dir == NULL)
    opts->modules_dir = ul_driver_aliases_default_dir ();
  if (opts->crypto_module == NULL)
    opts->crypto_module = g_build_filename (UL_PKGLIBDIR, "usbledger-crypto.so", NULL);
  return TRUE;
}

void
ul_daemon_options_clear (UlDaemonOptions *opts)
{
  g_clear_pointer (&opts->state_dir, g_free);
  g_clear_pointer (&opts->db_path, g_free);
  g_clear_pointer (&opts->seat, g_free);
  g_clear_pointer (&opts->mountinfo, g_free);
  g_clear_pointer (&opts->config, g_free);
  g_clear_pointer (&opts->pdf_helper, g_free);
  g_clear_pointer (&opts->ledger_helper, g_free);
  g_clear_pointer (&opts->manifest_helper, g_free);
  g_clear_pointer (&opts->crypto_module, g_free);
  g_clear_pointer (&opts->runtime_dir, g_free);
  g_clear_pointer (&opts->modules_dir, g_free);
}

/* SIGHUP (systemctl reload): the policy is read again and applied to the
 * devices present ([certificate] organisation takes effect at the next
 * start); a file that cannot be read leaves the policy as it was, and says
 * so in the logbook */
static gboolean
on_reload (gpointer user_data)
{
  RunState *st = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(UlConfig) config = NULL;
  g_autoptr(UlEvent) ev = NULL;

  /* not started yet: the configuration is read at start */
  if (st->mgr == NULL)
    return G_SOURCE_CONTINUE;
  ev = ul_event_new ("policy-reloaded", "system", ul_manager_get_host (st->mgr),
                     g_get_real_time ());
  config = ul_config_load (st->config, &error);
  if (config == NULL)
    {
      g_warning ("policy not reloaded: %s", error->message);
      g_free (ev->kind);
      ev->kind = g_strdup ("policy-reload-failed");
      ev->detail = g_strdup_printf ("incident: %s; the policy in force is unchanged",
                                    error->message);
    }
  else
    {
      ul_manager_set_shared_accounts (st->mgr, (const char *const *) config->shared_accounts);
      ul_manager_set_other_devices (st->mgr, config->other_devices);
      ul_manager_set_ledger_presentation (st->mgr, config->department,
                                          (const char *const *) config->seal_labels,
                                          config->wareki);
      ev->detail = g_strdup_printf ("%s read again (other-devices=%s)", st->config,
                                    ul_other_devices_to_string (config->other_devices));
    }
  g_clear_error (&error);
  if (!ul_store_append_event (ul_manager_get_store (st->mgr), ev, &error))
    g_warning ("cannot record the reload: %s", error->message);
  if (g_str_equal (ev->kind, "policy-reloaded"))
    ul_manager_redecide_present (st->mgr, "policy-changed");
  return G_SOURCE_CONTINUE;
}

/* systemd's watchdog (WatchdogSec=): pinged from the main loop, so a main
 * loop that hangs is restarted. The sd_notify protocol is one datagram. */
static gboolean
on_watchdog (gpointer data)
{
  const char *path = g_getenv ("NOTIFY_SOCKET");
  struct sockaddr_un sa = { .sun_family = AF_UNIX };
  static const char msg[] = "WATCHDOG=1";
  int fd;

  if (path == NULL || strlen (path) >= sizeof sa.sun_path)
    return G_SOURCE_REMOVE;
  memcpy (sa.sun_path, path, strlen (path));
  if (sa.sun_path[0] == '@')
    sa.sun_path[0] = '\0';   /* abstract socket */
  fd = socket (AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd >= 0)
    {
      if (sendto (fd, msg, sizeof msg - 1, MSG_NOSIGNAL, (struct sockaddr *) &sa,
                  (socklen_t) (offsetof (struct sockaddr_un, sun_path) + strlen (path))) < 0)
        g_debug ("watchdog ping: %s", g_strerror (errno));
      close (fd);
    }
  return G_SOURCE_CONTINUE;
}

static void
start_watchdog (void)
{
  const char *usec = g_getenv ("WATCHDOG_USEC");
  const char *pid = g_getenv ("WATCHDOG_PID");
  gint64 interval;

  if (usec == NULL || (pid != NULL && g_ascii_strtoll (pid, NULL, 10) != getpid ()))
    return;
  interval = g_ascii_strtoll (usec, NULL, 10) / 2 / 1000;   /* half the timeout, ms */
  if (interval <= 0)
    return;
  on_watchdog (NULL);
  g_timeout_add ((guint) MIN (interval, G_MAXUINT), on_watchdog, NULL);
}

static void
record_stop (UlManager *mgr)
{
  g_autoptr(UlEvent) ev = ul_event_new ("daemon-stopped", "system", ul_manager_get_host (mgr),
                                        g_get_real_time ());
  g_autoptr(GError) error = NULL;

  if (!ul_store_append_event (ul_manager_get_store (mgr), ev, &error))
    g_warning ("cannot record the stop: %s", error->message);
}

int
ul_daemon_run (const UlDaemonOptions *opts)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GDBusConnection) bus = NULL;
  g_autoptr(UlManager) mgr = NULL;
  g_autoptr(UlDbusService) svc = NULL;
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  RunState st = { loop, 0, opts->config, NULL };
  UlStore *store;
  UlSeat *seat = NULL;
  guint owner = 0;
  g_autoptr(UlConfig) config = NULL;
  g_autoptr(UlDriverAliases) aliases = NULL;

  /* first of all: a SIGTERM at any later moment (systemd, a test that is
   * done as soon as the bus name appears) stops the daemon cleanly */
  g_unix_signal_add (SIGTERM, on_quit_signal, &st);
  g_unix_signal_add (SIGINT, on_quit_signal, &st);
  g_unix_signal_add (SIGHUP, on_reload, &st);

  if (g_mkdir_with_parents (opts->state_dir, 0700) < 0)
    {
      g_printerr ("usbledgerd: cannot create the state folder %s: %s\n", opts->state_dir,
                  g_strerror (errno));
      return 1;
    }
  ul_crypto_set_module_path (opts->crypto_module);
  if (!ul_crypto_check (&error) || (config = ul_config_load (opts->config, &error)) == NULL)
    {
      g_printerr ("usbledgerd: refusing to start: %s\n", error->message);
      return 1;
    }
  store = ul_store_open (opts->db_path, &error);
  if (store == NULL)
    {
      g_printerr ("usbledgerd: refusing to start: %s\n", error->message);
      return 1;
    }

  if (!opts->no_bus)
    {
      bus = g_bus_get_sync (G_BUS_TYPE_SYSTEM, NULL, &error);
      if (bus == NULL)
        {
          g_warning ("no D-Bus system bus (%s): devices are still decided and recorded, "
                     "but there is no API and no seat user", error->message);
          g_clear_error (&error);
        }
      else
        seat = ul_seat_new (bus, opts->seat);
    }

  mgr = ul_manager_new (store, seat, g_get_host_name ());
  ul_manager_set_session_paths (mgr, opts->mountinfo, opts->manifest_helper);
  ul_manager_set_shared_accounts (mgr, (const char *const *) config->shared_accounts);
  ul_manager_set_certificates (mgr, opts->state_dir, config->organisation);
  ul_manager_set_ledger_presentation (mgr, config->department,
                                      (const char *const *) config->seal_labels, config->wareki);
  ul_manager_set_pdf_helper (mgr, opts->pdf_helper);
  ul_manager_set_ledger_helper (mgr, opts->ledger_helper);
  ul_manager_set_runtime_dir (mgr, opts->runtime_dir);
  ul_manager_set_other_devices (mgr, config->other_devices);
  if (opts->max_unwritten > 0)
    ul_manager_set_max_unwritten (mgr, (guint) opts->max_unwritten);
  if (opts->hash_max_bytes >= 0)
    ul_manager_set_hash_max_bytes (mgr, opts->hash_max_bytes);
  aliases = ul_driver_aliases_load (opts->modules_dir, &error);
  if (aliases == NULL)
    {
      /* still fail-closed for every class not known to be harmless; what is
       * lost is telling a keyboard-class device that usb-storage binds by
       * its ids: said at start, and in the logbook */
      g_warning ("%s: storage is recognised by its class only", error->message);
      ul_manager_note_missing_aliases (mgr, error->message);
      g_clear_error (&error);
    }
  else
    ul_manager_set_driver_aliases (mgr, g_steal_pointer (&aliases));
  if (bus != NULL)
    {
      svc = ul_dbus_service_new (mgr, bus, &error);
      if (svc == NULL)
        {
          g_printerr ("usbledgerd: cannot export the D-Bus API: %s\n", error->message);
          return 1;
        }
    }
  /* the devices present are decided for the person at the seat: logind's
   * first answer is awaited, with the loop running (a SIGTERM still stops
   * us; a logind that does not answer is given up after its timeout) */
  while (seat != NULL && !ul_seat_is_known (seat) && !st.quitting)
    g_main_context_iteration (NULL, TRUE);
  if (st.quitting)
    return 0;
  st.mgr = mgr;
  if (!ul_manager_start (mgr, &error))
    {
      g_printerr ("usbledgerd: cannot start: %s\n", error->message);
      return 1;
    }
  /* the name is owned only once every present device has been decided, so
   * a client that sees the name sees a complete device list */
  if (bus != NULL)
    owner = g_bus_own_name_on_connection (bus, UL_DBUS_NAME, G_BUS_NAME_OWNER_FLAGS_NONE, NULL,
                                          on_name_lost, &st, NULL);

  start_watchdog ();
  g_message ("usbledgerd %s ready (logbook %s)", PACKAGE_VERSION, opts->db_path);
  g_main_loop_run (loop);

  if (owner != 0)
    g_bus_unown_name (owner);
  record_stop (mgr);
  ul_manager_stop (mgr);
  /* last: whoever edits the logbook while the daemon is stopped cannot
   * remove its tail unseen */
  ul_manager_checkpoint_or_warn (mgr, UL_CHECKPOINT_AT_STOP);
  return st.exit_code;
}
