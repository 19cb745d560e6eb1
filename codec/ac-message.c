#include "ac-message.h"

AcMessage *
ac_message_new (void)
{
  AcMessage *msg = g_new0 (AcMessage, 1);

  msg->chat_type = AC_CHAT_SINGLE;
  msg->type = AC_BODY_TEXT;
  msg->file_length = -1;
  msg->duration = -1;
  return msg;
}

/* json-glib's copies share nested objects; a copied message must be
 * independent of the original, so copy the tree. */
static JsonNode *json_node_deep_copy (JsonNode *node);

static JsonObject *
json_object_deep_copy (JsonObject *obj)
{
  JsonObject *copy;
  JsonObjectIter iter;
  const char *key;
  JsonNode *member;

  if (obj == NULL)
    return NULL;
  copy = json_object_new ();
  json_object_iter_init_ordered (&iter, obj);
  while (json_object_iter_next_ordered (&iter, &key, &member))
    json_object_set_member (copy, key, json_node_deep_copy (member));
  return copy;
}

static JsonNode *
json_node_deep_copy (JsonNode *node)
{
  switch (JSON_NODE_TYPE (node))
    {
    case JSON_NODE_OBJECT:
      {
        JsonNode *n = json_node_new (JSON_NODE_OBJECT);
        json_node_take_object (n, json_object_deep_copy (json_node_get_object (node)));
        return n;
      }
    case JSON_NODE_ARRAY:
      {
        JsonArray *src = json_node_get_array (node);
        JsonArray *dst = json_array_sized_new (json_array_get_length (src));
        JsonNode *n = json_node_new (JSON_NODE_ARRAY);
        for (guint i = 0; i < json_array_get_length (src); i++)
          json_array_add_element (dst, json_node_deep_copy (json_array_get_element (src, i)));
        json_node_take_array (n, dst);
        return n;
      }
    case JSON_NODE_VALUE:
    case JSON_NODE_NULL:
    default:
      return json_node_copy (node);
    }
}

AcMessage *
ac_message_copy (const AcMessage *msg)
{
  AcMessage *c;

  if (msg == NULL)
    return NULL;
  c = g_memdup2 (msg, sizeof *msg);
  c->from = g_strdup (msg->from);
  c->to = g_strdup (msg->to);
  c->from_resource = g_strdup (msg->from_resource);
  c->to_resource = g_strdup (msg->to_resource);
  c->text = g_strdup (msg->text);
  c->url = g_strdup (msg->url);
  c->secret = g_strdup (msg->secret);
  c->filename = g_strdup (msg->filename);
  c->address = g_strdup (msg->address);
  c->building_name = g_strdup (msg->building_name);
  c->action = g_strdup (msg->action);
  c->custom_event = g_strdup (msg->custom_event);
  c->custom_exts = json_object_deep_copy (msg->custom_exts);
  c->thumb = g_strdup (msg->thumb);
  c->thumb_secret = g_strdup (msg->thumb_secret);
  c->title = g_strdup (msg->title);
  c->summary = g_strdup (msg->summary);
  c->ext = json_object_deep_copy (msg->ext);
  return c;
}

void
ac_message_free (AcMessage *msg)
{
  if (msg == NULL)
    return;
  g_free (msg->from);
  g_free (msg->to);
  g_free (msg->from_resource);
  g_free (msg->to_resource);
  g_free (msg->text);
  g_free (msg->url);
  g_free (msg->secret);
  g_free (msg->filename);
  g_free (msg->address);
  g_free (msg->building_name);
  g_free (msg->action);
  g_free (msg->custom_event);
  g_clear_pointer (&msg->custom_exts, json_object_unref);
  g_free (msg->thumb);
  g_free (msg->thumb_secret);
  g_free (msg->title);
  g_free (msg->summary);
  g_clear_pointer (&msg->ext, json_object_unref);
  g_free (msg);
}

static const char *const body_rest_names[] = {
  [AC_BODY_TEXT] = "txt",     [AC_BODY_IMAGE] = "img",   [AC_BODY_VIDEO] = "video",
  [AC_BODY_LOCATION] = "loc", [AC_BODY_AUDIO] = "audio", [AC_BODY_FILE] = "file",
  [AC_BODY_CMD] = "cmd",      [AC_BODY_CUSTOM] = "custom", [AC_BODY_COMBINE] = "combine",
};

const char *
ac_body_type_to_rest (AcBodyType type)
{
  if ((guint) type >= G_N_ELEMENTS (body_rest_names))
    return NULL;
  return body_rest_names[type];
}

gboolean
ac_body_type_from_rest (const char *name, AcBodyType *out)
{
  if (name == NULL)
    return FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (body_rest_names); i++)
    if (g_str_equal (name, body_rest_names[i]))
      {
        if (out)
          *out = (AcBodyType) i;
        return TRUE;
      }
  return FALSE;
}

const char *
ac_chat_type_to_rest (AcChatType type)
{
  switch (type)
    {
    case AC_CHAT_SINGLE:
      return "chat";
    case AC_CHAT_GROUP:
      return "groupchat";
    case AC_CHAT_ROOM:
      return "chatroom";
    default:
      return NULL;
    }
}

gboolean
ac_chat_type_from_rest (const char *name, AcChatType *out)
{
  AcChatType t;

  if (name == NULL)
    return FALSE;
  /* The REST docs write "groupchat", the Web SDK "groupChat"/"singleChat". */
  if (g_ascii_strcasecmp (name, "chat") == 0 || g_ascii_strcasecmp (name, "singlechat") == 0)
    t = AC_CHAT_SINGLE;
  else if (g_ascii_strcasecmp (name, "groupchat") == 0)
    t = AC_CHAT_GROUP;
  else if (g_ascii_strcasecmp (name, "chatroom") == 0)
    t = AC_CHAT_ROOM;
  else
    return FALSE;
  if (out)
    *out = t;
  return TRUE;
}
