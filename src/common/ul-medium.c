/* ul-medium.c */
#include "ul-medium.h"
#include "ul-error.h"
#include "ul-names.h"

#include <string.h>

static const char *const status_names[] = { "active", "revoked", "lost", "disposed" };

UlMedium *
ul_medium_new (void)
{
  UlMedium *m = g_new0 (UlMedium, 1);

  m->all_staff = TRUE;
  m->status = UL_MEDIUM_ACTIVE;
  return m;
}

void
ul_medium_free (UlMedium *m)
{
  if (m == NULL)
    return;
  g_free (m->asset_number);
  g_free (m->label);
  g_clear_pointer (&m->serial, g_bytes_unref);
  g_clear_pointer (&m->manufacturer, g_bytes_unref);
  g_clear_pointer (&m->product, g_bytes_unref);
  g_free (m->descriptor_hash);
  g_free (m->holder);
  g_strfreev (m->users);
  g_free (m->registered_by);
  g_free (m->revoked_by);
  g_free (m->revoke_reason);
  g_free (m->bound_volumes);
  g_free (m);
}

const char *
ul_medium_status_to_string (UlMediumStatus status)
{
  return ul_name_of (status_names, G_N_ELEMENTS (status_names), status);
}

gboolean
ul_medium_status_from_string (const char *s, UlMediumStatus *out)
{
  guint v;

  if (!ul_name_lookup (status_names, G_N_ELEMENTS (status_names), s, &v))
    return FALSE;
  *out = (UlMediumStatus) v;
  return TRUE;
}

static const char *const kind_names[] = { "usb", "reader", "card" };

const char *
ul_medium_kind_to_string (UlMediumKind kind)
{
  return ul_name_of (kind_names, G_N_ELEMENTS (kind_names), kind);
}

gboolean
ul_medium_kind_from_string (const char *s, UlMediumKind *out)
{
  guint v;

  if (!ul_name_lookup (kind_names, G_N_ELEMENTS (kind_names), s, &v))
    return FALSE;
  *out = (UlMediumKind) v;
  return TRUE;
}

static gboolean
is_printable_text (const char *s, gsize max)
{
  if (s == NULL || !g_utf8_validate (s, -1, NULL) || strlen (s) > max)
    return FALSE;
  for (const char *p = s; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (g_unichar_iscntrl (c) || g_unichar_type (c) == G_UNICODE_FORMAT)
        return FALSE;
    }
  return TRUE;
}

gboolean
ul_medium_validate (const UlMedium *m, GError **error)
{
  if (m->asset_number == NULL || *m->asset_number == '\0' ||
      !is_printable_text (m->asset_number, 64))
    {
      g_set_error (error, UL_ERROR, UL_ERROR_INVALID_ARGUMENT,
                   "the asset number (管理番号) must be 1–64 printable characters");
      return FALSE;
    }
  if (!is_printable_text (m->label ? m->label : "", 200) ||
      !is_printable_text (m->holder ? m->holder : "", 200))
    {
      g_set_error (error, UL_ERROR, UL_ERROR_INVALID_ARGUMENT,
                   "label and holder must be at most 200 printable characters");
      return FALSE;
    }
  if (m->serial == NULL || g_bytes_get_size (m->serial) == 0)
    {
      /* without a serial every stick of the same model would match */
      g_set_error (error, UL_ERROR, UL_ERROR_INVALID_ARGUMENT,
                   "a medium without a serial number cannot be registered");
      return FALSE;
    }
  if (m->descriptor_hash == NULL || strlen (m->descriptor_hash) != 64)
    {
      g_set_error (error, UL_ERROR, UL_ERROR_INVALID_ARGUMENT,
                   "a medium needs the SHA-256 of its descriptors");
      return FALSE;
    }
  if (m->valid_from != 0 && m->valid_until != 0 && m->valid_until <= m->valid_from)
    {
      g_set_error (error, UL_ERROR, UL_ERROR_INVALID_ARGUMENT,
                   "valid-until must be after valid-from");
      return FALSE;
    }
  if (!m->all_staff && (m->users == NULL || m->users[0] == NULL))
    {
      g_set_error (error, UL_ERROR, UL_ERROR_INVALID_ARGUMENT,
                   "name at least one allowed user, or allow all staff");
      return FALSE;
    }
  for (guint i = 0; m->users != NULL && m->users[i] != NULL; i++)
    if (*m->users[i] == '\0' || !is_printable_text (m->users[i], 64) ||
        strchr (m->users[i], ' ') != NULL || strchr (m->users[i], ',') != NULL)
      {
        g_set_error (error, UL_ERROR, UL_ERROR_INVALID_ARGUMENT,
                     "invalid user name in the allowed users");
        return FALSE;
      }
  return TRUE;
}
