/* ctl-common.h: what every usbledgerctl subcommand uses */
#pragma once

#include <gio/gio.h>
#include <glib/gi18n.h>
/* PRId64, not G_GINT64_FORMAT, in translated formats: xgettext and gettext
 * know the <inttypes.h> macros */
#include <inttypes.h>

#include "ul-client.h"

G_BEGIN_DECLS

typedef struct {
  gboolean json;
  UlBusManager1 *manager;
} CtlContext;

typedef int (*CtlCommandFunc) (CtlContext *ctx, int argc, char **argv);

/* usbledgerd's manager on the system bus (src/client), connected on first
 * use (a command's --help and its argument errors need none); NULL with
 * @error when the bus cannot be reached */
UlBusManager1 *ctl_manager (CtlContext *ctx, GError **error);
/* the same, the error printed */
UlBusManager1 *ctl_manager_or_say (CtlContext *ctx);

/* prints a call's error as the daemon worded it */
void ctl_print_call_error (GError *error);

/* a List* call's answer (@ok, @list, @error as the call left them): the
 * list for printing to people, or NULL with *code set: 1 when the call
 * failed (its error printed), 0 when --json printed it already */
GVariant *ctl_list_for_people (CtlContext *ctx, gboolean ok, GVariant *list, GError *error,
                               int *code);

/* parses subcommand options; prints the error and returns FALSE on a bad argument */
gboolean ctl_parse (const char *usage, const char *summary, GOptionEntry *entries, int *argc,
                    char ***argv);

/* record field access; missing keys give NULL / 0 */
const char *ctl_rec_str (GVariant *rec, const char *key);
gint64 ctl_rec_int64 (GVariant *rec, const char *key);
guint16 ctl_rec_uint16 (GVariant *rec, const char *key);
gboolean ctl_rec_bool (GVariant *rec, const char *key);
/* device strings (ay) shown escaped; "-" when absent */
char *ctl_rec_bytes_escaped (GVariant *rec, const char *key);
/* time as local "YYYY-MM-DD HH:MM:SS +zzzz", "-" for 0 */
char *ctl_rec_time (GVariant *rec, const char *key);
/* text from the daemon: device strings in it are escaped already; control
 * characters and bidi overrides are made visible once more, for safety */
char *ctl_escape (const char *s);
/* why a device or request was decided so: the reason code's label in the
 * person's language, then the daemon's sentence with its details; the
 * sentence alone for a record older than reason codes */
char *ctl_rec_reason (GVariant *rec);

/* "04b8:0602", "04b8:0602 (card reader)" or "card": what a device,
 * request or medium record is, by its ids and "kind" */
char *ctl_rec_ids (GVariant *rec);

/* prints @v (a reply's first child) as JSON */
void ctl_print_json (GVariant *v);

/* the registration options shared by approve and register */
typedef struct {
  char *asset_number;
  char *label;
  char *holder;
  char **users;
  char *valid_from;
  char *valid_until;
  gboolean read_only;
  char *note;
  gboolean override_suspicion;
  gboolean accept_weak_serial;
  gboolean card_reader;
} CtlRegistration;

void ctl_registration_add_entries (GArray *entries, CtlRegistration *reg);
gboolean ctl_registration_build (CtlRegistration *reg, GVariantBuilder *dict);
void ctl_registration_clear (CtlRegistration *reg);
void ctl_print_medium (GVariant *m);
/* prints the one medium (a{sv}) a call returned, or its error; the exit code */
int ctl_show_medium (CtlContext *ctx, gboolean ok, GVariant *medium, GError *error);

int ctl_devices (CtlContext *ctx, int argc, char **argv);
int ctl_requests (CtlContext *ctx, int argc, char **argv);
int ctl_approve (CtlContext *ctx, int argc, char **argv);
int ctl_reject (CtlContext *ctx, int argc, char **argv);
int ctl_register (CtlContext *ctx, int argc, char **argv);
int ctl_revoke (CtlContext *ctx, int argc, char **argv);
int ctl_media (CtlContext *ctx, int argc, char **argv);
int ctl_sessions (CtlContext *ctx, int argc, char **argv);
int ctl_log (CtlContext *ctx, int argc, char **argv);
int ctl_monitor (CtlContext *ctx, int argc, char **argv);
int ctl_erase (CtlContext *ctx, int argc, char **argv);
int ctl_certificates (CtlContext *ctx, int argc, char **argv);
int ctl_certificate (CtlContext *ctx, int argc, char **argv);
int ctl_dispose (CtlContext *ctx, int argc, char **argv);
int ctl_ledger (CtlContext *ctx, int argc, char **argv);
/* ctl-ledger.c, ctl-ledger-bundle.c */
GVariant *ctl_fetch_ledger (CtlContext *ctx, const char *month, gint64 as_of, GError **error);
int ctl_ledger_export (CtlContext *ctx, const char *month, const char *out, gboolean appendix,
                       gboolean csv_only);
int ctl_ledger_verify (CtlContext *ctx, const char *dir);

G_END_DECLS
