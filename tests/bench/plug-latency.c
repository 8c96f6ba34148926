/* plug-latency: time from a USB "add" uevent to the daemon's write of the
 * device's "authorized" attribute, on a umockdev testbed.
 *
 * Two devices sit on a simulated root hub, each on its own port: one whose
 * identity the daemon under test allows, one it blocks. Each insertion is a
 * "remove" then an "add" uevent for one of them, alternating; the clock
 * starts just before the "add" and stops when inotify reports the close
 * after a write of its authorized file (a block writes 0 over 0, so the
 * content alone cannot tell). Insertions are paced a few milliseconds
 * apart, so each one finds the daemon idle.
 *
 *   umockdev-wrapper plug-latency [--n N] [--usbledger-db FILE] [--kernel-uevents]
 *                                 -- DAEMON ARGS...
 *
 * The daemon runs as a child; "%ROOT%" in its arguments becomes the
 * testbed's root. --usbledger-db registers the allowed device in a
 * usbledger logbook first (the same identity the daemon will compute). */
#include <errno.h>
#include <fcntl.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <umockdev.h>
#include <unistd.h>

#include "ul-device.h"
#include "ul-store.h"

#define PACE_US 3000
#define TIMEOUT_MS 2000

typedef struct {
  const char *name;
  const char *serial;
  char *syspath;
  char *auth_path;
  int wd;
  GArray *samples; /* gdouble, ms */
  guint timeouts;
} BenchDevice;

/* device descriptor 0781:5567 and one mass-storage interface, bulk in/out */
static const guint8 descriptors[] = {
  18, 1, 0x00, 0x02, 0, 0, 0, 64, 0x81, 0x07, 0x67, 0x55, 0x00, 0x01, 1, 2, 3, 1,
  9, 2, 32, 0, 1, 1, 0, 0x80, 50,
  9, 4, 0, 0, 2, 0x08, 0x06, 0x50, 0,
  7, 5, 0x81, 2, 0x00, 0x02, 0,
  7, 5, 0x02, 2, 0x00, 0x02, 0,
};

static double
now_ms (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1000.0 + ts.tv_nsec / 1e6;
}

static char *
hex (const void *data, gsize len)
{
  GString *s = g_string_new (NULL);

  for (gsize i = 0; i < len; i++)
    g_string_append_printf (s, "%02x", ((const guint8 *) data)[i]);
  return g_string_free (s, FALSE);
}

static void
add_device (UMockdevTestbed *tb, BenchDevice *d, guint port)
{
  g_autofree char *desc_hex = hex (descriptors, sizeof descriptors);
  g_autofree char *serial_hex = NULL;
  g_autofree char *serial_nl = g_strdup_printf ("%s\n", d->serial);
  g_autofree char *record = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *port_target = NULL;

  serial_hex = hex (serial_nl, strlen (serial_nl));
  d->syspath = g_strdup_printf ("/sys/devices/pci0000:00/0000:00:14.0/usb1/%s", d->name);
  record = g_strdup_printf ("P: /devices/pci0000:00/0000:00:14.0/usb1/%s\nE: SUBSYSTEM=usb\nE: DEVTYPE=usb_device\n"
                            "H: idVendor=303738310a\nH: idProduct=353536370a\n"
                            "H: bcdDevice=303130300a\nH: busnum=310a\nH: devnum=%x0a\n"
                            "H: authorized=300a\nH: speed=3438300a\nH: descriptors=%s\n"
                            "H: serial=%s\n", d->name, 0x30 + port + 1, desc_hex, serial_hex);
  if (!umockdev_testbed_add_from_string (tb, record, &error))
    g_error ("cannot add %s: %s", d->name, error->message);
  /* USBGuard follows the port link to the hub port's connect_type */
  port_target = g_strdup_printf ("../1-0:1.0/usb1-port%u", port);
  umockdev_testbed_set_attribute_link (tb, d->syspath, "port", port_target);
  d->auth_path = g_build_filename (umockdev_testbed_get_root_dir (tb), d->syspath,
                                   "authorized", NULL);
  d->samples = g_array_new (FALSE, FALSE, sizeof (double));
}

static void
build_bus (UMockdevTestbed *tb)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *hub_desc = NULL;
  const guint8 hub[] = { 18, 1, 0x00, 0x02, 9, 0, 1, 64, 0x6b, 0x1d, 0x02, 0x00,
                         0x00, 0x01, 3, 2, 1, 1, 9, 2, 25, 0, 1, 1, 0, 0xe0, 0,
                         9, 4, 0, 0, 1, 9, 0, 0, 0, 7, 5, 0x81, 3, 4, 0, 12 };
  g_autofree char *record = NULL;

  hub_desc = hex (hub, sizeof hub);
  if (!umockdev_testbed_add_from_string (tb, "P: /devices/pci0000:00/0000:00:14.0\n"
                                             "E: SUBSYSTEM=pci\nE: DRIVER=xhci_hcd\n"
                                             "A: vendor=0x8086\n", &error))
    g_error ("cannot add the controller: %s", error->message);
  record = g_strdup_printf ("P: /devices/pci0000:00/0000:00:14.0/usb1\nE: SUBSYSTEM=usb\nE: DEVTYPE=usb_device\n"
                            "A: idVendor=1d6b\nA: idProduct=0002\nA: busnum=1\nA: devnum=1\n"
                            "A: authorized=1\nA: authorized_default=0\nA: speed=480\n"
                            "H: descriptors=%s\n", hub_desc);
  if (!umockdev_testbed_add_from_string (tb, record, &error))
    g_error ("cannot add the hub: %s", error->message);
  for (guint port = 1; port <= 2; port++)
    {
      g_autofree char *p = g_strdup_printf (
        "P: /devices/pci0000:00/0000:00:14.0/usb1/1-0:1.0/usb1-port%u\nE: SUBSYSTEM=usb\nA: connect_type=hotplug\n",
        port);

      if (!umockdev_testbed_add_from_string (tb, p, &error))
        g_error ("cannot add port: %s", error->message);
    }
}

static void
register_in_logbook (const char *db, BenchDevice *allowed)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(UlStore) store = ul_store_open (db, &error);
  g_autoptr(UlMedium) m = ul_medium_new ();

  if (store == NULL)
    g_error ("%s", error->message);
  m->asset_number = g_strdup ("BENCH-1");
  m->vendor_id = 0x0781;
  m->product_id = 0x5567;
  m->serial = g_bytes_new (allowed->serial, strlen (allowed->serial));
  m->descriptor_hash = ul_sha256_hex (descriptors, sizeof descriptors);
  m->registered_by = g_strdup ("bench");
  m->registered_at = g_get_real_time ();
  if (!ul_store_add_medium (store, m, &error))
    g_error ("%s", error->message);
}

/* The harness sends every uevent itself, the same way for all daemons: one
 * datagram to each uevent socket that umockdev's preload emulates. USBGuard
 * reads the kernel's own format ("add@/devpath" then KEY=value strings),
 * libudev clients (usbledgerd, the null daemon) udev's format (a "libudev"
 * header, then the same strings), as each gets on a real system. umockdev's
 * own uevent() would add a device lookup before sending, for the libudev
 * format only, which would tilt the comparison. */
#define UDEV_MONITOR_MAGIC 0xfeedcafeu

struct udev_monitor_header {
  char prefix[8];              /* "libudev" */
  guint32 magic;               /* network order */
  guint32 header_size;
  guint32 properties_off;
  guint32 properties_len;
  guint32 filter_subsystem_hash;
  guint32 filter_devtype_hash;
  guint32 filter_tag_bloom_hi;
  guint32 filter_tag_bloom_lo;
};

static gboolean kernel_uevents;

/* MurmurHash2 (Austin Appleby, public domain), as libudev uses for the
 * subsystem and devtype hashes its monitors filter on */
static guint32
murmur2 (const char *str)
{
  const guint32 m = 0x5bd1e995;
  gsize len = strlen (str);
  guint32 h = (guint32) len;
  const guint8 *data = (const guint8 *) str;

  while (len >= 4)
    {
      guint32 k;

      memcpy (&k, data, 4);
      k *= m;
      k ^= k >> 24;
      k *= m;
      h *= m;
      h ^= k;
      data += 4;
      len -= 4;
    }
  switch (len)
    {
    case 3:
      h ^= (guint32) data[2] << 16;
      /* fall through */
    case 2:
      h ^= (guint32) data[1] << 8;
      /* fall through */
    case 1:
      h ^= data[0];
      h *= m;
      break;
    default:
      break;
    }
  h ^= h >> 13;
  h *= m;
  h ^= h >> 15;
  return h;
}

static void
send_uevent (UMockdevTestbed *tb, const char *syspath, const char *action)
{
  static guint seqnum = 1000;
  const char *devpath = syspath + strlen ("/sys");
  g_autoptr(GString) msg = g_string_new (NULL);
  const char *root = umockdev_testbed_get_root_dir (tb);
  g_autoptr(GDir) dir = g_dir_open (root, 0, NULL);
  struct udev_monitor_header hdr = { "libudev", 0, 0, 0, 0, 0, 0, 0, 0 };
  const char *name;

  if (kernel_uevents)
    {
      g_string_append_printf (msg, "%s@%s", action, devpath);
      g_string_append_c (msg, '\0');
    }
  g_string_append_printf (msg, "ACTION=%s", action);
  g_string_append_c (msg, '\0');
  g_string_append_printf (msg, "DEVPATH=%s", devpath);
  g_string_append_c (msg, '\0');
  g_string_append (msg, "SUBSYSTEM=usb");
  g_string_append_c (msg, '\0');
  g_string_append (msg, "DEVTYPE=usb_device");
  g_string_append_c (msg, '\0');
  g_string_append_printf (msg, "SEQNUM=%u", seqnum++);
  g_string_append_c (msg, '\0');
  if (!kernel_uevents)
    {
      hdr.magic = g_htonl (UDEV_MONITOR_MAGIC);
      hdr.header_size = sizeof hdr;
      hdr.properties_off = sizeof hdr;
      hdr.properties_len = (guint32) msg->len;
      hdr.filter_subsystem_hash = g_htonl (murmur2 ("usb"));
      hdr.filter_devtype_hash = g_htonl (murmur2 ("usb_device"));
      g_string_prepend_len (msg, (const char *) &hdr, sizeof hdr);
    }
  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      struct sockaddr_un addr = { .sun_family = AF_UNIX };
      int fd;

      if (!g_str_has_prefix (name, "event"))
        continue;
      g_snprintf (addr.sun_path, sizeof addr.sun_path, "%s/%s", root, name);
      fd = socket (AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
      if (sendto (fd, msg->str, msg->len, 0, (struct sockaddr *) &addr, sizeof addr) < 0)
        g_printerr ("send uevent to %s: %s\n", name, g_strerror (errno));
      close (fd);
    }
}


/* waits for a close-after-write of @d's authorized file; FALSE on timeout */
static gboolean
wait_written (int ifd, BenchDevice *d, double *when)
{
  char buf[4096] __attribute__ ((aligned (__alignof__ (struct inotify_event))));
  double deadline = now_ms () + TIMEOUT_MS;

  for (;;)
    {
      GPollFD pfd = { ifd, G_IO_IN, 0 };
      double left = deadline - now_ms ();
      ssize_t n;

      if (left <= 0)
        return FALSE;
      if (g_poll (&pfd, 1, (int) left + 1) <= 0)
        continue;
      n = read (ifd, buf, sizeof buf);
      *when = now_ms ();
      for (char *p = buf; n > 0 && p < buf + n;)
        {
          struct inotify_event *ev = (struct inotify_event *) p;

          if (ev->wd == d->wd && (ev->mask & IN_CLOSE_WRITE))
            return TRUE;
          p += sizeof (struct inotify_event) + ev->len;
        }
    }
}

static int
cmp_double (gconstpointer a, gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

static double
percentile (GArray *a, double p)
{
  guint i;

  if (a->len == 0)
    return 0;
  g_array_sort (a, cmp_double);
  i = (guint) (p * (a->len - 1) + 0.5);
  return g_array_index (a, double, i);
}

/* the deepest descendant of @pid: the daemon itself behind unshare --fork */
static pid_t
leaf_pid (pid_t pid)
{
  for (;;)
    {
      g_autofree char *path = g_strdup_printf ("/proc/%d/task/%d/children", pid, pid);
      g_autofree char *children = NULL;
      long child;

      if (!g_file_get_contents (path, &children, NULL, NULL) || children[0] == '\0')
        return pid;
      child = strtol (children, NULL, 10);
      if (child <= 0)
        return pid;
      pid = (pid_t) child;
    }
}

static long
status_field (pid_t pid, const char *field)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/status", pid);
  g_autofree char *text = NULL;
  const char *p;

  if (!g_file_get_contents (path, &text, NULL, NULL) || (p = strstr (text, field)) == NULL)
    return -1;
  return strtol (p + strlen (field), NULL, 10);
}

static void
stop_daemon (pid_t child)
{
  kill (-child, SIGTERM);
  for (int i = 0; i < 300; i++)
    {
      if (waitpid (child, NULL, WNOHANG) == child)
        return;
      g_usleep (10000);
    }
  kill (-child, SIGKILL);
  waitpid (child, NULL, 0);
}

int
main (int argc, char **argv)
{
  g_autoptr(UMockdevTestbed) tb = NULL;
  g_autoptr(GPtrArray) cmd = g_ptr_array_new_with_free_func (g_free);
  BenchDevice devs[2] = { { "1-1", "BENCH-ALLOWED" }, { "1-2", "BENCH-BLOCKED" } };
  const char *db = NULL;
  guint n = 1000, warm = 0, warm_tries = 0;
  int first_cmd = -1, ifd;
  pid_t child, daemon_pid;
  long rss, ctx0, ctx1;
  double t0, t1;

  for (int i = 1; i < argc; i++)
    {
      if (g_str_equal (argv[i], "--n") && i + 1 < argc)
        n = (guint) atoi (argv[++i]);
      else if (g_str_equal (argv[i], "--kernel-uevents"))
        kernel_uevents = TRUE;
      else if (g_str_equal (argv[i], "--usbledger-db") && i + 1 < argc)
        db = argv[++i];
      else if (g_str_equal (argv[i], "--"))
        {
          first_cmd = i + 1;
          break;
        }
    }
  if (first_cmd < 0 || first_cmd >= argc)
    {
      g_printerr ("usage: plug-latency [--n N] [--usbledger-db FILE] -- DAEMON ARGS...\n");
      return 2;
    }

  tb = umockdev_testbed_new ();
  build_bus (tb);
  add_device (tb, &devs[0], 1);
  add_device (tb, &devs[1], 2);
  if (db != NULL)
    register_in_logbook (db, &devs[0]);

  ifd = inotify_init1 (IN_CLOEXEC | IN_NONBLOCK);
  for (guint i = 0; i < 2; i++)
    devs[i].wd = inotify_add_watch (ifd, devs[i].auth_path, IN_CLOSE_WRITE);

  for (int i = first_cmd; i < argc; i++)
    {
      GString *s = g_string_new (argv[i]);

      g_string_replace (s, "%ROOT%", umockdev_testbed_get_root_dir (tb), 0);
      g_ptr_array_add (cmd, g_string_free (s, FALSE));
    }
  g_ptr_array_add (cmd, NULL);
  child = fork ();
  if (child == 0)
    {
      /* its own process group, so that stopping it reaches every process a
       * wrapper such as unshare started */
      setpgid (0, 0);
      execvp (cmd->pdata[0], (char **) cmd->pdata);
      _exit (127);
    }

  /* warm up until the daemon answers (it may still be starting) */
  while (warm < 20 && warm_tries < 200)
    {
      BenchDevice *d = &devs[warm_tries++ % 2];

      send_uevent (tb, d->syspath, "remove");
      g_usleep (PACE_US);
      send_uevent (tb, d->syspath, "add");
      if (wait_written (ifd, d, &t1))
        warm++;
      g_usleep (PACE_US);
    }
  if (warm < 20)
    {
      g_printerr ("the daemon does not answer uevents\n");
      stop_daemon (child);
      return 1;
    }

  for (guint i = 0; i < n; i++)
    {
      BenchDevice *d = &devs[i % 2];

      send_uevent (tb, d->syspath, "remove");
      g_usleep (PACE_US);
      t0 = now_ms ();
      send_uevent (tb, d->syspath, "add");
      if (wait_written (ifd, d, &t1))
        g_array_append_val (d->samples, (double){ t1 - t0 });
      else
        d->timeouts++;
      g_usleep (PACE_US);
    }

  daemon_pid = leaf_pid (child);
  /* let deferred work (a WAL checkpoint) finish, then count how often the
   * idle daemon is scheduled in 2 s without device events */
  g_usleep (2 * G_USEC_PER_SEC);
  rss = status_field (daemon_pid, "VmRSS:");
  ctx0 = status_field (daemon_pid, "voluntary_ctxt_switches:") +
         status_field (daemon_pid, "nonvoluntary_ctxt_switches:");
  g_usleep (2 * G_USEC_PER_SEC);
  ctx1 = status_field (daemon_pid, "voluntary_ctxt_switches:") +
         status_field (daemon_pid, "nonvoluntary_ctxt_switches:");

  {
    g_autoptr(GArray) all = g_array_new (FALSE, FALSE, sizeof (double));

    for (guint i = 0; i < 2; i++)
      g_array_append_vals (all, devs[i].samples->data, devs[i].samples->len);
    g_print ("n=%u p50=%.3f p99=%.3f max=%.3f ms | %s p50=%.3f | %s p50=%.3f | timeouts=%u "
             "| rss=%ld KiB | idle-wakeups-2s=%ld\n",
             all->len, percentile (all, 0.5), percentile (all, 0.99), percentile (all, 1.0),
             devs[0].serial, percentile (devs[0].samples, 0.5), devs[1].serial,
             percentile (devs[1].samples, 0.5), devs[0].timeouts + devs[1].timeouts, rss,
             ctx1 - ctx0);
  }
  stop_daemon (child);
  return 0;
}
