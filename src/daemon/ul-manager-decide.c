/* ul-manager-decide.c: the path of a decision. For every device decided
 * about the order is: read identity -> decide -> commit the event (and
 * request or session) to the logbook -> write "authorized". Nothing is
 * allowed that was not recorded first, so a crash can never hide a use; a
 * device whose event cannot be recorded is blocked. */
#include "config.h"

#include "ul-manager-private.h"
#include "ul-authorize.h"
#include "ul-read-only.h"
#include "ul-allow-mark.h"
#include "ul-error.h"

guint
ul_manager_count_same_identity (UlManager *mgr, UlPresent *self)
{
  GHashTableIter iter;
  gpointer value;
  guint n = 0;

  g_hash_table_iter_init (&iter, mgr->present);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      UlPresent *other = value;

      if (other != self && other->controlled && !other->pending &&
          ul_device_same_identity (other->dev, self->dev))
        n++;
    }
  return n;
}

static gboolean
append (UlManager *mgr, UlEvent *ev, GError **error)
{
  return ul_store_append_event (mgr->store, ev, error);
}

/* everything the decision changes in the logbook, in one transaction */
static gboolean
record_decision (UlManager *mgr, UlPresent *p, const char *trigger, const UlSeatUser *seat,
                 gint64 now, GError **error)
{
  g_autoptr(UlEvent) ev = NULL;
  g_autofree char *dev_who = ul_device_describe (p->dev);
  /* a card: what is on it, so the event names it fully */
  g_autofree char *who = p->card_volume ? g_strdup_printf ("%s %s", dev_who, p->card_volume)
                                        : g_strdup (dev_who);
  gboolean created = FALSE;

  /* a session this decision ends stops following its files first: the
   * tracker records mounts in transactions of its own */
  if (!ul_decision_allows (p->decision) && p->session_id != 0)
    ul_manager_end_session_files (mgr, p, "blocked");

  if (!ul_store_begin (mgr->store, error))
    return FALSE;
  if (!ul_store_note_device (mgr->store, p->dev, now, &p->device_id, error))
    {
      ul_store_rollback (mgr->store);
      return FALSE;
    }

  if (p->decision == UL_DECISION_BLOCK_AND_REQUEST)
    {
      g_autofree char *weak = p->dev->card ? ul_card_identity_weakness (p->dev->serial)
                                           : ul_serial_weakness (p->dev->serial);

      if (!ul_store_ensure_request (mgr->store, p->device_id, seat->user, seat->uid, mgr->host,
                                    now, p->reason, p->reason_code, weak, &p->request_id,
                                    &created, error))
        {
          ul_store_rollback (mgr->store);
          return FALSE;
        }
    }
  /* judged suspicious since its request was made (a clone appeared): the
   * request carries that, and approving it needs an explicit override */
  if (p->decision == UL_DECISION_BLOCK_SUSPICIOUS)
    {
      gint64 marked = 0;

      if (!ul_store_mark_request_suspicious (mgr->store, p->device_id, p->reason, &marked,
                                             error))
        {
          ul_store_rollback (mgr->store);
          return FALSE;
        }
      if (marked != 0)
        {
          g_autoptr(UlEvent) sus = ul_manager_device_event (mgr, "request-suspicious", p, now);

          sus->request_id = marked;
          sus->detail = g_strdup_printf ("request %" G_GINT64_FORMAT " for %s: %s", marked, who,
                                         p->reason);
          sus->reason_code = g_strdup (p->reason_code);
          p->request_id = marked;
          if (!append (mgr, sus, error))
            {
              ul_store_rollback (mgr->store);
              return FALSE;
            }
        }
    }

  ev = ul_manager_device_event (mgr, trigger, p, now);
  ev->detail = g_strdup_printf ("%s: %s%s%s", who, p->reason, seat->note ? "; " : "",
                                seat->note ? seat->note : "");
  /* the reason as a code too: what the window and the ledger print, in the
   * reader's language (the sentence above stays as detail) */
  ev->reason_code = g_strdup (p->reason_code);
  if (!append (mgr, ev, error))
    {
      ul_store_rollback (mgr->store);
      return FALSE;
    }
  if (created)
    {
      g_autoptr(UlEvent) rq = ul_manager_device_event (mgr, "request-created", p, now);

      rq->detail = g_strdup_printf ("request %" G_GINT64_FORMAT " for %s", p->request_id, who);
      if (!append (mgr, rq, error))
        {
          ul_store_rollback (mgr->store);
          return FALSE;
        }
    }

  if (ul_decision_allows (p->decision) && p->session_id == 0 && !p->erasing)
    {
      g_autoptr(UlEvent) se = NULL;
      gint64 open_id = 0;
      const char *kind = "session-opened";

      /* a session still open from before a daemon restart goes on */
      if (!ul_store_find_open_session (mgr->store, p->medium_id, &open_id, error))
        {
          ul_store_rollback (mgr->store);
          return FALSE;
        }
      if (open_id != 0)
        {
          p->session_id = open_id;
          kind = "session-resumed";
        }
      else if (!ul_store_open_session (mgr->store, p->medium_id, p->device_id, seat->user,
                                       seat->uid, mgr->host, now, &p->session_id, error))
        {
          ul_store_rollback (mgr->store);
          return FALSE;
        }
      se = ul_manager_device_event (mgr, kind, p, now);
      se->detail = g_strdup_printf ("%s by %s", p->asset_number,
                                    seat->user ? seat->user : "(no one logged in)");
      if (!append (mgr, se, error))
        {
          ul_store_rollback (mgr->store);
          return FALSE;
        }
    }
  else if (!ul_decision_allows (p->decision) && p->session_id != 0)
    {
      g_autoptr(UlEvent) se = ul_manager_device_event (mgr, "session-closed", p, now);

      se->detail = g_strdup_printf ("blocked while in use: %s", p->reason);
      se->reason_code = g_strdup (p->reason_code);
      ul_manager_session_changed (mgr, p->session_id);
      if (!ul_store_close_session (mgr->store, p->session_id, now, "blocked", error) ||
          !append (mgr, se, error))
        {
          ul_store_rollback (mgr->store);
          return FALSE;
        }
      p->session_id = 0;
    }
  return ul_store_commit (mgr->store, error);
}

/* a storage device's read-only mark follows its decision: set for
 * allow-read-only, removed otherwise (a mark left by an earlier device on
 * this port must not outlive it) */
static gboolean
mark_read_only (UlManager *mgr, UlPresent *p, GError **error)
{
  const char *state = p->bound && ul_decision_allows (p->decision) ? UL_MARK_BOUND
                      : p->decision == UL_DECISION_ALLOW_READ_ONLY ? UL_MARK_READ_ONLY
                      : p->decision == UL_DECISION_ALLOW_READER   ? UL_MARK_READER
                                                                  : NULL;

  return ul_read_only_mark (mgr->runtime_dir, p->dev->name, state, error);
}

/* a controlled device decided "not storage" (other-devices=allow) is let
 * through like a keyboard */
static gboolean
decision_authorizes (UlDecision d)
{
  return ul_decision_allows (d) || d == UL_DECISION_NOT_STORAGE ||
         d == UL_DECISION_ALLOW_READER;
}

/* the udev helper leaves a device we authorized alone when udev announces it
 * again; without the mark a re-announced "add" would cut a medium in use
 * off (its mounts die), so a failure is worth a warning, not a block */
static void
mark_allowed (UlManager *mgr, UlPresent *p)
{
  g_autoptr(GError) error = NULL;

  if (!ul_allow_mark_set (mgr->runtime_dir, p->dev, decision_authorizes (p->decision), &error))
    g_warning ("%s", error->message);
}

/* an allow that could not be carried out: the session was recorded, but the
 * medium never became usable; it is blocked */
static void
allow_failed (UlManager *mgr, UlPresent *p)
{
  g_autoptr(GError) error = NULL;

  ul_manager_end_session_files (mgr, p, "authorize-failed");
  if (p->session_id != 0 &&
      !ul_store_close_session (mgr->store, p->session_id, g_get_real_time (),
                               "authorize-failed", &error))
    g_warning ("cannot close session: %s", error->message);
  p->session_id = 0;
  p->decision = UL_DECISION_BLOCK;
}

static void
record_failure (UlManager *mgr, UlPresent *p, const char *what, const GError *error)
{
  g_autoptr(UlEvent) ev = ul_manager_device_event (mgr, "authorize-failed", p, g_get_real_time ());
  g_autoptr(GError) local = NULL;

  ev->detail = g_strdup_printf ("%s %s: %s", what, p->dev->name, error->message);
  if (!append (mgr, ev, &local))
    g_warning ("cannot record failure for %s: %s", p->dev->name, local->message);
}

/* what follows every decision once applied */
static void
decided (UlManager *mgr, UlPresent *p, const char *trigger)
{
  gint64 request_id = p->request_id;

  ul_manager_wrote_logbook (mgr);
  /* a registration that starts or ends later is decided again then */
  ul_manager_schedule_validity (mgr);
  g_debug ("%s %s: %s (%s)", trigger, p->dev->name, ul_decision_to_string (p->decision),
           p->reason);
  g_signal_emit (mgr, ul_manager_signals[SIGNAL_DEVICE_CHANGED], 0, p, FALSE);
  if (request_id != 0)
    g_signal_emit (mgr, ul_manager_signals[SIGNAL_REQUEST_CHANGED], 0, request_id);
}

/* The person at the seat is not known yet (logind has not answered since
 * start or since its last change): the decision waits, with the device
 * blocked as the udev helper left it. One already decided keeps its
 * decision until then. */
static void
put_off (UlManager *mgr, UlPresent *p, const char *trigger)
{
  /* the first trigger names the event (a device waiting since it was
   * plugged in is recorded as added, not as re-decided) */
  if (p->awaiting_seat == NULL)
    p->awaiting_seat = g_strdup (trigger);
  if (p->device_id != 0)
    return;
  /* new to us, and authorized: not by us (the udev helper was not run, or
   * authorized_default let it in at boot); blocked while it waits */
  if (!p->dev->card && p->dev->authorized != 0 &&
      !ul_allow_mark_matches (mgr->runtime_dir, p->dev))
    {
      g_autoptr(GError) error = NULL;

      if (ul_authorize_device (p->dev, FALSE, &error))
        p->dev->authorized = 0;
      else
        g_warning ("cannot block %s while it waits: %s", p->dev->name, error->message);
    }
  p->decision = UL_DECISION_UNDECIDED;
  g_free (p->reason);
  p->reason = g_strdup ("waiting for logind to say who is at the seat");
  p->reason_code = "waiting-for-logind";
  g_signal_emit (mgr, ul_manager_signals[SIGNAL_DEVICE_CHANGED], 0, p, FALSE);
}

typedef enum {
  DECIDE_MAY_WAIT = 1 << 0,   /* for logind's answer */
  DECIDE_GONE = 1 << 1,       /* removed already: recorded, nothing to apply */
} DecideFlags;

static void decide (UlManager *mgr, UlPresent *p, const char *trigger, DecideFlags flags);

/* decides about @p and applies it; @trigger names the event */
void
ul_manager_decide (UlManager *mgr, UlPresent *p, const char *trigger)
{
  decide (mgr, p, trigger, DECIDE_MAY_WAIT);
}

void
ul_manager_decide_put_off (UlManager *mgr, UlPresent *p, gboolean gone)
{
  g_autofree char *trigger = g_steal_pointer (&p->awaiting_seat);

  decide (mgr, p, trigger, gone ? DECIDE_GONE : 0);
}

void
ul_manager_decide_awaiting_seat (UlManager *mgr)
{
  g_autoptr(GPtrArray) list = ul_manager_list_present (mgr);

  for (guint i = 0; i < list->len; i++)
    {
      UlPresent *p = g_ptr_array_index (list, i);

      if (p->awaiting_seat != NULL)
        ul_manager_decide_put_off (mgr, p, FALSE);
    }
}

static void
decide (UlManager *mgr, UlPresent *p, const char *trigger, DecideFlags flags)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(UlMedium) medium = NULL;
  UlSeatUser seat = { NULL, -1, NULL };
  UlPolicyInput in = { 0 };
  gint64 now = g_get_real_time ();

  if (!p->controlled)
    {
      /* keyboards, mice, hubs: the udev helper authorizes them even while we
       * are down; doing the same here covers a missed helper run */
      if (p->dev->authorized == 0)
        {
          if (ul_authorize_device (p->dev, TRUE, &error))
            p->dev->authorized = 1;
          else
            g_warning ("cannot authorize %s: %s", p->dev->name, error->message);
        }
      g_signal_emit (mgr, ul_manager_signals[SIGNAL_DEVICE_CHANGED], 0, p, FALSE);
      return;
    }

  if ((flags & DECIDE_MAY_WAIT) && mgr->seat != NULL && !ul_seat_is_known (mgr->seat))
    {
      put_off (mgr, p, trigger);
      return;
    }
  g_clear_pointer (&p->awaiting_seat, g_free);

  medium = ul_store_find_medium_for_identity (mgr->store, p->dev->card, p->dev->vendor_id,
                                              p->dev->product_id, p->dev->serial, &error);
  if (mgr->seat != NULL)
    ul_seat_get_user (mgr->seat, &seat);
  else
    seat.note = g_strdup ("no system bus: cannot ask logind");

  in.device = p->dev;
  in.medium = medium;
  in.seat_user = seat.user;
  in.now = now;
  in.n_same_identity = ul_manager_count_same_identity (mgr, p);
  in.shared_accounts = (const char *const *) mgr->shared_accounts;
  in.other_devices = mgr->other_devices;

  g_clear_pointer (&p->reason, g_free);
  g_clear_pointer (&p->seat_user, g_free);
  g_clear_pointer (&p->asset_number, g_free);
  if (error != NULL)
    {
      p->decision = UL_DECISION_BLOCK;
      p->reason = g_strdup_printf ("cannot read the logbook: %s", error->message);
      p->reason_code = "logbook-unreadable";
      g_clear_error (&error);
    }
  else if (p->dev->card)
    p->decision = ul_policy_decide_card (&in, &p->reason, &p->reason_code);
  else
    p->decision = ul_policy_decide (&in, &p->reason, &p->reason_code);
  /* blocked because of the card (medium) inside it, until that changes */
  if (p->blocked_inside != NULL &&
      (p->decision == UL_DECISION_ALLOW_READER || ul_decision_allows (p->decision)))
    {
      g_free (p->reason);
      p->reason = g_strdup (p->blocked_inside);
      p->reason_code = "medium-inside-not-allowed";
      p->decision = UL_DECISION_BLOCK;
    }
  {
    guint waiting = 0;

    /* a new session's records could not be kept: the logbook has not taken
     * the ones waiting (disk full, locked) up to their bound */
    if (ul_decision_allows (p->decision) && p->session_id == 0 && mgr->tracker != NULL &&
        ul_session_tracker_is_stalled (mgr->tracker, &waiting))
      {
        g_free (p->reason);
        p->reason_code = "records-backlog";
        p->reason = g_strdup_printf ("the logbook has not taken the %u file records waiting; "
                                     "no new session until it does", waiting);
        p->decision = UL_DECISION_BLOCK;
      }
  }
  p->seat_user = g_strdup (seat.user);
  p->seat_uid = seat.uid;
  /* a stick with a weak serial is bound to its disks once seen */
  {
    g_autofree char *weak = medium != NULL && medium->kind == UL_MEDIUM_KIND_USB
                              ? ul_serial_weakness (medium->serial) : NULL;

    p->bound = weak != NULL;
    g_free (p->bound_volumes);
    p->bound_volumes = medium ? g_strdup (medium->bound_volumes) : NULL;
  }
  p->medium_id = medium ? medium->id : 0;
  p->asset_number = medium ? g_strdup (medium->asset_number) : NULL;
  p->valid_from = medium ? medium->valid_from : 0;
  p->valid_until = medium ? medium->valid_until : 0;
  p->request_id = 0;

  if (!record_decision (mgr, p, trigger, &seat, now, &error))
    {
      /* a use we cannot record is not allowed */
      g_warning ("cannot record the decision about %s, blocking it: %s", p->dev->name,
                 error->message);
      g_free (p->reason);
      p->reason = g_strdup_printf ("cannot record in the logbook: %s", error->message);
      p->reason_code = "logbook-unwritable";
      p->decision = UL_DECISION_BLOCK;
      p->session_id = 0;
      g_clear_error (&error);
    }
  ul_seat_user_clear (&seat);
  if (flags & DECIDE_GONE)
    {
      decided (mgr, p, trigger);
      return;
    }

  if (p->dev->card)
    {
      /* a card: marked for the udev helper, or its reader blocked */
      if (!ul_manager_card_apply (mgr, p, &error))
        {
          g_warning ("%s", error->message);
          record_failure (mgr, p, ul_decision_allows (p->decision) ? "authorize" : "block",
                          error);
          if (ul_decision_allows (p->decision))
            allow_failed (mgr, p);
          g_clear_error (&error);
        }
      else if (p->session_id != 0 && mgr->tracker != NULL)
        {
          ul_session_tracker_add (mgr->tracker, p->session_id, p->dev->syspath);
          ul_manager_session_changed (mgr, p->session_id);
        }
      decided (mgr, p, trigger);
      return;
    }
  /* before the disk can exist: the udev helper reads the mark when it
   * appears (a read-only medium we cannot mark is not allowed) */
  if (p->controlled && !mark_read_only (mgr, p, &error))
    {
      g_warning ("%s, blocking it", error->message);
      record_failure (mgr, p, "authorize", error);
      g_clear_error (&error);
      allow_failed (mgr, p);
    }
  mark_allowed (mgr, p);
  if (!ul_authorize_device (p->dev, decision_authorizes (p->decision), &error))
    {
      g_warning ("%s", error->message);
      record_failure (mgr, p, decision_authorizes (p->decision) ? "authorize" : "block", error);
      if (ul_decision_allows (p->decision))
        allow_failed (mgr, p);
    }
  else
    {
      p->dev->authorized = decision_authorizes (p->decision) ? 1 : 0;
      /* in use: follow its filesystems and the files written to them */
      if (p->session_id != 0 && mgr->tracker != NULL)
        {
          ul_session_tracker_add (mgr->tracker, p->session_id, p->dev->syspath);
          ul_manager_session_changed (mgr, p->session_id);
        }
    }

  decided (mgr, p, trigger);
}

void
ul_manager_reevaluate_identity (UlManager *mgr, guint16 vid, guint16 pid, GBytes *serial,
                                const char *trigger)
{
  g_autoptr(GPtrArray) list = ul_manager_list_present (mgr);

  for (guint i = 0; i < list->len; i++)
    {
      UlPresent *p = g_ptr_array_index (list, i);

      if (p->controlled && !p->pending && p->dev->vendor_id == vid &&
          p->dev->product_id == pid && p->dev->serial != NULL && serial != NULL &&
          g_bytes_equal (p->dev->serial, serial))
        ul_manager_decide (mgr, p, trigger);
    }
  /* a card (ids 0): the readers it blocked may show it again */
  if (vid == 0 && pid == 0)
    ul_manager_readers_redecide (mgr, serial, trigger);
}

void
ul_manager_reapply (UlManager *mgr, UlPresent *p)
{
  g_autoptr(GError) error = NULL;

  mark_allowed (mgr, p);
  if (!mark_read_only (mgr, p, &error) ||
      !ul_authorize_device (p->dev, decision_authorizes (p->decision), &error))
    g_warning ("%s", error->message);
}
