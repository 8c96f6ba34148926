/* ul-checkpoints.c: the logbook against its signed checkpoints.
 *
 * The chains alone cannot show that their last rows were removed, nor that
 * an editor recomputed every hash after a change: what remains is a valid
 * chain. A checkpoint (KEY-DIR/checkpoints/EVENT-ID.json, made and signed by
 * ul-manager-checkpoint.c) names the events' head and the record seals'
 * head at a moment, in a file of its own. When the logbook no longer holds
 * them with the hashes signed, it was cut or rewritten after the checkpoint
 * was made. The signature is the city's to check (openssl dgst, as for a
 * certificate); here the logbook is compared with what was signed. */
#include "ul-checkpoints.h"
#include "ul-error.h"
#include "ul-json-parse.h"
#include "ul-ledger.h"
#include "ul-record-seals.h"
#include "ul-time.h"

char *
ul_checkpoints_dir (const char *key_dir)
{
  return g_build_filename (key_dir, "checkpoints", NULL);
}

typedef struct {
  gint64 event_id;
  char *path;
} Entry;

static int
entry_cmp (gconstpointer a, gconstpointer b)
{
  gint64 x = ((const Entry *) a)->event_id, y = ((const Entry *) b)->event_id;

  return x < y ? -1 : x > y;
}

GPtrArray *
ul_checkpoints_list (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  g_autoptr(GArray) entries = g_array_new (FALSE, FALSE, sizeof (Entry));
  GPtrArray *out = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  if (d == NULL)
    return out;   /* none made yet */
  while ((name = g_dir_read_name (d)) != NULL)
    {
      Entry e = { 0 };

      if (!g_str_has_suffix (name, ".json"))
        continue;
      e.event_id = g_ascii_strtoll (name, NULL, 10);
      e.path = g_build_filename (dir, name, NULL);
      g_array_append_val (entries, e);
    }
  g_array_sort (entries, entry_cmp);
  for (guint i = 0; i < entries->len; i++)
    g_ptr_array_add (out, g_array_index (entries, Entry, i).path);
  return out;
}

/* the signing time as a person reads it: local, with its zone (the file
 * keeps UTC) */
static char *
shown_time (const char *at)
{
  gint64 usec = 0;

  return ul_time_parse (at, &usec, NULL) ? ul_time_format (usec) : g_strdup (at);
}

/* "after the checkpoint of event 12, which still matches" or "" */
static char *
bound (const char *what, gint64 last_good)
{
  if (last_good <= 0)
    return g_strdup ("");
  return g_strdup_printf (" (after %s %" G_GINT64_FORMAT ", which an earlier checkpoint names "
                          "and which still matches)", what, last_good);
}

static gboolean
check_events (UlStore *store, GVariant *cp, const char *at, gint64 last_id, gint64 good_event,
              GError **error)
{
  g_autofree char *hash = NULL;
  g_autofree char *after = bound ("event", good_event);
  g_autofree char *when = shown_time (at);
  const char *signed_hash = NULL;
  gint64 id = 0, event_time = 0, signed_at = 0;

  if (!g_variant_lookup (cp, "event-id", "x", &id) ||
      !g_variant_lookup (cp, "hash", "&s", &signed_hash))
    return TRUE;   /* checked as malformed by the caller */
  if (id > last_id)
    {
      g_set_error (error, UL_ERROR, UL_ERROR_DATABASE,
                   "the event log ends at event %" G_GINT64_FORMAT ", but the checkpoint "
                   "signed at %s names event %" G_GINT64_FORMAT ": the events after %"
                   G_GINT64_FORMAT " were removed", last_id, when, id, last_id);
      return FALSE;
    }
  if (!ul_store_event_hash (store, id, &hash, &event_time, error))
    return FALSE;
  /* the event that has that number now was recorded after the checkpoint:
   * the events from there on were removed (and new ones took their numbers) */
  if (hash != NULL && !g_str_equal (hash, signed_hash) && ul_time_parse (at, &signed_at, NULL) &&
      event_time > signed_at)
    {
      g_set_error (error, UL_ERROR, UL_ERROR_DATABASE,
                   "the checkpoint signed at %s names event %" G_GINT64_FORMAT ", but the event "
                   "with that number now was recorded later: the events after %" G_GINT64_FORMAT
                   " were removed", when, id, id - 1);
      return FALSE;
    }
  if (hash == NULL || !g_str_equal (hash, signed_hash))
    {
      g_set_error (error, UL_ERROR, UL_ERROR_DATABASE,
                   "event %" G_GINT64_FORMAT " is not the one the checkpoint signed at %s "
                   "names (%s): the log up to it was changed and its chain computed again%s",
                   id, when, hash == NULL ? "the event is gone" : "another hash", after);
      return FALSE;
    }
  return TRUE;
}

static gboolean
check_seals (UlStore *store, GVariant *cp, const char *at, gint64 last_seal, gint64 good_seal,
             GError **error)
{
  g_autofree char *hash = NULL;
  g_autofree char *after = bound ("record seal", good_seal);
  g_autofree char *when = shown_time (at);
  const char *signed_hash = NULL;
  gint64 id = 0;

  if (!g_variant_lookup (cp, "seal-id", "x", &id) ||
      !g_variant_lookup (cp, "seal-hash", "&s", &signed_hash) || id == 0)
    return TRUE;   /* a v1 checkpoint, or none sealed yet */
  if (id > last_seal)
    {
      g_set_error (error, UL_ERROR, UL_ERROR_DATABASE,
                   "the record seals end at seal %" G_GINT64_FORMAT ", but the checkpoint "
                   "signed at %s names seal %" G_GINT64_FORMAT ": the seals after %"
                   G_GINT64_FORMAT " were removed", last_seal, when, id, last_seal);
      return FALSE;
    }
  if (!ul_store_seal_hash (store, id, &hash, error))
    return FALSE;
  if (hash == NULL || !g_str_equal (hash, signed_hash))
    {
      g_set_error (error, UL_ERROR, UL_ERROR_DATABASE,
                   "record seal %" G_GINT64_FORMAT " is not the one the checkpoint signed at %s "
                   "names: records sealed up to it were changed and their seals computed "
                   "again%s", id, when, after);
      return FALSE;
    }
  return TRUE;
}

static GVariant *
read_checkpoint (const char *path, GError **error)
{
  g_autofree char *text = NULL;
  g_autoptr(GVariant) cp = NULL;
  gsize len = 0;

  if (!g_file_get_contents (path, &text, &len, error) ||
      (cp = ul_json_parse (text, len, error)) == NULL)
    {
      g_prefix_error (error, "checkpoint %s: ", path);
      return NULL;
    }
  if (!g_variant_is_of_type (cp, G_VARIANT_TYPE_VARDICT) ||
      !g_variant_lookup (cp, "event-id", "x", NULL) ||
      !g_variant_lookup (cp, "hash", "&s", NULL))
    {
      g_set_error (error, UL_ERROR, UL_ERROR_MALFORMED, "checkpoint %s is not one", path);
      return NULL;
    }
  return g_steal_pointer (&cp);
}

gboolean
ul_checkpoints_check (UlStore *store, GPtrArray *list, guint *n_checked, GError **error)
{
  g_autofree char *last_hash = NULL;
  g_autofree char *last_seal_hash = NULL;
  gint64 last_id = 0, last_seal = 0, good_event = 0, good_seal = 0;

  *n_checked = 0;
  if (list->len == 0)
    return TRUE;
  if (!ul_store_chain_head (store, G_MAXINT64, &last_id, &last_hash, error) ||
      !ul_store_seal_head (store, &last_seal, &last_seal_hash, error))
    return FALSE;
  for (guint i = 0; i < list->len; i++)
    {
      g_autoptr(GVariant) cp = read_checkpoint (g_ptr_array_index (list, i), error);
      const char *at = "";
      gint64 id = 0;

      if (cp == NULL)
        return FALSE;
      g_variant_lookup (cp, "at", "&s", &at);
      if (!check_events (store, cp, at, last_id, good_event, error) ||
          !check_seals (store, cp, at, last_seal, good_seal, error))
        return FALSE;
      g_variant_lookup (cp, "event-id", "x", &good_event);
      if (g_variant_lookup (cp, "seal-id", "x", &id) && id > 0)
        good_seal = id;
      (*n_checked)++;
    }
  return TRUE;
}

/* the daemon started after the stop, and checked this itself then */
static gboolean
started_after (UlStore *store, gint64 event_id)
{
  UlEventFilter f = { .after_id = event_id, .limit = 1 };
  g_autoptr(GPtrArray) next = ul_store_list_events (store, &f, NULL);

  return next != NULL && next->len == 1 &&
         g_strcmp0 (((UlEvent *) next->pdata[0])->kind, "daemon-started") == 0;
}

gboolean
ul_checkpoints_check_stopped (UlStore *store, GPtrArray *list, gboolean at_start,
                              GError **error)
{
  g_autoptr(GError) local = NULL;
  g_autoptr(GVariant) cp = NULL;
  g_autofree char *event_hash = NULL;
  g_autofree char *seal_hash = NULL;
  g_autofree char *when = NULL;
  const char *reason = NULL, *at = "";
  gint64 event_id = 0, seal_id = 0, head_event = 0, head_seal = 0;

  /* no checkpoint, or one that is not: ul_checkpoints_check says which */
  if (list->len == 0 ||
      (cp = read_checkpoint (g_ptr_array_index (list, list->len - 1), &local)) == NULL)
    return TRUE;
  if (!g_variant_lookup (cp, "reason", "&s", &reason) ||
      g_strcmp0 (reason, UL_CHECKPOINT_AT_STOP) != 0)
    return TRUE;
  g_variant_lookup (cp, "at", "&s", &at);
  when = shown_time (at);
  g_variant_lookup (cp, "event-id", "x", &event_id);
  if (!ul_store_chain_head (store, G_MAXINT64, &head_event, &event_hash, error) ||
      !ul_store_seal_head (store, &head_seal, &seal_hash, error))
    return FALSE;
  if (!at_start && head_event > event_id && started_after (store, event_id))
    return TRUE;
  if (head_event > event_id)
    {
      g_set_error (error, UL_ERROR, UL_ERROR_DATABASE,
                   "event %" G_GINT64_FORMAT " was written while usbledgerd was stopped: the "
                   "checkpoint signed when it stopped, at %s, names event %" G_GINT64_FORMAT
                   " as the last", event_id + 1, when, event_id);
      return FALSE;
    }
  /* a checkpoint of v1 did not name the seals */
  if (g_variant_lookup (cp, "seal-id", "x", &seal_id) && head_seal > seal_id)
    {
      g_autofree char *table = NULL;
      gint64 row_id = 0;

      if (!ul_store_seal_row (store, seal_id + 1, &table, &row_id, error))
        return FALSE;
      g_set_error (error, UL_ERROR, UL_ERROR_DATABASE,
                   "record seal %" G_GINT64_FORMAT " (of %s row %" G_GINT64_FORMAT ") was "
                   "written while usbledgerd was stopped: the checkpoint signed when it "
                   "stopped, at %s, names seal %" G_GINT64_FORMAT " as the last",
                   seal_id + 1, table ? table : "no", row_id, when, seal_id);
      return FALSE;
    }
  return TRUE;
}
