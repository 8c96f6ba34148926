/* the harness's floor: a daemon that only answers each USB "add" uevent
 * with a write of "1" to the device's authorized attribute, and does
 * nothing else */
#include <fcntl.h>
#include <libudev.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int
main (void)
{
  struct udev *udev = udev_new ();
  struct udev_monitor *mon = udev_monitor_new_from_netlink (udev, "udev");
  struct pollfd pfd;

  udev_monitor_filter_add_match_subsystem_devtype (mon, "usb", "usb_device");
  udev_monitor_enable_receiving (mon);
  pfd.fd = udev_monitor_get_fd (mon);
  pfd.events = POLLIN;
  for (;;)
    {
      struct udev_device *d;

      if (poll (&pfd, 1, -1) < 0)
        continue;
      while ((d = udev_monitor_receive_device (mon)) != NULL)
        {
          if (strcmp (udev_device_get_action (d), "add") == 0)
            {
              char path[4096];
              int fd;

              snprintf (path, sizeof path, "%s/authorized", udev_device_get_syspath (d));
              fd = open (path, O_WRONLY | O_TRUNC | O_CLOEXEC);
              if (fd >= 0)
                {
                  if (write (fd, "1", 1) < 0)
                    perror ("write");
                  close (fd);
                }
            }
          udev_device_unref (d);
        }
    }
  return 0;
}
