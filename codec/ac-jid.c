#include "ac-jid.h"
#include "ac-error.h"

#include <string.h>

AcJid *
ac_jid_new (const char *app_key, const char *name, const char *domain, const char *resource)
{
  AcJid *jid = g_new0 (AcJid, 1);

  jid->app_key = g_strdup (app_key);
  jid->name = g_strdup (name);
  jid->domain = g_strdup (domain);
  jid->resource = g_strdup (resource);
  return jid;
}

void
ac_jid_free (AcJid *jid)
{
  if (jid == NULL)
    return;
  g_free (jid->app_key);
  g_free (jid->name);
  g_free (jid->domain);
  g_free (jid->resource);
  g_free (jid);
}

static gboolean
jid_fail (GError **error, const char *s, const char *why)
{
  g_set_error (error, AC_CODEC_ERROR, AC_CODEC_ERROR_MALFORMED, "malformed JID \"%s\": %s", s ? s : "(null)",
               why);
  return FALSE;
}

gboolean
ac_app_key_split (const char *app_key, char **org, char **app, GError **error)
{
  const char *hash;

  if (app_key == NULL || (hash = strchr (app_key, '#')) == NULL || strchr (hash + 1, '#') != NULL ||
      hash == app_key || hash[1] == '\0')
    {
      g_set_error (error, AC_CODEC_ERROR, AC_CODEC_ERROR_MALFORMED,
                   "invalid app key \"%s\": expected \"org#app\"", app_key ? app_key : "(null)");
      return FALSE;
    }
  if (org)
    *org = g_strndup (app_key, hash - app_key);
  if (app)
    *app = g_strdup (hash + 1);
  return TRUE;
}

AcJid *
ac_jid_parse (const char *s, GError **error)
{
  const char *at, *slash, *local_end, *hash, *name;
  g_autofree char *app_key = NULL;
  g_autofree char *domain = NULL;
  g_autofree char *resource = NULL;
  g_autofree char *local = NULL;

  if (s == NULL || *s == '\0')
    return jid_fail (error, s, "empty"), NULL;
  for (const char *p = s; *p; p++)
    if (g_ascii_isspace (*p) || g_ascii_iscntrl (*p))
      return jid_fail (error, s, "contains white space or control characters"), NULL;

  at = strchr (s, '@');
  if (at && strchr (at + 1, '@'))
    return jid_fail (error, s, "more than one '@'"), NULL;
  /* The resource is whatever follows the first '/' after the domain starts;
   * resources are free-form, names and domains never hold a '/'. */
  slash = strchr (at ? at : s, '/');
  if (slash)
    {
      if (slash[1] == '\0')
        return jid_fail (error, s, "empty resource"), NULL;
      resource = g_strdup (slash + 1);
    }
  if (at)
    {
      const char *dom_end = slash ? slash : at + strlen (at);
      if (dom_end == at + 1)
        return jid_fail (error, s, "empty domain"), NULL;
      domain = g_strndup (at + 1, dom_end - (at + 1));
      local_end = at;
    }
  else
    local_end = slash ? slash : s + strlen (s);

  local = g_strndup (s, local_end - s);
  name = local;
  hash = strchr (local, '#');
  if (hash)
    {
      /* "org#app_name": app names have no '_', user ids may. */
      const char *underscore = strchr (hash, '_');
      if (underscore == NULL)
        return jid_fail (error, s, "app key without '_' separating the name"), NULL;
      app_key = g_strndup (local, underscore - local);
      if (!ac_app_key_split (app_key, NULL, NULL, NULL))
        return jid_fail (error, s, "invalid app key"), NULL;
      name = underscore + 1;
    }
  if (*name == '\0')
    return jid_fail (error, s, "empty name"), NULL;
  if (strchr (name, '#'))
    return jid_fail (error, s, "'#' in the name"), NULL;

  return ac_jid_new (app_key, name, domain, resource);
}

char *
ac_jid_to_string (const AcJid *jid)
{
  GString *str;

  g_return_val_if_fail (jid != NULL && jid->name != NULL, NULL);
  str = g_string_new (NULL);
  if (jid->app_key)
    g_string_append_printf (str, "%s_", jid->app_key);
  g_string_append (str, jid->name);
  if (jid->domain)
    g_string_append_printf (str, "@%s", jid->domain);
  if (jid->resource)
    g_string_append_printf (str, "/%s", jid->resource);
  return g_string_free (str, FALSE);
}

char *
ac_queue_for (const char *id, gboolean group)
{
  g_return_val_if_fail (id != NULL, NULL);
  return g_strconcat (id, "@", group ? AC_DOMAIN_GROUP : AC_DOMAIN_USER, NULL);
}

gboolean
ac_queue_parse (const char *queue, char **id, gboolean *group, GError **error)
{
  g_autoptr (AcJid) jid = ac_jid_parse (queue, error);
  gboolean is_group;

  if (jid == NULL)
    return FALSE;
  if (jid->app_key || jid->resource || jid->domain == NULL)
    return jid_fail (error, queue, "a queue is \"<id>@easemob.com\" or \"<id>@conference.easemob.com\"");
  if (g_str_equal (jid->domain, AC_DOMAIN_GROUP))
    is_group = TRUE;
  else if (g_str_equal (jid->domain, AC_DOMAIN_USER))
    is_group = FALSE;
  else
    return jid_fail (error, queue, "unknown queue domain");
  if (id)
    *id = g_steal_pointer (&jid->name);
  if (group)
    *group = is_group;
  return TRUE;
}
