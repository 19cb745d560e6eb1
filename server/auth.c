/* POST /{org}/{app}/token and the token expiry query (§1.3, §1.5, §14). */
#include "handlers.h"
#include "reply.h"
#include "json-args.h"
#include "user-entity.h"

static JsonNode *
token_reply (Request *req, const char *token, JsonNode *user)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  g_autofree char *app_uuid = entity_uuid (req->app_key, NULL);

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "access_token");
  json_builder_add_string_value (b, token);
  json_builder_set_member_name (b, "expires_in");
  json_builder_add_int_value (b, req->server->config->token_ttl_s);
  if (user != NULL) {
    json_builder_set_member_name (b, "user");
    json_builder_add_value (b, user);
  } else {
    json_builder_set_member_name (b, "application");
    json_builder_add_string_value (b, app_uuid);
  }
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

static void
password_grant (Request *req, JsonObject *body)
{
  Store *store = req->server->store;
  const char *name = NULL, *password = NULL;
  g_autofree char *username = NULL;
  g_autofree char *token = NULL;
  g_autoptr (StoreUser) user = NULL;
  g_autoptr (GError) error = NULL;
  gint64 expires_at = 0;

  if (!json_arg_string (body, "username", TRUE, &name, &error) ||
      !json_arg_string (body, "password", TRUE, &password, &error)) {
    reply_gerror (req, error);
    return;
  }
  username = g_ascii_strdown (name, -1);
  switch (store_user_check_password (store, req->app_id, username, password, &error)) {
  case STORE_PASSWORD_OK:
    break;
  case STORE_PASSWORD_NO_USER:
    if (error != NULL)
      reply_gerror (req, error);
    else
      reply_error (req, SOUP_STATUS_NOT_FOUND, "invalid_grant", "user not found");
    return;
  case STORE_PASSWORD_WRONG:
  default:
    if (error != NULL)
      reply_gerror (req, error);
    else
      reply_error (req, SOUP_STATUS_BAD_REQUEST, "invalid_grant", "invalid password");
    return;
  }
  user = store_user_get (store, req->app_id, username, &error);
  if (user == NULL) {
    reply_gerror (req, error);
    return;
  }
  if (!user->activated) {
    reply_error (req, SOUP_STATUS_BAD_REQUEST, "invalid_grant", "user not activated");
    return;
  }
  token = store_token_issue (store, req->app_id, username, req->server->config->token_ttl_s * 1000,
                             &expires_at, &error);
  if (token == NULL) {
    reply_gerror (req, error);
    return;
  }
  reply_json (req, SOUP_STATUS_OK,
              token_reply (req, token, user_entity_to_json (req->app_key, user)));
}

static void
client_grant (Request *req, JsonObject *body)
{
  const ServerConfig *c = req->server->config;
  const char *id = NULL, *secret = NULL;
  g_autofree char *token = NULL;
  g_autoptr (GError) error = NULL;
  gint64 expires_at = 0;

  if (!json_arg_string (body, "client_id", FALSE, &id, &error) ||
      !json_arg_string (body, "client_secret", FALSE, &secret, &error)) {
    reply_gerror (req, error);
    return;
  }
  if (id == NULL || id[0] == '\0') {
    reply_error (req, SOUP_STATUS_BAD_REQUEST, "illegal_argument", "client_id must be provided.");
    return;
  }
  if (secret == NULL || secret[0] == '\0') {
    reply_error (req, SOUP_STATUS_BAD_REQUEST, "illegal_argument",
                 "client_secret must be provided.");
    return;
  }
  if (!g_str_equal (id, c->client_id)) {
    reply_error (req, SOUP_STATUS_BAD_REQUEST, "invalid_grant", "client_id does not match");
    return;
  }
  if (!g_str_equal (secret, c->client_secret)) {
    reply_error (req, SOUP_STATUS_BAD_REQUEST, "invalid_grant", "client_secret does not match");
    return;
  }
  token = store_token_issue (req->server->store, req->app_id, NULL, c->token_ttl_s * 1000,
                             &expires_at, &error);
  if (token == NULL) {
    reply_gerror (req, error);
    return;
  }
  reply_json (req, SOUP_STATUS_OK, token_reply (req, token, NULL));
}

void
auth_token (Request *req)
{
  g_autoptr (JsonNode) root = NULL;
  JsonObject *body = request_body_object (req, TRUE, &root);
  const char *grant = NULL;
  g_autoptr (GError) error = NULL;

  if (body == NULL)
    return;
  if (!json_arg_string (body, "grant_type", FALSE, &grant, &error)) {
    reply_gerror (req, error);
    return;
  }
  if (grant == NULL || grant[0] == '\0')
    reply_error (req, SOUP_STATUS_BAD_REQUEST, "illegal_argument", "grant_type must be provided.");
  else if (g_str_equal (grant, "password"))
    password_grant (req, body);
  else if (g_str_equal (grant, "client_credentials"))
    client_grant (req, body);
  else
    reply_errorf (req, SOUP_STATUS_BAD_REQUEST, "unsupported_grant_type",
                  "unsupported grant type: %s", grant);
}

void
auth_token_expires (Request *req)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  JsonNode *data;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "expire_timestamp");
  json_builder_add_int_value (b, req->token_expires_at);
  json_builder_end_object (b);
  data = json_builder_get_root (b);
  /* The SDK reads expire_timestamp; it is given both at the top and in data. */
  reply_envelope_with (req, data, NULL, "expire_timestamp",
                       json_node_init_int (json_node_alloc (), req->token_expires_at));
}
