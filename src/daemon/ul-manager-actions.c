/* ul-manager-actions.c: what a supervisor does. Each action is one
 * transaction together with its event, then the present devices it
 * concerns are decided again, so an approval lets a plugged stick through
 * at once and a revocation blocks it at once. */
#include "ul-manager-private.h"
#include "ul-canonical-json.h"
#include "ul-time.h"
#include "ul-error.h"
#include "ul-escape.h"

static UlEvent *
actor_event (UlManager *mgr, const char *kind, const UlActor *actor)
{
  UlEvent *ev = ul_event_new (kind, actor->name, mgr->host, g_get_real_time ());

  ev->actor_uid = actor->uid;
  return ev;
}

static void
copy_identity_from_request (UlMedium *m, const UlRequest *r)
{
  m->vendor_id = r->vendor_id;
  m->product_id = r->product_id;
  g_clear_pointer (&m->serial, g_bytes_unref);
  m->serial = r->serial ? g_bytes_ref (r->serial) : NULL;
  m->manufacturer = r->manufacturer ? g_bytes_ref (r->manufacturer) : NULL;
  m->product = r->product ? g_bytes_ref (r->product) : NULL;
  g_free (m->descriptor_hash);
  m->descriptor_hash = g_strdup (r->descriptor_hash);
}

/* a card is registered as a card; a USB device as a medium, or as a card
 * reader when the supervisor says so (reg->kind READER) */
static gboolean
set_kind (UlMedium *m, gboolean card, GError **error)
{
  if (card && m->kind == UL_MEDIUM_KIND_READER)
    {
      g_set_error (error, UL_ERROR, UL_ERROR_INVALID_ARGUMENT,
                   "this is a card in a reader, not a card reader");
      return FALSE;
    }
  if (card)
    m->kind = UL_MEDIUM_KIND_CARD;
  else if (m->kind == UL_MEDIUM_KIND_CARD)
    m->kind = UL_MEDIUM_KIND_USB;
  return TRUE;
}

/* registers @m and writes its event; inside the caller's transaction */
static gboolean
register_locked (UlManager *mgr, UlMedium *m, const UlRegisterChoices *choices,
                 const UlActor *actor, gint64 request_id, GError **error)
{
  g_autoptr(UlEvent) ev = NULL;
  g_autofree char *serial = ul_escape_gbytes (m->serial);
  g_autofree char *weakness = m->kind == UL_MEDIUM_KIND_CARD ? ul_card_identity_weakness (m->serial)
                                                            : ul_serial_weakness (m->serial);
  const char *what = m->kind == UL_MEDIUM_KIND_CARD     ? "card"
                     : m->kind == UL_MEDIUM_KIND_READER ? "card reader"
                                                        : "stick";

  gboolean disposed = FALSE;

  /* a disposed medium is gone for good: its identity is never registered again */
  if (!ul_store_identity_disposed (mgr->store, m->vendor_id, m->product_id, m->serial,
                                   &disposed, error))
    return FALSE;
  if (disposed)
    {
      g_set_error (error, UL_ERROR, UL_ERROR_BAD_STATE,
                   "this device was disposed of and may never be registered again");
      return FALSE;
    }
  /* any stick of this model with that serial (and the same descriptors)
   * would pass: an explicit choice, logged */
  if (weakness != NULL && !choices->accept_weak_serial)
    {
      g_set_error (error, UL_ERROR, UL_ERROR_BAD_STATE,
                   "the identity \"%s\" is not unique in practice (%s): any %s of this model "
                   "with the same identity would pass as %s; register it only "
                   "with --accept-weak-serial", serial, weakness, what, m->asset_number);
      return FALSE;
    }
  g_free (m->registered_by);
  m->registered_by = g_strdup (actor->name);
  m->registered_at = g_get_real_time ();
  if (!ul_store_add_medium (mgr->store, m, error))
    return FALSE;
  ev = actor_event (mgr, "medium-registered", actor);
  ev->medium_id = m->id;
  ev->request_id = request_id;
  ev->detail = g_strdup_printf ("%s: %s %04x:%04x serial=\"%s\"%s%s", m->asset_number,
                                what, m->vendor_id, m->product_id, serial,
                                m->read_only ? ", read-only" : "",
                                m->all_staff ? ", all staff" : "");
  if (!ul_store_append_event (mgr->store, ev, error))
    return FALSE;
  if (weakness != NULL)
    {
      g_autoptr(UlEvent) w = actor_event (mgr, "weak-serial-accepted", actor);

      w->medium_id = m->id;
      w->request_id = request_id;
      w->detail = g_strdup_printf ("%s registered although its serial \"%s\" is not unique "
                                   "in practice (%s)", m->asset_number, serial, weakness);
      return ul_store_append_event (mgr->store, w, error);
    }
  return TRUE;
}

UlMedium *
ul_manager_approve_request (UlManager *mgr, gint64 id, UlMedium *reg, const char *note,
                            const UlRegisterChoices *choices, const UlActor *actor,
                            GError **error)
{
  g_autoptr(UlRequest) r = NULL;
  g_autoptr(UlEvent) ev = NULL;

  if (!ul_store_begin (mgr->store, error))
    return NULL;
  r = ul_store_get_request (mgr->store, id, error);
  if (r == NULL)
    {
      ul_store_rollback (mgr->store);
      return NULL;
    }
  if (g_strcmp0 (r->state, "pending") != 0)
    {
      ul_store_rollback (mgr->store);
      g_set_error (error, UL_ERROR, UL_ERROR_BAD_STATE,
                   "request %" G_GINT64_FORMAT " is already %s", id, r->state);
      return NULL;
    }
  if (r->suspicion != NULL && !choices->override_suspicion)
    {
      ul_store_rollback (mgr->store);
      g_set_error (error, UL_ERROR, UL_ERROR_BAD_STATE,
                   "request %" G_GINT64_FORMAT " is suspicious (%s): approve it only with "
                   "--override-suspicion", id, r->suspicion);
      return NULL;
    }
  copy_identity_from_request (reg, r);
  if (!set_kind (reg, r->card, error))
    {
      ul_store_rollback (mgr->store);
      return NULL;
    }
  ev = actor_event (mgr, "request-approved", actor);
  ev->request_id = id;
  ev->device_id = r->device_id;
  if (r->suspicion != NULL)
    {
      g_autoptr(UlEvent) o = actor_event (mgr, "suspicion-overridden", actor);

      o->request_id = id;
      o->device_id = r->device_id;
      o->detail = g_strdup_printf ("request %" G_GINT64_FORMAT " approved although its device "
                                   "was judged suspicious: %s", id, r->suspicion);
      if (!ul_store_append_event (mgr->store, o, error))
        {
          ul_store_rollback (mgr->store);
          return NULL;
        }
    }
  if (!register_locked (mgr, reg, choices, actor, id, error) ||
      !ul_store_decide_request (mgr->store, id, TRUE, actor->name, note, reg->id,
                                ev->time, error))
    {
      ul_store_rollback (mgr->store);
      return NULL;
    }
  ev->medium_id = reg->id;
  ev->detail = g_strdup_printf ("request %" G_GINT64_FORMAT " approved as %s%s%s", id,
                                reg->asset_number, note && *note ? ": " : "",
                                note ? note : "");
  if (!ul_store_append_event (mgr->store, ev, error) || !ul_store_commit (mgr->store, error))
    {
      ul_store_rollback (mgr->store);
      return NULL;
    }

  g_signal_emit (mgr, ul_manager_signals[SIGNAL_REQUEST_CHANGED], 0, id);
  g_signal_emit (mgr, ul_manager_signals[SIGNAL_MEDIUM_CHANGED], 0, reg->asset_number);
  ul_manager_reevaluate_identity (mgr, reg->vendor_id, reg->product_id, reg->serial,
                                  "device-approved");
  return ul_store_get_medium (mgr->store, reg->asset_number, error);
}

gboolean
ul_manager_reject_request (UlManager *mgr, gint64 id, const char *note, const UlActor *actor,
                           GError **error)
{
  g_autoptr(UlEvent) ev = actor_event (mgr, "request-rejected", actor);
  g_autoptr(UlRequest) r = NULL;

  if (!ul_store_begin (mgr->store, error))
    return FALSE;
  r = ul_store_get_request (mgr->store, id, error);
  if (r == NULL || !ul_store_decide_request (mgr->store, id, FALSE, actor->name, note, 0,
                                             ev->time, error))
    {
      ul_store_rollback (mgr->store);
      return FALSE;
    }
  ev->request_id = id;
  ev->device_id = r->device_id;
  ev->detail = g_strdup_printf ("request %" G_GINT64_FORMAT " rejected%s%s", id,
                                note && *note ? ": " : "", note ? note : "");
  if (!ul_store_append_event (mgr->store, ev, error) || !ul_store_commit (mgr->store, error))
    {
      ul_store_rollback (mgr->store);
      return FALSE;
    }
  ul_manager_wrote_logbook (mgr);
  g_signal_emit (mgr, ul_manager_signals[SIGNAL_REQUEST_CHANGED], 0, id);
  return TRUE;
}

static UlPresent *
find_present_by_name (UlManager *mgr, const char *name)
{
  GHashTableIter iter;
  gpointer value;

  g_hash_table_iter_init (&iter, mgr->present);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    if (g_strcmp0 (((UlPresent *) value)->dev->name, name) == 0)
      return value;
  return NULL;
}

UlMedium *
ul_manager_register_medium (UlManager *mgr, UlMedium *reg, const char *device_name,
                            const UlRegisterChoices *choices, const UlActor *actor,
                            GError **error)
{
  guint n_settled = 0;

  if (device_name != NULL)
    {
      UlPresent *p = find_present_by_name (mgr, device_name);

      if (p == NULL)
        {
          g_set_error (error, UL_ERROR, UL_ERROR_NOT_FOUND, "no device %s is plugged in",
                       device_name);
          return NULL;
        }
      if (!p->controlled)
        {
          g_set_error (error, UL_ERROR, UL_ERROR_INVALID_ARGUMENT,
                       "device %s is not a storage device", device_name);
          return NULL;
        }
      if (p->decision == UL_DECISION_BLOCK_SUSPICIOUS)
        {
          g_set_error (error, UL_ERROR, UL_ERROR_BAD_STATE,
                       "device %s is blocked as suspicious (%s) and cannot be registered",
                       device_name, p->reason);
          return NULL;
        }
      reg->vendor_id = p->dev->vendor_id;
      reg->product_id = p->dev->product_id;
      g_clear_pointer (&reg->serial, g_bytes_unref);
      reg->serial = p->dev->serial ? g_bytes_ref (p->dev->serial) : NULL;
      reg->manufacturer = p->dev->manufacturer ? g_bytes_ref (p->dev->manufacturer) : NULL;
      reg->product = p->dev->product ? g_bytes_ref (p->dev->product) : NULL;
      g_free (reg->descriptor_hash);
      reg->descriptor_hash = g_strdup (p->dev->descriptor_hash);
      if (p->pending)
        {
          g_set_error (error, UL_ERROR, UL_ERROR_BAD_STATE,
                       "the card in %s is still being read", device_name);
          return NULL;
        }
      if (!set_kind (reg, p->dev->card, error))
        return NULL;
    }
  else if (reg->kind == UL_MEDIUM_KIND_CARD)
    reg->kind = UL_MEDIUM_KIND_USB;

  if (!ul_store_begin (mgr->store, error))
    return NULL;
  if (!register_locked (mgr, reg, choices, actor, 0, error) ||
      !ul_store_settle_requests (mgr->store, reg->vendor_id, reg->product_id, reg->serial,
                                 actor->name, reg->id, reg->registered_at, &n_settled, error))
    {
      ul_store_rollback (mgr->store);
      return NULL;
    }
  if (n_settled > 0)
    {
      g_autoptr(UlEvent) ev = actor_event (mgr, "request-approved", actor);

      ev->medium_id = reg->id;
      ev->detail = g_strdup_printf ("%u pending request(s) settled: registered directly as %s",
                                    n_settled, reg->asset_number);
      if (!ul_store_append_event (mgr->store, ev, error))
        {
          ul_store_rollback (mgr->store);
          return NULL;
        }
    }
  if (!ul_store_commit (mgr->store, error))
    return NULL;
  g_signal_emit (mgr, ul_manager_signals[SIGNAL_MEDIUM_CHANGED], 0, reg->asset_number);
  ul_manager_reevaluate_identity (mgr, reg->vendor_id, reg->product_id, reg->serial,
                                  "device-approved");
  return ul_store_get_medium (mgr->store, reg->asset_number, error);
}

gboolean
ul_manager_revoke_medium (UlManager *mgr, const char *asset_number, const char *reason,
                          const UlActor *actor, GError **error)
{
  g_autoptr(UlEvent) ev = actor_event (mgr, "medium-revoked", actor);
  g_autoptr(UlMedium) m = NULL;

  if (!ul_store_begin (mgr->store, error))
    return FALSE;
  if (!ul_store_revoke_medium (mgr->store, asset_number, actor->name, reason, ev->time,
                               &ev->medium_id, error))
    {
      ul_store_rollback (mgr->store);
      return FALSE;
    }
  ev->detail = g_strdup_printf ("%s revoked%s%s", asset_number, reason && *reason ? ": " : "",
                                reason ? reason : "");
  if (!ul_store_append_event (mgr->store, ev, error) || !ul_store_commit (mgr->store, error))
    {
      ul_store_rollback (mgr->store);
      return FALSE;
    }
  g_signal_emit (mgr, ul_manager_signals[SIGNAL_MEDIUM_CHANGED], 0, asset_number);
  m = ul_store_get_medium (mgr->store, asset_number, error);
  if (m == NULL)
    return FALSE;
  ul_manager_reevaluate_identity (mgr, m->vendor_id, m->product_id, m->serial,
                                  "device-revoked");
  return TRUE;
}

gboolean
ul_manager_dispose_medium (UlManager *mgr, const char *asset_number, const char *kind,
                           const char *contractor, const char *reference, const char *done_on,
                           const char *note, const UlActor *actor, GError **error)
{
  g_autoptr(UlMedium) m = ul_store_get_medium (mgr->store, asset_number, error);
  g_autoptr(UlEvent) ev = NULL;
  g_autofree char *certificate = NULL;
  gboolean destroyed = g_strcmp0 (kind, "destroyed") == 0;

  if (m == NULL)
    return FALSE;
  if (!destroyed && g_strcmp0 (kind, "retired") != 0)
    {
      g_set_error (error, UL_ERROR, UL_ERROR_INVALID_ARGUMENT,
                   "a medium is disposed of as destroyed or retired");
      return FALSE;
    }
  if (m->status == UL_MEDIUM_DISPOSED)
    {
      g_set_error (error, UL_ERROR, UL_ERROR_BAD_STATE, "%s was disposed of already",
                   asset_number);
      return FALSE;
    }
  if (destroyed && (contractor == NULL || !*contractor || reference == NULL || !*reference ||
                    done_on == NULL || !*done_on))
    {
      g_set_error (error, UL_ERROR, UL_ERROR_INVALID_ARGUMENT,
                   "a destruction needs the contractor, their reference number and the day");
      return FALSE;
    }
  if (destroyed && !ul_store_latest_certificate (mgr->store, m->id, &certificate, error))
    return FALSE;
  if (!destroyed)
    {
      /* the proof must be of the medium as it is retired: its latest
       * erasure, verified, and no use since */
      g_autofree char *why = NULL;

      if (!ul_store_retirement_certificate (mgr->store, m->id, &certificate, &why, error))
        return FALSE;
      if (certificate == NULL)
        {
          g_set_error (error, UL_ERROR, UL_ERROR_BAD_STATE,
                       "%s can be retired only right after a verified erasure: %s",
                       asset_number, why);
          return FALSE;
        }
    }
  ev = actor_event (mgr, "medium-disposed", actor);
  ev->medium_id = m->id;
  ev->detail = destroyed
                 ? g_strdup_printf ("%s destroyed by %s on %s (reference %s)", asset_number,
                                    contractor, done_on, reference)
                 : g_strdup_printf ("%s retired after erasure (certificate %s)", asset_number,
                                    certificate);
  if (!ul_store_begin (mgr->store, error) ||
      !ul_store_dispose_medium (mgr->store, m->id, kind, actor->name, actor->uid, ev->time,
                                contractor, reference, done_on, certificate, note, error) ||
      !ul_store_append_event (mgr->store, ev, error) || !ul_store_commit (mgr->store, error))
    {
      ul_store_rollback (mgr->store);
      return FALSE;
    }
  ul_manager_wrote_logbook (mgr);
  {
    /* the printable record; named by the medium's id, never by the asset
     * number a supervisor typed */
    g_autofree char *at_s = ul_time_format_iso8601 (ev->time);
    g_autofree char *name = g_strdup_printf ("medium-%" G_GINT64_FORMAT ".pdf", m->id);
    g_autoptr(GVariant) doc = NULL;
    g_autofree char *json = NULL;
    g_autoptr(GError) local = NULL;
    GVariantBuilder d;

    g_variant_builder_init (&d, G_VARIANT_TYPE_VARDICT);
    g_variant_builder_add (&d, "{sv}", "asset-number", g_variant_new_string (asset_number));
    g_variant_builder_add (&d, "{sv}", "kind", g_variant_new_string (kind));
    g_variant_builder_add (&d, "{sv}", "contractor", g_variant_new_string (contractor ? contractor : "-"));
    g_variant_builder_add (&d, "{sv}", "reference", g_variant_new_string (reference ? reference : "-"));
    g_variant_builder_add (&d, "{sv}", "date", g_variant_new_string (done_on ? done_on : "-"));
    g_variant_builder_add (&d, "{sv}", "certificate",
                           g_variant_new_string (certificate ? certificate : "-"));
    g_variant_builder_add (&d, "{sv}", "by", g_variant_new_string (actor->name));
    g_variant_builder_add (&d, "{sv}", "at", g_variant_new_string (at_s));
    g_variant_builder_add (&d, "{sv}", "organisation", g_variant_new_string (mgr->organisation));
    g_variant_builder_add (&d, "{sv}", "note", g_variant_new_string (note ? note : "-"));
    doc = g_variant_ref_sink (g_variant_new_parsed ("{'disposal': <%@a{sv}>}",
                                                    g_variant_builder_end (&d)));
    json = ul_canonical_json (doc, &local);
    if (json == NULL)
      g_warning ("no PDF %s: %s", name, local->message);
    else
      {
        gsize len = strlen (json);
        g_autoptr(GBytes) bytes = g_bytes_new_take (g_steal_pointer (&json), len);

        ul_manager_write_pdf (mgr, bytes, "disposals", name);
      }
  }
  g_signal_emit (mgr, ul_manager_signals[SIGNAL_MEDIUM_CHANGED], 0, asset_number);
  /* plugged in now: blocked at once */
  ul_manager_reevaluate_identity (mgr, m->vendor_id, m->product_id, m->serial,
                                  "device-disposed");
  return TRUE;
}
