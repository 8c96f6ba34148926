/* ul-manager-redecide.c: a decision holds only while what it rests on
 * holds. A medium registered for tanaka is blocked when suzuki takes the
 * seat; a registration ends at its valid-until (and starts at its
 * valid-from) while the medium is plugged in; a changed policy applies to
 * the devices present. A device being erased is left to its erasure, which
 * decides it again when it ends. */
#include "config.h"

#include "ul-manager-private.h"

static void
redecide (UlManager *mgr, gboolean registered_only, const char *trigger)
{
  g_autoptr(GPtrArray) list = ul_manager_list_present (mgr);

  for (guint i = 0; i < list->len; i++)
    {
      UlPresent *p = g_ptr_array_index (list, i);

      /* one waiting for logind is decided when it answers */
      if (!p->controlled || p->erasing || p->awaiting_seat != NULL ||
          (registered_only && p->medium_id == 0))
        continue;
      ul_manager_decide (mgr, p, trigger);
    }
}

void
ul_manager_redecide_registered (UlManager *mgr, const char *trigger)
{
  redecide (mgr, TRUE, trigger);
}

void
ul_manager_redecide_present (UlManager *mgr, const char *trigger)
{
  redecide (mgr, FALSE, trigger);
}

static gboolean
on_validity (gpointer data)
{
  UlManager *mgr = data;
  g_autoptr(GPtrArray) list = ul_manager_list_present (mgr);
  gint64 now = g_get_real_time ();

  mgr->validity_source = 0;
  mgr->validity_at = 0;
  for (guint i = 0; i < list->len; i++)
    {
      UlPresent *p = g_ptr_array_index (list, i);
      gboolean starts = p->valid_from != 0 && p->valid_from <= now &&
                        !ul_decision_allows (p->decision);
      gboolean ends = p->valid_until != 0 && p->valid_until <= now &&
                      ul_decision_allows (p->decision);

      if (p->controlled && !p->erasing && p->medium_id != 0 && (starts || ends))
        ul_manager_decide (mgr, p, "registration-validity");
    }
  ul_manager_schedule_validity (mgr);
  return G_SOURCE_REMOVE;
}

void
ul_manager_schedule_validity (UlManager *mgr)
{
  g_autoptr(GPtrArray) list = ul_manager_list_present (mgr);
  gint64 now = g_get_real_time ();
  gint64 next = 0;

  for (guint i = 0; i < list->len; i++)
    {
      UlPresent *p = g_ptr_array_index (list, i);
      gint64 t = 0;

      if (!p->controlled || p->medium_id == 0)
        continue;
      if (ul_decision_allows (p->decision) && p->valid_until > now)
        t = p->valid_until;
      else if (!ul_decision_allows (p->decision) && p->valid_from > now)
        t = p->valid_from;
      if (t != 0 && (next == 0 || t < next))
        next = t;
    }
  if (next == mgr->validity_at)
    return;
  if (mgr->validity_source != 0)
    g_source_remove (mgr->validity_source);
  mgr->validity_source = 0;
  mgr->validity_at = next;
  /* milliseconds, rounded up: never decided a moment before the time */
  if (next != 0)
    mgr->validity_source = g_timeout_add ((guint) MIN ((next - now + 999) / 1000, G_MAXUINT),
                                          on_validity, mgr);
}
