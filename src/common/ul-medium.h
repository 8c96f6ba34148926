/* ul-medium.h: a registered medium (登録媒体) as the supervisor approved it */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum {
  UL_MEDIUM_ACTIVE,
  UL_MEDIUM_REVOKED,
  UL_MEDIUM_LOST,
  UL_MEDIUM_DISPOSED,
} UlMediumStatus;

/* what was registered: a USB medium (a stick, a disk), a card reader (no
 * medium itself: each card in it is decided by itself), or a card by its
 * volume identity (see db/0007-card-readers.sql) */
typedef enum {
  UL_MEDIUM_KIND_USB,
  UL_MEDIUM_KIND_READER,
  UL_MEDIUM_KIND_CARD,
} UlMediumKind;

typedef struct {
  gint64 id;
  char *asset_number;     /* 管理番号 */
  char *label;
  guint16 vendor_id;
  guint16 product_id;
  GBytes *serial;
  GBytes *manufacturer;
  GBytes *product;
  char *descriptor_hash;
  char *holder;
  gboolean all_staff;
  GStrv users;            /* allowed personal accounts when !all_staff */
  gint64 valid_from;      /* µs since epoch, 0: no limit */
  gint64 valid_until;     /* µs since epoch, 0: no limit */
  gboolean read_only;
  UlMediumStatus status;
  char *registered_by;
  gint64 registered_at;
  char *revoked_by;
  gint64 revoked_at;
  char *revoke_reason;
  UlMediumKind kind;
  char *bound_volumes;    /* a weak-serial stick's disks as first seen: "LUN IDENTITY"
                           * lines (db/0007-card-readers.sql); NULL: none yet */
} UlMedium;

UlMedium *ul_medium_new (void);
void ul_medium_free (UlMedium *m);

const char *ul_medium_status_to_string (UlMediumStatus status);
gboolean ul_medium_status_from_string (const char *s, UlMediumStatus *out);
const char *ul_medium_kind_to_string (UlMediumKind kind);
gboolean ul_medium_kind_from_string (const char *s, UlMediumKind *out);

/* Checks what a supervisor typed: an asset number of printable characters,
 * a serial, a sane validity window. */
gboolean ul_medium_validate (const UlMedium *m, GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (UlMedium, ul_medium_free)

G_END_DECLS
