#include "ac-client-error.h"

#include <gio/gio.h>

G_DEFINE_QUARK (ac-client-error-quark, ac_client_error)

static const char *
member_string (JsonObject *body, const char *name)
{
  if (body == NULL || !json_object_has_member (body, name))
    return NULL;
  JsonNode *node = json_object_get_member (body, name);
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

static gboolean
contains (const char *haystack, const char *needle)
{
  return haystack != NULL && strstr (haystack, needle) != NULL;
}

GError *
ac_client_error_from_reply (guint status, JsonObject *body, gboolean is_token_call)
{
  const char *code = member_string (body, "error");
  const char *desc = member_string (body, "error_description");
  const char *exception = member_string (body, "exception");
  /* What the user reads: the server's own words when it gave any. */
  const char *text = desc != NULL ? desc : code != NULL ? code : NULL;
  g_autofree char *fallback = NULL;
  if (text == NULL)
    text = fallback = g_strdup_printf ("HTTP %u", status);

  if (is_token_call && (status == 400 || status == 401 || status == 404))
    {
      /* 404 organization_application_not_found is a setting problem, not a password one. */
      if (contains (code, "organization_application_not_found"))
        return g_error_new (AC_CLIENT_ERROR, AC_CLIENT_ERROR_INVALID_ARGUMENT,
                            "Unknown app key: %s", text);
      return g_error_new (AC_CLIENT_ERROR, AC_CLIENT_ERROR_AUTH_FAILED, "%s", text);
    }

  switch (status)
    {
    case 400:
      if (contains (desc, "not open"))
        return g_error_new (AC_CLIENT_ERROR, AC_CLIENT_ERROR_NOT_SUPPORTED, "%s", text);
      return g_error_new (AC_CLIENT_ERROR, AC_CLIENT_ERROR_INVALID_ARGUMENT, "%s", text);
    case 401:
      return g_error_new (AC_CLIENT_ERROR, AC_CLIENT_ERROR_UNAUTHORIZED, "%s", text);
    case 403:
      if (contains (desc, "function not open") || contains (desc, "service not open"))
        return g_error_new (AC_CLIENT_ERROR, AC_CLIENT_ERROR_NOT_SUPPORTED, "%s", text);
      return g_error_new (AC_CLIENT_ERROR, AC_CLIENT_ERROR_FORBIDDEN, "%s", text);
    case 404:
      /* A 404 without an Agora body is an endpoint the server does not have. */
      if (body == NULL || (code == NULL && exception == NULL))
        return g_error_new (AC_CLIENT_ERROR, AC_CLIENT_ERROR_NOT_SUPPORTED, "%s", text);
      return g_error_new (AC_CLIENT_ERROR, AC_CLIENT_ERROR_NOT_FOUND, "%s", text);
    case 405:
    case 501:
      return g_error_new (AC_CLIENT_ERROR, AC_CLIENT_ERROR_NOT_SUPPORTED, "%s", text);
    case 429:
    case 503:
      return g_error_new (AC_CLIENT_ERROR, AC_CLIENT_ERROR_SERVER, "Server is busy: %s", text);
    default:
      if (status >= 500)
        return g_error_new (AC_CLIENT_ERROR, AC_CLIENT_ERROR_SERVER, "Server error: %s", text);
      return g_error_new (AC_CLIENT_ERROR, AC_CLIENT_ERROR_INVALID_ARGUMENT, "%s", text);
    }
}

GError *
ac_client_error_from_transport (const GError *error)
{
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return g_error_copy (error);
  if (error->domain == G_TLS_ERROR)
    return g_error_new (AC_CLIENT_ERROR, AC_CLIENT_ERROR_TLS, "TLS error: %s", error->message);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
    return g_error_new (AC_CLIENT_ERROR, AC_CLIENT_ERROR_NETWORK, "Timed out: %s", error->message);
  return g_error_new (AC_CLIENT_ERROR, AC_CLIENT_ERROR_NETWORK, "%s", error->message);
}
