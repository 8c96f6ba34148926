/* ul-erase.h: overwrite every byte of a medium with a pattern, then read
 * every byte back and compare (NIST SP 800-88 "Clear", IEEE 2883 "Clear":
 * 1-pass overwrite with full verification) */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef enum {
  UL_ERASE_ZEROS,         /* every byte 0x00 */
  UL_ERASE_RANDOM,        /* an AES-256-CTR keystream, regenerated to verify */
} UlErasePattern;

typedef struct {
  UlErasePattern pattern;
  guint8 key[32];         /* UL_ERASE_RANDOM: the keystream's key and IV; the */
  guint8 iv[16];          /* caller keeps them to verify again later */
  gsize block_size;       /* 0: 4 MiB */
  /* for tests only: fail the write that covers this offset (0: never) */
  guint64 fault_write_at;
} UlEraseOptions;

typedef enum {
  UL_ERASE_PHASE_WRITE,
  UL_ERASE_PHASE_VERIFY,
} UlErasePhase;

typedef struct {
  UlErasePhase phase;
  guint64 done;           /* bytes of this phase */
  guint64 total;          /* size of the medium */
  double bytes_per_second;
  double seconds_left;    /* of both phases, estimated */
} UlEraseProgress;

/* called after each block, in the calling thread */
typedef void (*UlEraseProgressFunc) (const UlEraseProgress *p, gpointer user_data);

typedef enum {
  UL_ERASE_OK,            /* written and every byte read back equal */
  UL_ERASE_FAILED,        /* a write or read failed, or a byte differed */
  UL_ERASE_INTERRUPTED,   /* cancelled */
} UlEraseOutcome;

typedef struct {
  UlEraseOutcome outcome;
  guint64 size;
  guint64 bytes_written;
  guint64 bytes_verified;
  guint64 mismatches;     /* bytes that read back different */
  guint64 first_bad_offset; /* failed: where (write error, read error or mismatch) */
  gboolean direct_io;     /* O_DIRECT was used (a block device; not page cache) */
  gint64 started_at;      /* µs, wall clock */
  gint64 ended_at;
  char *message;          /* failed or interrupted: what happened, for the log */
} UlEraseResult;

void ul_erase_result_clear (UlEraseResult *r);
const char *ul_erase_outcome_to_string (UlEraseOutcome o);
/* "Clear: 1-pass overwrite (zeros) with full verification" and the like */
char *ul_erase_method_description (const UlEraseOptions *opts);
void ul_erase_options_init_random (UlEraseOptions *opts);

/* Erases @path (a block device or, for tests, a file) as @opts says. The
 * device is opened exclusively: a mounted or otherwise used block device is
 * refused. Returns FALSE with @error only when it could not start (nothing
 * written); once writing began the outcome is in @result. */
gboolean ul_erase_device (const char *path, const UlEraseOptions *opts,
                          GCancellable *cancellable, UlEraseProgressFunc progress,
                          gpointer user_data, UlEraseResult *result, GError **error);

/* opens @path as ul_erase_device does: exclusively (O_EXCL: refused while
 * mounted or held), with O_DIRECT where the filesystem allows it */
int ul_erase_open (const char *path, gboolean write, GError **error);
/* the size of the open device (or, for tests, file) @fd; FALSE with @error
 * when it is neither, or empty */
gboolean ul_erase_medium_size (int fd, const char *label, guint64 *size, GError **error);
/* the same on a device the caller opened (ul_erase_open) and checked;
 * @label names it in messages; @fd stays open */
gboolean ul_erase_device_fd (int fd, const char *label, const UlEraseOptions *opts,
                             GCancellable *cancellable, UlEraseProgressFunc progress,
                             gpointer user_data, UlEraseResult *result, GError **error);

/* Reads @path and compares it with the pattern, as the verify phase does:
 * an independent check (of a certificate's claim, or after the fact). */
gboolean ul_erase_verify (const char *path, const UlEraseOptions *opts,
                          GCancellable *cancellable, UlEraseResult *result, GError **error);

G_END_DECLS
