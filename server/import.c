/* POST /{org}/{app}/import and --seed: our bulk loader (format in README.md).
 * Every error names the first bad item, e.g. "messages[3]: …". */
#include "import.h"
#include "handlers.h"
#include "reply.h"
#include "json-args.h"
#include "user-entity.h"
#include "rest-message.h"
#include "ac-id.h"

static JsonArray *
section (JsonObject *root, const char *name, GError **error)
{
  JsonNode *n = json_object_get_member (root, name);

  if (n == NULL || JSON_NODE_HOLDS_NULL (n))
    return NULL;
  if (!JSON_NODE_HOLDS_ARRAY (n)) {
    g_set_error (error, ARG_ERROR, ARG_ERROR_INVALID, "%s must be an array", name);
    return NULL;
  }
  return json_node_get_array (n);
}

static JsonObject *
item_object (JsonArray *a, guint i, const char *what, GError **error)
{
  JsonNode *n = json_array_get_element (a, i);

  if (!JSON_NODE_HOLDS_OBJECT (n)) {
    g_set_error (error, ARG_ERROR, ARG_ERROR_INVALID, "%s[%u] must be an object", what, i);
    return NULL;
  }
  return json_node_get_object (n);
}

static gboolean
import_users (Store *store, gint64 app, JsonArray *users, guint *count, GError **error)
{
  for (guint i = 0; users && i < json_array_get_length (users); i++) {
    JsonObject *o = item_object (users, i, "users", error);
    const char *name = NULL, *password = NULL, *nickname = NULL;
    g_autofree char *username = NULL;

    if (o == NULL)
      return FALSE;
    if (!json_arg_string (o, "username", TRUE, &name, error) ||
        !json_arg_string (o, "password", TRUE, &password, error) ||
        !json_arg_string (o, "nickname", FALSE, &nickname, error) ||
        (username = username_normalize (name, error)) == NULL ||
        !store_user_create (store, app, username, password, nickname, error)) {
      g_prefix_error (error, "users[%u]: ", i);
      return FALSE;
    }
    (*count)++;
  }
  return TRUE;
}

static gboolean
import_groups (Store *store, gint64 app, JsonArray *groups, GHashTable *refs, GError **error)
{
  for (guint i = 0; groups && i < json_array_get_length (groups); i++) {
    JsonObject *o = item_object (groups, i, "groups", error);
    const char *ref = NULL, *name = NULL, *description = NULL, *owner = NULL;
    gboolean is_public = TRUE;
    g_autoptr (GPtrArray) members_arg = NULL;
    g_autoptr (GPtrArray) members = g_ptr_array_new_with_free_func (g_free);
    g_autofree char *owner_l = NULL;
    char *id;

    if (o == NULL)
      return FALSE;
    if (!json_arg_string (o, "ref", TRUE, &ref, error) ||
        !json_arg_string (o, "groupname", TRUE, &name, error) ||
        !json_arg_string (o, "description", FALSE, &description, error) ||
        !json_arg_string (o, "owner", TRUE, &owner, error) ||
        !json_arg_bool (o, "public", FALSE, TRUE, &is_public, error) ||
        !json_arg_string_array (o, "members", FALSE, &members_arg, error)) {
      g_prefix_error (error, "groups[%u]: ", i);
      return FALSE;
    }
    if (g_hash_table_contains (refs, ref)) {
      g_set_error (error, ARG_ERROR, ARG_ERROR_INVALID, "groups[%u]: ref %s is used twice", i, ref);
      return FALSE;
    }
    owner_l = g_ascii_strdown (owner, -1);
    for (guint m = 0; members_arg && m < members_arg->len; m++)
      g_ptr_array_add (members, g_ascii_strdown (g_ptr_array_index (members_arg, m), -1));
    g_ptr_array_add (members, NULL);
    id = store_group_create (store, app, name, description ? description : "", owner_l,
                             (const char * const *) members->pdata, is_public,
                             MAX (200, (gint) members->len), error);
    if (id == NULL) {
      g_prefix_error (error, "groups[%u]: ", i);
      return FALSE;
    }
    g_hash_table_insert (refs, g_strdup (ref), id);
  }
  return TRUE;
}

static gboolean
import_contacts (Store *store, gint64 app, JsonArray *contacts, GError **error)
{
  for (guint i = 0; contacts && i < json_array_get_length (contacts); i++) {
    JsonNode *n = json_array_get_element (contacts, i);
    JsonArray *pair = JSON_NODE_HOLDS_ARRAY (n) ? json_node_get_array (n) : NULL;
    const char *a, *b;
    g_autofree char *la = NULL, *lb = NULL;

    if (pair == NULL || json_array_get_length (pair) != 2 ||
        json_node_get_value_type (json_array_get_element (pair, 0)) != G_TYPE_STRING ||
        json_node_get_value_type (json_array_get_element (pair, 1)) != G_TYPE_STRING) {
      g_set_error (error, ARG_ERROR, ARG_ERROR_INVALID,
                   "contacts[%u]: must be a pair of user names", i);
      return FALSE;
    }
    a = json_array_get_string_element (pair, 0);
    b = json_array_get_string_element (pair, 1);
    la = g_ascii_strdown (a, -1);
    lb = g_ascii_strdown (b, -1);
    if (!store_contact_add (store, app, la, lb, error)) {
      g_prefix_error (error, "contacts[%u]: ", i);
      return FALSE;
    }
  }
  return TRUE;
}

static gboolean
import_one_message (Store *store, gint64 app, JsonObject *o, GHashTable *refs, gint64 now,
                    guint64 *id, GError **error)
{
  const char *from = NULL, *to = NULL, *type = NULL;
  JsonObject *body = NULL, *ext = NULL;
  gint64 timestamp = 0, age = -1;
  AcChatType chat_type;
  g_autofree char *from_l = NULL;
  g_autofree char *to_l = NULL;
  g_autoptr (AcMessage) msg = NULL;

  if (!json_arg_string (o, "from", TRUE, &from, error) ||
      !json_arg_string (o, "to", TRUE, &to, error) ||
      !json_arg_string (o, "type", FALSE, &type, error) ||
      !json_arg_object (o, "body", TRUE, &body, error) ||
      !json_arg_object (o, "ext", FALSE, &ext, error) ||
      !json_arg_int (o, "timestamp", FALSE, 0, &timestamp, error) ||
      !json_arg_int (o, "age_ms", FALSE, -1, &age, error))
    return FALSE;
  if (!ac_chat_type_from_rest (type ? type : "chat", &chat_type) || chat_type == AC_CHAT_ROOM) {
    g_set_error (error, ARG_ERROR, ARG_ERROR_INVALID, "type must be chat or groupchat");
    return FALSE;
  }
  if (timestamp < 0 || (age >= 0 && timestamp > 0) || age > now) {
    g_set_error (error, ARG_ERROR, ARG_ERROR_INVALID,
                 "give either timestamp (ms, > 0) or age_ms (ms before now), not both");
    return FALSE;
  }
  if (age >= 0)
    timestamp = MAX (1, now - age);

  from_l = g_ascii_strdown (from, -1);
  if (chat_type == AC_CHAT_GROUP && g_hash_table_contains (refs, to))
    to_l = g_strdup (g_hash_table_lookup (refs, to));
  else
    to_l = g_ascii_strdown (to, -1);
  if (chat_type == AC_CHAT_GROUP && !store_group_is_member (store, app, to_l, from_l)) {
    g_set_error (error, ARG_ERROR, ARG_ERROR_INVALID, "%s is not a member of group %s", from_l, to);
    return FALSE;
  }
  msg = rest_message_insert (store, app, from_l, to_l, chat_type, body, NULL, ext, timestamp,
                             error);
  if (msg == NULL)
    return FALSE;
  *id = msg->id;
  return TRUE;
}

JsonNode *
import_run (Store *store, gint64 app, JsonNode *root, GError **error)
{
  g_autoptr (GHashTable) refs = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr (JsonBuilder) b = json_builder_new ();
  JsonObject *o;
  JsonArray *users, *groups, *contacts, *messages;
  guint n_users = 0, n_messages = 0;
  guint64 first_id = 0, last_id = 0;
  gint64 now = g_get_real_time () / 1000;
  GHashTableIter iter;
  gpointer key, value;

  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root)) {
    g_set_error (error, ARG_ERROR, ARG_ERROR_INVALID, "the import must be a JSON object");
    return NULL;
  }
  o = json_node_get_object (root);
  users = section (o, "users", error);
  if (users == NULL && *error)
    return NULL;
  groups = section (o, "groups", error);
  if (groups == NULL && *error)
    return NULL;
  contacts = section (o, "contacts", error);
  if (contacts == NULL && *error)
    return NULL;
  messages = section (o, "messages", error);
  if (messages == NULL && *error)
    return NULL;

  if (!import_users (store, app, users, &n_users, error) ||
      !import_groups (store, app, groups, refs, error) ||
      !import_contacts (store, app, contacts, error))
    return NULL;

  for (guint i = 0; messages && i < json_array_get_length (messages); i++) {
    JsonObject *m = item_object (messages, i, "messages", error);
    guint64 id = 0;

    if (m == NULL)
      return NULL;
    if (!import_one_message (store, app, m, refs, now, &id, error)) {
      g_prefix_error (error, "messages[%u]: ", i);
      return NULL;
    }
    if (first_id == 0)
      first_id = id;
    last_id = id;
    n_messages++;
  }

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "users");
  json_builder_add_int_value (b, n_users);
  json_builder_set_member_name (b, "groups");
  json_builder_begin_object (b);
  g_hash_table_iter_init (&iter, refs);
  while (g_hash_table_iter_next (&iter, &key, &value)) {
    json_builder_set_member_name (b, key);
    json_builder_add_string_value (b, value);
  }
  json_builder_end_object (b);
  json_builder_set_member_name (b, "messages");
  json_builder_add_int_value (b, n_messages);
  if (n_messages > 0) {
    g_autofree char *first = ac_id_to_string (first_id);
    g_autofree char *last = ac_id_to_string (last_id);
    json_builder_set_member_name (b, "first_id");
    json_builder_add_string_value (b, first);
    json_builder_set_member_name (b, "last_id");
    json_builder_add_string_value (b, last);
  }
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

void
import_handle (Request *req)
{
  g_autoptr (JsonNode) root = request_body_json (req);
  g_autoptr (GError) error = NULL;
  JsonNode *data;

  if (root == NULL)
    return;
  data = import_run (req->server->store, req->app_id, root, &error);
  if (data == NULL) {
    if (error->domain == STORE_ERROR && error->code == STORE_ERROR_FAILED)
      reply_gerror (req, error);
    else
      reply_error (req, SOUP_STATUS_BAD_REQUEST, "illegal_argument", error->message);
    return;
  }
  reply_envelope (req, data, NULL);
}
