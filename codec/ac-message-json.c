#include "ac-message-json.h"
#include "ac-error.h"
#include "ac-id.h"
#include "ac-jid.h"

#include <math.h>
#include <string.h>

/* ---- reading: every accessor checks the JSON type and says which field failed ---- */

static gboolean G_GNUC_PRINTF (2, 3)
malformed (GError **error, const char *fmt, ...)
{
  va_list ap;
  g_autofree char *text = NULL;

  va_start (ap, fmt);
  text = g_strdup_vprintf (fmt, ap);
  va_end (ap);
  g_set_error_literal (error, AC_CODEC_ERROR, AC_CODEC_ERROR_MALFORMED, text);
  return FALSE;
}

/* The member as a non-null node, or NULL when absent or JSON null. */
static JsonNode *
member (JsonObject *o, const char *key)
{
  JsonNode *n = json_object_get_member (o, key);
  return (n == NULL || JSON_NODE_HOLDS_NULL (n)) ? NULL : n;
}

static gboolean
node_is_number (JsonNode *n)
{
  GType t;
  if (!JSON_NODE_HOLDS_VALUE (n))
    return FALSE;
  t = json_node_get_value_type (n);
  return t == G_TYPE_INT64 || t == G_TYPE_DOUBLE;
}

static gboolean
read_string (JsonObject *o, const char *where, const char *key, char **out, GError **error)
{
  JsonNode *n = member (o, key);

  if (n == NULL)
    return TRUE;
  if (!JSON_NODE_HOLDS_VALUE (n) || json_node_get_value_type (n) != G_TYPE_STRING)
    return malformed (error, "%s.%s must be a string", where, key);
  g_free (*out);
  *out = g_strdup (json_node_get_string (n));
  return TRUE;
}

static gboolean
read_double (JsonObject *o, const char *where, const char *key, double *out, GError **error)
{
  JsonNode *n = member (o, key);

  if (n == NULL)
    return TRUE;
  if (!node_is_number (n))
    return malformed (error, "%s.%s must be a number", where, key);
  *out = json_node_get_double (n);
  return TRUE;
}

/* Integers may arrive as 12 or 12.0; anything non-integral or out of range is refused. */
static gboolean
read_int64 (JsonObject *o, const char *where, const char *key, gint64 min, gint64 max, gint64 *out,
            GError **error)
{
  JsonNode *n = member (o, key);
  gint64 v;

  if (n == NULL)
    return TRUE;
  if (!node_is_number (n))
    return malformed (error, "%s.%s must be a number", where, key);
  if (json_node_get_value_type (n) == G_TYPE_INT64)
    v = json_node_get_int (n);
  else
    {
      double d = json_node_get_double (n);
      if (!isfinite (d) || d != floor (d) || d < -9.2e18 || d > 9.2e18)
        return malformed (error, "%s.%s must be an integer", where, key);
      v = (gint64) d;
    }
  if (v < min || v > max)
    return malformed (error, "%s.%s is out of range", where, key);
  *out = v;
  return TRUE;
}

static gboolean
read_int (JsonObject *o, const char *where, const char *key, gint *out, GError **error)
{
  gint64 v = *out;
  if (!read_int64 (o, where, key, G_MININT, G_MAXINT, &v, error))
    return FALSE;
  *out = (gint) v;
  return TRUE;
}

static gboolean
read_object (JsonObject *o, const char *where, const char *key, JsonObject **out, GError **error)
{
  JsonNode *n = member (o, key);

  *out = NULL;
  if (n == NULL)
    return TRUE;
  if (!JSON_NODE_HOLDS_OBJECT (n))
    return malformed (error, "%s.%s must be an object", where, key);
  *out = json_node_get_object (n);
  return TRUE;
}

static void
merge_members (JsonObject *into, JsonObject *from)
{
  JsonObjectIter iter;
  const char *key;
  JsonNode *value;

  json_object_iter_init_ordered (&iter, from);
  while (json_object_iter_next_ordered (&iter, &key, &value))
    json_object_set_member (into, key, json_node_copy (value));
}

/* customExts: an array of one-key objects, merged; the app-server REST API
 * also writes a plain object, which is taken as it is. */
static gboolean
read_custom_exts (JsonObject *body, AcMessage *m, GError **error)
{
  JsonNode *n = member (body, "customExts");
  JsonArray *arr;

  if (n == NULL)
    return TRUE;
  m->custom_exts = json_object_new ();
  if (JSON_NODE_HOLDS_OBJECT (n))
    {
      merge_members (m->custom_exts, json_node_get_object (n));
      return TRUE;
    }
  if (!JSON_NODE_HOLDS_ARRAY (n))
    return malformed (error, "body.customExts must be an array of objects");
  arr = json_node_get_array (n);
  for (guint i = 0; i < json_array_get_length (arr); i++)
    {
      JsonNode *e = json_array_get_element (arr, i);
      if (!JSON_NODE_HOLDS_OBJECT (e))
        return malformed (error, "body.customExts[%u] must be an object", i);
      merge_members (m->custom_exts, json_node_get_object (e));
    }
  return TRUE;
}

static gboolean
read_attachment (JsonObject *b, AcMessage *m, GError **error)
{
  return read_string (b, "body", "url", &m->url, error) && read_string (b, "body", "secret", &m->secret, error) &&
         read_string (b, "body", "filename", &m->filename, error) &&
         read_int64 (b, "body", "file_length", -1, G_MAXINT64, &m->file_length, error);
}

static gboolean
read_combine (JsonObject *b, AcMessage *m, GError **error)
{
  m->type = AC_BODY_COMBINE;
  /* "combine" bodies carry the compatible text as "msg" or "text". */
  return read_attachment (b, m, error) && read_string (b, "body", "msg", &m->text, error) &&
         (m->text != NULL || read_string (b, "body", "text", &m->text, error)) &&
         read_string (b, "body", "title", &m->title, error) &&
         read_string (b, "body", "summary", &m->summary, error) &&
         read_int (b, "body", "combineLevel", &m->combine_level, error);
}

static gboolean
read_body (JsonObject *b, AcMessage *m, GError **error)
{
  g_autofree char *type = NULL;
  g_autofree char *sub_type = NULL;
  JsonObject *size;

  if (!read_string (b, "body", "type", &type, error) || !read_string (b, "body", "subType", &sub_type, error))
    return FALSE;
  if (type == NULL)
    return malformed (error, "body.type is missing");
  if (!ac_body_type_from_rest (type, &m->type))
    {
      g_set_error (error, AC_CODEC_ERROR, AC_CODEC_ERROR_UNSUPPORTED, "unsupported body type \"%s\"", type);
      return FALSE;
    }

  switch (m->type)
    {
    case AC_BODY_TEXT:
      if (g_strcmp0 (sub_type, "sub_combine") == 0)
        return read_combine (b, m, error);
      return read_string (b, "body", "msg", &m->text, error);
    case AC_BODY_COMBINE:
      return read_combine (b, m, error);
    case AC_BODY_IMAGE:
      m->gif = g_strcmp0 (sub_type, "sub_gif") == 0;
      if (!read_attachment (b, m, error) || !read_object (b, "body", "size", &size, error))
        return FALSE;
      return size == NULL || (read_double (size, "body.size", "width", &m->width, error) &&
                              read_double (size, "body.size", "height", &m->height, error));
    case AC_BODY_VIDEO:
      return read_attachment (b, m, error) && read_string (b, "body", "thumb", &m->thumb, error) &&
             read_string (b, "body", "thumb_secret", &m->thumb_secret, error) &&
             read_int (b, "body", "length", &m->duration, error);
    case AC_BODY_AUDIO:
      return read_attachment (b, m, error) && read_int (b, "body", "length", &m->duration, error);
    case AC_BODY_FILE:
      return read_attachment (b, m, error);
    case AC_BODY_LOCATION:
      return read_string (b, "body", "addr", &m->address, error) &&
             read_string (b, "body", "buildingName", &m->building_name, error) &&
             read_double (b, "body", "lat", &m->lat, error) && read_double (b, "body", "lng", &m->lng, error);
    case AC_BODY_CMD:
      return read_string (b, "body", "action", &m->action, error);
    case AC_BODY_CUSTOM:
      return read_string (b, "body", "customEvent", &m->custom_event, error) && read_custom_exts (b, m, error);
    default:
      g_assert_not_reached ();
    }
}

/* *had_type tells the REST-meta reader whether it must derive the chat type. */
static AcMessage *
payload_to_message (JsonObject *payload, gboolean *had_type, GError **error)
{
  g_autoptr (AcMessage) m = ac_message_new ();
  g_autofree char *type = NULL;
  JsonNode *bodies;
  JsonArray *arr;
  JsonNode *first;
  JsonObject *ext;

  if (payload == NULL)
    return malformed (error, "payload is missing"), NULL;
  if (!read_string (payload, "payload", "type", &type, error) ||
      !read_string (payload, "payload", "from", &m->from, error) ||
      !read_string (payload, "payload", "to", &m->to, error) || !read_object (payload, "payload", "ext", &ext, error))
    return NULL;
  if (had_type)
    *had_type = type != NULL;
  if (type && !ac_chat_type_from_rest (type, &m->chat_type))
    return malformed (error, "payload.type \"%s\" is not chat, groupchat or chatroom", type), NULL;
  if (ext && json_object_get_size (ext) > 0)
    {
      m->ext = json_object_new ();
      merge_members (m->ext, ext);
    }

  bodies = member (payload, "bodies");
  if (bodies == NULL || !JSON_NODE_HOLDS_ARRAY (bodies))
    return malformed (error, "payload.bodies must be an array"), NULL;
  arr = json_node_get_array (bodies);
  if (json_array_get_length (arr) == 0)
    return malformed (error, "payload.bodies is empty"), NULL;
  /* Only the first body counts, as in the official SDK. */
  first = json_array_get_element (arr, 0);
  if (!JSON_NODE_HOLDS_OBJECT (first))
    return malformed (error, "payload.bodies[0] must be an object"), NULL;
  if (!read_body (json_node_get_object (first), m, error))
    return NULL;
  return g_steal_pointer (&m);
}

AcMessage *
ac_message_from_payload (JsonObject *payload, GError **error)
{
  return payload_to_message (payload, NULL, error);
}

static JsonObject *
parse_object (const char *json, const char *what, GError **error)
{
  g_autoptr (JsonParser) parser = json_parser_new_immutable ();
  g_autoptr (GError) local = NULL;
  JsonNode *root;

  if (json == NULL)
    return malformed (error, "%s is missing", what), NULL;
  if (!json_parser_load_from_data (parser, json, -1, &local))
    return malformed (error, "%s is not valid JSON: %s", what, local->message), NULL;
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return malformed (error, "%s is not a JSON object", what), NULL;
  return json_object_ref (json_node_get_object (root));
}

AcMessage *
ac_message_from_payload_string (const char *json, GError **error)
{
  g_autoptr (JsonObject) payload = parse_object (json, "payload", error);
  return payload ? payload_to_message (payload, NULL, error) : NULL;
}

AcMessage *
ac_message_from_rest_meta (JsonObject *meta, GError **error)
{
  g_autofree char *id = NULL, *from = NULL, *to = NULL, *payload_str = NULL;
  g_autoptr (AcJid) from_jid = NULL;
  g_autoptr (AcJid) to_jid = NULL;
  g_autoptr (JsonObject) payload = NULL;
  g_autoptr (AcMessage) m = NULL;
  gint64 timestamp = 0;
  gboolean had_type = FALSE;

  if (meta == NULL)
    return malformed (error, "meta is missing"), NULL;
  if (!read_string (meta, "meta", "id", &id, error) || !read_string (meta, "meta", "from", &from, error) ||
      !read_string (meta, "meta", "to", &to, error) || !read_string (meta, "meta", "payload", &payload_str, error) ||
      !read_int64 (meta, "meta", "timestamp", 0, G_MAXINT64, &timestamp, error))
    return NULL;
  if (id == NULL)
    return malformed (error, "meta.id is missing"), NULL;
  if (from && (from_jid = ac_jid_parse (from, error)) == NULL)
    return NULL;
  if (to && (to_jid = ac_jid_parse (to, error)) == NULL)
    return NULL;
  if ((payload = parse_object (payload_str, "meta.payload", error)) == NULL)
    return NULL;
  if ((m = payload_to_message (payload, &had_type, error)) == NULL)
    return NULL;
  if (!ac_id_parse (id, &m->id))
    return malformed (error, "meta.id \"%s\" is not a decimal message id", id), NULL;
  m->timestamp = (guint64) timestamp;
  /* Like the SDK: without payload.type only a conference domain makes a group. */
  if (!had_type)
    m->chat_type = (to && strstr (to, "@" AC_DOMAIN_GROUP)) ? AC_CHAT_GROUP : AC_CHAT_SINGLE;
  if (from_jid)
    {
      if (m->from == NULL)
        m->from = g_strdup (from_jid->name);
      m->from_resource = g_strdup (from_jid->resource);
    }
  if (to_jid)
    {
      if (m->to == NULL)
        m->to = g_strdup (to_jid->name);
      m->to_resource = g_strdup (to_jid->resource);
    }
  return g_steal_pointer (&m);
}

/* ---- writing: keys in alphabetical order, as in the captures ---- */

static void
set_string (JsonObject *o, const char *key, const char *value)
{
  if (value)
    json_object_set_string_member (o, key, value);
}

/* Whole numbers are written as JSON integers (a size of 640, not 640.0). */
static void
set_number (JsonObject *o, const char *key, double value)
{
  if (isfinite (value) && value == floor (value) && fabs (value) < 9.0e15)
    json_object_set_int_member (o, key, (gint64) value);
  else
    json_object_set_double_member (o, key, value);
}

static void
set_file_length (JsonObject *o, const AcMessage *m)
{
  if (m->file_length >= 0)
    json_object_set_int_member (o, "file_length", m->file_length);
}

static JsonObject *
body_to_json (const AcMessage *m)
{
  JsonObject *b = json_object_new ();

  switch (m->type)
    {
    case AC_BODY_TEXT:
      json_object_set_string_member (b, "msg", m->text ? m->text : "");
      break;
    case AC_BODY_COMBINE:
      json_object_set_int_member (b, "combineLevel", m->combine_level);
      set_file_length (b, m);
      set_string (b, "filename", m->filename);
      set_string (b, "msg", m->text);
      set_string (b, "secret", m->secret);
      set_string (b, "summary", m->summary);
      set_string (b, "title", m->title);
      break;
    case AC_BODY_IMAGE:
      set_file_length (b, m);
      set_string (b, "filename", m->filename);
      set_string (b, "secret", m->secret);
      if (m->width > 0 || m->height > 0)
        {
          JsonObject *size = json_object_new ();
          set_number (size, "height", m->height);
          set_number (size, "width", m->width);
          json_object_set_object_member (b, "size", size);
        }
      if (m->gif)
        json_object_set_string_member (b, "subType", "sub_gif");
      break;
    case AC_BODY_VIDEO:
    case AC_BODY_AUDIO:
    case AC_BODY_FILE:
      set_file_length (b, m);
      set_string (b, "filename", m->filename);
      if (m->type != AC_BODY_FILE && m->duration >= 0)
        json_object_set_int_member (b, "length", m->duration);
      set_string (b, "secret", m->secret);
      if (m->type == AC_BODY_VIDEO)
        {
          set_string (b, "thumb", m->thumb);
          set_string (b, "thumb_secret", m->thumb_secret);
        }
      break;
    case AC_BODY_LOCATION:
      set_string (b, "addr", m->address);
      set_string (b, "buildingName", m->building_name);
      set_number (b, "lat", m->lat);
      set_number (b, "lng", m->lng);
      break;
    case AC_BODY_CMD:
      set_string (b, "action", m->action);
      break;
    case AC_BODY_CUSTOM:
      set_string (b, "customEvent", m->custom_event);
      if (m->custom_exts)
        {
          JsonArray *arr = json_array_new ();
          JsonObjectIter iter;
          const char *key;
          JsonNode *value;

          json_object_iter_init_ordered (&iter, m->custom_exts);
          while (json_object_iter_next_ordered (&iter, &key, &value))
            {
              JsonObject *one = json_object_new ();
              json_object_set_member (one, key, json_node_copy (value));
              json_array_add_object_element (arr, one);
            }
          json_object_set_array_member (b, "customExts", arr);
        }
      break;
    default:
      break;
    }
  set_string (b, "type", ac_body_type_to_rest (m->type));
  switch (m->type)
    {
    case AC_BODY_COMBINE:
    case AC_BODY_IMAGE:
    case AC_BODY_VIDEO:
    case AC_BODY_AUDIO:
    case AC_BODY_FILE:
      set_string (b, "url", m->url);
      break;
    default:
      break;
    }
  return b;
}

JsonObject *
ac_message_to_payload (const AcMessage *m)
{
  JsonObject *p = json_object_new ();
  JsonArray *bodies = json_array_new ();
  JsonObject *ext = json_object_new ();

  g_return_val_if_fail (m != NULL, p);
  json_array_add_object_element (bodies, body_to_json (m));
  json_object_set_array_member (p, "bodies", bodies);
  if (m->ext)
    merge_members (ext, m->ext);
  json_object_set_object_member (p, "ext", ext);
  set_string (p, "from", m->from);
  set_string (p, "to", m->to);
  set_string (p, "type", ac_chat_type_to_rest (m->chat_type));
  return p;
}

static char *
object_to_string (JsonObject *o)
{
  g_autoptr (JsonNode) node = json_node_new (JSON_NODE_OBJECT);

  json_node_set_object (node, o);
  return json_to_string (node, FALSE);
}

char *
ac_message_to_payload_string (const AcMessage *m)
{
  g_autoptr (JsonObject) p = ac_message_to_payload (m);
  return object_to_string (p);
}

JsonObject *
ac_message_to_rest_meta (const AcMessage *m, const char *app_key)
{
  JsonObject *meta = json_object_new ();
  g_autofree char *payload = NULL;
  g_autofree char *id = NULL;

  g_return_val_if_fail (m != NULL, meta);
  if (m->from)
    {
      g_autoptr (AcJid) from = ac_jid_new (app_key, m->from, AC_DOMAIN_USER, m->from_resource);
      g_autofree char *s = ac_jid_to_string (from);
      json_object_set_string_member (meta, "from", s);
    }
  id = ac_id_to_string (m->id);
  json_object_set_string_member (meta, "id", id);
  payload = ac_message_to_payload_string (m);
  json_object_set_string_member (meta, "payload", payload);
  json_object_set_int_member (meta, "timestamp", (gint64) m->timestamp);
  if (m->to)
    {
      g_autoptr (AcJid) to =
        ac_jid_new (app_key, m->to, m->chat_type == AC_CHAT_SINGLE ? AC_DOMAIN_USER : AC_DOMAIN_GROUP, NULL);
      g_autofree char *s = ac_jid_to_string (to);
      json_object_set_string_member (meta, "to", s);
    }
  return meta;
}
