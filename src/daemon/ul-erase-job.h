/* ul-erase-job.h: an erasure in progress, shared by ul-manager-erase.c (the
 * job: start, worker, end), ul-erase-targets.c (which disks, unmounted and
 * opened) and ul-manager-certificate.c (the signed certificate) */
#pragma once

#include <gio/gio.h>
#include <sys/types.h>

#include "ul-erase.h"
#include "ul-manager-private.h"

/* one disk of the medium (a stick with several LUNs has several) */
typedef struct {
  char *node;             /* /dev/sdb */
  dev_t dev;              /* as decided on: the device opened must be this one */
  gint64 capacity;        /* bytes, from the open device */
  int fd;                 /* opened exclusively after the unmount, checked; -1 */
} UlEraseDisk;

typedef struct {
  UlManager *mgr;
  UlErasure *erasure;     /* device_node: the disks' nodes, ", "-separated */
  UlEraseOptions opts;
  char *serial_text;
  UlMedium *medium;
  GBytes *manufacturer, *product;
  char *descriptor_hash;
  char *device_syspath;   /* the USB device, re-decided when the job ends */
  GArray *disks;          /* UlEraseDisk */
  GCancellable *cancel;
  char *cancelled_by;     /* the account that cancelled it; "system" when usbledgerd stopped */
  gint64 cancelled_by_uid;  /* -1: none */
  gint64 last_report;
  guint64 done_before;    /* bytes of both phases of the disks done before this one */
} EraseJob;

/* ul-erase-targets.c */
GArray *ul_erase_disks_new (void);
void ul_erase_disks_close (GArray *disks);
/* every whole disk whose nearest USB device is @p: all its LUNs, and none
 * of a USB device behind a hub inside it */
gboolean ul_erase_targets_find (UlManager *mgr, UlPresent *p, GArray *disks, GError **error);
/* unmounts the disks' filesystems (refusing system ones), then opens each
 * exclusively, checks that it is the device decided on and that the USB
 * device is still the one identified, and keeps the fd for the worker */
gboolean ul_erase_targets_prepare (UlManager *mgr, UlPresent *p, GArray *disks, GError **error);

/* ul-manager-certificate.c: the certificate of a verified erasure, its
 * sessions marked erased, in one transaction */
gboolean ul_erase_job_issue_certificate (EraseJob *job, char **number, GError **error);
