#include "rest-message.h"
#include "ac-message-json.h"
#include "json-args.h"

static gboolean
check_party (Store *store, gint64 app, const char *name, AcChatType type, GError **error)
{
  if (type == AC_CHAT_GROUP) {
    g_autoptr (StoreGroup) g = store_group_get (store, app, name, FALSE, error);
    return g != NULL;
  } else {
    g_autoptr (StoreUser) u = store_user_get (store, app, name, error);
    return u != NULL;
  }
}

AcMessage *
rest_message_insert (Store *store, gint64 app, const char *from, const char *to,
                     AcChatType chat_type, JsonObject *body, const char *body_type,
                     JsonObject *ext, gint64 timestamp, GError **error)
{
  g_autoptr (JsonObject) payload = json_object_new ();
  g_autoptr (AcMessage) msg = NULL;
  JsonObject *content = json_object_new ();
  JsonArray *bodies = json_array_new ();
  JsonObjectIter iter;
  const char *name;
  JsonNode *node;

  /* A fresh object: request bodies are immutable and may lack "type". */
  json_object_iter_init (&iter, body);
  while (json_object_iter_next (&iter, &name, &node))
    json_object_set_member (content, name, json_node_copy (node));
  if (body_type != NULL)
    json_object_set_string_member (content, "type", body_type);
  json_array_add_object_element (bodies, content);
  json_object_set_array_member (payload, "bodies", bodies);

  if (!g_str_equal (from, "admin") && !check_party (store, app, from, AC_CHAT_SINGLE, error))
    return NULL;
  if (!check_party (store, app, to, chat_type, error))
    return NULL;
  json_object_set_string_member (payload, "type", ac_chat_type_to_rest (chat_type));
  json_object_set_string_member (payload, "from", from);
  json_object_set_string_member (payload, "to", to);
  if (ext != NULL)
    json_object_set_object_member (payload, "ext", json_object_ref (ext));

  msg = ac_message_from_payload (payload, error);
  if (msg == NULL)
    return NULL;
  msg->id = 0;
  /* meta.from names the sender's device; REST has none, so it gets one. */
  if (msg->from_resource == NULL)
    msg->from_resource = g_strdup (REST_RESOURCE);
  msg->timestamp = timestamp > 0 ? (guint64) timestamp : 0;
  msg->chat_type = chat_type;
  if (!store_message_insert (store, app, msg, error))
    return NULL;
  /* Online devices hear of it over MSYNC; only sends stamped "now" are live
   * (imported history goes to offline queues neither). */
  store_message_announce (store, app, msg, timestamp <= 0);
  return g_steal_pointer (&msg);
}
