/* App-admin REST calls (§14 "App-admin REST"): users, groups, messages, contacts. */
#include "handlers.h"
#include "reply.h"
#include "json-args.h"
#include "user-entity.h"
#include "rest-message.h"
#include "ac-id.h"

#define MAX_MESSAGE_BYTES 5120
#define MAX_RECIPIENTS 600

static JsonNode *
create_one_user (Request *req, JsonNode *node, GError **error)
{
  JsonObject *o;
  const char *name = NULL, *password = NULL, *nickname = NULL;
  g_autofree char *username = NULL;
  g_autoptr (StoreUser) user = NULL;

  if (!JSON_NODE_HOLDS_OBJECT (node)) {
    g_set_error (error, ARG_ERROR, ARG_ERROR_INVALID, "each user must be a JSON object");
    return NULL;
  }
  o = json_node_get_object (node);
  if (!json_arg_string (o, "username", TRUE, &name, error) ||
      !json_arg_string (o, "password", TRUE, &password, error) ||
      !json_arg_string (o, "nickname", FALSE, &nickname, error))
    return NULL;
  username = username_normalize (name, error);
  if (username == NULL)
    return NULL;
  if (!store_user_create (req->server->store, req->app_id, username, password, nickname, error)) {
    if (g_error_matches (*error, STORE_ERROR, STORE_ERROR_DUPLICATE)) {
      g_clear_error (error);
      /* The SDK stops retrying on "username be unique". */
      g_set_error (error, STORE_ERROR, STORE_ERROR_DUPLICATE,
                   "Entity user requires that property named username be unique, value of %s exists",
                   username);
    }
    return NULL;
  }
  user = store_user_get (req->server->store, req->app_id, username, error);
  return user ? user_entity_to_json (req->app_key, user) : NULL;
}

void
admin_create_users (Request *req)
{
  g_autoptr (JsonNode) root = request_body_json (req);
  g_autoptr (GError) error = NULL;
  JsonArray *entities;
  JsonNode *entities_node;

  if (root == NULL)
    return;
  entities_node = json_node_new (JSON_NODE_ARRAY);
  entities = json_array_new ();
  json_node_take_array (entities_node, entities);

  if (JSON_NODE_HOLDS_ARRAY (root)) {
    JsonArray *list = json_node_get_array (root);
    if (json_array_get_length (list) == 0 || json_array_get_length (list) > 60) {
      json_node_unref (entities_node);
      reply_error (req, SOUP_STATUS_BAD_REQUEST, "illegal_argument",
                   "give 1 to 60 users in one request");
      return;
    }
    for (guint i = 0; i < json_array_get_length (list); i++) {
      JsonNode *e = create_one_user (req, json_array_get_element (list, i), &error);
      if (e == NULL)
        break;
      json_array_add_element (entities, e);
    }
  } else {
    JsonNode *e = create_one_user (req, root, &error);
    if (e != NULL)
      json_array_add_element (entities, e);
  }
  if (error != NULL) {
    json_node_unref (entities_node);
    reply_gerror (req, error);
    return;
  }
  reply_envelope (req, NULL, entities_node);
}

void
admin_create_group (Request *req)
{
  g_autoptr (JsonNode) root = NULL;
  JsonObject *body = request_body_object (req, TRUE, &root);
  const char *name = NULL, *description = NULL, *owner_arg = NULL;
  gboolean is_public = TRUE;
  gint64 maxusers = 200;
  g_autoptr (GPtrArray) members_arg = NULL;
  g_autoptr (GPtrArray) members = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *owner = NULL;
  g_autofree char *group_id = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonBuilder) b = json_builder_new ();

  if (body == NULL)
    return;
  if (!json_arg_string (body, "groupname", TRUE, &name, &error) ||
      !json_arg_string (body, "description", FALSE, &description, &error) ||
      !json_arg_string (body, "owner", TRUE, &owner_arg, &error) ||
      !json_arg_bool (body, "public", FALSE, TRUE, &is_public, &error) ||
      !json_arg_int (body, "maxusers", FALSE, 200, &maxusers, &error) ||
      !json_arg_string_array (body, "members", FALSE, &members_arg, &error)) {
    reply_gerror (req, error);
    return;
  }
  if (maxusers < 1 || maxusers > 100000) {
    reply_error (req, SOUP_STATUS_BAD_REQUEST, "illegal_argument", "maxusers must be 1..100000");
    return;
  }
  owner = g_ascii_strdown (owner_arg, -1);
  for (guint i = 0; members_arg && i < members_arg->len; i++)
    g_ptr_array_add (members, g_ascii_strdown (g_ptr_array_index (members_arg, i), -1));
  if (members->len + 1 > (guint) maxusers) {
    reply_error (req, SOUP_STATUS_BAD_REQUEST, "illegal_argument",
                 "more members than maxusers allows");
    return;
  }
  g_ptr_array_add (members, NULL);
  group_id = store_group_create (req->server->store, req->app_id, name,
                                 description ? description : "", owner,
                                 (const char * const *) members->pdata, is_public,
                                 (gint) maxusers, &error);
  if (group_id == NULL) {
    reply_gerror (req, error);
    return;
  }
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "groupid");
  json_builder_add_string_value (b, group_id);
  json_builder_end_object (b);
  reply_envelope (req, json_builder_get_root (b), NULL);
}

static void
send_messages (Request *req, AcChatType chat_type)
{
  g_autoptr (JsonNode) root = NULL;
  JsonObject *body;
  JsonObject *content = NULL, *ext = NULL;
  const char *from_arg = NULL, *type = NULL;
  g_autofree char *from = NULL;
  g_autoptr (GPtrArray) to = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonBuilder) b = json_builder_new ();
  AcBodyType body_type;

  if (request_body_length (req) > MAX_MESSAGE_BYTES) {
    reply_error (req, SOUP_STATUS_BAD_REQUEST, "message_send_error", "message is too large");
    return;
  }
  body = request_body_object (req, TRUE, &root);
  if (body == NULL)
    return;
  if (!json_arg_string (body, "from", FALSE, &from_arg, &error) ||
      !json_arg_string_array (body, "to", TRUE, &to, &error) ||
      !json_arg_string (body, "type", TRUE, &type, &error) ||
      !json_arg_object (body, "body", TRUE, &content, &error) ||
      !json_arg_object (body, "ext", FALSE, &ext, &error)) {
    reply_gerror (req, error);
    return;
  }
  if (!ac_body_type_from_rest (type, &body_type)) {
    reply_errorf (req, SOUP_STATUS_BAD_REQUEST, "illegal_argument",
                  "type [%s] is not a message type", type);
    return;
  }
  if (to->len > MAX_RECIPIENTS) {
    reply_error (req, SOUP_STATUS_BAD_REQUEST, "illegal_argument", "at most 600 recipients");
    return;
  }
  from = g_ascii_strdown (from_arg && from_arg[0] ? from_arg : "admin", -1);

  json_builder_begin_object (b);
  for (guint i = 0; i < to->len; i++) {
    const char *raw = g_ptr_array_index (to, i);
    /* Group ids are digits; user names are case-insensitive. */
    g_autofree char *target = g_ascii_strdown (raw, -1);
    g_autoptr (AcMessage) msg = rest_message_insert (req->server->store, req->app_id, from,
                                                     target, chat_type, content, type, ext, 0,
                                                     &error);
    g_autofree char *id = NULL;

    if (msg == NULL) {
      reply_gerror (req, error);
      return;
    }
    id = ac_id_to_string (msg->id);
    json_builder_set_member_name (b, raw);
    json_builder_add_string_value (b, id);
  }
  json_builder_end_object (b);
  reply_envelope (req, json_builder_get_root (b), NULL);
}

void
admin_send_user_messages (Request *req)
{
  send_messages (req, AC_CHAT_SINGLE);
}

void
admin_send_group_messages (Request *req)
{
  send_messages (req, AC_CHAT_GROUP);
}

void
admin_add_contact (Request *req)
{
  const char *owner = request_capture (req, "u");
  const char *friend = request_capture (req, "friend");
  g_autoptr (GError) error = NULL;
  g_autoptr (StoreUser) owner_user = NULL;
  g_autoptr (StoreUser) friend_user = NULL;
  JsonNode *entities;

  owner_user = store_user_get (req->server->store, req->app_id, owner, NULL);
  if (owner_user == NULL) {
    reply_user_not_found (req, owner);
    return;
  }
  friend_user = store_user_get (req->server->store, req->app_id, friend, NULL);
  if (friend_user == NULL) {
    reply_user_not_found (req, friend);
    return;
  }
  if (g_str_equal (owner, friend)) {
    reply_error (req, SOUP_STATUS_BAD_REQUEST, "illegal_argument", "a user cannot befriend itself");
    return;
  }
  if (!store_contact_add (req->server->store, req->app_id, owner, friend, &error)) {
    reply_gerror (req, error);
    return;
  }
  entities = json_node_new (JSON_NODE_ARRAY);
  json_node_take_array (entities, json_array_new ());
  json_array_add_element (json_node_get_array (entities),
                          user_entity_to_json (req->app_key, friend_user));
  reply_envelope (req, NULL, entities);
}
