/* ul-manager-private.h: shared by ul-manager.c and ul-manager-actions.c */
#pragma once

#include <libudev.h>

#include "ul-manager.h"

struct _UlManager {
  GObject parent;
  UlStore *store;
  UlSeat *seat;
  char *host;
  struct udev *udev;
  struct udev_monitor *monitor;
  guint monitor_source;
  GHashTable *present;    /* syspath -> UlPresent */
  guint checkpoint_source;
};

enum {
  SIGNAL_DEVICE_CHANGED,
  SIGNAL_REQUEST_CHANGED,
  SIGNAL_MEDIUM_CHANGED,
  N_SIGNALS
};
extern guint ul_manager_signals[N_SIGNALS];

/* the logbook was written: checkpoint its WAL once things are quiet */
void ul_manager_wrote_logbook (UlManager *mgr);

/* re-decides every present storage device with this identity (after an
 * approval, registration or revocation) */
void ul_manager_reevaluate_identity (UlManager *mgr, guint16 vid, guint16 pid, GBytes *serial,
                                     const char *trigger);
