/* ul-manager-sessions.c: the manager's side of usage sessions: the session
 * tracker's news turned into coalesced "session-changed" signals, a
 * session's end and how it ended, the person at the seat changing during a
 * session, and sessions left open by a daemon that stopped */
#include "ul-manager-private.h"

static gboolean
on_sessions_changed (gpointer data)
{
  UlManager *mgr = data;
  g_autoptr(GList) ids = g_hash_table_get_keys (mgr->changed_sessions);

  mgr->changed_source = 0;
  for (GList *l = ids; l != NULL; l = l->next)
    g_signal_emit (mgr, ul_manager_signals[SIGNAL_SESSION_CHANGED], 0, *(gint64 *) l->data);
  g_hash_table_remove_all (mgr->changed_sessions);
  ul_manager_wrote_logbook (mgr);
  return G_SOURCE_REMOVE;
}

void
ul_manager_session_changed (UlManager *mgr, gint64 session_id)
{
  g_hash_table_add (mgr->changed_sessions, g_memdup2 (&session_id, sizeof session_id));
  /* a burst of 100,000 files gives a signal every 200 ms, not one per batch */
  if (mgr->changed_source == 0)
    mgr->changed_source = g_timeout_add (200, on_sessions_changed, mgr);
}

void
ul_manager_tracker_changed (gint64 session_id, gpointer data)
{
  ul_manager_session_changed (data, session_id);
}

const char *
ul_manager_end_session_files (UlManager *mgr, UlPresent *p, const char *if_clean)
{
  gboolean was_mounted = FALSE;
  gboolean yanked = FALSE;

  if (mgr->tracker != NULL && p->session_id != 0)
    yanked = ul_session_tracker_remove (mgr->tracker, p->session_id, &was_mounted);
  if (yanked)
    return "yanked";
  return was_mounted ? "ejected" : if_clean;
}

void
ul_manager_seat_changed (gpointer data)
{
  UlManager *mgr = data;
  UlSeatUser seat = { NULL, -1, NULL };
  GHashTableIter iter;
  gpointer value;

  ul_seat_get_user (mgr->seat, &seat);
  g_hash_table_iter_init (&iter, mgr->present);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      UlPresent *p = value;
      g_autoptr(GError) error = NULL;
      g_autoptr(UlEvent) ev = NULL;
      gint64 now = g_get_real_time ();

      if (p->session_id == 0 || g_strcmp0 (p->seat_user, seat.user) == 0)
        continue;
      g_free (p->seat_user);
      p->seat_user = g_strdup (seat.user);
      p->seat_uid = seat.uid;
      ev = ul_manager_device_event (mgr, "session-seat-changed", p, now);
      ev->detail = g_strdup_printf ("%s now used by %s", p->asset_number,
                                    seat.user ? seat.user : "(no one logged in)");
      if (!ul_store_begin (mgr->store, &error) ||
          !ul_store_add_seat_change (mgr->store, p->session_id, now, seat.user, seat.uid,
                                     &error) ||
          !ul_store_append_event (mgr->store, ev, &error) || !ul_store_commit (mgr->store, &error))
        {
          ul_store_rollback (mgr->store);
          g_warning ("cannot record the seat change: %s", error->message);
        }
      ul_manager_session_changed (mgr, p->session_id);
    }
  /* a medium may be registered for named users only: decided again for the
   * person now at the seat (once per change: logind may announce one switch
   * in several signals) */
  if (g_strcmp0 (seat.user, mgr->seat_user_decided) != 0)
    {
      g_free (mgr->seat_user_decided);
      mgr->seat_user_decided = g_strdup (seat.user);
      ul_manager_redecide_registered (mgr, "seat-changed");
    }
  ul_seat_user_clear (&seat);
  /* those plugged in (or found at start) while logind was being asked */
  ul_manager_decide_awaiting_seat (mgr);
}

void
ul_manager_close_orphaned_sessions (UlManager *mgr)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) sessions = ul_store_list_sessions (mgr->store, NULL, &error);
  g_autoptr(GHashTable) live = g_hash_table_new (g_int64_hash, g_int64_equal);
  GHashTableIter iter;
  gpointer value;

  if (sessions == NULL)
    {
      g_warning ("cannot read sessions: %s", error->message);
      return;
    }
  g_hash_table_iter_init (&iter, mgr->present);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    if (((UlPresent *) value)->session_id != 0)
      g_hash_table_add (live, &((UlPresent *) value)->session_id);

  for (guint i = 0; i < sessions->len; i++)
    {
      UlSession *s = g_ptr_array_index (sessions, i);
      g_autoptr(UlEvent) ev = NULL;

      if (s->ended_at != 0 || g_hash_table_contains (live, &s->id))
        continue;
      /* removed while the daemon was not running: the time of removal is
       * unknown, and the log says so instead of inventing one */
      ev = ul_event_new ("session-closed", "system", mgr->host, g_get_real_time ());
      ev->medium_id = s->medium_id;
      ev->device_id = s->device_id;
      ev->session_id = s->id;
      ev->detail = g_strdup ("medium was removed while usbledgerd was not running; "
                             "end time is when the daemon noticed");
      if (!ul_store_begin (mgr->store, &error) ||
          !ul_store_close_session (mgr->store, s->id, ev->time, "removed-while-daemon-down",
                                   &error) ||
          !ul_store_append_event (mgr->store, ev, &error) || !ul_store_commit (mgr->store, &error))
        {
          ul_store_rollback (mgr->store);
          g_warning ("cannot close session %" G_GINT64_FORMAT ": %s", s->id, error->message);
          g_clear_error (&error);
        }
    }
}
