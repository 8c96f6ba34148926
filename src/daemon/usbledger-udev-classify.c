/* usbledger-udev-classify: run by the udev rule, before any client
 * (including usbledgerd) hears of the device.
 *
 * For every new USB device: with the root hubs' authorized_default at 0
 * every device arrives unauthorized; this helper authorizes the harmless ones
 * (every interface of every configuration a keyboard, mouse, hub, audio or
 * video, and no storage driver of the running kernel binding it by its ids)
 * at once, so they work even while usbledgerd is down; every other device
 * stays unauthorized until usbledgerd decides. A device usbledgerd allowed
 * (ul-allow-mark.h) is left as it is when udev announces it again. It uses the daemon's own classification code and needs no
 * database.
 *
 * With --block, for every disk or partition on USB that appears or changes
 * (a card inserted): if usbledgerd marked its USB device read-only
 * (ul-read-only.h), set it read-only in the kernel; if the device is a
 * registered card reader, the card is read-only and hidden from udisks
 * until usbledgerd allowed that very card (ul-card-mark.h). If that fails,
 * take the device's authorization back rather than leave a read-only
 * medium writable. */
#include "config.h"

#include <locale.h>

#include "ul-allow-mark.h"
#include "ul-authorize.h"
#include "ul-card-mark.h"
#include "ul-driver-aliases.h"
#include "ul-policy.h"
#include "ul-read-only.h"

static int
classify (const char *syspath, gboolean apply, const char *modules_dir, const char *runtime_dir)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(UlDevice) dev = NULL;
  g_autoptr(UlDriverAliases) aliases = NULL;
  g_autofree char *reason = NULL;
  const char *code = NULL;
  UlPolicyInput in = { 0 };
  UlDecision d;

  dev = ul_device_new_from_syspath (syspath, &error);
  if (dev == NULL)
    {
      g_printerr ("usbledger-udev-classify: %s\n", error->message);
      return 1;
    }
  aliases = ul_driver_aliases_load (modules_dir, &error);
  if (aliases == NULL)
    {
      /* still only the harmless classes are let through */
      g_printerr ("usbledger-udev-classify: %s\n", error->message);
      g_clear_error (&error);
    }
  ul_device_match_drivers (dev, aliases);
  /* without a registration a storage device is never allowed here, and
   * without the daemon's configuration every other device waits for it */
  in.device = dev;
  in.now = g_get_real_time ();
  in.other_devices = UL_OTHER_DEVICES_REQUEST;
  d = ul_policy_decide (&in, &reason, &code);
  g_print ("%s %s\n", d == UL_DECISION_NOT_STORAGE ? "harmless" : "storage", reason);

  if (!apply)
    return 0;
  if (d == UL_DECISION_NOT_STORAGE && dev->authorized == 0)
    {
      if (!ul_authorize_device (dev, TRUE, &error))
        {
          g_printerr ("usbledger-udev-classify: %s\n", error->message);
          return 1;
        }
    }
  else if (d != UL_DECISION_NOT_STORAGE && dev->authorized != 0 &&
           ul_allow_mark_matches (runtime_dir, dev))
    {
      /* udev announced it again (udevadm trigger): usbledgerd allowed this
       * very device, which may be in use; taking it back would kill its
       * mounts */
      g_print ("allowed by usbledgerd, left alone\n");
    }
  else if (d != UL_DECISION_NOT_STORAGE && dev->authorized != 0)
    {
      /* arrived authorized (authorized_default not yet 0): take it back
       * before a driver can be bound to it */
      if (!ul_authorize_device (dev, FALSE, &error))
        {
          g_printerr ("usbledger-udev-classify: %s\n", error->message);
          return 1;
        }
    }
  return 0;
}

/* the USB device is taken back when a disk of it cannot be set as its mark
 * says: never a read-only medium left writable */
static int
block_usb_device (const char *usb, const char *name)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(UlDevice) dev = ul_device_new_from_syspath (usb, &error);

  if (dev == NULL || !ul_authorize_device (dev, FALSE, &error))
    {
      g_printerr ("usbledger-udev-classify: cannot block %s either: %s\n", name,
                  error->message);
      return 1;
    }
  return 1;
}

/* the card's number: the disk's diskseq, also for one of its partitions */
static guint64
card_diskseq (const char *syspath)
{
  g_autofree char *partition = g_build_filename (syspath, "partition", NULL);
  g_autofree char *disk = g_file_test (partition, G_FILE_TEST_EXISTS)
                            ? g_path_get_dirname (syspath) : g_strdup (syspath);
  g_autofree char *path = g_build_filename (disk, "diskseq", NULL);
  g_autofree char *text = NULL;
  guint64 seq = 0;

  if (g_file_get_contents (path, &text, NULL, NULL))
    seq = g_ascii_strtoull (g_strstrip (text), NULL, 10);
  return seq;
}

/* Run as IMPORT{program}: stdout is KEY=VALUE lines udev adds to the
 * block device (USBLEDGER_BLOCK says what was done). */
static int
block (const char *syspath, const char *runtime_dir, const char *devnode)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *usb = ul_block_usb_device (syspath);
  g_autofree char *name = NULL;
  g_autofree char *node = NULL;
  g_autofree char *mark = NULL;
  g_autofree char *card = NULL;
  gboolean read_only = TRUE;
  gboolean held;
  const char *state;

  if (usb == NULL)
    {
      g_print ("USBLEDGER_BLOCK=not-on-usb\n");
      return 0;
    }
  name = g_path_get_basename (usb);
  mark = ul_read_only_mark_get (runtime_dir, name);
  if (mark == NULL)
    {
      g_print ("USBLEDGER_BLOCK=read-write\n");
      return 0;
    }
  state = "read-only";
  held = g_strcmp0 (mark, UL_MARK_READER) == 0 || g_strcmp0 (mark, UL_MARK_BOUND) == 0;
  if (held)
    {
      /* a card reader (or a stick bound to its disks): the card in it is
       * writable only once usbledgerd allowed this very card, by its
       * number */
      g_autofree char *size_path = g_build_filename (syspath, "size", NULL);
      g_autofree char *size = NULL;

      /* an empty reader: no card to protect (and opening it may fail) */
      if (g_file_get_contents (size_path, &size, NULL, NULL) &&
          g_strcmp0 (g_strstrip (size), "0") == 0)
        {
          g_print ("USBLEDGER_BLOCK=no-card\n");
          return 0;
        }
      card = ul_card_mark_get (runtime_dir, card_diskseq (syspath));
      read_only = g_strcmp0 (card, UL_CARD_READ_WRITE) != 0;
      state = card == NULL ? "card-pending" : read_only ? "card-read-only" : "card-read-write";
    }
  if (devnode == NULL)
    devnode = g_getenv ("DEVNAME");   /* udev's, for its programs */
  if (devnode == NULL)
    {
      g_autofree char *base = g_path_get_basename (syspath);

      devnode = node = g_build_filename ("/dev", base, NULL);
    }
  if (!ul_read_only_set (devnode, read_only, &error))
    {
      g_printerr ("usbledger-udev-classify: %s; blocking %s\n", error->message, name);
      return block_usb_device (usb, name);
    }
  g_print ("USBLEDGER_BLOCK=%s\n", state);
  /* not yet decided: desktops neither show nor mount it meanwhile */
  if (held && card == NULL)
    g_print ("UDISKS_IGNORE=1\nUDISKS_AUTO=0\n");
  return 0;
}

int
main (int argc, char **argv)
{
  g_autoptr(GOptionContext) ctx = g_option_context_new ("SYSPATH - classify a USB device");
  g_autoptr(GError) error = NULL;
  g_autofree char *runtime_dir = NULL;
  g_autofree char *devnode = NULL;
  g_autofree char *modules_dir = NULL;
  gboolean apply = FALSE;
  gboolean is_block = FALSE;
  GOptionEntry entries[] = {
    { "apply", 0, 0, G_OPTION_ARG_NONE, &apply,
      "Authorize harmless devices, keep storage devices unauthorized", NULL },
    { "block", 0, 0, G_OPTION_ARG_NONE, &is_block,
      "SYSPATH is a disk or partition: set it read-only if its medium is marked so, or "
      "its card is not allowed yet", NULL },
    { "runtime-dir", 0, 0, G_OPTION_ARG_FILENAME, &runtime_dir,
      "usbledgerd's runtime folder (default " UL_RUNTIME_DIR ")", "DIR" },
    { "modules-dir", 0, 0, G_OPTION_ARG_FILENAME, &modules_dir,
      "The running kernel's modules folder (default /lib/modules/RELEASE)", "DIR" },
    { "devnode", 0, 0, G_OPTION_ARG_FILENAME, &devnode,
      "The disk's device node (default: udev's DEVNAME)", "FILE" },
    { NULL }
  };

  setlocale (LC_ALL, "");
  g_option_context_add_main_entries (ctx, entries, NULL);
  if (!g_option_context_parse (ctx, &argc, &argv, &error) || argc != 2 ||
      (apply && is_block) || argv[1][0] != '/')
    {
      g_printerr ("usage: usbledger-udev-classify [--apply] [--modules-dir DIR] "
                  "[--runtime-dir DIR] SYSPATH\n"
                  "       usbledger-udev-classify --block [--runtime-dir DIR] "
                  "[--devnode FILE] SYSPATH\n");
      return 2;
    }
  if (is_block)
    return block (argv[1], runtime_dir ? runtime_dir : UL_RUNTIME_DIR, devnode);
  if (modules_dir == NULL)
    modules_dir = ul_driver_aliases_default_dir ();
  return classify (argv[1], apply, modules_dir, runtime_dir ? runtime_dir : UL_RUNTIME_DIR);
}
