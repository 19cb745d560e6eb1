#include "router.h"
#include "handlers.h"
#include "reply.h"

#define APP "{org}/{app}/"

static const Route routes[] = {
  { "GET",    "easemob/server.json",                            ROUTE_AUTH_NONE,         discovery_server_json },

  { "POST",   APP "token",                                      ROUTE_AUTH_NONE,         auth_token },
  { "GET",    APP "sdk/users/{u}/token/expires",                ROUTE_AUTH_USER_SELF,    auth_token_expires },

  { "POST",   APP "users",                                      ROUTE_AUTH_REGISTRATION, admin_create_users },
  { "GET",    APP "users/{u}",                                  ROUTE_AUTH_USER_SELF,    groups_user_get },
  { "POST",   APP "chatgroups",                                 ROUTE_AUTH_APP,          admin_create_group },
  { "POST",   APP "messages/users",                             ROUTE_AUTH_APP,          admin_send_user_messages },
  { "POST",   APP "messages/chatgroups",                        ROUTE_AUTH_APP,          admin_send_group_messages },
  { "POST",   APP "users/{u}/contacts/users/{friend}",          ROUTE_AUTH_APP,          admin_add_contact },
  { "POST",   APP "import",                                     ROUTE_AUTH_APP,          import_handle },

  { "GET",    APP "users/{u}/user_channels/page",               ROUTE_AUTH_USER_SELF,    conversations_page },
  { "GET",    APP "users/{u}/user_channels",                    ROUTE_AUTH_USER_SELF,    conversations_legacy },
  { "GET",    APP "sdk/user/{u}/user_channels/list",            ROUTE_AUTH_USER_SELF,    conversations_cursor },

  { "POST",   APP "users/{u}/messageroaming",                   ROUTE_AUTH_USER_SELF,    roaming_history },

  { "POST",   APP "sdk/message/roaming/user/{u}/delete/all",    ROUTE_AUTH_USER_SELF,    deletion_all },
  { "DELETE", APP "sdk/message/roaming/{kind}/user/{u}",        ROUTE_AUTH_USER_SELF,    deletion_by_ids },
  { "DELETE", APP "sdk/message/roaming/{kind}/user/{u}/time",   ROUTE_AUTH_USER_SELF,    deletion_by_time },
  { "DELETE", APP "user/{u}/user_channel",                      ROUTE_AUTH_USER_SELF,    deletion_conversation },

  { "GET",    APP "users/{u}/joined_chatgroups",                ROUTE_AUTH_USER_SELF,    groups_joined },
  { "GET",    APP "chatgroups/{id}",                            ROUTE_AUTH_ANY,          groups_info },
  { "GET",    APP "chatgroups/{id}/users",                      ROUTE_AUTH_ANY,          groups_members },
  { "GET",    APP "users/{u}/contacts/users",                   ROUTE_AUTH_USER_SELF,    groups_contacts },
  { "POST",   APP "chatgroups/{id}/users/{u}",                  ROUTE_AUTH_ANY,          group_members_add_one },
  { "POST",   APP "chatgroups/{id}/users",                      ROUTE_AUTH_ANY,          group_members_add_batch },
  { "POST",   APP "chatgroups/{id}/invite",                     ROUTE_AUTH_ANY,          group_members_invite },
  { "DELETE", APP "chatgroups/{id}/users/{u}",                  ROUTE_AUTH_ANY,          group_members_remove },
  { "DELETE", APP "chatgroups/{id}/quit",                       ROUTE_AUTH_ANY,          group_members_quit },
  { "POST",   APP "metadata/user/get",                          ROUTE_AUTH_ANY,          groups_user_metadata },
};

gboolean
router_match (const char *pattern, const char *path, Request *req)
{
  g_auto (GStrv) want = g_strsplit (pattern, "/", -1);
  g_auto (GStrv) have_raw = g_strsplit (path, "/", -1);
  g_autoptr (GPtrArray) have = g_ptr_array_new ();
  guint n_want = g_strv_length (want);

  /* Empty segments ("//", a trailing "/") carry no meaning. */
  for (char **s = have_raw; *s; s++)
    if (**s != '\0')
      g_ptr_array_add (have, *s);
  if (have->len != n_want)
    return FALSE;

  for (guint i = 0; i < n_want; i++) {
    const char *w = want[i];
    if (w[0] == '{')
      continue;
    if (strcmp (w, g_ptr_array_index (have, i)) != 0)
      return FALSE;
  }

  for (guint i = 0; i < req->n_caps; i++) {
    g_clear_pointer (&req->cap_names[i], g_free);
    g_clear_pointer (&req->cap_values[i], g_free);
  }
  req->n_caps = 0;
  for (guint i = 0; i < n_want; i++) {
    const char *w = want[i];
    char *value;
    if (w[0] != '{')
      continue;
    value = g_uri_unescape_string (g_ptr_array_index (have, i), "/");
    if (value == NULL || value[0] == '\0' || req->n_caps == REQUEST_MAX_CAPTURES) {
      g_free (value);
      return FALSE;
    }
    req->cap_names[req->n_caps] = g_strndup (w + 1, strlen (w) - 2);
    /* User names are case-insensitive; handlers see them lower-cased. */
    if (g_str_equal (w, "{u}") || g_str_equal (w, "{friend}")) {
      char *lower = g_ascii_strdown (value, -1);
      g_free (value);
      value = lower;
    }
    req->cap_values[req->n_caps++] = value;
  }
  return TRUE;
}

static gboolean
bearer_token (SoupServerMessage *msg, const char **token)
{
  const char *h = soup_message_headers_get_one (soup_server_message_get_request_headers (msg),
                                                "Authorization");

  *token = NULL;
  if (h == NULL)
    return FALSE;
  if (g_ascii_strncasecmp (h, "Bearer ", 7) != 0)
    return TRUE;
  h += 7;
  while (*h == ' ')
    h++;
  *token = *h ? h : NULL;
  return TRUE;
}

/* FALSE when a reply has been sent. */
static gboolean
check_auth (Request *req, const Route *route)
{
  const char *token = NULL;
  gboolean has_header;
  gint64 app = 0, expires_at = 0;
  g_autofree char *user = NULL;
  g_autoptr (GError) error = NULL;

  if (route->auth == ROUTE_AUTH_NONE)
    return TRUE;

  has_header = bearer_token (req->msg, &token);
  if (route->auth == ROUTE_AUTH_REGISTRATION) {
    if (req->server->config->open_registration)
      return TRUE;
    if (!has_header) {
      reply_error_msg (req->msg, SOUP_STATUS_UNAUTHORIZED, "unauthorized",
                       "EasemobSecurityException",
                       "Open registration doesn't allow, so register user need token,");
      return FALSE;
    }
  }

  if (token == NULL) {
    reply_unauthorized (req);
    return FALSE;
  }
  if (!store_token_lookup (req->server->store, token, &app, &user, &expires_at, &error)) {
    if (error != NULL)
      reply_gerror (req, error);
    else
      reply_unauthorized (req);
    return FALSE;
  }
  if (app != req->app_id || expires_at <= reply_now_ms ()) {
    reply_unauthorized (req);
    return FALSE;
  }

  req->caller_is_app = (user == NULL);
  req->caller_user = g_steal_pointer (&user);
  req->token_expires_at = expires_at;

  switch (route->auth) {
  case ROUTE_AUTH_ANY:
    return TRUE;
  case ROUTE_AUTH_USER_SELF:
    if (req->caller_is_app || g_strcmp0 (req->caller_user, request_capture (req, "u")) == 0)
      return TRUE;
    reply_forbidden (req, "a user token may only be used for that user's own data");
    return FALSE;
  case ROUTE_AUTH_APP:
  case ROUTE_AUTH_REGISTRATION:
    if (req->caller_is_app)
      return TRUE;
    reply_forbidden (req, "this call needs the app admin token");
    return FALSE;
  case ROUTE_AUTH_NONE:
  default:
    return TRUE;
  }
}

static gboolean
resolve_app (Request *req)
{
  const char *org = request_capture (req, "org");
  const char *app = request_capture (req, "app");

  if (org == NULL || app == NULL)
    return TRUE;
  req->org = g_strdup (org);
  req->app = g_strdup (app);
  req->app_key = g_strdup_printf ("%s#%s", org, app);
  req->app_id = server_app_id (req->server, req->app_key);
  if (req->app_id == 0) {
    reply_errorf (req, SOUP_STATUS_NOT_FOUND, "organization_application_not_found",
                  "Could not find application for %s/%s from URI: %s", org, app, req->path);
    return FALSE;
  }
  return TRUE;
}

static void
run_handler (Request *req, const Route *route)
{
  g_autoptr (GError) error = NULL;
  guint status;

  if (!store_begin (req->server->store, &error)) {
    reply_gerror (req, error);
    return;
  }
  route->handler (req);
  status = soup_server_message_get_status (req->msg);
  if (status < 200 || status >= 300) {
    store_rollback (req->server->store);
    return;
  }
  if (!store_commit (req->server->store, &error)) {
    store_rollback (req->server->store);
    reply_gerror (req, error);
  }
}

void
router_handle (SoupServer *soup, SoupServerMessage *msg, const char *path,
               GHashTable *query, gpointer user_data)
{
  Request req = { 0 };
  const Route *route = NULL;
  gboolean path_known = FALSE;
  g_autoptr (GHashTable) empty = NULL;

  req.server = user_data;
  req.msg = msg;
  req.method = soup_server_message_get_method (msg);
  req.path = path;
  req.start_us = g_get_monotonic_time ();
  if (query == NULL)
    query = empty = g_hash_table_new (g_str_hash, g_str_equal);
  req.query = query;

  if (g_str_equal (req.method, SOUP_METHOD_OPTIONS)) {
    reply_preflight (msg);
    goto out;
  }
  /* Chunked bodies have no Content-Length for the early check. */
  if (request_body_length (&req) > (gsize) req.server->config->max_body) {
    reply_error_msg (msg, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE, "request_entity_too_large", NULL,
                     "request body is too large");
    goto out;
  }

  for (guint i = 0; i < G_N_ELEMENTS (routes); i++) {
    if (!router_match (routes[i].pattern, path, &req))
      continue;
    path_known = TRUE;
    if (g_str_equal (routes[i].method, req.method)) {
      route = &routes[i];
      break;
    }
  }
  if (route == NULL) {
    if (path_known)
      reply_errorf (&req, SOUP_STATUS_METHOD_NOT_ALLOWED, "method_not_allowed",
                    "%s is not allowed on %s", req.method, path);
    else
      reply_errorf (&req, SOUP_STATUS_NOT_FOUND, "service_resource_not_found",
                    "no such resource: %s", path);
    goto out;
  }
  if (!resolve_app (&req) || !check_auth (&req, route))
    goto out;
  if (route->pattern[0] == '{')
    run_handler (&req, route);
  else
    route->handler (&req);

out:
  request_clear (&req);
}
