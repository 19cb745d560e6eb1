#include "ac-id.h"

gboolean
ac_id_parse (const char *s, guint64 *out)
{
  guint64 v = 0;

  if (s == NULL || *s == '\0')
    return FALSE;
  /* g_ascii_string_to_unsigned() tolerates a leading '+' and leading zeros;
   * an id must have exactly one spelling so that string comparison of ids
   * (cursors, SQL keys) agrees with numeric comparison. */
  for (const char *p = s; *p; p++)
    if (!g_ascii_isdigit (*p))
      return FALSE;
  if (s[0] == '0' && s[1] != '\0')
    return FALSE;
  if (!g_ascii_string_to_unsigned (s, 10, 0, G_MAXUINT64, &v, NULL))
    return FALSE;
  if (out)
    *out = v;
  return TRUE;
}

char *
ac_id_to_string (guint64 id)
{
  return g_strdup_printf ("%" G_GUINT64_FORMAT, id);
}
