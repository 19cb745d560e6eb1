#include "request.h"
#include "reply.h"
#include "json-args.h"

void
request_clear (Request *req)
{
  for (guint i = 0; i < req->n_caps; i++) {
    g_free (req->cap_names[i]);
    g_free (req->cap_values[i]);
  }
  req->n_caps = 0;
  g_clear_pointer (&req->org, g_free);
  g_clear_pointer (&req->app, g_free);
  g_clear_pointer (&req->app_key, g_free);
  g_clear_pointer (&req->caller_user, g_free);
}

const char *
request_capture (Request *req, const char *name)
{
  for (guint i = 0; i < req->n_caps; i++)
    if (g_str_equal (req->cap_names[i], name))
      return req->cap_values[i];
  return NULL;
}

const char *
request_query (Request *req, const char *name)
{
  return g_hash_table_lookup (req->query, name);
}

gsize
request_body_length (Request *req)
{
  SoupMessageBody *body = soup_server_message_get_request_body (req->msg);

  return body ? (gsize) body->length : 0;
}

static GBytes *
body_bytes (Request *req)
{
  SoupMessageBody *body = soup_server_message_get_request_body (req->msg);

  return body ? soup_message_body_flatten (body) : NULL;
}

JsonNode *
request_body_json (Request *req)
{
  g_autoptr (GBytes) bytes = body_bytes (req);
  g_autoptr (JsonParser) parser = json_parser_new_immutable ();
  g_autoptr (GError) error = NULL;
  gsize len = 0;
  const char *data = bytes ? g_bytes_get_data (bytes, &len) : NULL;

  if (len == 0) {
    reply_error (req, SOUP_STATUS_BAD_REQUEST, "invalid_request_body",
                 "Request body not readable.Please check content type is correct!");
    return NULL;
  }
  if (!json_depth_ok (data, len, JSON_MAX_DEPTH)) {
    reply_errorf (req, SOUP_STATUS_BAD_REQUEST, "invalid_request_body",
                  "Request body not readable: JSON nested deeper than %d", JSON_MAX_DEPTH);
    return NULL;
  }
  if (!g_utf8_validate_len (data, len, NULL) ||
      !json_parser_load_from_data (parser, data, (gssize) len, &error) ||
      json_parser_get_root (parser) == NULL) {
    reply_errorf (req, SOUP_STATUS_BAD_REQUEST, "invalid_request_body",
                  "Request body not readable: %s", error ? error->message : "not UTF-8 JSON");
    return NULL;
  }
  return json_parser_steal_root (parser);
}

JsonObject *
request_body_object (Request *req, gboolean required, JsonNode **root)
{
  JsonNode *node;

  *root = NULL;
  if (!required && request_body_length (req) == 0) {
    *root = json_node_new (JSON_NODE_OBJECT);
    json_node_take_object (*root, json_object_new ());
    return json_node_get_object (*root);
  }
  node = request_body_json (req);
  if (node == NULL)
    return NULL;
  if (!JSON_NODE_HOLDS_OBJECT (node)) {
    json_node_unref (node);
    reply_error (req, SOUP_STATUS_BAD_REQUEST, "invalid_request_body",
                 "Request body must be a JSON object");
    return NULL;
  }
  *root = node;
  return json_node_get_object (node);
}

gboolean
request_query_int (Request *req, const char *name, gint64 def, gint64 min, gint64 max,
                   gint64 *out)
{
  const char *value = request_query (req, name);
  g_autoptr (GError) error = NULL;

  *out = def;
  if (value == NULL || value[0] == '\0')
    return TRUE;
  if (!g_ascii_string_to_signed (value, 10, min, max, out, &error)) {
    reply_errorf (req, SOUP_STATUS_BAD_REQUEST, "illegal_argument",
                  "parameter %s must be a number from %" G_GINT64_FORMAT " to %" G_GINT64_FORMAT
                  ", got \"%s\"", name, min, max, value);
    *out = def;
    return FALSE;
  }
  return TRUE;
}
