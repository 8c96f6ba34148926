/* ul-daemon.h: wiring store, manager and D-Bus together, and the main loop */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct {
  char *state_dir;    /* holds the logbook by default */
  char *db_path;      /* NULL: <state_dir>/logbook.db */
  char *seat;         /* logind seat whose user is recorded */
  gboolean no_bus;    /* run without D-Bus: still decides and records, no API */
  gboolean verify_logbook;   /* check the logbook and its checkpoints, then exit */
  char *mountinfo;    /* the kernel's mount table (default /proc/self/mountinfo) */
  char *manifest_helper; /* usbledger-manifest (default in libexecdir) */
  char *crypto_module;   /* usbledger-crypto.so (default in libdir/usbledger) */
  char *runtime_dir;     /* read-only marks for the udev helper (default /run/usbledger) */
  int max_unwritten;     /* file records kept for the logbook at most (0: default) */
  gint64 hash_max_bytes; /* -1: default (4 GiB - 1) */
  char *modules_dir;     /* the kernel's modules.alias (default /lib/modules/RELEASE) */
  char *pdf_helper;   /* usbledger-certificate-pdf (default in libexecdir) */
  char *ledger_helper; /* usbledger-ledger-render (default in libexecdir) */
  char *config;       /* configuration file (default in UL_CONFIG_DIR) */
} UlDaemonOptions;

/* parses argv; on --help or a bad argument returns FALSE with *exit_code set */
gboolean ul_daemon_parse_args (int *argc, char ***argv, UlDaemonOptions *opts, int *exit_code);
/* runs until SIGTERM/SIGINT; returns the process exit code */
int ul_daemon_run (const UlDaemonOptions *opts);
void ul_daemon_options_clear (UlDaemonOptions *opts);
/* --verify-logbook (ul-daemon-verify.c): 0 intact, 1 a difference, 2 cannot check */
int ul_daemon_verify_logbook (const UlDaemonOptions *opts);

G_END_DECLS
