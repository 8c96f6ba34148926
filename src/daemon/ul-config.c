/* ul-config.c: see ul-config.h */
#include "ul-config.h"

void
ul_config_free (UlConfig *c)
{
  if (c == NULL)
    return;
  g_strfreev (c->shared_accounts);
  g_free (c->organisation);
  g_free (c->department);
  g_strfreev (c->seal_labels);
  g_free (c);
}

static gboolean
key_missing (const GError *e)
{
  return g_error_matches (e, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_KEY_NOT_FOUND) ||
         g_error_matches (e, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_GROUP_NOT_FOUND);
}

/* a list value, each item stripped; NULL when absent; FALSE when malformed */
static gboolean
string_list (GKeyFile *kf, const char *group, const char *key, char ***out, GError **error)
{
  g_autoptr(GError) local = NULL;

  *out = g_key_file_get_string_list (kf, group, key, NULL, &local);
  if (*out == NULL && !key_missing (local))
    {
      g_propagate_error (error, g_steal_pointer (&local));
      return FALSE;
    }
  for (guint i = 0; *out && (*out)[i]; i++)
    g_strstrip ((*out)[i]);
  return TRUE;
}

UlConfig *
ul_config_load (const char *path, GError **error)
{
  g_autoptr(GKeyFile) kf = g_key_file_new ();
  g_autoptr(GError) local = NULL;
  g_autoptr(UlConfig) c = g_new0 (UlConfig, 1);
  g_autofree char *other = NULL;

  c->other_devices = UL_OTHER_DEVICES_REQUEST;
  if (!g_key_file_load_from_file (kf, path, G_KEY_FILE_NONE, &local))
    {
      if (g_error_matches (local, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        return g_steal_pointer (&c);
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL, "%s: %s", path, local->message);
      return NULL;
    }
  c->organisation = g_key_file_get_string (kf, "certificate", "organisation", NULL);
  c->department = g_key_file_get_string (kf, "ledger", "department", NULL);
  if (!string_list (kf, "policy", "shared-accounts", &c->shared_accounts, &local) ||
      !string_list (kf, "ledger", "seal-labels", &c->seal_labels, &local))
    {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL, "%s: %s", path, local->message);
      return NULL;
    }
  c->wareki = g_key_file_get_boolean (kf, "ledger", "wareki", &local);
  if (local != NULL && !key_missing (local))
    {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL, "%s: wareki must be true or false",
                   path);
      return NULL;
    }
  other = g_key_file_get_string (kf, "policy", "other-devices", NULL);
  if (other != NULL && !ul_other_devices_from_string (g_strstrip (other), &c->other_devices))
    {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
                   "%s: other-devices must be request, block or allow, not \"%s\"", path,
                   other);
      return NULL;
    }
  return g_steal_pointer (&c);
}
