/* ul-dbus-records.c: device strings go out as byte arrays, untouched; the
 * client escapes them for display */
#include "ul-dbus-records.h"
#include "ul-error.h"
#include "ul-escape.h"

#include <string.h>

static GVariant *
bytes_variant (GBytes *b)
{
  gsize len = 0;
  const void *data = b ? g_bytes_get_data (b, &len) : NULL;

  return g_variant_new_fixed_array (G_VARIANT_TYPE_BYTE, data ? data : "", len, 1);
}

static void
add_str (GVariantBuilder *b, const char *key, const char *value)
{
  if (value == NULL)
    return;
  /* a D-Bus string must be UTF-8: a program path or a FUSE type someone
   * chose may not be; it is shown escaped (\xNN), never dropped, and never
   * a critical that stops the daemon */
  if (!g_utf8_validate (value, -1, NULL))
    {
      g_autofree char *shown = ul_escape_bytes ((const guint8 *) value, strlen (value));

      g_variant_builder_add (b, "{sv}", key, g_variant_new_string (shown));
      return;
    }
  g_variant_builder_add (b, "{sv}", key, g_variant_new_string (value));
}

static void
add_x (GVariantBuilder *b, const char *key, gint64 value)
{
  g_variant_builder_add (b, "{sv}", key, g_variant_new_int64 (value));
}

static void
add_bytes (GVariantBuilder *b, const char *key, GBytes *value)
{
  if (value != NULL)
    g_variant_builder_add (b, "{sv}", key, bytes_variant (value));
}

GVariant *
ul_record_present (const UlPresent *p, gboolean removed)
{
  GVariantBuilder b;
  g_autofree char *ifaces = p->dev->desc ? ul_descriptors_interfaces_to_string (p->dev->desc)
                                         : g_strdup ("");

  g_variant_builder_init (&b, G_VARIANT_TYPE_VARDICT);
  add_str (&b, "name", p->dev->name);
  add_str (&b, "syspath", p->dev->syspath);
  g_variant_builder_add (&b, "{sv}", "vendor-id", g_variant_new_uint16 (p->dev->vendor_id));
  g_variant_builder_add (&b, "{sv}", "product-id", g_variant_new_uint16 (p->dev->product_id));
  add_bytes (&b, "serial", p->dev->serial);
  add_bytes (&b, "manufacturer", p->dev->manufacturer);
  add_bytes (&b, "product", p->dev->product);
  add_str (&b, "speed", p->dev->speed);
  add_str (&b, "interfaces", ifaces);
  add_str (&b, "descriptor-hash", p->dev->descriptor_hash);
  g_variant_builder_add (&b, "{sv}", "storage", g_variant_new_boolean (p->controlled));
  g_variant_builder_add (&b, "{sv}", "authorized", g_variant_new_boolean (p->dev->authorized));
  add_str (&b, "decision", ul_decision_to_string (p->decision));
  add_str (&b, "reason", p->reason);
  add_str (&b, "reason-code", p->reason_code);
  add_str (&b, "seat-user", p->seat_user);
  add_str (&b, "asset-number", p->asset_number);
  add_x (&b, "device-id", p->device_id);
  add_x (&b, "request-id", p->request_id);
  add_x (&b, "session-id", p->session_id);
  add_x (&b, "since", p->since);
  g_variant_builder_add (&b, "{sv}", "removed", g_variant_new_boolean (removed));
  /* "usb", "reader" (a registered card reader) or "card" (in a reader) */
  add_str (&b, "kind", p->dev->card ? "card"
                       : p->decision == UL_DECISION_ALLOW_READER || p->blocked_card_identity
                         ? "reader" : "usb");
  if (p->reader_syspath != NULL)
    {
      g_autofree char *reader = g_path_get_basename (p->reader_syspath);

      add_str (&b, "reader", reader);
    }
  add_str (&b, "card-volume", p->card_volume);
  return g_variant_builder_end (&b);
}

GVariant *
ul_record_request (const UlRequest *r)
{
  GVariantBuilder b;

  g_variant_builder_init (&b, G_VARIANT_TYPE_VARDICT);
  add_x (&b, "id", r->id);
  add_str (&b, "state", r->state);
  add_str (&b, "requester", r->requester);
  add_x (&b, "requester-uid", r->requester_uid);
  add_str (&b, "host", r->host);
  add_x (&b, "created-at", r->created_at);
  add_str (&b, "reason", r->reason);
  add_str (&b, "reason-code", r->reason_code);
  add_str (&b, "decided-by", r->decided_by);
  add_x (&b, "decided-at", r->decided_at);
  add_str (&b, "decision-note", r->decision_note);
  add_x (&b, "medium-id", r->medium_id);
  add_x (&b, "device-id", r->device_id);
  g_variant_builder_add (&b, "{sv}", "vendor-id", g_variant_new_uint16 (r->vendor_id));
  g_variant_builder_add (&b, "{sv}", "product-id", g_variant_new_uint16 (r->product_id));
  add_bytes (&b, "serial", r->serial);
  add_bytes (&b, "manufacturer", r->manufacturer);
  add_bytes (&b, "product", r->product);
  add_str (&b, "descriptor-hash", r->descriptor_hash);
  add_str (&b, "interfaces", r->interfaces);
  add_str (&b, "port", r->port_path);
  add_str (&b, "suspicion", r->suspicion);
  add_str (&b, "weak-serial", r->weak_serial);
  add_str (&b, "kind", r->card ? "card" : "usb");
  return g_variant_builder_end (&b);
}

GVariant *
ul_record_medium (const UlMedium *m)
{
  static const char *const no_users[] = { NULL };
  GVariantBuilder b;

  g_variant_builder_init (&b, G_VARIANT_TYPE_VARDICT);
  add_x (&b, "id", m->id);
  add_str (&b, "asset-number", m->asset_number);
  add_str (&b, "label", m->label);
  g_variant_builder_add (&b, "{sv}", "vendor-id", g_variant_new_uint16 (m->vendor_id));
  g_variant_builder_add (&b, "{sv}", "product-id", g_variant_new_uint16 (m->product_id));
  add_bytes (&b, "serial", m->serial);
  add_bytes (&b, "manufacturer", m->manufacturer);
  add_bytes (&b, "product", m->product);
  add_str (&b, "descriptor-hash", m->descriptor_hash);
  add_str (&b, "holder", m->holder);
  g_variant_builder_add (&b, "{sv}", "users",
                         g_variant_new_strv (m->users ? (const char *const *) m->users
                                                      : no_users, -1));
  g_variant_builder_add (&b, "{sv}", "all-staff", g_variant_new_boolean (m->all_staff));
  add_x (&b, "valid-from", m->valid_from);
  add_x (&b, "valid-until", m->valid_until);
  g_variant_builder_add (&b, "{sv}", "read-only", g_variant_new_boolean (m->read_only));
  add_str (&b, "status", ul_medium_status_to_string (m->status));
  add_str (&b, "kind", ul_medium_kind_to_string (m->kind));
  add_str (&b, "registered-by", m->registered_by);
  add_x (&b, "registered-at", m->registered_at);
  add_str (&b, "revoked-by", m->revoked_by);
  add_x (&b, "revoked-at", m->revoked_at);
  add_str (&b, "revoke-reason", m->revoke_reason);
  return g_variant_builder_end (&b);
}

GVariant *
ul_record_session (const UlSession *s)
{
  GVariantBuilder b;

  g_variant_builder_init (&b, G_VARIANT_TYPE_VARDICT);
  add_x (&b, "id", s->id);
  add_x (&b, "medium-id", s->medium_id);
  add_str (&b, "asset-number", s->asset_number);
  add_x (&b, "device-id", s->device_id);
  add_str (&b, "user", s->user_name);
  add_x (&b, "uid", s->uid);
  add_str (&b, "host", s->host);
  add_x (&b, "started-at", s->started_at);
  add_x (&b, "ended-at", s->ended_at);
  add_str (&b, "end-reason", s->end_reason);
  g_variant_builder_add (&b, "{sv}", "erased", g_variant_new_boolean (s->erased));
  add_x (&b, "files", s->n_files);
  return g_variant_builder_end (&b);
}

GVariant *
ul_record_mount (const UlMountRecord *m)
{
  GVariantBuilder b;

  g_variant_builder_init (&b, G_VARIANT_TYPE_VARDICT);
  add_x (&b, "id", m->id);
  add_str (&b, "device", m->device);
  add_bytes (&b, "mount-point", m->mount_point);
  add_str (&b, "fstype", m->fstype);
  add_str (&b, "watch", m->watch);
  add_x (&b, "mounted-at", m->mounted_at);
  add_x (&b, "unmounted-at", m->unmounted_at);
  add_str (&b, "manifest", m->manifest);
  return g_variant_builder_end (&b);
}

GVariant *
ul_record_file (const UlFileRecord *f)
{
  GVariantBuilder b;

  g_variant_builder_init (&b, G_VARIANT_TYPE_VARDICT);
  add_x (&b, "id", f->id);
  add_x (&b, "mount-id", f->mount_id);
  add_str (&b, "action", f->action);
  add_bytes (&b, "path", f->path);
  add_bytes (&b, "old-path", f->old_path);
  if (f->size >= 0)
    add_x (&b, "size", f->size);
  add_str (&b, "sha256", f->sha256);
  add_str (&b, "status", f->status);
  add_str (&b, "source", f->source);
  add_x (&b, "time", f->time);
  if (f->uid >= 0)
    g_variant_builder_add (&b, "{sv}", "uid", g_variant_new_int64 (f->uid));
  add_str (&b, "program", f->program);
  return g_variant_builder_end (&b);
}

GVariant *
ul_record_event (const UlEvent *ev)
{
  GVariantBuilder b;

  g_variant_builder_init (&b, G_VARIANT_TYPE_VARDICT);
  add_x (&b, "id", ev->id);
  add_x (&b, "time", ev->time);
  add_str (&b, "host", ev->host);
  add_str (&b, "kind", ev->kind);
  add_str (&b, "actor", ev->actor);
  add_x (&b, "actor-uid", ev->actor_uid);
  add_str (&b, "seat-user", ev->seat_user);
  add_x (&b, "device-id", ev->device_id);
  add_x (&b, "medium-id", ev->medium_id);
  add_x (&b, "request-id", ev->request_id);
  add_x (&b, "session-id", ev->session_id);
  add_str (&b, "decision", ev->decision);
  add_str (&b, "detail", ev->detail);
  add_str (&b, "reason-code", ev->reason_code);
  add_str (&b, "hash", ev->hash);
  add_str (&b, "asset-number", ev->asset_number);
  if (ev->device_id != 0)
    {
      g_variant_builder_add (&b, "{sv}", "vendor-id", g_variant_new_uint16 (ev->device_vendor_id));
      g_variant_builder_add (&b, "{sv}", "product-id",
                             g_variant_new_uint16 (ev->device_product_id));
      add_bytes (&b, "serial", ev->device_serial);
    }
  return g_variant_builder_end (&b);
}

static gboolean
check_type (const char *key, GVariant *value, const char *type, GError **error)
{
  if (g_variant_is_of_type (value, G_VARIANT_TYPE (type)))
    return TRUE;
  g_set_error (error, UL_ERROR, UL_ERROR_INVALID_ARGUMENT, "%s must be of type %s, not %s",
               key, type, g_variant_get_type_string (value));
  return FALSE;
}

UlMedium *
ul_record_parse_registration (GVariant *dict, UlRegisterChoices *choices,
                              gboolean allow_identity, char **device_name, char **note,
                              GError **error)
{
  g_autoptr(UlMedium) m = ul_medium_new ();
  GVariantIter iter;
  const char *key;
  GVariant *raw;

  g_variant_iter_init (&iter, dict);
  while (g_variant_iter_next (&iter, "{&sv}", &key, &raw))
    {
      g_autoptr(GVariant) value = raw;
      gboolean ok = TRUE;

      if (g_str_equal (key, "asset-number") && (ok = check_type (key, value, "s", error)))
        m->asset_number = g_variant_dup_string (value, NULL);
      else if (g_str_equal (key, "label") && (ok = check_type (key, value, "s", error)))
        m->label = g_variant_dup_string (value, NULL);
      else if (g_str_equal (key, "holder") && (ok = check_type (key, value, "s", error)))
        m->holder = g_variant_dup_string (value, NULL);
      else if (g_str_equal (key, "users") && (ok = check_type (key, value, "as", error)))
        {
          g_strfreev (m->users);
          m->users = g_variant_dup_strv (value, NULL);
          m->all_staff = m->users[0] == NULL;
        }
      else if (g_str_equal (key, "valid-from") && (ok = check_type (key, value, "x", error)))
        m->valid_from = g_variant_get_int64 (value);
      else if (g_str_equal (key, "valid-until") && (ok = check_type (key, value, "x", error)))
        m->valid_until = g_variant_get_int64 (value);
      else if (g_str_equal (key, "read-only") && (ok = check_type (key, value, "b", error)))
        m->read_only = g_variant_get_boolean (value);
      else if (g_str_equal (key, "card-reader") && (ok = check_type (key, value, "b", error)))
        m->kind = g_variant_get_boolean (value) ? UL_MEDIUM_KIND_READER : UL_MEDIUM_KIND_USB;
      else if (g_str_equal (key, "override-suspicion") &&
               (ok = check_type (key, value, "b", error)))
        choices->override_suspicion = g_variant_get_boolean (value);
      else if (g_str_equal (key, "accept-weak-serial") &&
               (ok = check_type (key, value, "b", error)))
        choices->accept_weak_serial = g_variant_get_boolean (value);
      else if (g_str_equal (key, "note") && (ok = check_type (key, value, "s", error)))
        {
          if (note != NULL)
            *note = g_variant_dup_string (value, NULL);
        }
      else if (allow_identity && g_str_equal (key, "device") &&
               (ok = check_type (key, value, "s", error)))
        *device_name = g_variant_dup_string (value, NULL);
      else if (allow_identity && g_str_equal (key, "vendor-id") &&
               (ok = check_type (key, value, "q", error)))
        m->vendor_id = g_variant_get_uint16 (value);
      else if (allow_identity && g_str_equal (key, "product-id") &&
               (ok = check_type (key, value, "q", error)))
        m->product_id = g_variant_get_uint16 (value);
      else if (allow_identity && g_str_equal (key, "serial") &&
               (ok = check_type (key, value, "ay", error)))
        {
          gsize len = 0;
          const void *data = g_variant_get_fixed_array (value, &len, 1);

          m->serial = g_bytes_new (data, len);
        }
      else if (allow_identity && g_str_equal (key, "descriptor-hash") &&
               (ok = check_type (key, value, "s", error)))
        m->descriptor_hash = g_variant_dup_string (value, NULL);
      else if (ok)
        {
          g_set_error (error, UL_ERROR, UL_ERROR_INVALID_ARGUMENT,
                       "unknown registration field \"%s\"", key);
          return NULL;
        }
      if (!ok)
        return NULL;
    }
  if (m->asset_number == NULL)
    {
      g_set_error (error, UL_ERROR, UL_ERROR_INVALID_ARGUMENT,
                   "an asset number (管理番号) is required");
      return NULL;
    }
  return g_steal_pointer (&m);
}

gboolean
ul_record_parse_session_filter (GVariant *dict, UlSessionFilter *f, char **user,
                                char **asset_number, GError **error)
{
  GVariantIter iter;
  const char *key;
  GVariant *raw;

  g_variant_iter_init (&iter, dict);
  while (g_variant_iter_next (&iter, "{&sv}", &key, &raw))
    {
      g_autoptr(GVariant) value = raw;
      gboolean ok = TRUE;

      if (g_str_equal (key, "asset-number") && (ok = check_type (key, value, "s", error)))
        *asset_number = g_variant_dup_string (value, NULL);
      else if (g_str_equal (key, "user") && (ok = check_type (key, value, "s", error)))
        *user = g_variant_dup_string (value, NULL);
      else if (g_str_equal (key, "since") && (ok = check_type (key, value, "x", error)))
        f->since = g_variant_get_int64 (value);
      else if (g_str_equal (key, "until") && (ok = check_type (key, value, "x", error)))
        f->until = g_variant_get_int64 (value);
      else if (g_str_equal (key, "after-id") && (ok = check_type (key, value, "x", error)))
        f->after_id = g_variant_get_int64 (value);
      else if (g_str_equal (key, "limit") && (ok = check_type (key, value, "u", error)))
        f->limit = g_variant_get_uint32 (value);
      else if (g_str_equal (key, "in-use") && (ok = check_type (key, value, "b", error)))
        f->in_use = g_variant_get_boolean (value);
      else if (ok)
        {
          g_set_error (error, UL_ERROR, UL_ERROR_INVALID_ARGUMENT, "unknown filter \"%s\"", key);
          return FALSE;
        }
      if (!ok)
        return FALSE;
    }
  f->user = *user;
  f->asset_number = *asset_number;
  return TRUE;
}

gboolean
ul_record_parse_event_filter (GVariant *dict, UlEventFilter *f, char **user,
                              char **asset_number, GError **error)
{
  GVariantIter iter;
  const char *key;
  GVariant *raw;

  g_variant_iter_init (&iter, dict);
  while (g_variant_iter_next (&iter, "{&sv}", &key, &raw))
    {
      g_autoptr(GVariant) value = raw;
      gboolean ok = TRUE;

      if (g_str_equal (key, "device-id") && (ok = check_type (key, value, "x", error)))
        f->device_id = g_variant_get_int64 (value);
      else if (g_str_equal (key, "asset-number") && (ok = check_type (key, value, "s", error)))
        *asset_number = g_variant_dup_string (value, NULL);
      else if (g_str_equal (key, "user") && (ok = check_type (key, value, "s", error)))
        *user = g_variant_dup_string (value, NULL);
      else if (g_str_equal (key, "since") && (ok = check_type (key, value, "x", error)))
        f->since = g_variant_get_int64 (value);
      else if (g_str_equal (key, "until") && (ok = check_type (key, value, "x", error)))
        f->until = g_variant_get_int64 (value);
      else if (g_str_equal (key, "limit") && (ok = check_type (key, value, "u", error)))
        f->limit = g_variant_get_uint32 (value);
      else if (g_str_equal (key, "after-id") && (ok = check_type (key, value, "x", error)))
        f->after_id = g_variant_get_int64 (value);
      else if (ok)
        {
          g_set_error (error, UL_ERROR, UL_ERROR_INVALID_ARGUMENT, "unknown filter \"%s\"", key);
          return FALSE;
        }
      if (!ok)
        return FALSE;
    }
  /* one page at most: years of events never go into one reply (the
   * daemon's memory, the bus's message limit); after-id gives the next */
  if (f->limit == 0 || f->limit > UL_EVENTS_PAGE_MAX)
    f->limit = UL_EVENTS_PAGE_MAX;
  return TRUE;
}

GVariant *
ul_record_erasure (const UlErasure *e)
{
  GVariantBuilder b;

  g_variant_builder_init (&b, G_VARIANT_TYPE_VARDICT);
  add_x (&b, "id", e->id);
  add_str (&b, "asset-number", e->asset_number);
  add_x (&b, "medium-id", e->medium_id);
  add_str (&b, "device", e->device_node);
  add_x (&b, "capacity", e->capacity);
  add_str (&b, "method", e->method);
  add_str (&b, "pattern", e->pattern);
  add_str (&b, "operator", e->operator_name);
  add_str (&b, "host", e->host);
  add_x (&b, "started-at", e->started_at);
  add_x (&b, "ended-at", e->ended_at);
  add_str (&b, "outcome", e->outcome);
  g_variant_builder_add (&b, "{sv}", "bytes-written", g_variant_new_int64 (e->bytes_written));
  g_variant_builder_add (&b, "{sv}", "bytes-verified", g_variant_new_int64 (e->bytes_verified));
  g_variant_builder_add (&b, "{sv}", "mismatches", g_variant_new_int64 (e->mismatches));
  if (e->bad_offset >= 0)
    g_variant_builder_add (&b, "{sv}", "bad-offset", g_variant_new_int64 (e->bad_offset));
  add_str (&b, "message", e->message);
  add_str (&b, "certificate", e->certificate);
  return g_variant_builder_end (&b);
}

GVariant *
ul_record_list (GPtrArray *items, UlRecordConvert convert)
{
  GVariantBuilder b;

  g_variant_builder_init (&b, G_VARIANT_TYPE ("aa{sv}"));
  for (guint i = 0; i < items->len; i++)
    g_variant_builder_add_value (&b, convert (g_ptr_array_index (items, i)));
  return g_variant_builder_end (&b);
}

GVariant *
ul_record_slice (GVariant *rows, guint offset, guint limit)
{
  GVariantBuilder b;
  gsize n = g_variant_n_children (rows);

  g_variant_builder_init (&b, G_VARIANT_TYPE ("av"));
  for (gsize i = offset; i < n && i < (gsize) offset + limit; i++)
    {
      /* the builder takes its own reference: this one is dropped, or the
       * child keeps the month's whole part alive (every GetLedger did) */
      g_autoptr(GVariant) row = g_variant_get_child_value (rows, i);

      g_variant_builder_add_value (&b, row);
    }
  return g_variant_builder_end (&b);
}

/* -- notices for the person at the seat (ul-dbus-notices.h) ---------------- */

static void
add_notice_head (GVariantBuilder *b, gint64 id, gint64 time, const char *kind)
{
  g_variant_builder_init (b, G_VARIANT_TYPE_VARDICT);
  add_x (b, "id", id);
  add_x (b, "time", time);
  add_str (b, "kind", kind);
}

GVariant *
ul_record_notice_blocked (const UlPresent *p, gint64 id, gint64 time)
{
  GVariantBuilder b;

  add_notice_head (&b, id, time, "blocked");
  g_variant_builder_add (&b, "{sv}", "vendor-id", g_variant_new_uint16 (p->dev->vendor_id));
  g_variant_builder_add (&b, "{sv}", "product-id", g_variant_new_uint16 (p->dev->product_id));
  add_bytes (&b, "serial", p->dev->serial);
  add_bytes (&b, "manufacturer", p->dev->manufacturer);
  add_bytes (&b, "product", p->dev->product);
  add_str (&b, "decision", ul_decision_to_string (p->decision));
  add_str (&b, "reason", p->reason);
  add_str (&b, "reason-code", p->reason_code);
  add_x (&b, "request-id", p->request_id);
  return g_variant_builder_end (&b);
}

GVariant *
ul_record_notice_decided (const UlRequest *r, gint64 id, gint64 time)
{
  GVariantBuilder b;

  add_notice_head (&b, id, time, r->state);
  g_variant_builder_add (&b, "{sv}", "vendor-id", g_variant_new_uint16 (r->vendor_id));
  g_variant_builder_add (&b, "{sv}", "product-id", g_variant_new_uint16 (r->product_id));
  add_bytes (&b, "serial", r->serial);
  add_bytes (&b, "manufacturer", r->manufacturer);
  add_bytes (&b, "product", r->product);
  add_x (&b, "request-id", r->id);
  add_str (&b, "note", r->decision_note);
  return g_variant_builder_end (&b);
}
